// TOML configuration with toml++; every value checked for type and range.
#include "server/config.h"

#include <toml++/toml.h>

#include <charconv>
#include <map>
#include <set>

namespace gk::server {
namespace {

Error ConfigError(const std::string& path, const std::string& key, const std::string& what) {
    return Error{"config", path + ": " + key + ": " + what};
}

// Reads an integer key if present; out-of-range or wrong type is an error.
Status ReadInt(const toml::table& t, const std::string& path, const char* section, const char* key,
               int64_t min, int64_t max, auto& out) {
    auto node = t[section][key];
    if (!node) return Ok{};
    auto v = node.template value<int64_t>();
    const std::string name = std::string(section) + "." + key;
    if (!v || !node.is_integer()) return ConfigError(path, name, "must be an integer");
    if (*v < min || *v > max) {
        return ConfigError(path, name,
                           "must be " + std::to_string(min) + ".." + std::to_string(max));
    }
    out = static_cast<std::remove_reference_t<decltype(out)>>(*v);
    return Ok{};
}

Status ReadString(const toml::table& t, const std::string& path, const char* section,
                  const char* key, std::string& out) {
    auto node = t[section][key];
    if (!node) return Ok{};
    if (!node.is_string())
        return ConfigError(path, std::string(section) + "." + key, "must be a string");
    out = *node.value<std::string>();
    return Ok{};
}

}  // namespace

Status ParseListen(const std::string& text, ServerConfig& config) {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
        return Error{"config", "--listen: expected HOST:PORT, got \"" + text + "\""};
    }
    std::string host = text.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    int port = -1;
    const std::string port_text = text.substr(colon + 1);
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 ||
        port > 65535) {
        return Error{"config", "--listen: bad port \"" + port_text + "\""};
    }
    config.listen_host = host;
    config.listen_port = port;
    return Ok{};
}

Status LoadConfigFile(const std::string& path, ServerConfig& c) {
    toml::table t;
    try {
        t = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        return Error{"config", path + ": " + std::string(e.description())};
    }
    // A misspelt key would otherwise be ignored without a word.
    static const std::map<std::string, std::set<std::string>> kKnown = {
        {"server",
         {"listen", "db", "public_url", "threads", "max_connections_per_client", "max_body_bytes",
          "keep_alive_seconds", "trust_forwarded_for", "trusted_proxies"}},
        {"tracking", {"max_misses", "window_seconds", "block_seconds"}},
        {"sync",
         {"max_batch_records", "max_feed_items", "enroll_code_ttl_hours", "terminal_burst",
          "terminal_per_minute"}},
        {"privacy", {"retention_days"}}};
    for (const auto& [section, node] : t) {
        auto known = kKnown.find(std::string(section.str()));
        if (known == kKnown.end() || !node.is_table()) {
            return ConfigError(path, std::string(section.str()), "unknown section");
        }
        for (const auto& [key, value] : *node.as_table()) {
            if (!known->second.count(std::string(key.str()))) {
                return ConfigError(path, known->first + "." + std::string(key.str()),
                                   "unknown key");
            }
        }
    }
    std::string listen;
    if (auto st = ReadString(t, path, "server", "listen", listen); !st) return st;
    if (!listen.empty()) {
        if (auto st = ParseListen(listen, c); !st)
            return ConfigError(path, "server.listen", st.error().message);
    }
    for (auto st :
         {ReadString(t, path, "server", "db", c.db_path),
          ReadString(t, path, "server", "public_url", c.public_url),
          ReadInt(t, path, "server", "threads", 1, 1024, c.threads),
          ReadInt(t, path, "server", "max_connections_per_client", 1, 1024,
                  c.max_connections_per_client),
          ReadInt(t, path, "server", "max_body_bytes", 1024, 64 << 20, c.max_body_bytes),
          ReadInt(t, path, "server", "keep_alive_seconds", 1, 60, c.keep_alive_seconds),
          ReadInt(t, path, "tracking", "max_misses", 1, 1000, c.tracking_max_misses),
          ReadInt(t, path, "tracking", "window_seconds", 1, 86400, c.tracking_window_seconds),
          ReadInt(t, path, "tracking", "block_seconds", 1, 3600, c.tracking_block_seconds),
          ReadInt(t, path, "sync", "max_batch_records", 1, 5000, c.max_batch_records),
          ReadInt(t, path, "sync", "max_feed_items", 1, 5000, c.max_feed_items),
          ReadInt(t, path, "sync", "enroll_code_ttl_hours", 1, 24 * 365, c.enroll_code_ttl_hours),
          ReadInt(t, path, "sync", "terminal_burst", 1, 100000, c.terminal_burst),
          ReadInt(t, path, "sync", "terminal_per_minute", 1, 1000000, c.terminal_per_minute),
          ReadInt(t, path, "privacy", "retention_days", 0, 3650, c.retention_days)}) {
        if (!st) return st;
    }
    if (auto node = t["server"]["trust_forwarded_for"]) {
        // The old switch believed any client's X-Forwarded-For. Kept only so that `false` still
        // loads; `true` must now say which proxies to believe.
        if (!node.is_boolean())
            return ConfigError(path, "server.trust_forwarded_for", "must be true or false");
        if (*node.value<bool>() && !t["server"]["trusted_proxies"]) {
            return ConfigError(path, "server.trust_forwarded_for",
                               "replaced by server.trusted_proxies (the proxies' addresses)");
        }
    }
    if (auto node = t["server"]["trusted_proxies"]) {
        const char* name = "server.trusted_proxies";
        if (!node.is_array())
            return ConfigError(path, name, "must be a list of IP addresses or CIDR ranges");
        c.trusted_proxies.clear();
        for (const toml::node& item : *node.as_array()) {
            auto text = item.value<std::string>();
            if (!item.is_string() || !text)
                return ConfigError(path, name, "must be a list of IP addresses or CIDR ranges");
            auto range = ParseIpRange(*text);
            if (!range) return ConfigError(path, name, range.error().message);
            c.trusted_proxies.push_back(*range);
        }
    }
    while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
    return Ok{};
}

}  // namespace gk::server
