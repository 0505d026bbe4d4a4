// gridkiosk-provision: the staff tool that sets a terminal up and looks after it.
//   enroll  redeems a one-time code (from `gridkiosk-server enroll-code`) at the server and writes
//           the terminal's number, kiosk id, grid, server and token into its database;
//   status  prints what the terminal is and how its queue stands.
// Exit codes: 0 ok, 2 bad arguments, 3 cannot open the database, 5 the server refused or
// could not be reached.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/receipt_code.h"
#include "kiosk/store/store.h"
#include "platform/clock.h"
#include "platform/http.h"
#include "platform/log.h"

namespace {

using nlohmann::json;

int Fail(int code, const std::string& reason) {
    std::fprintf(stderr, "gridkiosk-provision: %s\n", reason.c_str());
    return code;
}

int Enroll(const std::string& data_dir, std::string server, const std::string& code) {
    while (!server.empty() && server.back() == '/') server.pop_back();
    if (server.rfind("http://", 0) != 0 && server.rfind("https://", 0) != 0) {
        return Fail(2, "--server must start with http:// or https://");
    }
    gk::SystemClock clock;
    auto store = gk::Store::Open(data_dir, clock);
    if (!store) return Fail(3, "database: " + store.error().message);
    gk::HttpClient http;
    const gk::HttpResponse resp =
        http.PostJson(server + "/api/v1/enroll", json{{"code", code}}.dump());
    if (resp.status == 0) return Fail(5, "cannot reach " + server + " (" + resp.error + ")");
    const json reply = json::parse(resp.body, nullptr, false);
    if (!resp.ok()) {
        std::string why = "HTTP " + std::to_string(resp.status);
        if (reply.is_object() && reply.contains("error") && reply["error"].is_object()) {
            why += ": " + reply["error"].value("message", "");
        }
        return Fail(5, "enrollment refused: " + why);
    }
    if (!reply.is_object() || !reply.contains("token") || !reply["token"].is_string() ||
        !reply.contains("terminal_number") || !reply["terminal_number"].is_number_unsigned()) {
        return Fail(5, "enrollment reply is not understood");
    }
    const uint64_t number = reply["terminal_number"].get<uint64_t>();
    if (number == 0 || number > gk::kMaxTerminalNumber)
        return Fail(5, "server gave an invalid terminal number");
    gk::Store& s = **store;
    if (s.terminal_number() != 0 && s.terminal_number() != number) {
        // Receipt codes stay unique by construction only if a terminal's counter never restarts
        // under a number another terminal used; a new number keeps the counter, which is safe.
        gk::log::Warn("terminal number changes from " + std::to_string(s.terminal_number()) +
                      " to " + std::to_string(number));
    }
    for (const gk::Status& st :
         {s.set_terminal_number(static_cast<uint32_t>(number)),
          s.set_kiosk_id(reply.value("kiosk_id", "")),
          s.set_grid_path(reply.value("grid_path", "")), s.SetSetting("server_url", server),
          s.SetSetting("sync_token", reply["token"].get<std::string>()),
          s.SetSetting("server_public_key", reply.value("server_public_key", "")),
          s.RecordEvent("enrolled", "terminal number " + std::to_string(number))}) {
        if (!st) return Fail(3, "database: " + st.error().message);
    }
    std::printf("enrolled: kiosk %s, terminal number %llu, grid %s\n",
                reply.value("kiosk_id", "").c_str(), static_cast<unsigned long long>(number),
                reply.value("grid_path", "").c_str());
    return 0;
}

int Status(const std::string& data_dir) {
    gk::SystemClock clock;
    auto store = gk::Store::Open(data_dir, clock);
    if (!store) return Fail(3, "database: " + store.error().message);
    gk::Store& s = **store;
    const auto depth = s.QueueDepth();
    const auto oldest = s.OldestQueuedAt();
    const auto server = s.GetSetting("server_url");
    json out = {{"terminal_number", s.terminal_number()},
                {"kiosk_id", s.kiosk_id()},
                {"grid_path", s.grid_path()},
                {"server", server.ok() && server->has_value() ? **server : ""},
                {"queue_depth", depth.ok() ? *depth : -1},
                {"oldest_unsent_age_s",
                 oldest.ok() && oldest->has_value() ? clock.WallUnixMs() / 1000 - **oldest : 0}};
    json events = json::array();
    if (auto ev = s.RecentEvents(10); ev.ok()) {
        for (const auto& e : *ev)
            events.push_back({{"at", e.at_unix}, {"kind", e.kind}, {"detail", e.detail}});
    }
    out["events"] = events;
    std::printf("%s\n", out.dump(2).c_str());
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
    std::string data_dir, server, code;
    auto* enroll =
        cli.add_subcommand("enroll", "redeem a one-time enrollment code at the central server");
    enroll->add_option("--data-dir", data_dir, "the terminal's --data-dir")->required();
    enroll->add_option("--server", server, "central server, e.g. https://grid.example.cn")
        ->required();
    enroll->add_option("--code", code, "one-time code from `gridkiosk-server enroll-code`")
        ->required();
    auto* status =
        cli.add_subcommand("status", "print the terminal's identity, queue and recent events");
    status->add_option("--data-dir", data_dir, "the terminal's --data-dir")->required();
    try {
        cli.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return cli.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "gridkiosk-provision: %s (see --help)\n", e.what());
        return 2;
    }
    if (*enroll) return Enroll(data_dir, server, code);
    return Status(data_dir);
}
