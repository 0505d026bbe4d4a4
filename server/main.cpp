// gridkiosk-server: the central server's command line (CLI11).
//
//   serve --listen HOST:PORT --db FILE [--public-url URL] [--config FILE]
//   init --db FILE [--catalogue FILE.json]          schema, signing key, admin token (once)
//   enroll-code --db FILE --kiosk-id ID --grid PATH  one-time code for a terminal
//   request set-stage --db FILE CODE STAGE --note TEXT [--actor NAME]
//   request list --db FILE [--grid PATH] [--stage S] [--overdue]
//   catalogue load --db FILE FILE.json
//   api-key create --db FILE --name NAME [--role channel|reader]   key for an Open311 channel
//   api-key revoke --db FILE --name NAME
//   kiosk revoke --db FILE --kiosk-id ID             the terminal's token stops working
//   admin-token rotate --db FILE                     a new admin token; the old one stops working
//   audit --db FILE [--limit N]                      staff and admin writes, newest first
//   purge --db FILE [--retention-days N] [--config FILE]   personal fields of old closed requests
//   backup --db FILE --to FILE                       consistent copy, also while serving
//   --version
//
// Everything is created 0600 (umask 077 at start): the database holds the signing secret and
// residents' phone numbers. `serve` refuses a database other users can read.
//
// `serve` takes the texts it shows people from the i18n catalogue in the assets folder:
// $GRIDKIOSK_ASSETS, else the source tree's or /usr/share/gridkiosk/assets (platform/assets.h).
//
// Exit codes: 0 ok, 1 the operation was refused (unknown code, stale catalogue…), 2 bad
// arguments, config, assets or input file (one line on stderr), 3 cannot open the database.
#include <signal.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string_view>
#include <thread>

#include "core/request_json.h"
#include "platform/clock.h"
#include "platform/log.h"
#include "server/config.h"
#include "server/http_server.h"
#include "server/log_fields.h"
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

// Records a write that was done; exit 3 when the audit log cannot take it.
int AuditCli(Storage& storage, const std::string& action, const std::string& detail) {
    if (auto st = Audit(storage, CliActor(), action, detail, Now()); !st)
        return Fail(3, "done, but the audit log could not be written: " + st.error().message);
    return 0;
}

int LoadCatalogueFile(Storage& storage, const std::string& path) {
    std::string text;
    if (!ReadFile(path, text)) return Fail(2, "cannot read " + path);
    auto version = LoadCatalogue(storage, text, Now());
    if (!version) return StaffFailure(version.error());
    std::fprintf(stderr, "catalogue version %d loaded\n", *version);
    return AuditCli(storage, "catalogue_load", "version=" + std::to_string(*version));
}

// A database other users can read gives away the signing secret and residents' phones.
int RefuseOpenDatabase(const std::string& path) {
    for (const std::string& file : {path, path + "-wal"}) {
        struct stat st {};
        if (::stat(file.c_str(), &st) != 0) continue;
        if ((st.st_mode & S_IRWXO) != 0) {
            char mode[8];
            std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
            return Fail(2, file + " is open to every user (mode " + mode +
                               "); it holds secrets and phone numbers: chmod 600 " + file);
        }
    }
    return 0;
}

// Runs the retention purge at start and then every day, on its own connection, until stopped.
class PurgeTimer {
  public:
    PurgeTimer(std::unique_ptr<Storage> storage, int retention_days)
        : storage_(std::move(storage)), retention_days_(retention_days) {
        thread_ = std::thread([this] { Loop(); });
    }
    ~PurgeTimer() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }
    PurgeTimer(const PurgeTimer&) = delete;
    PurgeTimer& operator=(const PurgeTimer&) = delete;

  private:
    void Loop() {
        std::unique_lock lock(mutex_);
        while (!stop_) {
            lock.unlock();
            auto done = PurgeExpired(*storage_, retention_days_, Now());
            if (!done) {
                LogLine("purge_failed").Add("code", done.error().code).Error();
            } else {
                if (done->requests > 0) {
                    if (auto st = Audit(*storage_, "server", "purge",
                                        "requests=" + std::to_string(done->requests), Now());
                        !st) {
                        LogLine("audit_failed").Add("code", st.error().code).Error();
                    }
                }
                LogLine("purge_done")
                    .Add("requests", done->requests)
                    .Add("wal_truncated", done->wal_truncated ? "yes" : "no")
                    .Info();
            }
            lock.lock();
            wake_.wait_for(lock, std::chrono::hours(24), [this] { return stop_; });
        }
    }

    std::unique_ptr<Storage> storage_;
    const int retention_days_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;  // last: started once everything above exists
};

int Run(int argc, char** argv) {
    CLI::App app{"gridkiosk-server: the central server of 网格服务站 gridkiosk"};
    app.require_subcommand(1);
    std::string db, listen, public_url, config_path, catalogue_path, kiosk_id, grid, code, stage,
        note, actor, stage_filter, key_name;
    std::string role = "channel", backup_to;
    bool overdue = false;
    int limit = 100;
    int retention_days = -1;

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
    key_create->add_option("--role", role, "channel (files and reads) or reader (reads only)")
        ->check(CLI::IsMember({"channel", "reader"}));
    auto* key_revoke = api_key->add_subcommand("revoke", "stop a key from working");
    key_revoke->add_option("--db", db, "SQLite database file")->required();
    key_revoke->add_option("--name", key_name, "the key's channel name")->required();

    auto* kiosk = app.add_subcommand("kiosk", "enrolled terminals");
    kiosk->require_subcommand(1);
    auto* kiosk_revoke =
        kiosk->add_subcommand("revoke", "revoke a terminal: its token stops working at once");
    kiosk_revoke->add_option("--db", db, "SQLite database file")->required();
    kiosk_revoke->add_option("--kiosk-id", kiosk_id, "the terminal's name")->required();

    auto* admin_token = app.add_subcommand("admin-token", "the admin token");
    admin_token->require_subcommand(1);
    auto* rotate = admin_token->add_subcommand(
        "rotate", "make a new admin token (shown once); the old one stops working");
    rotate->add_option("--db", db, "SQLite database file")->required();

    auto* audit = app.add_subcommand("audit", "list staff and admin writes, newest first");
    audit->add_option("--db", db, "SQLite database file")->required();
    audit->add_option("--limit", limit, "at most this many")->check(CLI::Range(1, 100000));

    auto* purge = app.add_subcommand(
        "purge", "remove personal fields of requests closed longer than the retention period");
    purge->add_option("--db", db, "SQLite database file")->required();
    purge
        ->add_option("--retention-days", retention_days,
                     "days after closing (default: the config's, else 180)")
        ->check(CLI::Range(0, 3650));
    purge->add_option("--config", config_path, "TOML configuration file");

    auto* backup = app.add_subcommand("backup", "a consistent copy of the database (0600)");
    backup->add_option("--db", db, "SQLite database file")->required();
    backup->add_option("--to", backup_to, "the copy; must not exist")->required();

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
        if (int refused = RefuseOpenDatabase(config.db_path); refused != 0) return refused;
        // The purge timer's connection is opened (and migrated) before the server's, so the
        // two never run migrations at once; only on an existing file, so a missing database is
        // reported by RunServer after its own checks, as before. Signals are blocked before
        // the timer's thread starts, as RunServer does for its own, so SIGTERM reaches the
        // thread that waits for it.
        sigset_t signals;
        sigemptyset(&signals);
        sigaddset(&signals, SIGTERM);
        sigaddset(&signals, SIGINT);
        pthread_sigmask(SIG_BLOCK, &signals, nullptr);
        std::unique_ptr<PurgeTimer> timer;
        if (struct stat st{}; ::stat(config.db_path.c_str(), &st) == 0) {
            if (auto purge_storage = OpenSqliteStorage(config.db_path); purge_storage) {
                timer =
                    std::make_unique<PurgeTimer>(std::move(*purge_storage), config.retention_days);
            }
        }
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
        if (int audited = AuditCli(*storage, "init", ""); audited != 0) return audited;
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
        return AuditCli(*storage, "enroll_code", "kiosk_id=" + kiosk_id + " grid=" + grid);
    }
    if (set_stage->parsed()) {
        auto storage = OpenStore(db, exit_code);
        if (!storage) return exit_code;
        auto r = SetRequestStage(*storage, code, stage, note, actor, Now());
        if (!r) return StaffFailure(r.error());
        std::printf("%s %s\n", r->request.receipt_code.c_str(),
                    std::string(StageName(r->stage)).c_str());
        return AuditCli(*storage, "set_stage",
                        "code=" + r->request.receipt_code +
                            " stage=" + std::string(StageName(r->stage)) + " actor=" + actor);
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
        auto key = CreateApiKey(*storage, key_name, role, Now());
        if (!key) return StaffFailure(key.error());
        std::printf("api-key: %s\n", key->c_str());
        return AuditCli(*storage, "api_key_create", "name=" + key_name + " role=" + role);
    }
    if (key_revoke->parsed()) {
        auto storage = OpenStore(db, exit_code);
        if (!storage) return exit_code;
        if (auto st = RevokeApiKey(*storage, key_name, Now()); !st) return StaffFailure(st.error());
        std::fprintf(stderr, "API key %s revoked\n", key_name.c_str());
        return AuditCli(*storage, "api_key_revoke", "name=" + key_name);
    }
    if (kiosk_revoke->parsed()) {
        auto storage = OpenStore(db, exit_code);
        if (!storage) return exit_code;
        auto n = RevokeKiosk(*storage, kiosk_id, Now());
        if (!n) return StaffFailure(n.error());
        std::fprintf(stderr, "terminal %s revoked\n", kiosk_id.c_str());
        return AuditCli(*storage, "kiosk_revoke", "kiosk_id=" + kiosk_id);
    }
    if (rotate->parsed()) {
        auto storage = OpenStore(db, exit_code);
        if (!storage) return exit_code;
        auto token = RotateAdminToken(*storage);
        if (!token) {
            if (token.error().code == "not_initialised") return Fail(2, token.error().message);
            return StaffFailure(token.error());
        }
        std::printf("admin-token: %s\n", token->c_str());
        std::fprintf(stderr, "The old admin token no longer works. This one is shown once.\n");
        return AuditCli(*storage, "admin_token_rotate", "");
    }
    if (audit->parsed()) {
        auto storage = OpenStore(db, exit_code);
        if (!storage) return exit_code;
        auto rows = storage->ListAudit(limit);
        if (!rows) return StaffFailure(rows.error());
        // Stored texts came partly from HTTP clients: no control bytes reach the terminal.
        auto printable = [](std::string text) {
            for (char& c : text)
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
            return text;
        };
        std::printf("%-19s  %-24s  %-20s  %s\n", "WHEN (+08:00)", "WHO", "WHAT", "DETAIL");
        for (const auto& e : *rows) {
            std::printf("%-19s  %-24s  %-20s  %s\n", FormatChinaTime(e.at).substr(0, 19).c_str(),
                        printable(e.actor).c_str(), printable(e.action).c_str(),
                        printable(e.detail).c_str());
        }
        return 0;
    }
    if (purge->parsed()) {
        ServerConfig config;
        if (!config_path.empty()) {
            if (auto st = LoadConfigFile(config_path, config); !st)
                return Fail(2, st.error().message);
        }
        if (retention_days >= 0) config.retention_days = retention_days;
        auto storage = OpenStore(db, exit_code);
        if (!storage) return exit_code;
        auto done = PurgeExpired(*storage, config.retention_days, Now());
        if (!done) return StaffFailure(done.error());
        std::fprintf(stderr, "personal fields removed from %d request(s)%s\n", done->requests,
                     done->wal_truncated ? "" : "; the WAL is still in use and goes next time");
        return AuditCli(*storage, "purge",
                        "requests=" + std::to_string(done->requests) +
                            " retention_days=" + std::to_string(config.retention_days));
    }
    if (backup->parsed()) {
        auto storage = OpenStore(db, exit_code);
        if (!storage) return exit_code;
        if (auto st = storage->BackupTo(backup_to); !st) {
            if (st.error().code == "exists") return Fail(1, st.error().message);
            return Fail(3, "backup failed: " + st.error().message);
        }
        std::fprintf(stderr, "backup written to %s\n", backup_to.c_str());
        return 0;
    }
    return Fail(2, "no command");
}

}  // namespace
}  // namespace gk::server

int main(int argc, char** argv) {
    // Files this program makes (the database, its WAL, backups) are for its user only.
    ::umask(077);
    if (argc == 2 && std::string_view(argv[1]) == "--version") {
        std::printf("gridkiosk-server %s\n", GK_VERSION);
        return 0;
    }
    try {
        return gk::server::Run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "gridkiosk-server: %s\n", e.what());
        return 1;
    }
}
