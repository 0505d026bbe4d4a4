// gridkiosk-provision: the staff tool that sets a terminal up and looks after it.
//   enroll  redeems a one-time code (from `gridkiosk-server enroll-code`) at the server, checks
//           the whole reply, then writes the terminal's number, kiosk id, grid, server, token
//           and the server's public URL into its database in one transaction;
//   status  prints what the terminal is, how its queue stands, and what staff should fix.
// Exit codes: 0 ok, 2 bad arguments, config or enrollment reply (one line on stderr), 3 cannot
// open or write the database, 5 the server refused or could not be reached.
#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/json_limits.h"
#include "core/receipt_code.h"
#include "core/server_url.h"
#include "core/utf8.h"
#include "kiosk/app/config.h"
#include "kiosk/store/store.h"
#include "platform/clock.h"
#include "platform/http.h"
#include "platform/log.h"

namespace {

using nlohmann::json;

constexpr size_t kMaxReplyBytes = 64 * 1024;  // an enrollment reply is a few hundred bytes

int Fail(int code, const std::string& reason) {
    std::fprintf(stderr, "gridkiosk-provision: %s\n", reason.c_str());
    return code;
}

// The terminal's config (DIR/gridkiosk.toml unless --config): the operator's
// allow_insecure_http and public_url live there.
gk::Result<gk::KioskConfig> TerminalConfig(const std::string& data_dir,
                                           const std::string& config_path) {
    return config_path.empty() ? gk::LoadKioskConfig(data_dir + "/gridkiosk.toml", false)
                               : gk::LoadKioskConfig(config_path, true);
}

// [SECTION] The enrollment reply, checked as a whole before anything is written.

std::optional<std::string> StringOf(const json& reply, const char* key) {
    const auto it = reply.find(key);
    if (it == reply.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

bool IsKioskId(const std::string& id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    });
}

// 1..8 non-empty segments joined by '/', valid UTF-8, no control characters.
bool IsGridPath(const std::string& path) {
    if (path.empty() || path.size() > 200 || !gk::IsValidUtf8(path)) return false;
    if (std::any_of(path.begin(), path.end(), [](unsigned char c) { return c < 0x20; }))
        return false;
    int segments = 0;
    size_t start = 0;
    while (true) {
        const size_t slash = path.find('/', start);
        if (slash == start || start == path.size()) return false;
        ++segments;
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return segments <= 8;
}

bool IsPrintableToken(const std::string& t, size_t min, size_t max) {
    return t.size() >= min && t.size() <= max &&
           std::all_of(t.begin(), t.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

// The reply as an enrollment, or the one-line reason it is not one.
gk::Result<gk::TerminalEnrollment> ReadEnrollmentReply(const std::string& body,
                                                       const std::string& server,
                                                       bool allow_insecure_http) {
    const auto bad = [](const std::string& why) {
        return gk::Error{"bad_reply", "enrollment reply: " + why};
    };
    if (body.size() > kMaxReplyBytes) return bad("larger than 64 KiB");
    const json reply = gk::ParseUntrustedJsonOrDiscarded(body);
    if (!reply.is_object()) return bad("not a JSON object");
    gk::TerminalEnrollment e;
    e.server_url = server;
    const auto number = reply.find("terminal_number");
    if (number == reply.end() || !number->is_number_unsigned())
        return bad("terminal_number missing or not a positive integer");
    const uint64_t n = number->get<uint64_t>();
    if (n == 0 || n > gk::kMaxTerminalNumber)
        return bad("terminal_number outside 1.." + std::to_string(gk::kMaxTerminalNumber));
    e.terminal_number = static_cast<uint32_t>(n);
    const auto token = StringOf(reply, "token");
    if (!token || !IsPrintableToken(*token, 16, 256)) return bad("token missing or malformed");
    e.token = *token;
    const auto kiosk = StringOf(reply, "kiosk_id");
    if (!kiosk || !IsKioskId(*kiosk)) return bad("kiosk_id missing or not 1..64 of [A-Za-z0-9._-]");
    e.kiosk_id = *kiosk;
    const auto grid = StringOf(reply, "grid_path");
    if (!grid || !IsGridPath(*grid)) return bad("grid_path missing or not a grid path");
    e.grid_path = *grid;
    const auto key = StringOf(reply, "server_public_key");
    if (!key || key->size() != 64 || !std::all_of(key->begin(), key->end(), [](char c) {
            return std::isxdigit(static_cast<unsigned char>(c));
        })) {
        return bad("server_public_key missing or not 64 hex digits");
    }
    e.server_public_key = *key;
    if (const auto it = reply.find("public_url"); it != reply.end() && !it->is_null()) {
        if (!it->is_string()) return bad("public_url is not a string");
        const std::string url = it->get<std::string>();
        if (!url.empty()) {
            auto checked = gk::CheckServerUrl(url, allow_insecure_http);
            if (!checked) return bad("public_url: " + checked.error().message);
            e.public_url = checked->url;
        }
    }
    return e;
}

// [SECTION] Commands

int Enroll(const std::string& data_dir, const std::string& config_path, const std::string& server,
           const std::string& code, bool allow_insecure_flag) {
    auto config = TerminalConfig(data_dir, config_path);
    if (!config) return Fail(2, config.error().message);
    const bool allow_insecure = allow_insecure_flag || config->allow_insecure_http;
    auto checked = gk::CheckServerUrl(server, allow_insecure);
    if (!checked) return Fail(2, "--server: " + checked.error().message);
    if (checked->insecure) {
        gk::log::Warn("insecure: the server " + checked->url +
                      " is reached over plain http (allow_insecure_http)");
    }
    gk::SystemClock clock;
    auto store = gk::Store::Open(data_dir, clock);
    if (!store) return Fail(3, "database: " + store.error().message);
    gk::HttpClient http;
    const gk::HttpResponse resp =
        http.PostJson(checked->url + "/api/v1/enroll", json{{"code", code}}.dump());
    if (resp.status == 0) return Fail(5, "cannot reach " + checked->url + " (" + resp.error + ")");
    if (!resp.ok()) {
        std::string why = "HTTP " + std::to_string(resp.status);
        const json reply = gk::ParseUntrustedJsonOrDiscarded(
            std::string_view(resp.body).substr(0, kMaxReplyBytes));
        if (reply.is_object()) {
            const auto error = reply.find("error");
            if (error != reply.end() && error->is_object()) {
                if (auto message = StringOf(*error, "message")) why += ": " + *message;
            }
        }
        return Fail(5, "enrollment refused: " + why);
    }
    auto enrollment = ReadEnrollmentReply(resp.body, checked->url, allow_insecure);
    if (!enrollment) return Fail(2, enrollment.error().message);
    gk::Store& s = **store;
    if (s.terminal_number() != 0 && s.terminal_number() != enrollment->terminal_number) {
        // Receipt codes stay unique by construction only if a terminal's counter never restarts
        // under a number another terminal used; a new number keeps the counter, which is safe.
        gk::log::Warn("terminal number changes from " + std::to_string(s.terminal_number()) +
                      " to " + std::to_string(enrollment->terminal_number));
    }
    if (auto st = s.ApplyEnrollment(*enrollment); !st)
        return Fail(3, "database: " + st.error().message);
    std::printf("enrolled: kiosk %s, terminal number %u, grid %s\n", enrollment->kiosk_id.c_str(),
                enrollment->terminal_number, enrollment->grid_path.c_str());
    if (enrollment->public_url.empty() && config->public_url.empty()) {
        std::printf(
            "warning: the server gave no public URL: receipts show no QR code until one is "
            "configured (server public_url, or [server] public_url here)\n");
    }
    return 0;
}

int Status(const std::string& data_dir, const std::string& config_path) {
    gk::SystemClock clock;
    auto store = gk::Store::Open(data_dir, clock);
    if (!store) return Fail(3, "database: " + store.error().message);
    gk::Store& s = **store;
    const auto setting = [&](const char* key) {
        auto v = s.GetSetting(key);
        return v.ok() && v->has_value() ? **v : std::string();
    };
    json warnings = json::array();
    auto config = TerminalConfig(data_dir, config_path);
    if (!config) {
        warnings.push_back(config.error().message);
        config = gk::KioskConfig{};
    }
    // The same choices the terminal makes at start (kiosk/terminal.cpp).
    const std::string server =
        config->server_url.empty() ? setting("server_url") : config->server_url;
    const std::string public_url =
        config->public_url.empty() ? setting("public_url") : config->public_url;
    const std::string grid = s.grid_path().empty() ? config->grid_path : s.grid_path();
    const uint32_t number = s.terminal_number() != 0
                                ? s.terminal_number()
                                : static_cast<uint32_t>(config->terminal_number);
    if (number == 0) warnings.push_back("no_terminal_number: requests cannot be taken");
    if (grid.empty()) warnings.push_back("no_grid_path: requests cannot be taken");
    if (public_url.empty())
        warnings.push_back("no_public_url: receipts show no QR code; tracking is on the terminal");
    for (const auto& [name, url] : {std::pair{"server", server}, {"public_url", public_url}}) {
        if (url.empty()) continue;
        auto checked = gk::CheckServerUrl(url, config->allow_insecure_http);
        if (!checked)
            warnings.push_back(std::string(name) + ": " + checked.error().message);
        else if (checked->insecure)
            warnings.push_back(std::string("insecure_http: ") + name + " " + url +
                               " is plain http off this machine (allow_insecure_http)");
    }
    const auto depth = s.QueueDepth();
    const auto oldest = s.OldestQueuedAt();
    json out = {{"terminal_number", number},
                {"kiosk_id", s.kiosk_id()},
                {"grid_path", grid},
                {"server", server},
                {"public_url", public_url},
                {"queue_depth", depth.ok() ? *depth : -1},
                {"oldest_unsent_age_s",
                 oldest.ok() && oldest->has_value() ? clock.WallUnixMs() / 1000 - **oldest : 0},
                {"warnings", warnings}};
    json events = json::array();
    if (auto ev = s.RecentEvents(10); ev.ok()) {
        for (const auto& e : *ev)
            events.push_back({{"at", e.at_unix}, {"kind", e.kind}, {"detail", e.detail}});
    }
    out["events"] = events;
    std::printf("%s\n", out.dump(2, ' ', false, json::error_handler_t::replace).c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // `--version`: "NAME VERSION" (CMake's project version), exit 0, before anything else.
    if (argc == 2 && std::string_view(argv[1]) == "--version") {
        std::printf("gridkiosk-provision %s\n", GK_VERSION);
        return 0;
    }
    gk::log::SetProgramName("gridkiosk-provision");
    CLI::App cli{"gridkiosk-provision: set up and look after a gridkiosk terminal"};
    cli.require_subcommand(1);
    std::string data_dir, config_path, server, code;
    bool allow_insecure_http = false;
    auto* enroll =
        cli.add_subcommand("enroll", "redeem a one-time enrollment code at the central server");
    enroll->add_option("--data-dir", data_dir, "the terminal's --data-dir")->required();
    enroll->add_option("--server", server, "central server, e.g. https://grid.example.cn")
        ->required();
    enroll->add_option("--code", code, "one-time code from `gridkiosk-server enroll-code`")
        ->required();
    enroll->add_option("--config", config_path,
                       "the terminal's config (default DIR/gridkiosk.toml)");
    enroll->add_flag("--allow-insecure-http", allow_insecure_http,
                     "accept http:// to a host that is not this machine (warned)");
    auto* status =
        cli.add_subcommand("status", "print the terminal's identity, queue, warnings and events");
    status->add_option("--data-dir", data_dir, "the terminal's --data-dir")->required();
    status->add_option("--config", config_path,
                       "the terminal's config (default DIR/gridkiosk.toml)");
    try {
        cli.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return cli.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "gridkiosk-provision: %s (see --help)\n", e.what());
        return 2;
    }
    if (*enroll) return Enroll(data_dir, config_path, server, code, allow_insecure_http);
    return Status(data_dir, config_path);
}
