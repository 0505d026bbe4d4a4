// The tracking page /t/{code} on the real server: what it shows, what it never shows, the
// friendly page for unknown codes and the slowing down of repeated misses.
#include <gtest/gtest.h>

#include "core/receipt_code.h"
#include "tests/server/test_records.h"
#include "tests/server/test_server.h"

namespace gk::test {
namespace {

using nlohmann::json;

TestServer::Options SmallLimits() {
    TestServer::Options o;
    o.config_toml =
        "[server]\ntrust_forwarded_for = true\n"
        "[tracking]\nmax_misses = 3\nwindow_seconds = 60\nblock_seconds = 30\n";
    return o;
}

class TrackingPageTest : public ::testing::Test {
  protected:
    TrackingPageTest() : server_(SmallLimits()) {}
    void SetUp() override { terminal_ = server_.Enroll("zjc-01"); }

    ServiceRequest Upload(uint32_t counter, int64_t created_at = NowSeconds()) {
        ServiceRequest r =
            MakeRequest(terminal_.terminal_number, counter, "repair.streetlight", created_at);
        auto res = server_.Client().Post("/api/v1/records", Bearer(terminal_.token),
                                         Batch({RequestRecord(r)}).dump(), "application/json");
        EXPECT_TRUE(res && res->status == 200);
        EXPECT_EQ(json::parse(res->body)["results"][0]["result"], "accepted") << res->body;
        return r;
    }
    httplib::Result Track(const std::string& code, const std::string& from = "198.51.100.1") {
        return server_.Client().Get("/t/" + code, {{"X-Forwarded-For", from}});
    }

    TestServer server_;
    TestServer::Enrolled terminal_;
};

TEST_F(TrackingPageTest, ShowsCategoryStageAndHistoryButNeverDescriptionOrContact) {
    ServiceRequest r = Upload(0);
    auto cli = RunServerCli({"request", "set-stage", "--db", server_.db(), r.receipt_code,
                             "in_progress", "--note", "维修人员已到场 <b>", "--actor", "李师傅"});
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    auto res = Track(r.receipt_code);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    const std::string& html = res->body;
    EXPECT_NE(res->get_header_value("Content-Type").find("text/html"), std::string::npos);
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
    EXPECT_NE(html.find("lang=\"zh-CN\""), std::string::npos);
    EXPECT_NE(html.find("name=\"viewport\""), std::string::npos);
    EXPECT_NE(html.find("路灯不亮"), std::string::npos);          // category, zh
    EXPECT_NE(html.find("Street light out"), std::string::npos);  // and en
    EXPECT_NE(html.find("处置中"), std::string::npos);
    EXPECT_NE(html.find("In progress"), std::string::npos);
    EXPECT_NE(html.find("已受理"), std::string::npos);                    // history
    EXPECT_NE(html.find("维修人员已到场 &lt;b&gt;"), std::string::npos);  // notes escaped
    EXPECT_NE(html.find("预计办结"), std::string::npos);
    EXPECT_NE(html.find(FormatReceiptCode(r.receipt_code)), std::string::npos);
    EXPECT_EQ(html.find("Overdue"), std::string::npos);
    // Never the description, contact or the room inside the grid.
    EXPECT_EQ(html.find("SECRET-DESCRIPTION"), std::string::npos);
    EXPECT_EQ(html.find("路灯不亮，晚上很黑"), std::string::npos);
    EXPECT_EQ(html.find("13800138000"), std::string::npos);
    EXPECT_EQ(html.find("138****8000"), std::string::npos);
    EXPECT_EQ(html.find("王秘密"), std::string::npos);
    EXPECT_EQ(html.find("501"), std::string::npos);
}

TEST_F(TrackingPageTest, TypedFormsOfTheCodeWork) {
    ServiceRequest r = Upload(0);
    std::string typed = FormatReceiptCode(r.receipt_code);  // "ABCD EFGH …"
    for (auto& c : typed)
        c = c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto res = Track(typed);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    auto client = server_.Client();
    auto form = client.Get("/t?code=" + typed);
    ASSERT_TRUE(form);
    EXPECT_EQ(form->status, 303);
    EXPECT_EQ(form->get_header_value("Location"), "/t/" + r.receipt_code);
}

TEST_F(TrackingPageTest, OverdueRequestsSaySo) {
    ServiceRequest r = Upload(0, NowSeconds() - 10 * 86400);  // the streetlight SLA is 3 days
    auto res = Track(r.receipt_code);
    ASSERT_TRUE(res);
    EXPECT_NE(res->body.find("已超期"), std::string::npos);
    EXPECT_NE(res->body.find("Overdue"), std::string::npos);
}

TEST_F(TrackingPageTest, UnknownCodeGetsAFriendlyPage) {
    auto res = Track(MakeRequest(terminal_.terminal_number, 55).receipt_code);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404);
    EXPECT_NE(res->body.find("未找到"), std::string::npos);
    EXPECT_NE(res->body.find("not found"), std::string::npos);
    EXPECT_NE(res->body.find("<form"), std::string::npos);
    auto typo = Track("0000-0000-0000-0001");
    ASSERT_TRUE(typo);
    EXPECT_EQ(typo->status, 404);
}

TEST_F(TrackingPageTest, RepeatedMissesFromOneAddressAreSlowedDown) {
    ServiceRequest r = Upload(0);
    for (uint32_t i = 0; i < 3; ++i) {
        auto miss =
            Track(MakeRequest(terminal_.terminal_number, 100 + i).receipt_code, "203.0.113.9");
        ASSERT_TRUE(miss);
        EXPECT_EQ(miss->status, 404);
    }
    // Blocked now, even for a code that exists: walking is what is being stopped.
    auto blocked = Track(r.receipt_code, "203.0.113.9");
    ASSERT_TRUE(blocked);
    EXPECT_EQ(blocked->status, 429);
    EXPECT_FALSE(blocked->get_header_value("Retry-After").empty());
    EXPECT_GE(std::stoi(blocked->get_header_value("Retry-After")), 1);
    EXPECT_NE(blocked->body.find("Too many tries"), std::string::npos);
    // Open311 lookups by receipt code share the limit.
    auto open311 = server_.Client().Get("/open311/v2/requests/" + r.receipt_code + ".json",
                                        {{"X-Forwarded-For", "203.0.113.9"}});
    ASSERT_TRUE(open311);
    EXPECT_EQ(open311->status, 429);
    // Others are not affected.
    auto other = Track(r.receipt_code, "198.51.100.77");
    ASSERT_TRUE(other);
    EXPECT_EQ(other->status, 200);
}

}  // namespace
}  // namespace gk::test
