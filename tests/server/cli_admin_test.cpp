// The command line (exit codes, one-line reasons, staff commands), the admin HTTP API, and
// SIGTERM finishing a request that is in flight.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "tests/server/test_records.h"
#include "tests/server/test_server.h"

namespace gk::test {
namespace {

using nlohmann::json;

int Lines(const std::string& text) {
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

// A fresh database with the default catalogue, and no server running on it.
TestServer::Options NotStarted() {
    TestServer::Options o;
    o.start = false;
    return o;
}

TEST(ServerCli, BadArgumentsExit2WithOneLine) {
    TestServer server(NotStarted());
    const std::string& db = server.db();
    for (const auto& args : std::vector<std::vector<std::string>>{
             {},
             {"frobnicate"},
             {"serve", "--listen", "nonsense", "--db", db},
             {"serve", "--listen", "127.0.0.1:99999", "--db", db},
             {"serve", "--listen", "127.0.0.1:0"},
             {"serve", "--db", db, "--config", "/nonexistent/gk.toml"},
             {"enroll-code", "--db", db, "--kiosk-id", "k1"},
             {"enroll-code", "--db", db, "--kiosk-id", "bad id!", "--grid", "a/b"},
             {"enroll-code", "--db", db, "--kiosk-id", "k1", "--grid", "a//b"},
             {"request", "set-stage", "--db", db, "ABCD", "closed", "--note", "x"},
             {"request", "set-stage", "--db", db, MakeRequest(1, 1).receipt_code, "teleported",
              "--note", "x"},
             {"request", "list", "--db", db, "--stage", "nope"},
             {"catalogue", "load", "--db", db, "/nonexistent.json"},
             {"init", "--db", db},  // already initialised
         }) {
        CliResult r = RunServerCli(args);
        EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(args) << " -> " << r.err;
        EXPECT_EQ(Lines(r.err), 1) << ::testing::PrintToString(args) << " -> " << r.err;
    }
}

TEST(ServerCli, UnknownReceiptCodeExits1) {
    TestServer server(NotStarted());
    CliResult r = RunServerCli({"request", "set-stage", "--db", server.db(),
                                MakeRequest(1, 1).receipt_code, "closed", "--note", "x"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
}

TEST(ServerCli, ServeRefusesBadConfigAndUninitialisedDatabase) {
    TestServer server(NotStarted());
    const std::string config = server.dir() + "/bad.toml";
    std::ofstream(config) << "[server]\nthreadz = 4\n";
    CliResult bad =
        RunServerCli({"serve", "--listen", "127.0.0.1:0", "--db", server.db(), "--config", config});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("server.threadz: unknown key"), std::string::npos) << bad.err;
    std::ofstream(config) << "[tracking]\nmax_misses = \"five\"\n";
    EXPECT_EQ(
        RunServerCli({"serve", "--listen", "127.0.0.1:0", "--db", server.db(), "--config", config})
            .exit_code,
        2);
    CliResult fresh =
        RunServerCli({"serve", "--listen", "127.0.0.1:0", "--db", server.dir() + "/empty.db"});
    EXPECT_EQ(fresh.exit_code, 2);
    EXPECT_NE(fresh.err.find("init"), std::string::npos) << fresh.err;
    EXPECT_EQ(RunServerCli({"serve", "--listen", "127.0.0.1:0", "--db", "/nonexistent/dir/x.db"})
                  .exit_code,
              3);
}

class AdminTest : public ::testing::Test {
  protected:
    void SetUp() override {
        terminal_ = server_.Enroll("zjc-01");
        fresh_ = MakeRequest(terminal_.terminal_number, 0);
        old_ = MakeRequest(terminal_.terminal_number, 1, "repair.streetlight",
                           NowSeconds() - 10 * 86400);
        // A terminal files only into its own grid: the other grid's request comes from a
        // terminal enrolled there.
        const std::string other_grid = "西安市/碑林区/张家村街道/东关社区/第1网格";
        const Enrollment other = server_.Enroll("dg-01", other_grid);
        other_grid_ = MakeRequest(other.terminal_number, 0);
        other_grid_.grid_path = other_grid;
        auto res = server_.Client().Post("/api/v1/records", Bearer(terminal_.token),
                                         Batch({RequestRecord(fresh_), RequestRecord(old_)}).dump(),
                                         "application/json");
        ASSERT_TRUE(res && res->status == 200);
        res = server_.Client().Post("/api/v1/records", Bearer(other.token),
                                    Batch({RequestRecord(other_grid_)}).dump(), "application/json");
        ASSERT_TRUE(res && res->status == 200);
    }
    json AdminGet(const std::string& path, int status = 200) {
        auto res = server_.Client().Get(path, Bearer(server_.admin_token()));
        EXPECT_TRUE(res);
        if (!res) return json();
        EXPECT_EQ(res->status, status) << res->body;
        return json::parse(res->body, nullptr, false);
    }

    TestServer server_;
    Enrollment terminal_;
    ServiceRequest fresh_, old_, other_grid_;
};

TEST_F(AdminTest, RequestListByGridStageAndOverdue) {
    CliResult all = RunServerCli({"request", "list", "--db", server_.db()});
    ASSERT_EQ(all.exit_code, 0) << all.err;
    EXPECT_EQ(Lines(all.out), 4);  // header + 3
    EXPECT_EQ(all.out.find("SECRET-DESCRIPTION"), std::string::npos);
    EXPECT_EQ(all.out.find("13800138000"), std::string::npos);
    CliResult grid = RunServerCli(
        {"request", "list", "--db", server_.db(), "--grid", "西安市/碑林区/张家村街道/张家村社区"});
    EXPECT_EQ(Lines(grid.out), 3);
    EXPECT_EQ(grid.out.find(other_grid_.receipt_code), std::string::npos);
    CliResult overdue = RunServerCli({"request", "list", "--db", server_.db(), "--overdue"});
    EXPECT_EQ(Lines(overdue.out), 2);
    EXPECT_NE(overdue.out.find(old_.receipt_code), std::string::npos);
    EXPECT_NE(overdue.out.find("yes"), std::string::npos);
    CliResult set = RunServerCli({"request", "set-stage", "--db", server_.db(), fresh_.receipt_code,
                                  "dispatched", "--note", "已派遣"});
    ASSERT_EQ(set.exit_code, 0) << set.err;
    CliResult staged =
        RunServerCli({"request", "list", "--db", server_.db(), "--stage", "dispatched"});
    EXPECT_EQ(Lines(staged.out), 2);
    EXPECT_NE(staged.out.find(fresh_.receipt_code), std::string::npos);
}

TEST_F(AdminTest, AdminApiNeedsTheAdminToken) {
    auto no = server_.Client().Get("/api/v1/admin/requests");
    ASSERT_TRUE(no);
    EXPECT_EQ(no->status, 401);
    auto wrong = server_.Client().Get("/api/v1/admin/requests", Bearer(terminal_.token));
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 401);
    auto set = server_.Client().Post("/api/v1/admin/requests/" + fresh_.receipt_code + "/stage",
                                     Bearer(terminal_.token), R"({"stage":"closed","note":"x"})",
                                     "application/json");
    ASSERT_TRUE(set);
    EXPECT_EQ(set->status, 401);
    EXPECT_EQ(AdminGet("/api/v1/admin/requests?stage=closed")["requests"].size(), 0u);
}

TEST_F(AdminTest, AdminApiSetsStagesAndLists) {
    auto client = server_.Client();
    auto set = client.Post(
        "/api/v1/admin/requests/" + fresh_.receipt_code + "/stage", Bearer(server_.admin_token()),
        R"({"stage":"resolved","note":"已修好 Fixed","actor":"李师傅"})", "application/json");
    ASSERT_TRUE(set);
    ASSERT_EQ(set->status, 200) << set->body;
    json r = json::parse(set->body);
    EXPECT_EQ(r["stage"], "resolved");
    EXPECT_EQ(r["history"].back()["actor"], "李师傅");
    EXPECT_EQ(r["request"]["description"], fresh_.description);  // staff see the full request

    auto bad = client.Post("/api/v1/admin/requests/" + fresh_.receipt_code + "/stage",
                           Bearer(server_.admin_token()), R"({"stage":"flying","note":"x"})",
                           "application/json");
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    auto missing = client.Post(
        "/api/v1/admin/requests/" + MakeRequest(1, 99).receipt_code + "/stage",
        Bearer(server_.admin_token()), R"({"stage":"closed","note":"x"})", "application/json");
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 404);

    EXPECT_EQ(AdminGet("/api/v1/admin/requests?stage=resolved")["requests"].size(), 1u);
    json overdue = AdminGet("/api/v1/admin/requests?overdue=1")["requests"];
    ASSERT_EQ(overdue.size(), 1u);
    EXPECT_EQ(overdue[0]["receipt_code"], old_.receipt_code);
    EXPECT_TRUE(overdue[0]["overdue"]);
    EXPECT_EQ(AdminGet("/api/v1/admin/requests?grid=" +
                       httplib::detail::encode_query_param(
                           "西安市/碑林区/张家村街道/东关社区"))["requests"]
                  .size(),
              1u);
}

TEST_F(AdminTest, AdminApiMakesEnrollCodesAndPublishesCatalogues) {
    auto client = server_.Client();
    auto code =
        client.Post("/api/v1/admin/enroll-codes", Bearer(server_.admin_token()),
                    json{{"kiosk_id", "new-kiosk"}, {"grid_path", TestServer::kGrid}}.dump(),
                    "application/json");
    ASSERT_TRUE(code && code->status == 200);
    auto enroll =
        client.Post("/api/v1/enroll", json{{"code", json::parse(code->body)["code"]}}.dump(),
                    "application/json");
    ASSERT_TRUE(enroll && enroll->status == 200);
    EXPECT_EQ(json::parse(enroll->body)["terminal_number"], 3);  // after zjc-01 and dg-01

    std::ifstream in(std::string(GK_ASSETS_DIR) + "/catalogue.json");
    json catalogue = json::parse(in);
    catalogue["version"] = 2;
    catalogue["groups"][0]["services"].push_back(
        {{"code", "governance.test_new"},
         {"name", {{"zh", "新服务"}, {"en", "New service"}}},
         {"description", {{"zh", "测试"}, {"en", "Test"}}},
         {"attributes", {{"location_required", false}, {"contact_required", false}}},
         {"quick_phrases", json::array()},
         {"sla_days", 5}});
    auto put = client.Put("/api/v1/admin/catalogue", Bearer(server_.admin_token()),
                          catalogue.dump(), "application/json");
    ASSERT_TRUE(put);
    ASSERT_EQ(put->status, 200) << put->body;
    auto again = client.Put("/api/v1/admin/catalogue", Bearer(server_.admin_token()),
                            catalogue.dump(), "application/json");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 409);
    auto broken = client.Put("/api/v1/admin/catalogue", Bearer(server_.admin_token()),
                             "{\"version\":3}", "application/json");
    ASSERT_TRUE(broken);
    EXPECT_EQ(broken->status, 400);

    auto services = client.Get("/open311/v2/services/governance.test_new.json");
    ASSERT_TRUE(services);
    EXPECT_EQ(services->status, 200);
    auto feed = client.Get("/api/v1/feed", Bearer(terminal_.token));
    ASSERT_TRUE(feed && feed->status == 200);
    json items = json::parse(feed->body)["items"];
    ASSERT_EQ(items.size(), 1u);  // only the newest catalogue
    EXPECT_EQ(items[0]["version"], 2);
}

TEST(ServerShutdown, SigtermFinishesTheRequestInFlight) {
    TestServer server;
    Enrollment terminal = server.Enroll("zjc-01");
    ServiceRequest r = MakeRequest(terminal.terminal_number, 0);
    const std::string body = Batch({RequestRecord(r)}).dump();

    // Send the headers and half the body, then SIGTERM, then the rest.
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(server.port()));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    const std::string head =
        "POST /api/v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
        terminal.token +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n\r\n";
    const std::string first = head + body.substr(0, body.size() / 2);
    ASSERT_EQ(write(fd, first.data(), first.size()), static_cast<ssize_t>(first.size()));
    usleep(200'000);
    kill(server.pid(), SIGTERM);
    usleep(300'000);
    const std::string rest = body.substr(body.size() / 2);
    ASSERT_EQ(write(fd, rest.data(), rest.size()), static_cast<ssize_t>(rest.size()));
    std::string response;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) response.append(buf, static_cast<size_t>(n));
    close(fd);
    EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response;
    EXPECT_NE(response.find("\"accepted\""), std::string::npos) << response;
    EXPECT_EQ(server.Stop(), 0);
    // Stored for good: a new server on the same database has it.
    CliResult list = RunServerCli({"request", "list", "--db", server.db()});
    EXPECT_NE(list.out.find(r.receipt_code), std::string::npos);
    EXPECT_NE(server.Log().find("event=stopping signal=SIGTERM"), std::string::npos);
}

}  // namespace
}  // namespace gk::test
