// The service catalogue: strict parsing of the JSON document and look-ups by service code.
// Every problem becomes an Error naming its path ("groups[2].services[0].sla_days: ...");
// nothing throws, whatever the bytes (the document comes from a file or the network).
// Unknown keys are ignored so an older terminal still reads a newer server's catalogue.
#include "core/catalogue.h"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/json_limits.h"
#include "core/utf8.h"

namespace gk {

const Service* Catalogue::FindService(std::string_view code) const {
    for (const auto& group : groups) {
        for (const auto& service : group.services) {
            if (service.code == code) return &service;
        }
    }
    return nullptr;
}

const ServiceGroup* Catalogue::FindGroupOf(std::string_view service_code) const {
    for (const auto& group : groups) {
        for (const auto& service : group.services) {
            if (service.code == service_code) return &group;
        }
    }
    return nullptr;
}

size_t Catalogue::ServiceCount() const {
    size_t n = 0;
    for (const auto& group : groups) n += group.services.size();
    return n;
}

namespace {

using nlohmann::json;

constexpr size_t kMaxCodeChars = 40;
constexpr size_t kMaxTextChars = 200;  // code points; names and phrases are far shorter
constexpr int kMinSlaDays = 1, kMaxSlaDays = 365;

// A failed check: the path where it happened and what is wrong there.
struct Problem {
    std::string path;
    std::string what;
};

using Check = std::optional<Problem>;

std::string Join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string Index(const std::string& path, size_t i) {
    return path + "[" + std::to_string(i) + "]";
}

bool CodeCharsOk(std::string_view code) {
    for (char c : code) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

Check ReadCode(const json& object, const std::string& path, std::string& out) {
    const std::string at = Join(path, "code");
    const auto it = object.find("code");
    if (it == object.end()) return Problem{at, "required"};
    if (!it->is_string()) return Problem{at, "must be a string"};
    const auto& code = it->get_ref<const std::string&>();
    if (code.empty() || code.size() > kMaxCodeChars) return Problem{at, "must be 1..40 characters"};
    if (!CodeCharsOk(code)) return Problem{at, "only a-z 0-9 . _ - allowed"};
    out = code;
    return std::nullopt;
}

Check ReadString(const json& value, const std::string& path, std::string& out) {
    if (!value.is_string()) return Problem{path, "must be a string"};
    const auto& text = value.get_ref<const std::string&>();
    // nlohmann's parser already rejects invalid UTF-8; this guards values built in code.
    if (!IsValidUtf8(text)) return Problem{path, "invalid UTF-8"};
    if (CountCodePoints(text) > kMaxTextChars) return Problem{path, "longer than 200 characters"};
    out = text;
    return std::nullopt;
}

// {"zh": "...", "en": "..."}: zh required and non-empty, en optional.
Check ReadLocalText(const json& value, const std::string& path, LocalText& out) {
    if (!value.is_object()) return Problem{path, "must be an object {\"zh\",\"en\"}"};
    const auto zh = value.find("zh");
    if (zh == value.end()) return Problem{Join(path, "zh"), "required"};
    if (auto p = ReadString(*zh, Join(path, "zh"), out.zh)) return p;
    if (out.zh.empty()) return Problem{Join(path, "zh"), "must not be empty"};
    const auto en = value.find("en");
    if (en != value.end()) {
        if (auto p = ReadString(*en, Join(path, "en"), out.en)) return p;
    }
    return std::nullopt;
}

Check ReadBool(const json& object, const std::string& path, const char* key, bool& out) {
    const auto it = object.find(key);
    if (it == object.end()) return std::nullopt;  // keeps the default
    if (!it->is_boolean()) return Problem{Join(path, key), "must be true or false"};
    out = it->get<bool>();
    return std::nullopt;
}

// The array at object[key]; a problem when missing, not an array, or empty.
Check RequireArray(const json& object, const std::string& path, const char* key, const json*& out) {
    const auto it = object.find(key);
    if (it == object.end()) return Problem{Join(path, key), "required"};
    if (!it->is_array()) return Problem{Join(path, key), "must be an array"};
    if (it->empty()) return Problem{Join(path, key), "must not be empty"};
    out = &*it;
    return std::nullopt;
}

Check ReadService(const json& value, const std::string& path, Service& out) {
    if (!value.is_object()) return Problem{path, "must be an object"};
    if (auto p = ReadCode(value, path, out.code)) return p;

    const auto name = value.find("name");
    if (name == value.end()) return Problem{Join(path, "name"), "required"};
    if (auto p = ReadLocalText(*name, Join(path, "name"), out.name)) return p;

    const auto description = value.find("description");
    if (description != value.end()) {
        if (auto p = ReadLocalText(*description, Join(path, "description"), out.description)) {
            return p;
        }
    }

    const auto attributes = value.find("attributes");
    if (attributes != value.end()) {
        const std::string at = Join(path, "attributes");
        if (!attributes->is_object()) return Problem{at, "must be an object"};
        if (auto p =
                ReadBool(*attributes, at, "location_required", out.attributes.location_required)) {
            return p;
        }
        if (auto p =
                ReadBool(*attributes, at, "contact_required", out.attributes.contact_required)) {
            return p;
        }
    }

    if (auto p = ReadBool(value, path, "public", out.is_public)) return p;

    const auto phrases = value.find("quick_phrases");
    if (phrases != value.end()) {
        const std::string at = Join(path, "quick_phrases");
        if (!phrases->is_array()) return Problem{at, "must be an array"};
        for (size_t i = 0; i < phrases->size(); ++i) {
            LocalText phrase;
            if (auto p = ReadLocalText((*phrases)[i], Index(at, i), phrase)) return p;
            out.quick_phrases.push_back(std::move(phrase));
        }
    }

    // Required: an SLA is what makes "overdue" mean something.
    const std::string at = Join(path, "sla_days");
    const auto sla = value.find("sla_days");
    if (sla == value.end()) return Problem{at, "required"};
    if (!sla->is_number_integer()) return Problem{at, "must be an integer 1..365"};
    // Compare as int64 before narrowing: 4294967297 must not wrap into range.
    const int64_t days =
        sla->is_number_unsigned()
            ? static_cast<int64_t>(std::min<uint64_t>(sla->get<uint64_t>(), 1u << 30))
            : sla->get<int64_t>();
    if (days < kMinSlaDays || days > kMaxSlaDays) return Problem{at, "must be 1..365"};
    out.sla_days = static_cast<int>(days);
    return std::nullopt;
}

Check ReadGroup(const json& value, const std::string& path, ServiceGroup& out) {
    if (!value.is_object()) return Problem{path, "must be an object"};
    if (auto p = ReadCode(value, path, out.code)) return p;
    const auto name = value.find("name");
    if (name == value.end()) return Problem{Join(path, "name"), "required"};
    if (auto p = ReadLocalText(*name, Join(path, "name"), out.name)) return p;
    const auto icon = value.find("icon");
    if (icon != value.end()) {
        if (auto p = ReadString(*icon, Join(path, "icon"), out.icon)) return p;
    }
    // A tile that opens onto nothing is a dead end for the resident: a group needs services.
    const json* services = nullptr;
    if (auto p = RequireArray(value, path, "services", services)) return p;
    out.services.resize(services->size());
    for (size_t i = 0; i < services->size(); ++i) {
        if (auto p =
                ReadService((*services)[i], Index(Join(path, "services"), i), out.services[i])) {
            return p;
        }
    }
    return std::nullopt;
}

Check ReadCatalogue(const json& root, Catalogue& out) {
    if (!root.is_object()) return Problem{"(document)", "must be a JSON object"};
    const auto version = root.find("version");
    if (version == root.end()) return Problem{"version", "required"};
    if (!version->is_number_integer()) return Problem{"version", "must be an integer"};
    if (version->is_number_unsigned()
            ? version->get<uint64_t>() > INT32_MAX
            : (version->get<int64_t>() < 0 || version->get<int64_t>() > INT32_MAX)) {
        return Problem{"version", "must be 0..2147483647"};
    }
    out.version = static_cast<int>(version->get<int64_t>());

    const json* groups = nullptr;
    if (auto p = RequireArray(root, "", "groups", groups)) return p;
    out.groups.resize(groups->size());
    std::set<std::string, std::less<>> group_codes;
    std::set<std::string, std::less<>> service_codes;
    for (size_t g = 0; g < groups->size(); ++g) {
        const std::string path = Index("groups", g);
        if (auto p = ReadGroup((*groups)[g], path, out.groups[g])) return p;
        if (!group_codes.insert(out.groups[g].code).second) {
            return Problem{Join(path, "code"),
                           "duplicate group code \"" + out.groups[g].code + "\""};
        }
        // Service codes are unique across the whole catalogue: requests carry only the code.
        const auto& services = out.groups[g].services;
        for (size_t s = 0; s < services.size(); ++s) {
            if (!service_codes.insert(services[s].code).second) {
                return Problem{Join(Index(Join(path, "services"), s), "code"),
                               "duplicate service code \"" + services[s].code + "\""};
            }
        }
    }
    return std::nullopt;
}

}  // namespace

Result<Catalogue> ParseCatalogueJson(std::string_view json_text) {
    // Untrusted (it comes in the feed): nesting is bounded before anything is built.
    auto parsed = ParseUntrustedJson(json_text);
    if (!parsed) {
        return Error{"not_json", parsed.error().code == "too_deep"
                                     ? "catalogue: " + parsed.error().message
                                     : "catalogue: not a valid JSON document"};
    }
    const json& root = *parsed;
    Catalogue catalogue;
    if (auto problem = ReadCatalogue(root, catalogue)) {
        return Error{"invalid", problem->path + ": " + problem->what};
    }
    return catalogue;
}

}  // namespace gk
