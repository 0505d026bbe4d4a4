// Operating the server, through the real binaries: `--version` on all three programs, file
// modes (0600, a world-readable database refused), `backup` while the server runs, `purge` of
// personal fields (bytes gone from the database and its WAL, also by the server's daily
// timer), and the admin controls: API key and terminal revocation, admin token rotation and the
// audit log of every staff and admin write.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "platform/database.h"
#include "tests/server/test_records.h"
#include "tests/server/test_server.h"

namespace gk::test {
namespace {

using nlohmann::json;

constexpr const char* kPhone = "13912345678";

std::string Bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

unsigned Mode(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 0xFFFF;
    return st.st_mode & 07777;
}

int64_t FileSize(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
}

// Runs a command line and returns its exit status and stdout.
std::pair<int, std::string> Shell(const std::string& command) {
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return {-1, ""};
    std::string out;
    char buffer[256];
    while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
    const int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

int64_t CountRows(const std::string& db_path, const char* sql) {
    Database::Options o;
    o.wal = false;  // as the file says; a copy without its WAL reads the database file alone
    auto db = Database::Open(db_path, o);
    if (!db) return -1;
    auto q = (*db)->Prepare(sql);
    if (!q) return -1;
    auto row = q->Step();
    return row && *row ? q->Int(0) : -1;
}

// An Open311 request with a phone and a name; returns {id, receipt code}.
std::pair<std::string, std::string> PostWithPhone(const TestServer& server,
                                                  const std::string& api_key,
                                                  const std::string& service = "repair.road") {
    httplib::Params form = {{"api_key", api_key},
                            {"service_code", service},
                            {"description", "路面塌陷 SECRET-DESCRIPTION"},
                            {"attribute[grid_path]", TestServer::kGrid},
                            {"attribute[building]", "3号楼"},
                            {"attribute[room]", "501"},
                            {"phone", kPhone},
                            {"last_name", "王"},
                            {"first_name", "秘密"}};
    auto res = server.Client().Post("/open311/v2/requests.json", form);
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body : "no reply");
    if (!res || res->status != 200) return {};
    json j = json::parse(res->body);
    return {j[0]["service_request_id"].get<std::string>(), j[0]["receipt_code"].get<std::string>()};
}

TEST(ServerVersion, AllThreeProgramsPrintNameAndVersionAndExit0) {
    const std::string bin = GK_BINARY_DIR;
    for (const auto& [path, name] :
         {std::pair{bin + "/server/gridkiosk-server", "gridkiosk-server"},
          std::pair{bin + "/kiosk/gridkiosk", "gridkiosk"},
          std::pair{bin + "/provisioning/gridkiosk-provision", "gridkiosk-provision"}}) {
        auto [code, out] = Shell(path + " --version");
        EXPECT_EQ(code, 0) << path;
        EXPECT_EQ(out, std::string(name) + " " + GK_PROJECT_VERSION + "\n") << path;
    }
}

TEST(ServerFiles, DatabaseAndWalAre0600AndAWorldReadableDatabaseIsRefused) {
    TestServer server;
    const std::string key = server.ApiKey("web");
    PostWithPhone(server, key);
    EXPECT_EQ(Mode(server.db()), 0600u);
    ASSERT_GT(FileSize(server.db() + "-wal"), 0);
    EXPECT_EQ(Mode(server.db() + "-wal"), 0600u);
    EXPECT_EQ(Mode(server.db() + "-shm"), 0600u);
    server.Stop();

    ASSERT_EQ(::chmod(server.db().c_str(), 0644), 0);
    CliResult r = RunServerCli({"serve", "--listen", "127.0.0.1:0", "--db", server.db()});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("chmod 600"), std::string::npos) << r.err;
    ASSERT_EQ(::chmod(server.db().c_str(), 0600), 0);
    server.Start();  // and with the mode fixed it serves again
    EXPECT_TRUE(server.running());
}

TEST(ServerBackup, CopyWhileServingHoldsEveryRequestStillInTheWal) {
    TestServer server;
    const std::string key = server.ApiKey("web");
    for (int i = 0; i < 9; ++i) PostWithPhone(server, key);
    // The requests are in the WAL, not yet in the database file: a plain copy misses them.
    ASSERT_GT(FileSize(server.db() + "-wal"), 0);
    const std::string plain = server.dir() + "/plain-copy.db";
    std::filesystem::copy_file(server.db(), plain);
    EXPECT_LT(CountRows(plain, "SELECT COUNT(*) FROM requests"), 9);

    const std::string backup = server.dir() + "/backup.db";
    CliResult r = RunServerCli({"backup", "--db", server.db(), "--to", backup});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(server.running());
    EXPECT_EQ(Mode(backup), 0600u);
    EXPECT_FALSE(std::filesystem::exists(backup + ".tmp"));

    // Restore: the backup opens as a server database with every request.
    EXPECT_EQ(CountRows(backup, "SELECT COUNT(*) FROM requests"), 9);
    const std::string restored_db = server.dir() + "/restored.db";
    std::filesystem::copy_file(backup, restored_db);
    CliResult list = RunServerCli({"request", "list", "--db", restored_db});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_EQ(std::count(list.out.begin(), list.out.end(), '\n'), 10);  // header + 9

    // An existing file is never overwritten.
    CliResult again = RunServerCli({"backup", "--db", server.db(), "--to", backup});
    EXPECT_EQ(again.exit_code, 1) << again.err;
}

TEST(ServerPurge, PlantedPhoneIsGoneFromDatabaseAndWalBytes) {
    TestServer server;
    const std::string key = server.ApiKey("web");
    auto [closed_id, closed_code] = PostWithPhone(server, key);
    auto [open_id, open_code] = PostWithPhone(server, key, "repair.streetlight");
    ASSERT_EQ(RunServerCli({"request", "set-stage", "--db", server.db(), closed_code, "closed",
                            "--note", "已修复"})
                  .exit_code,
              0);
    auto both = [&] { return Bytes(server.db()) + Bytes(server.db() + "-wal"); };

    // The default retention keeps a request closed just now.
    CliResult kept = RunServerCli({"purge", "--db", server.db()});
    ASSERT_EQ(kept.exit_code, 0) << kept.err;
    EXPECT_NE(kept.err.find("from 0 request"), std::string::npos) << kept.err;

    CliResult r = RunServerCli({"purge", "--db", server.db(), "--retention-days", "0"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("from 1 request"), std::string::npos) << r.err;

    // The open request keeps its phone: exactly one copy of the number may be left.
    const std::string bytes = both();
    const size_t first = bytes.find(kPhone);
    ASSERT_NE(first, std::string::npos);
    EXPECT_EQ(bytes.find(kPhone, first + 1), std::string::npos) << "a purged copy is still there";
    ASSERT_EQ(RunServerCli({"request", "set-stage", "--db", server.db(), open_code, "closed",
                            "--note", "已修复"})
                  .exit_code,
              0);
    ASSERT_EQ(RunServerCli({"purge", "--db", server.db(), "--retention-days", "0"}).exit_code, 0);
    const std::string after = both();
    EXPECT_EQ(after.find(kPhone), std::string::npos);
    EXPECT_EQ(after.find("SECRET-DESCRIPTION"), std::string::npos);
    EXPECT_EQ(after.find("秘密"), std::string::npos);

    // The request itself stays, with its stage and history.
    auto got = server.Client().Get("/open311/v2/requests/" + closed_id + ".json?api_key=" + key);
    ASSERT_TRUE(got && got->status == 200);
    EXPECT_EQ(json::parse(got->body)[0]["status"], "closed");
}

TEST(ServerPurge, ServeRunsThePurgeAtStartAndDaily) {
    TestServer::Options o;
    o.config_toml = "[privacy]\nretention_days = 0\n";
    TestServer server(o);
    const std::string key = server.ApiKey("web");
    auto [id, code] = PostWithPhone(server, key);
    ASSERT_EQ(
        RunServerCli({"request", "set-stage", "--db", server.db(), code, "closed", "--note", "好"})
            .exit_code,
        0);
    server.Stop();
    server.Restart();
    // The first run is at start; wait for its log line (bounded).
    bool purged = false;
    for (int i = 0; i < 200 && !purged; ++i) {
        purged = server.Log().find("event=purge_done requests=1") != std::string::npos;
        if (!purged) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(purged) << server.Log();
    EXPECT_EQ(CountRows(server.db(), "SELECT COUNT(*) FROM requests WHERE purged_at IS NULL"), 0);
    EXPECT_EQ((Bytes(server.db()) + Bytes(server.db() + "-wal")).find(kPhone), std::string::npos);
    CliResult audit = RunServerCli({"audit", "--db", server.db()});
    EXPECT_NE(audit.out.find("purge"), std::string::npos) << audit.out;
}

// --- revocation, rotation, audit ----------------------------------------------------------------

TEST(ServerAdmin, RevokedApiKeyIsRefused) {
    TestServer server;
    const std::string key = server.ApiKey("web");
    auto ok = server.Client().Get("/open311/v2/requests.json?api_key=" + key);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
    CliResult r = RunServerCli({"api-key", "revoke", "--db", server.db(), "--name", "web"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto refused = server.Client().Get("/open311/v2/requests.json?api_key=" + key);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 403);
    EXPECT_EQ(RunServerCli({"api-key", "revoke", "--db", server.db(), "--name", "web"}).exit_code,
              1);
}

TEST(ServerAdmin, RevokedTerminalTokenIsRefused) {
    TestServer server;
    Enrollment terminal = server.Enroll("hall-01");
    auto feed = server.Client().Get("/api/v1/feed", Bearer(terminal.token));
    ASSERT_TRUE(feed);
    EXPECT_EQ(feed->status, 200) << feed->body;
    CliResult r = RunServerCli({"kiosk", "revoke", "--db", server.db(), "--kiosk-id", "hall-01"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto refused = server.Client().Get("/api/v1/feed", Bearer(terminal.token));
    ASSERT_TRUE(refused);
    EXPECT_TRUE(refused->status == 401 || refused->status == 403) << refused->status;
    ServiceRequest req = MakeRequest(terminal.terminal_number, 1);
    const json batch = Batch({RequestRecord(req)});
    auto upload = server.Client().Post("/api/v1/records", Bearer(terminal.token), batch.dump(),
                                       "application/json");
    ASSERT_TRUE(upload);
    EXPECT_TRUE(upload->status == 401 || upload->status == 403) << upload->status;
    EXPECT_EQ(
        RunServerCli({"kiosk", "revoke", "--db", server.db(), "--kiosk-id", "hall-01"}).exit_code,
        1);
}

TEST(ServerAdmin, RotatedAdminTokenReplacesTheOldOneOnTheRunningServer) {
    TestServer server;
    const std::string old_token = server.admin_token();
    auto before = server.Client().Get("/api/v1/admin/requests", Bearer(old_token));
    ASSERT_TRUE(before);
    EXPECT_EQ(before->status, 200);
    CliResult r = RunServerCli({"admin-token", "rotate", "--db", server.db()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string prefix = "admin-token: ";
    ASSERT_EQ(r.out.rfind(prefix, 0), 0u) << r.out;
    const std::string new_token = r.out.substr(prefix.size(), r.out.find('\n') - prefix.size());
    ASSERT_NE(new_token, old_token);
    auto old_refused = server.Client().Get("/api/v1/admin/requests", Bearer(old_token));
    ASSERT_TRUE(old_refused);
    EXPECT_EQ(old_refused->status, 401);
    auto fresh = server.Client().Get("/api/v1/admin/requests", Bearer(new_token));
    ASSERT_TRUE(fresh);
    EXPECT_EQ(fresh->status, 200);
}

TEST(ServerAdmin, AuditLogListsEveryStaffAndAdminWrite) {
    TestServer server;
    const std::string key = server.ApiKey("web");
    auto [id, code] = PostWithPhone(server, key);
    ASSERT_EQ(RunServerCli({"request", "set-stage", "--db", server.db(), code, "dispatched",
                            "--note", "已派单", "--actor", "李师傅"})
                  .exit_code,
              0);
    auto api = server.Client().Post(
        "/api/v1/admin/requests/" + code + "/stage", Bearer(server.admin_token()),
        json{{"stage", "closed"}, {"note", "已修复"}}.dump(), "application/json");
    ASSERT_TRUE(api);
    ASSERT_EQ(api->status, 200) << api->body;
    ASSERT_EQ(RunServerCli({"api-key", "revoke", "--db", server.db(), "--name", "web"}).exit_code,
              0);
    server.EnrollCode("hall-02");
    ASSERT_EQ(RunServerCli({"admin-token", "rotate", "--db", server.db()}).exit_code, 0);

    CliResult audit = RunServerCli({"audit", "--db", server.db()});
    ASSERT_EQ(audit.exit_code, 0) << audit.err;
    for (const char* expected :
         {"init", "catalogue_load", "api_key_create", "set_stage", "stage=dispatched",
          "actor=李师傅", "admin-api@127.0.0.1", "stage=closed", "api_key_revoke", "enroll_code",
          "kiosk_id=hall-02", "admin_token_rotate", "cli:"}) {
        EXPECT_NE(audit.out.find(expected), std::string::npos) << expected << "\n" << audit.out;
    }
    // Newest first.
    EXPECT_LT(audit.out.find("admin_token_rotate"), audit.out.find("api_key_revoke"));
}

}  // namespace
}  // namespace gk::test
