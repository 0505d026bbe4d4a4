// The JSON form of a service request (request_json.h), and the ISO 8601 times it carries.
// RequestFromJson reads whatever a peer sent: it checks every type before reading a value,
// so a malformed record is an Error naming the field, never an exception.
#include "core/request_json.h"

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/receipt_code.h"
#include "core/utf8.h"
#include "core/uuid.h"

namespace gk {
namespace {

using nlohmann::json;
namespace chrono = std::chrono;

constexpr int64_t kChinaOffsetSeconds = 8 * 3600;  // China Standard Time, no daylight saving
constexpr size_t kMaxFieldBytes = 64 * 1024;       // far above any rule; stops abuse early

Error Fail(std::string code, std::string message) {
    return Error{std::move(code), std::move(message)};
}

// Reads object[key] as a UTF-8 string into out; Error names the path.
std::optional<Error> ReadString(const json& object, std::string_view path, const char* key,
                                std::string& out) {
    const std::string at = path.empty() ? std::string(key) : std::string(path) + "." + key;
    const auto it = object.find(key);
    if (it == object.end()) return Fail("missing", at + ": required");
    if (!it->is_string()) return Fail("bad_type", at + ": must be a string");
    const auto& text = it->get_ref<const std::string&>();
    if (text.size() > kMaxFieldBytes) return Fail("too_long", at + ": too long");
    // A json value built in code (not parsed) may hold any bytes; never pass them on.
    if (!IsValidUtf8(text)) return Fail("bad_utf8", at + ": invalid UTF-8");
    out = text;
    return std::nullopt;
}

std::optional<Error> ReadBool(const json& object, std::string_view path, const char* key,
                              bool& out) {
    const std::string at = std::string(path) + "." + key;
    const auto it = object.find(key);
    if (it == object.end()) return Fail("missing", at + ": required");
    if (!it->is_boolean()) return Fail("bad_type", at + ": must be true or false");
    out = it->get<bool>();
    return std::nullopt;
}

std::optional<Error> RequireObject(const json& object, const char* key, const json*& out) {
    const auto it = object.find(key);
    if (it == object.end()) return Fail("missing", std::string(key) + ": required");
    if (!it->is_object()) return Fail("bad_type", std::string(key) + ": must be an object");
    out = &*it;
    return std::nullopt;
}

// Reads exactly n decimal digits at text[i]; advances i.
bool ReadDigits(std::string_view text, size_t& i, int n, int& out) {
    if (i + n > text.size()) return false;
    out = 0;
    for (int k = 0; k < n; ++k) {
        const char c = text[i + k];
        if (c < '0' || c > '9') return false;
        out = out * 10 + (c - '0');
    }
    i += n;
    return true;
}

bool Expect(std::string_view text, size_t& i, char c) {
    if (i >= text.size() || text[i] != c) return false;
    ++i;
    return true;
}

}  // namespace

std::string FormatChinaTime(int64_t unix_seconds) {
    const chrono::sys_seconds local{chrono::seconds{unix_seconds + kChinaOffsetSeconds}};
    const auto day = chrono::floor<chrono::days>(local);
    const chrono::year_month_day ymd{day};
    const chrono::hh_mm_ss hms{local - day};
    char out[40];
    std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02d+08:00",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
    return out;
}

bool ParseIsoTime(std::string_view text, int64_t& unix_seconds) {
    // YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM). The offset is required: a time without one
    // is ambiguous, and DESIGN.md §3.3 says datetimes carry a time zone.
    size_t i = 0;
    int year, month, day, hour, minute, second;
    if (!ReadDigits(text, i, 4, year) || !Expect(text, i, '-') || !ReadDigits(text, i, 2, month) ||
        !Expect(text, i, '-') || !ReadDigits(text, i, 2, day)) {
        return false;
    }
    if (i >= text.size() || (text[i] != 'T' && text[i] != 't' && text[i] != ' ')) return false;
    ++i;
    if (!ReadDigits(text, i, 2, hour) || !Expect(text, i, ':') || !ReadDigits(text, i, 2, minute) ||
        !Expect(text, i, ':') || !ReadDigits(text, i, 2, second)) {
        return false;
    }
    if (i < text.size() && text[i] == '.') {  // fractions of a second: read, then dropped
        ++i;
        const size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
        if (i == start) return false;
    }
    int offset_seconds = 0;
    if (i < text.size() && (text[i] == 'Z' || text[i] == 'z')) {
        ++i;
    } else if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
        const int sign = text[i] == '-' ? -1 : 1;
        ++i;
        int off_h, off_m;
        if (!ReadDigits(text, i, 2, off_h) || !Expect(text, i, ':') ||
            !ReadDigits(text, i, 2, off_m)) {
            return false;
        }
        if (off_h > 23 || off_m > 59) return false;
        offset_seconds = sign * (off_h * 3600 + off_m * 60);
    } else {
        return false;
    }
    if (i != text.size()) return false;

    const chrono::year_month_day ymd{chrono::year{year},
                                     chrono::month{static_cast<unsigned>(month)},
                                     chrono::day{static_cast<unsigned>(day)}};
    // second 60 is a leap second (RFC 3339); it reads as the first second of the next minute.
    if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) return false;
    const int64_t days = chrono::sys_days{ymd}.time_since_epoch().count();
    unix_seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
    return true;
}

json RequestToJson(const ServiceRequest& r) {
    // nlohmann's dump() throws on invalid UTF-8; sanitising here keeps every caller safe.
    // ValidateRequest has already refused such text from a resident, so this rarely bites.
    const auto text = [](const std::string& s) { return IsValidUtf8(s) ? s : SanitiseUtf8(s); };
    return json{
        {"uuid", text(r.uuid)},
        {"receipt_code", text(r.receipt_code)},
        {"service_code", text(r.service_code)},
        {"description", text(r.description)},
        {"location",
         {{"building", text(r.location.building)},
          {"unit", text(r.location.unit)},
          {"room", text(r.location.room)}}},
        {"contact",
         {{"name", text(r.contact.name)},
          {"phone", text(r.contact.phone)},
          {"by_proxy", r.contact.by_proxy},
          {"relation", text(r.contact.relation)}}},
        {"grid_path", text(r.grid_path)},
        {"lang", text(r.lang)},
        {"created_at", FormatChinaTime(r.created_at_unix)},
    };
}

Result<ServiceRequest> RequestFromJson(const json& object) {
    if (!object.is_object()) return Fail("bad_type", "request: must be a JSON object");
    ServiceRequest r;

    if (auto e = ReadString(object, "", "uuid", r.uuid)) return *e;
    if (!IsUuid(r.uuid)) return Fail("bad_uuid", "uuid: not a lower-case 8-4-4-4-12 UUID");

    if (auto e = ReadString(object, "", "receipt_code", r.receipt_code)) return *e;
    if (!ReceiptCheckOk(r.receipt_code)) {
        return Fail("bad_receipt", "receipt_code: not 16 Crockford characters with a good check");
    }

    if (auto e = ReadString(object, "", "service_code", r.service_code)) return *e;
    if (r.service_code.empty()) return Fail("missing", "service_code: must not be empty");
    if (auto e = ReadString(object, "", "description", r.description)) return *e;

    const json* location = nullptr;
    if (auto e = RequireObject(object, "location", location)) return *e;
    if (auto e = ReadString(*location, "location", "building", r.location.building)) return *e;
    if (auto e = ReadString(*location, "location", "unit", r.location.unit)) return *e;
    if (auto e = ReadString(*location, "location", "room", r.location.room)) return *e;

    const json* contact = nullptr;
    if (auto e = RequireObject(object, "contact", contact)) return *e;
    if (auto e = ReadString(*contact, "contact", "name", r.contact.name)) return *e;
    if (auto e = ReadString(*contact, "contact", "phone", r.contact.phone)) return *e;
    if (auto e = ReadBool(*contact, "contact", "by_proxy", r.contact.by_proxy)) return *e;
    if (auto e = ReadString(*contact, "contact", "relation", r.contact.relation)) return *e;

    if (auto e = ReadString(object, "", "grid_path", r.grid_path)) return *e;
    if (auto e = ReadString(object, "", "lang", r.lang)) return *e;
    if (r.lang != "zh" && r.lang != "en") return Fail("bad_lang", "lang: must be \"zh\" or \"en\"");

    std::string created_at;
    if (auto e = ReadString(object, "", "created_at", created_at)) return *e;
    if (!ParseIsoTime(created_at, r.created_at_unix)) {
        return Fail("bad_time", "created_at: not an ISO 8601 time with an offset");
    }
    return r;
}

}  // namespace gk
