// gridkiosk-server: the central server's command line (CLI11).
//
//   serve --listen HOST:PORT --db FILE [--public-url URL] [--config FILE]
//   init --db FILE [--catalogue FILE.json]          schema, signing key, admin token (once)
//   enroll-code --db FILE --kiosk-id ID --grid PATH  one-time code for a terminal
//   request set-stage --db FILE CODE STAGE --note TEXT [--actor NAME]
//   request list --db FILE [--grid PATH] [--stage S] [--overdue]
//   catalogue load --db FILE FILE.json
//   api-key create --db FILE --name NAME             key for an Open311 channel
//
// `serve` takes the texts it shows people from the i18n catalogue in the assets folder:
// $GRIDKIOSK_ASSETS, else the source tree's or /usr/share/gridkiosk/assets (platform/assets.h).
//
// Exit codes: 0 ok, 1 the operation was refused (unknown code, stale catalogue…), 2 bad
// arguments, config, assets or input file (one line on stderr), 3 cannot open the database.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/request_json.h"
#include "platform/clock.h"
#include "platform/log.h"
#include "server/config.h"
#include "server/http_server.h"
#include "server/staff.h"

namespace gk::server {
namespace {

int Fail(int code, const std::string& message) {
    std::fprintf(stderr, "gridkiosk-server: %s\n", message.c_str());
    return code;
}

int64_t Now() { return SystemClock().WallUnixMs() / 1000; }

// Opens the store for a one-shot command; on failure prints the reason and sets exit_code.
std::unique_ptr<Storage> OpenStore(const std::string& path, int& exit_code) {
    auto storage = OpenSqliteStorage(path);
    if (!storage) {
        exit_code = Fail(3, "cannot open database " + path + ": " + storage.error().message);
        return nullptr;
    }
    return std::move(*storage);
}

bool ReadFile(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream s;
    s << in.rdbuf();
    out = s.str();
    return true;
}

// Exit code for a failed staff operation.
int StaffFailure(const Error& e) {
    if (e.code == "bad_input") return Fail(2, e.message);
    if (e.code == "storage" || e.code == "busy") return Fail(3, e.message);
    return Fail(1, e.message);
}

int LoadCatalogueFile(Storage& storage, const std::string& path) {
    std::string text;
    if (!ReadFile(path, text)) return Fail(2, "cannot read " + path);
    auto version = LoadCatalogue(storage, text, Now());
    if (!version) return StaffFailure(version.error());
    std::fprintf(stderr, "catalogue version %d loaded\n", *version);
    return 0;
}

int Run(int argc, char** argv) {
    CLI::App app{"gridkiosk-server: the central server of 网格服务站 gridkiosk"};
    app.require_subcommand(1);
    std::string db, listen, public_url, config_path, catalogue_path, kiosk_id, grid, code, stage,
        note, actor, stage_filter, key_name;
    bool overdue = false;
    int limit = 100;

    auto* serve = app.add_subcommand("serve", "run the HTTP server");
    serve->add_option("--listen", listen, "HOST:PORT (port 0: any free port, printed)");
    serve->add_option("--db", db, "SQLite database file");
    serve->add_option("--public-url", public_url,
                      "base URL of tracking links, e.g. https://gk.example.cn");
    serve->add_option("--config", config_path, "TOML configuration file");

    auto* init = app.add_subcommand("init", "create the schema, signing key and admin token");
    init->add_option("--db", db, "SQLite database file")->required();
    init->add_option("--catalogue", catalogue_path,
                     "catalogue JSON to load (e.g. assets/catalogue.json)");

    auto* enroll =
        app.add_subcommand("enroll-code", "print a one-time enrollment code for a terminal");
    enroll->add_option("--db", db, "SQLite database file")->required();
    enroll->add_option("--kiosk-id", kiosk_id, "the terminal's name, [A-Za-z0-9._-]")->required();
    enroll->add_option("--grid", grid, "grid path 市/区/街道/社区/网格")->required();
    int ttl_hours = ServerConfig{}.enroll_code_ttl_hours;
    enroll->add_option("--ttl-hours", ttl_hours, "hours the code stays valid")
        ->check(CLI::Range(1, 24 * 365));

    auto* request = app.add_subcommand("request", "staff operations on requests");
    request->require_subcommand(1);
    auto* set_stage =
        request->add_subcommand("set-stage", "move a request to a stage, with a public note");
    set_stage->add_option("--db", db, "SQLite database file")->required();
    set_stage->add_option("code", code, "receipt code")->required();
    set_stage->add_option("stage", stage, "received dispatched in_progress resolved closed …")
        ->required();
    set_stage->add_option("--note", note, "note shown with the stage (public)")->required();
    set_stage->add_option("--actor", actor, "who made the change");
    auto* list = request->add_subcommand("list", "list requests");
    list->add_option("--db", db, "SQLite database file")->required();
    list->add_option("--grid", grid, "grid path or a node above it");
    list->add_option("--stage", stage_filter, "only this stage");
    list->add_flag("--overdue", overdue, "only open requests past their expected date");
    list->add_option("--limit", limit, "at most this many")->check(CLI::Range(1, 1000));

    auto* catalogue = app.add_subcommand("catalogue", "the service catalogue");
    catalogue->require_subcommand(1);
    auto* load = catalogue->add_subcommand("load", "load a catalogue document");
    load->add_option("--db", db, "SQLite database file")->required();
    load->add_option("file", catalogue_path, "catalogue JSON")->required();

    auto* api_key = app.add_subcommand("api-key", "Open311 API keys");
    api_key->require_subcommand(1);
    auto* key_create = api_key->add_subcommand("create", "make a key for a channel (shown once)");
    key_create->add_option("--db", db, "SQLite database file")->required();
    key_create->add_option("--name", key_name, "channel name, e.g. city-website")->required();

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::string what = e.what();
        if (const size_t nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
        return Fail(2, what);
    }

    int exit_code = 0;
    if (serve->parsed()) {
        log::SetProgramName("gridkiosk-server");
        ServerConfig config;
        if (!config_path.empty()) {
            if (auto st = LoadConfigFile(config_path, config); !st)
                return Fail(2, st.error().message);
        }
        if (!listen.empty()) {
            if (auto st = ParseListen(listen, config); !st) return Fail(2, st.error().message);
        }
        if (!db.empty()) config.db_path = db;
        if (!public_url.empty()) config.public_url = public_url;
        while (!config.public_url.empty() && config.public_url.back() == '/')
            config.public_url.pop_back();
        if (config.db_path.empty())
            return Fail(2, "--db FILE is required (or server.db in --config)");
        return RunServer(config);
    }
    if (init->parsed()) {
        auto storage = OpenStore(db, exit_code);
        if (!storage) return exit_code;
        auto token = InitServer(*storage);
        if (!token) {
            if (token.error().code == "already_initialised")
                return Fail(2, db + " is already initialised");
            return Fail(3, token.error().message);
        }
        std::printf("admin-token: %s\n", token->c_str());
        std::fprintf(stderr, "The admin token is shown only this once; keep it safe.\n");
        if (!catalogue_path.empty()) return LoadCatalogueFile(*storage, catalogue_path);
        return 0;
    }
    if (enroll->parsed()) {
        auto storage = OpenStore(db, exit_code);
        if (!storage) return exit_code;
        const int64_t now = Now();
        auto made = CreateEnrollCode(*storage, kiosk_id, grid, ttl_hours, now);
        if (!made) return StaffFailure(made.error());
        std::printf("%s\n", made->c_str());
        std::fprintf(stderr, "one-time code for %s, valid until %s\n", kiosk_id.c_str(),
                     FormatChinaTime(now + int64_t{ttl_hours} * 3600).c_str());
        return 0;
    }
    if (set_stage->parsed()) {
        auto storage = OpenStore(db, exit_code);
        if (!storage) return exit_code;
        auto r = SetRequestStage(*storage, code, stage, note, actor, Now());
        if (!r) return StaffFailure(r.error());
        std::printf("%s %s\n", r->request.receipt_code.c_str(),
                    std::string(StageName(r->stage)).c_str());
        return 0;
    }
    if (list->parsed()) {
        auto storage = OpenStore(db, exit_code);
        if (!storage) return exit_code;
        const int64_t now = Now();
        auto rows = ListForStaff(*storage, {grid, stage_filter, overdue, limit, 0}, now);
        if (!rows) return StaffFailure(rows.error());
        // No descriptions or contacts on a terminal screen: staff open those in the admin API.
        std::printf("%-16s  %-11s  %-7s  %-10s  %-24s  %s\n", "RECEIPT", "STAGE", "OVERDUE",
                    "EXPECTED", "SERVICE", "GRID");
        for (const auto& r : *rows) {
            std::printf("%-16s  %-11s  %-7s  %-10s  %-24s  %s\n", r.request.receipt_code.c_str(),
                        std::string(StageName(r.stage)).c_str(), IsOverdue(r, now) ? "yes" : "no",
                        FormatChinaTime(r.expected_at).substr(0, 10).c_str(),
                        r.request.service_code.c_str(), r.request.grid_path.c_str());
        }
        return 0;
    }
    if (load->parsed()) {
        auto storage = OpenStore(db, exit_code);
        if (!storage) return exit_code;
        return LoadCatalogueFile(*storage, catalogue_path);
    }
    if (key_create->parsed()) {
        auto storage = OpenStore(db, exit_code);
        if (!storage) return exit_code;
        auto key = CreateApiKey(*storage, key_name, Now());
        if (!key) return StaffFailure(key.error());
        std::printf("api-key: %s\n", key->c_str());
        return 0;
    }
    return Fail(2, "no command");
}

}  // namespace
}  // namespace gk::server

int main(int argc, char** argv) {
    try {
        return gk::server::Run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "gridkiosk-server: %s\n", e.what());
        return 1;
    }
}
