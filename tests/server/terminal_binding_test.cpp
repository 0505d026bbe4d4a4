// What a terminal's token may do, against the real server: file only into its own grid, rate
// only its own kiosk's requests (and learn nothing about other codes from the results), and
// no more than its request budget. Also what enrollment and uploads hand back: the server's
// public URL, and the server's own times for each request.
#include <gtest/gtest.h>

#include "tests/server/test_records.h"
#include "tests/server/test_server.h"

namespace gk::test {
namespace {

using nlohmann::json;

constexpr const char* kOtherGrid = "西安市/碑林区/张家村街道/张家村社区/第4网格";

json UploadOk(TestServer& server, const json& batch, const std::string& token) {
    auto res =
        server.Client().Post("/api/v1/records", Bearer(token), batch.dump(), "application/json");
    EXPECT_TRUE(res);
    if (!res) return json();
    EXPECT_EQ(res->status, 200) << res->body;
    return json::parse(res->body, nullptr, false)["results"];
}

TEST(TerminalBinding, RequestForAnotherGridIsRejectedPerRecordAndNotStored) {
    TestServer server;
    const Enrollment t = server.Enroll("zjc-01");  // enrolled into kGrid
    ServiceRequest own = MakeRequest(t.terminal_number, 0);
    ServiceRequest foreign = MakeRequest(t.terminal_number, 1);
    foreign.grid_path = kOtherGrid;
    const json results =
        UploadOk(server, Batch({RequestRecord(own), RequestRecord(foreign)}), t.token);
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0]["result"], "accepted");
    EXPECT_EQ(results[1]["result"], "rejected");
    EXPECT_EQ(results[1]["reason"], "grid_not_yours");
    EXPECT_EQ(server.CountTerminalRequests().requests, 1);
    // Sent again, it is refused again (nothing was stored under its uuid).
    const json again = UploadOk(server, Batch({RequestRecord(foreign)}), t.token);
    EXPECT_EQ(again[0]["reason"], "grid_not_yours");
}

TEST(TerminalBinding, RatingsOnlyForOwnRequestsAndForeignCodesLookUnknown) {
    TestServer server;
    const Enrollment a = server.Enroll("zjc-01");
    const Enrollment b = server.Enroll("zjc-02");
    ServiceRequest r = MakeRequest(a.terminal_number, 0);
    ASSERT_EQ(UploadOk(server, Batch({RequestRecord(r)}), a.token)[0]["result"], "accepted");
    // Not closed yet: another terminal must not even learn that the code exists.
    const std::string never_issued = MakeRequest(a.terminal_number, 999).receipt_code;
    const json open_foreign = UploadOk(server, Batch({RatingRecord(r.receipt_code, 1)}), b.token);
    const json unknown = UploadOk(server, Batch({RatingRecord(never_issued, 1)}), b.token);
    EXPECT_EQ(open_foreign[0]["result"], "rejected");
    EXPECT_EQ(open_foreign[0]["reason"], unknown[0]["reason"]);
    EXPECT_EQ(open_foreign[0].value("message", ""), unknown[0].value("message", ""));
    const CliResult closed = RunServerCli({"request", "set-stage", "--db", server.db(),
                                           r.receipt_code, "closed", "--note", "已结案"});
    ASSERT_EQ(closed.exit_code, 0) << closed.err;
    const json closed_foreign = UploadOk(server, Batch({RatingRecord(r.receipt_code, 1)}), b.token);
    EXPECT_EQ(closed_foreign[0]["result"], "rejected");
    EXPECT_EQ(closed_foreign[0]["reason"], "unknown_request");
    // Its own terminal rates it.
    EXPECT_EQ(UploadOk(server, Batch({RatingRecord(r.receipt_code, 5)}), a.token)[0]["result"],
              "accepted");
}

TEST(TerminalBinding, EachTokenHasItsOwnRequestBudget) {
    TestServer::Options options;
    options.config_toml = "[sync]\nterminal_burst = 5\nterminal_per_minute = 6\n";
    TestServer server(options);
    const Enrollment a = server.Enroll("zjc-01");
    const Enrollment b = server.Enroll("zjc-02");
    int ok = 0, limited = 0;
    std::string retry_after;
    for (int i = 0; i < 8; ++i) {
        auto res = server.Client().Get("/api/v1/feed", Bearer(a.token));
        ASSERT_TRUE(res);
        if (res->status == 200) ++ok;
        if (res->status == 429) {
            ++limited;
            retry_after = res->get_header_value("Retry-After");
        }
    }
    EXPECT_EQ(ok, 5);
    EXPECT_EQ(limited, 3);
    EXPECT_FALSE(retry_after.empty());
    EXPECT_GE(std::atoi(retry_after.c_str()), 1);
    // Uploads share the budget; the other terminal is not affected.
    auto upload = server.Client().Post("/api/v1/records", Bearer(a.token),
                                       Batch({HeartbeatRecord()}).dump(), "application/json");
    ASSERT_TRUE(upload);
    EXPECT_EQ(upload->status, 429);
    auto other = server.Client().Get("/api/v1/feed", Bearer(b.token));
    ASSERT_TRUE(other);
    EXPECT_EQ(other->status, 200);
}

TEST(EnrollmentReply, CarriesTheConfiguredPublicUrlOrNone) {
    TestServer::Options options;
    options.config_toml = "[server]\npublic_url = \"https://track.example.cn/\"\n";
    TestServer with(options);
    auto res = with.Client().Post("/api/v1/enroll", json{{"code", with.EnrollCode("a-1")}}.dump(),
                                  "application/json");
    ASSERT_TRUE(res && res->status == 200);
    EXPECT_EQ(json::parse(res->body)["public_url"], "https://track.example.cn");

    TestServer without;
    res = without.Client().Post("/api/v1/enroll", json{{"code", without.EnrollCode("a-1")}}.dump(),
                                "application/json");
    ASSERT_TRUE(res && res->status == 200);
    EXPECT_EQ(json::parse(res->body)["public_url"], "") << "no demo value";
}

// A terminal whose clock is a year behind: the server's receive time is the public request
// time, its SLA date counts from it, and the upload reply tells the terminal both.
TEST(ServerTimes, TerminalClockAYearBehindDoesNotMoveThePublicTimes) {
    TestServer server;
    const Enrollment t = server.Enroll("zjc-01");
    const int64_t now = NowSeconds();
    const int64_t year = 365 * 86400;
    ServiceRequest r = MakeRequest(t.terminal_number, 0, "repair.streetlight", now - year);
    const json accepted = UploadOk(server, Batch({RequestRecord(r)}), t.token);
    ASSERT_EQ(accepted[0]["result"], "accepted");
    int64_t received = 0, expected = 0;
    ASSERT_TRUE(ParseIsoTime(accepted[0].value("received_at", ""), received)) << accepted.dump();
    ASSERT_TRUE(ParseIsoTime(accepted[0].value("expected_at", ""), expected)) << accepted.dump();
    EXPECT_NEAR(received, now, 60);
    EXPECT_GT(expected, now) << "the promise is in the future, not a year ago";
    // A replay (the reply was lost) tells the same times.
    const json duplicate = UploadOk(server, Batch({RequestRecord(r)}), t.token);
    ASSERT_EQ(duplicate[0]["result"], "duplicate");
    EXPECT_EQ(duplicate[0]["received_at"], accepted[0]["received_at"]);
    EXPECT_EQ(duplicate[0]["expected_at"], accepted[0]["expected_at"]);
    // Open311's default list (recent requests) shows it, with the server's time.
    const std::string key = server.ApiKey("city-website");
    auto res = server.Client().Get("/open311/v2/requests.json?api_key=" + key);
    ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "");
    const json list = json::parse(res->body);
    ASSERT_EQ(list.size(), 1u) << "hidden from the default list by the terminal's clock";
    int64_t requested = 0;
    ASSERT_TRUE(ParseIsoTime(list[0]["requested_datetime"].get<std::string>(), requested));
    EXPECT_NEAR(requested, now, 60);
    int64_t terminal_time = 0;
    ASSERT_TRUE(ParseIsoTime(list[0]["extended_attributes"].value("terminal_created_datetime", ""),
                             terminal_time));
    EXPECT_EQ(terminal_time, now - year);
}

}  // namespace
}  // namespace gk::test
