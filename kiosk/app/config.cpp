// TOML config for the terminal (toml++), checked key by key.
#include "kiosk/app/config.h"

#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/server_url.h"

namespace gk {
namespace {

Error ConfigError(const std::string& key, const std::string& why) {
    return Error{"config", "config: " + key + ": " + why};
}

// Reads an optional string; wrong type is an error.
std::optional<Error> ReadString(const toml::table& t, const char* section, const char* name,
                                std::string& out, size_t max_len = 400) {
    const auto* node = t.get(name);
    if (!node) return std::nullopt;
    const std::string key = std::string(section) + "." + name;
    if (!node->is_string()) return ConfigError(key, "must be a string");
    std::string value = node->as_string()->get();
    if (value.size() > max_len) return ConfigError(key, "too long");
    out = std::move(value);
    return std::nullopt;
}

std::optional<Error> ReadInt(const toml::table& t, const char* section, const char* name, int& out,
                             int min, int max) {
    const auto* node = t.get(name);
    if (!node) return std::nullopt;
    const std::string key = std::string(section) + "." + name;
    if (!node->is_integer()) return ConfigError(key, "must be an integer");
    const int64_t v = node->as_integer()->get();
    if (v < min || v > max) {
        return ConfigError(key, "must be " + std::to_string(min) + ".." + std::to_string(max));
    }
    out = static_cast<int>(v);
    return std::nullopt;
}

std::optional<Error> ReadBool(const toml::table& t, const char* section, const char* name,
                              bool& out) {
    const auto* node = t.get(name);
    if (!node) return std::nullopt;
    if (!node->is_boolean())
        return ConfigError(std::string(section) + "." + name, "must be true or false");
    out = node->as_boolean()->get();
    return std::nullopt;
}

std::optional<Error> CheckKeys(const toml::table& t, const std::string& section,
                               const std::set<std::string>& known) {
    for (const auto& [k, v] : t) {
        if (!known.count(std::string(k.str()))) {
            return ConfigError(
                section.empty() ? std::string(k.str()) : section + "." + std::string(k.str()),
                "unknown key");
        }
    }
    return std::nullopt;
}

// The URL rule of core/server_url.h; normalises `url` (no trailing slash) when it holds.
std::optional<Error> CheckUrl(const char* key, std::string& url, bool allow_insecure_http) {
    if (url.empty()) return std::nullopt;
    auto checked = CheckServerUrl(url, allow_insecure_http);
    if (!checked) return ConfigError(key, checked.error().message);
    url = checked->url;
    return std::nullopt;
}

}  // namespace

Result<KioskConfig> ParseKioskConfig(std::string_view text) {
    toml::table root;
    try {
        root = toml::parse(text);
    } catch (const toml::parse_error& e) {
        std::ostringstream msg;
        msg << "config: line " << e.source().begin.line << ": " << e.description();
        return Error{"config", msg.str()};
    }
    KioskConfig c;
    if (auto e = CheckKeys(root, "", {"terminal", "ui", "server", "store"})) return *e;
    const auto section = [&](const char* name) -> Result<const toml::table*> {
        const auto* node = root.get(name);
        if (!node) return static_cast<const toml::table*>(nullptr);
        if (!node->is_table()) return ConfigError(name, "must be a table");
        return node->as_table();
    };

    auto terminal = section("terminal");
    if (!terminal) return terminal.error();
    if (const toml::table* t = *terminal) {
        if (auto e = CheckKeys(*t, "terminal", {"community", "grid_name", "grid_path", "number"})) {
            return *e;
        }
        if (auto e = ReadInt(*t, "terminal", "number", c.terminal_number, 0, (1 << 20) - 1))
            return *e;
        if (auto e = ReadString(*t, "terminal", "community", c.community, 120)) return *e;
        if (auto e = ReadString(*t, "terminal", "grid_name", c.grid_name, 120)) return *e;
        if (auto e = ReadString(*t, "terminal", "grid_path", c.grid_path, 400)) return *e;
    }
    auto ui = section("ui");
    if (!ui) return ui.error();
    if (const toml::table* t = *ui) {
        if (auto e = CheckKeys(*t, "ui",
                               {"lang", "idle_timeout_s", "countdown_s", "receipt_timeout_s",
                                "renderer", "damage_tracking", "font"})) {
            return *e;
        }
        if (auto e = ReadString(*t, "ui", "lang", c.lang)) return *e;
        if (c.lang != "zh" && c.lang != "en")
            return ConfigError("ui.lang", "must be \"zh\" or \"en\"");
        if (auto e = ReadInt(*t, "ui", "idle_timeout_s", c.idle_timeout_s, 20, 3600)) return *e;
        if (auto e = ReadInt(*t, "ui", "countdown_s", c.countdown_s, 5, 60)) return *e;
        if (auto e = ReadInt(*t, "ui", "receipt_timeout_s", c.receipt_timeout_s, 20, 3600))
            return *e;
        if (auto e = ReadString(*t, "ui", "renderer", c.renderer)) return *e;
        if (c.renderer != "auto" && c.renderer != "software" && c.renderer != "accelerated") {
            return ConfigError("ui.renderer", "must be \"auto\", \"software\" or \"accelerated\"");
        }
        if (auto e = ReadBool(*t, "ui", "damage_tracking", c.damage_tracking)) return *e;
        if (auto e = ReadString(*t, "ui", "font", c.font)) return *e;
        if (!c.font.empty() && !std::filesystem::exists(c.font)) {
            return ConfigError("ui.font", "file not found: " + c.font);
        }
    }
    if (c.countdown_s >= c.idle_timeout_s) {
        return ConfigError("ui.countdown_s", "must be shorter than ui.idle_timeout_s");
    }
    auto server = section("server");
    if (!server) return server.error();
    if (const toml::table* t = *server) {
        if (auto e = CheckKeys(*t, "server", {"url", "public_url", "allow_insecure_http"}))
            return *e;
        if (auto e = ReadBool(*t, "server", "allow_insecure_http", c.allow_insecure_http))
            return *e;
        if (auto e = ReadString(*t, "server", "url", c.server_url)) return *e;
        if (auto e = CheckUrl("server.url", c.server_url, c.allow_insecure_http)) return *e;
        if (auto e = ReadString(*t, "server", "public_url", c.public_url)) return *e;
        if (auto e = CheckUrl("server.public_url", c.public_url, c.allow_insecure_http)) return *e;
    }
    auto store = section("store");
    if (!store) return store.error();
    if (const toml::table* t = *store) {
        if (auto e = CheckKeys(*t, "store", {"max_queue", "duplicate_hint_days"})) return *e;
        if (auto e = ReadInt(*t, "store", "max_queue", c.max_queue, 10, 10000000)) return *e;
        if (auto e = ReadInt(*t, "store", "duplicate_hint_days", c.duplicate_hint_days, 0, 90))
            return *e;
    }
    return c;
}

Result<KioskConfig> LoadKioskConfig(const std::string& path, bool required) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (!required && !std::filesystem::exists(path)) return KioskConfig{};
        return Error{"config", "config: cannot read " + path};
    }
    std::stringstream text;
    text << in.rdbuf();
    return ParseKioskConfig(text.str());
}

void FillPlaceNamesFromGrid(KioskConfig& config) {
    std::vector<std::string> segments;
    std::string_view rest = config.grid_path;
    while (!rest.empty()) {
        const size_t slash = rest.find('/');
        segments.emplace_back(rest.substr(0, slash));
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    }
    if (config.grid_name.empty() && !segments.empty()) config.grid_name = segments.back();
    if (config.community.empty() && segments.size() >= 2) {
        config.community = segments[segments.size() - 2];
    }
}

std::string PlaceLine(const std::string& community, const std::string& grid_name) {
    if (community.empty()) return grid_name;
    if (grid_name.empty()) return community;
    return community + " · " + grid_name;
}

}  // namespace gk
