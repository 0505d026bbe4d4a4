// The terminal sync API against the real server: enrollment, batched uploads with a result per
// record, replays, conflicts, bad tokens, malformed and oversized bodies, the feed's cursor,
// and concurrent replays that must never make a duplicate.
#include <gtest/gtest.h>

#include <thread>

#include "tests/server/json_schema_check.h"
#include "tests/server/test_records.h"
#include "tests/server/test_server.h"

namespace gk::test {
namespace {

using nlohmann::json;

class SyncApiTest : public ::testing::Test {
  protected:
    void SetUp() override { terminal_ = server_.Enroll("zjc-01"); }

    httplib::Result Upload(const json& batch, const std::string& token) {
        return server_.Client().Post("/api/v1/records", Bearer(token), batch.dump(),
                                     "application/json");
    }
    json UploadOk(const json& batch) {
        auto res = Upload(batch, terminal_.token);
        EXPECT_TRUE(res);
        if (!res) return json();
        EXPECT_EQ(res->status, 200) << res->body;
        json body = json::parse(res->body, nullptr, false);
        auto errors = CheckJsonSchema(LoadSchema("sync_results.json"), body);
        EXPECT_TRUE(errors.empty()) << ::testing::PrintToString(errors);
        return body["results"];
    }
    void ExpectApiError(const httplib::Result& res, int status, const std::string& code) {
        ASSERT_TRUE(res);
        EXPECT_EQ(res->status, status) << res->body;
        json body = json::parse(res->body, nullptr, false);
        EXPECT_TRUE(CheckJsonSchema(LoadSchema("sync_error.json"), body).empty()) << res->body;
        if (body.is_object()) {
            EXPECT_EQ(body["error"]["code"], code) << res->body;
        }
    }
    // Everything the server holds, through the admin API.
    json AdminList() {
        auto res = server_.Client().Get("/api/v1/admin/requests?limit=1000",
                                        Bearer(server_.admin_token()));
        EXPECT_TRUE(res && res->status == 200);
        return res ? json::parse(res->body)["requests"] : json();
    }
    json Feed(const std::string& token, const std::string& cursor = "", int status = 200) {
        auto res = server_.Client().Get(
            "/api/v1/feed" + (cursor.empty() ? "" : "?cursor=" + cursor), Bearer(token));
        EXPECT_TRUE(res);
        if (!res) return json();
        EXPECT_EQ(res->status, status) << res->body;
        return json::parse(res->body, nullptr, false);
    }

    TestServer server_;
    Enrollment terminal_;
};

TEST_F(SyncApiTest, EnrollmentCodeIsOneTimeAndNumbersAreSequential) {
    EXPECT_EQ(terminal_.terminal_number, 1u);
    const std::string code = server_.EnrollCode("zjc-02", TestServer::kGrid);
    auto res =
        server_.Client().Post("/api/v1/enroll", json{{"code", code}}.dump(), "application/json");
    ASSERT_TRUE(res && res->status == 200);
    json j = json::parse(res->body);
    EXPECT_EQ(j["terminal_number"], 2);
    EXPECT_EQ(j["kiosk_id"], "zjc-02");
    EXPECT_EQ(j["grid_path"], TestServer::kGrid);
    EXPECT_EQ(j["server_public_key"].get<std::string>().size(), 64u);
    ExpectApiError(
        server_.Client().Post("/api/v1/enroll", json{{"code", code}}.dump(), "application/json"),
        403, "bad_enroll_code");
    ExpectApiError(
        server_.Client().Post("/api/v1/enroll", json{{"nope", 1}}.dump(), "application/json"), 400,
        "missing_field");
    // The token is never stored in clear.
    std::ifstream db(server_.db(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(db)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(j["token"].get<std::string>()), std::string::npos);
}

TEST_F(SyncApiTest, UploadGivesAResultPerRecordAndReplayIsDuplicate) {
    ServiceRequest r = MakeRequest(terminal_.terminal_number, 0);
    json batch = Batch({RequestRecord(r), HeartbeatRecord()});
    json first = UploadOk(batch);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[0]["result"], "accepted");
    EXPECT_EQ(first[0]["receipt_code"], r.receipt_code);
    EXPECT_EQ(first[0]["uuid"], r.uuid);
    EXPECT_EQ(first[1]["result"], "accepted");

    json replay = UploadOk(batch);
    EXPECT_EQ(replay[0]["result"], "duplicate");
    EXPECT_EQ(replay[0]["server_id"], first[0]["server_id"]);
    EXPECT_EQ(replay[0]["receipt_code"], r.receipt_code);
    EXPECT_EQ(replay[1]["result"], "duplicate");

    // Key order and spacing do not matter: the content is compared canonically.
    json reordered = json::parse(batch.dump(2));
    EXPECT_EQ(UploadOk(reordered)[0]["result"], "duplicate");
    EXPECT_EQ(AdminList().size(), 1u);
}

TEST_F(SyncApiTest, SameUuidWithOtherContentIsConflictAndChangesNothing) {
    ServiceRequest r = MakeRequest(terminal_.terminal_number, 0);
    UploadOk(Batch({RequestRecord(r)}));
    json before = AdminList();
    ServiceRequest changed = r;
    changed.description = "被篡改的内容";
    json out = UploadOk(Batch({RequestRecord(changed)}));
    EXPECT_EQ(out[0]["result"], "conflict");
    EXPECT_EQ(out[0]["status"], 422);
    EXPECT_EQ(out[0]["reason"], "uuid_reused");
    EXPECT_EQ(AdminList(), before);
}

TEST_F(SyncApiTest, RejectedRecordsSayWhyAndLeaveNothing) {
    ServiceRequest unknown_service = MakeRequest(terminal_.terminal_number, 1, "no.such.service");
    ServiceRequest empty_text = MakeRequest(terminal_.terminal_number, 2);
    empty_text.description = "   ";
    ServiceRequest not_mine = MakeRequest(terminal_.terminal_number + 7, 3);
    json bad_uuid = RequestRecord(MakeRequest(terminal_.terminal_number, 4));
    bad_uuid["uuid"] = "not-a-uuid";
    json bad_kind = HeartbeatRecord();
    bad_kind["kind"] = "selfie";
    json bad_rating = RatingRecord(MakeRequest(terminal_.terminal_number, 5).receipt_code, 9);
    ServiceRequest good = MakeRequest(terminal_.terminal_number, 6);

    json out = UploadOk(
        Batch({RequestRecord(unknown_service), RequestRecord(empty_text), RequestRecord(not_mine),
               bad_uuid, bad_kind, bad_rating, json("not an object"), RequestRecord(good)}));
    ASSERT_EQ(out.size(), 8u);
    EXPECT_EQ(out[0]["reason"], "unknown_service_code");
    EXPECT_EQ(out[1]["reason"], "invalid_fields");
    EXPECT_EQ(out[1]["problems"][0]["field"], "description");
    EXPECT_EQ(out[2]["reason"], "receipt_code_not_yours");
    EXPECT_EQ(out[3]["reason"], "bad_uuid");
    EXPECT_EQ(out[4]["reason"], "unknown_kind");
    EXPECT_EQ(out[5]["reason"], "bad_record");
    EXPECT_EQ(out[6]["reason"], "bad_record");
    for (int i = 0; i < 7; ++i) EXPECT_EQ(out[i]["result"], "rejected");
    EXPECT_EQ(out[7]["result"], "accepted");  // one bad record does not sink the batch
    json stored = AdminList();
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0]["receipt_code"], good.receipt_code);
    // A rejected record may be corrected and sent again under the same uuid.
    empty_text.description = "楼道灯坏了";
    EXPECT_EQ(UploadOk(Batch({RequestRecord(empty_text)}))[0]["result"], "accepted");
}

TEST_F(SyncApiTest, BadTokensAreRefused) {
    json batch = Batch({HeartbeatRecord()});
    ExpectApiError(server_.Client().Post("/api/v1/records", batch.dump(), "application/json"), 401,
                   "missing_token");
    ExpectApiError(Upload(batch, "wrong-token"), 401, "bad_token");
    ExpectApiError(server_.Client().Post("/api/v1/records", {{"Authorization", "Basic abc"}},
                                         batch.dump(), "application/json"),
                   401, "missing_token");
    ExpectApiError(Upload(batch, server_.admin_token()), 401,
                   "bad_token");  // admin is not a terminal
    // Re-enrolling the same kiosk revokes the old token.
    Enrollment again = server_.Enroll("zjc-01");
    ExpectApiError(Upload(batch, terminal_.token), 401, "bad_token");
    // …and codes made under the old number stay uploadable with the new token.
    auto res =
        Upload(Batch({RequestRecord(MakeRequest(terminal_.terminal_number, 9))}), again.token);
    ASSERT_TRUE(res && res->status == 200);
    EXPECT_EQ(json::parse(res->body)["results"][0]["result"], "accepted");
    ExpectApiError(server_.Client().Get("/api/v1/feed", Bearer("nope")), 401, "bad_token");
}

TEST_F(SyncApiTest, MalformedBodiesAreClearErrorsAndTheServerKeepsServing) {
    ExpectApiError(server_.Client().Post("/api/v1/records", Bearer(terminal_.token),
                                         "{\"records\": [", "application/json"),
                   400, "invalid_json");
    std::string bad_utf8 = Batch({HeartbeatRecord()}).dump();
    bad_utf8.insert(bad_utf8.find("0.1.0"), "\xc3\x28");
    ExpectApiError(server_.Client().Post("/api/v1/records", Bearer(terminal_.token), bad_utf8,
                                         "application/json"),
                   400, "invalid_utf8");
    ExpectApiError(Upload(json{{"records", "no"}}, terminal_.token), 400, "missing_field");
    ExpectApiError(Upload(json::array(), terminal_.token), 400, "missing_field");

    std::string huge = "{\"records\":[\"" + std::string(10 * 1024 * 1024, 'x') + "\"]}";
    ExpectApiError(
        server_.Client().Post("/api/v1/records", Bearer(terminal_.token), huge, "application/json"),
        413, "too_large");
    std::vector<json> many;
    for (int i = 0; i < 501; ++i) many.push_back(HeartbeatRecord());
    ExpectApiError(Upload(Batch(many), terminal_.token), 413, "too_many_records");
    ExpectApiError(server_.Client().Get("/api/v1/nothing"), 404, "not_found");

    auto health = server_.Client().Get("/api/v1/health");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    EXPECT_TRUE(AdminList().empty());
}

TEST_F(SyncApiTest, FeedCarriesCatalogueAndThisTerminalsStageChanges) {
    Enrollment other = server_.Enroll("other-kiosk");
    ServiceRequest r = MakeRequest(terminal_.terminal_number, 0);
    UploadOk(Batch({RequestRecord(r)}));

    json first = Feed(terminal_.token);
    ASSERT_EQ(first["items"].size(), 1u);
    EXPECT_EQ(first["items"][0]["type"], "catalogue");
    EXPECT_EQ(first["items"][0]["version"], 1);
    EXPECT_TRUE(first["items"][0]["catalogue"]["groups"].is_array());
    EXPECT_FALSE(first["more"]);
    const std::string cursor = first["cursor"];
    EXPECT_TRUE(Feed(terminal_.token, cursor)["items"].empty());

    auto cli = RunServerCli({"request", "set-stage", "--db", server_.db(), r.receipt_code,
                             "dispatched", "--note", "已派维修人员", "--actor", "李师傅"});
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    json next = Feed(terminal_.token, cursor);
    ASSERT_EQ(next["items"].size(), 1u);
    EXPECT_EQ(next["items"][0]["type"], "request_stage");
    EXPECT_EQ(next["items"][0]["uuid"], r.uuid);
    EXPECT_EQ(next["items"][0]["receipt_code"], r.receipt_code);
    EXPECT_EQ(next["items"][0]["stage"], "dispatched");
    EXPECT_EQ(next["items"][0]["note"], "已派维修人员");
    EXPECT_NE(next["items"][0]["at"].get<std::string>().find("+08:00"), std::string::npos);
    // The same cursor again gives the same items (a lost response is simply asked again).
    EXPECT_EQ(Feed(terminal_.token, cursor)["items"], next["items"]);

    json other_feed = Feed(other.token, cursor);
    EXPECT_TRUE(other_feed["items"].empty());  // not its request

    json err = Feed(terminal_.token, "999999", 409);
    EXPECT_EQ(err["error"]["code"], "cursor_ahead");
    EXPECT_EQ(Feed(terminal_.token, "abc", 400)["error"]["code"], "bad_cursor");
}

TEST_F(SyncApiTest, ConcurrentReplaysNeverMakeDuplicates) {
    std::vector<json> records;
    for (uint32_t i = 0; i < 50; ++i)
        records.push_back(RequestRecord(MakeRequest(terminal_.terminal_number, i)));
    const json batch = Batch(records);
    std::vector<std::thread> threads;
    std::atomic<int> accepted{0}, duplicate{0}, other{0};
    for (int t = 0; t < 6; ++t) {
        threads.emplace_back([&] {
            auto res = Upload(batch, terminal_.token);
            if (!res || res->status != 200) {
                other++;
                return;
            }
            const json body = json::parse(res->body);
            for (const auto& r : body["results"]) {
                if (r["result"] == "accepted")
                    accepted++;
                else if (r["result"] == "duplicate")
                    duplicate++;
                else
                    other++;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(accepted.load(), 50);
    EXPECT_EQ(duplicate.load(), 250);
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(AdminList().size(), 50u);
}

TEST_F(SyncApiTest, RatingAClosedRequestMarksItRated) {
    ServiceRequest r = MakeRequest(terminal_.terminal_number, 0);
    UploadOk(Batch({RequestRecord(r)}));
    EXPECT_EQ(UploadOk(Batch({RatingRecord(r.receipt_code, 4)}))[0]["reason"], "not_closed");
    RunServerCli({"request", "set-stage", "--db", server_.db(), r.receipt_code, "closed", "--note",
                  "已结案"});
    EXPECT_EQ(UploadOk(Batch({RatingRecord(r.receipt_code, 4)}))[0]["result"], "accepted");
    EXPECT_EQ(AdminList()[0]["stage"], "rated");
}

}  // namespace
}  // namespace gk::test
