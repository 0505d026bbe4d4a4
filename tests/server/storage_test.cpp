// The SQLite store on a real file: migrations, keys, enrollment, records (accepted, duplicate,
// conflict, rejected leaving nothing), stages, feed and listing.
#include "server/storage.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/catalogue.h"
#include "core/receipt_code.h"
#include "platform/database.h"
#include "server/records.h"
#include "server/secrets.h"
#include "server/staff.h"
#include "tests/server/test_records.h"

namespace gk::server {
namespace {

using test::MakeRequest;
using test::NowSeconds;

std::string ReadAssetCatalogue() {
    std::ifstream in(std::string(GK_ASSETS_DIR) + "/catalogue.json");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

class StorageTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("gk-storage-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        Open();
        ASSERT_TRUE(InitServer(*store_).ok());
        auto v = LoadCatalogue(*store_, ReadAssetCatalogue(), NowSeconds());
        ASSERT_TRUE(v.ok()) << v.error().message;
        catalogue_ = ParseCatalogueJson(ReadAssetCatalogue()).value();
    }
    void TearDown() override {
        store_.reset();
        std::filesystem::remove_all(dir_);
    }
    void Open() {
        store_.reset();
        auto s = OpenSqliteStorage((dir_ / "server.db").string());
        ASSERT_TRUE(s.ok()) << s.error().message;
        store_ = std::move(*s);
    }
    TerminalInfo Enroll(const std::string& kiosk) {
        auto code =
            CreateEnrollCode(*store_, kiosk, test::MakeRequest(1, 0).grid_path, 1, NowSeconds());
        EXPECT_TRUE(code.ok());
        auto t = store_->RedeemEnrollCode(HashToken(NormaliseEnrollCode(*code)),
                                          HashToken(NewToken()), NowSeconds());
        EXPECT_TRUE(t.ok()) << t.error().message;
        return *t;
    }
    // Runs a record through the same checks as the sync API.
    IncomingRecord Checked(const nlohmann::json& record, uint32_t number) {
        auto env = ParseEnvelope(record);
        EXPECT_TRUE(env.ok) << env.message;
        auto check = CheckRecord(env, catalogue_, {number}, NowSeconds());
        EXPECT_TRUE(check.ok) << check.reason << " " << check.message;
        return check.record;
    }
    int CountRequests() {
        RequestFilter f;
        f.limit = 1000;
        return static_cast<int>(store_->ListRequests(f)->size());
    }

    std::filesystem::path dir_;
    std::unique_ptr<Storage> store_;
    Catalogue catalogue_;
};

TEST_F(StorageTest, ReopeningKeepsSchemaAndKeys) {
    auto keys = store_->LoadKeys();
    ASSERT_TRUE(keys.ok());
    Open();
    auto again = store_->LoadKeys();
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(keys->admin_token_hash, again->admin_token_hash);
    EXPECT_EQ(again->sign_public_key.size(), 32u);
    EXPECT_EQ(again->sign_secret_key.size(), 64u);
    EXPECT_EQ(InitServer(*store_).error().code, "already_initialised");
}

TEST_F(StorageTest, EnrollmentCodeWorksOnceAndNumbersAreSequential) {
    const int64_t now = NowSeconds();
    auto code = CreateEnrollCode(*store_, "k1", "市/区/街道/社区/网格", 1, now);
    ASSERT_TRUE(code.ok());
    auto t1 =
        store_->RedeemEnrollCode(HashToken(NormaliseEnrollCode(*code)), HashToken("tok1"), now);
    ASSERT_TRUE(t1.ok());
    EXPECT_EQ(t1->terminal_number, 1u);
    auto again =
        store_->RedeemEnrollCode(HashToken(NormaliseEnrollCode(*code)), HashToken("tok2"), now);
    EXPECT_EQ(again.error().code, "bad_code");
    EXPECT_EQ(Enroll("k2").terminal_number, 2u);
    EXPECT_EQ(Enroll("k3").terminal_number, 3u);
    EXPECT_EQ(store_->FindTerminalByToken(HashToken("tok1"))->kiosk_id, "k1");
    EXPECT_EQ(store_->FindTerminalByToken(HashToken("tok2")).error().code, "not_found");
}

TEST_F(StorageTest, ExpiredEnrollmentCodeIsRefused) {
    const int64_t now = NowSeconds();
    auto code = CreateEnrollCode(*store_, "k1", "市/区", 1, now - 7200);  // valid one hour, two ago
    ASSERT_TRUE(code.ok());
    EXPECT_EQ(store_->RedeemEnrollCode(HashToken(NormaliseEnrollCode(*code)), HashToken("t"), now)
                  .error()
                  .code,
              "bad_code");
}

TEST_F(StorageTest, ReEnrollmentRevokesTheOldTokenAndKeepsOldNumbersUsable) {
    const int64_t now = NowSeconds();
    auto c1 = CreateEnrollCode(*store_, "kiosk", "市/区", 1, now);
    auto c2 = CreateEnrollCode(*store_, "kiosk", "市/区", 1, now);
    ASSERT_TRUE(
        store_->RedeemEnrollCode(HashToken(NormaliseEnrollCode(*c1)), HashToken("old"), now).ok());
    auto t2 = store_->RedeemEnrollCode(HashToken(NormaliseEnrollCode(*c2)), HashToken("new"), now);
    ASSERT_TRUE(t2.ok());
    EXPECT_EQ(t2->terminal_number, 2u);
    EXPECT_EQ(store_->FindTerminalByToken(HashToken("old")).error().code, "not_found");
    EXPECT_EQ(*store_->TerminalNumbersOfKiosk("kiosk"), (std::vector<uint32_t>{1, 2}));
}

TEST_F(StorageTest, AcceptedThenDuplicateThenConflict) {
    TerminalInfo t = Enroll("k1");
    ServiceRequest r = MakeRequest(t.terminal_number, 0);
    auto first = store_->StoreRecords(t, {Checked(test::RequestRecord(r), 1)}, NowSeconds());
    ASSERT_TRUE(first.ok()) << first.error().message;
    ASSERT_EQ((*first)[0].result, RecordResult::kAccepted);
    EXPECT_EQ((*first)[0].receipt_code, r.receipt_code);
    EXPECT_GT((*first)[0].server_id, 0);

    auto replay = store_->StoreRecords(t, {Checked(test::RequestRecord(r), 1)}, NowSeconds());
    ASSERT_EQ((*replay)[0].result, RecordResult::kDuplicate);
    EXPECT_EQ((*replay)[0].server_id, (*first)[0].server_id);
    EXPECT_EQ((*replay)[0].receipt_code, r.receipt_code);

    ServiceRequest changed = r;
    changed.description = "something else";
    auto conflict =
        store_->StoreRecords(t, {Checked(test::RequestRecord(changed), 1)}, NowSeconds());
    ASSERT_EQ((*conflict)[0].result, RecordResult::kConflict);
    EXPECT_EQ((*conflict)[0].reason, "uuid_reused");
    EXPECT_EQ(store_->FindRequestByReceipt(r.receipt_code)->request.description, r.description);
    EXPECT_EQ(CountRequests(), 1);
}

TEST_F(StorageTest, SameUuidTwiceInOneBatchStoresOnce) {
    TerminalInfo t = Enroll("k1");
    ServiceRequest r = MakeRequest(t.terminal_number, 0);
    auto rec = Checked(test::RequestRecord(r), 1);
    auto out = store_->StoreRecords(t, {rec, rec}, NowSeconds());
    ASSERT_TRUE(out.ok());
    EXPECT_EQ((*out)[0].result, RecordResult::kAccepted);
    EXPECT_EQ((*out)[1].result, RecordResult::kDuplicate);
    EXPECT_EQ(CountRequests(), 1);
}

TEST_F(StorageTest, ReceiptCodeUsedByAnotherUuidIsRejectedAndLeavesNothing) {
    TerminalInfo t = Enroll("k1");
    ServiceRequest a = MakeRequest(t.terminal_number, 5);
    ServiceRequest b = MakeRequest(t.terminal_number, 5);  // same code, new uuid
    ASSERT_EQ(a.receipt_code, b.receipt_code);
    ASSERT_EQ(
        (*store_->StoreRecords(t, {Checked(test::RequestRecord(a), 1)}, NowSeconds()))[0].result,
        RecordResult::kAccepted);
    auto out = store_->StoreRecords(t, {Checked(test::RequestRecord(b), 1)}, NowSeconds());
    ASSERT_EQ((*out)[0].result, RecordResult::kRejected);
    EXPECT_EQ((*out)[0].reason, "receipt_code_in_use");
    EXPECT_TRUE(store_->FindRecords({b.uuid})->empty());  // the uuid stays free
    EXPECT_EQ(CountRequests(), 1);
}

TEST_F(StorageTest, RatingNeedsAClosedRequestAndThenMarksItRated) {
    TerminalInfo t = Enroll("k1");
    ServiceRequest r = MakeRequest(t.terminal_number, 0);
    ASSERT_TRUE(store_->StoreRecords(t, {Checked(test::RequestRecord(r), 1)}, NowSeconds()).ok());
    auto early = test::RatingRecord(r.receipt_code, 5);
    auto out = store_->StoreRecords(t, {Checked(early, 1)}, NowSeconds());
    EXPECT_EQ((*out)[0].reason, "not_closed");
    EXPECT_TRUE(store_->FindRecords({early["uuid"]})->empty());

    ASSERT_TRUE(
        store_->SetStage(r.receipt_code, Stage::kClosed, "已结案", "张三", NowSeconds()).ok());
    out = store_->StoreRecords(t, {Checked(early, 1)}, NowSeconds());  // the same record, now fine
    EXPECT_EQ((*out)[0].result, RecordResult::kAccepted);
    auto stored = store_->FindRequestByReceipt(r.receipt_code);
    EXPECT_EQ(stored->stage, Stage::kRated);
    ASSERT_EQ(stored->history.size(), 3u);
    EXPECT_EQ(stored->history.back().actor, "resident");

    auto unknown = test::RatingRecord(MakeRequest(t.terminal_number, 99).receipt_code, 3);
    EXPECT_EQ((*store_->StoreRecords(t, {Checked(unknown, 1)}, NowSeconds()))[0].reason,
              "unknown_request");
}

TEST_F(StorageTest, SetStageAddsHistoryAndTellsOnlyThatKiosk) {
    TerminalInfo a = Enroll("kiosk-a");
    TerminalInfo b = Enroll("kiosk-b");
    ServiceRequest r = MakeRequest(a.terminal_number, 0);
    auto env = ParseEnvelope(test::RequestRecord(r));
    auto check = CheckRecord(env, catalogue_, {a.terminal_number}, NowSeconds());
    ASSERT_TRUE(check.ok);
    ASSERT_TRUE(store_->StoreRecords(a, {check.record}, NowSeconds()).ok());

    auto before_a = store_->ReadFeed("kiosk-a", 0, 100);
    ASSERT_TRUE(before_a.ok());
    ASSERT_EQ(before_a->events.size(), 1u);  // the catalogue
    EXPECT_EQ(before_a->events[0].kind, "catalogue");

    auto set =
        store_->SetStage(r.receipt_code, Stage::kDispatched, "已派维修人员", "李四", NowSeconds());
    ASSERT_TRUE(set.ok());
    EXPECT_EQ(set->stage, Stage::kDispatched);
    ASSERT_EQ(set->history.size(), 2u);
    EXPECT_EQ(set->history[1].note, "已派维修人员");

    auto feed_a = store_->ReadFeed("kiosk-a", before_a->last_seq, 100);
    ASSERT_EQ(feed_a->events.size(), 1u);
    EXPECT_EQ(feed_a->events[0].kind, "request_stage");
    auto item = nlohmann::json::parse(feed_a->events[0].payload_json);
    EXPECT_EQ(item["uuid"], r.uuid);
    EXPECT_EQ(item["stage"], "dispatched");
    EXPECT_TRUE(store_->ReadFeed("kiosk-b", before_a->last_seq, 100)->events.empty());
    (void)b;
    EXPECT_EQ(
        store_->SetStage(MakeRequest(1, 77).receipt_code, Stage::kClosed, "x", "y", 0).error().code,
        "not_found");
}

TEST_F(StorageTest, FeedReturnsOnlyTheNewestCatalogueAndPages) {
    std::string doc = ReadAssetCatalogue();
    auto j = nlohmann::json::parse(doc);
    j["version"] = 2;
    ASSERT_TRUE(LoadCatalogue(*store_, j.dump(), NowSeconds()).ok());
    EXPECT_EQ(LoadCatalogue(*store_, j.dump(), NowSeconds()).error().code, "unchanged");
    j["version"] = 1;
    EXPECT_EQ(LoadCatalogue(*store_, j.dump(), NowSeconds()).error().code, "stale_version");

    auto feed = store_->ReadFeed("k", 0, 100);
    ASSERT_EQ(feed->events.size(), 1u);
    EXPECT_EQ(nlohmann::json::parse(feed->events[0].payload_json)["version"], 2);

    TerminalInfo t = Enroll("k");
    for (uint32_t i = 0; i < 3; ++i) {
        ServiceRequest r = MakeRequest(t.terminal_number, i);
        ASSERT_TRUE(store_
                        ->StoreRecords(t, {Checked(test::RequestRecord(r), t.terminal_number)},
                                       NowSeconds())
                        .ok());
        ASSERT_TRUE(
            store_->SetStage(r.receipt_code, Stage::kDispatched, "n", "a", NowSeconds()).ok());
    }
    auto page1 = store_->ReadFeed("k", 0, 2);
    ASSERT_EQ(page1->events.size(), 2u);
    EXPECT_TRUE(page1->more);
    auto page2 = store_->ReadFeed("k", page1->events.back().seq, 2);
    ASSERT_EQ(page2->events.size(), 2u);
    EXPECT_FALSE(page2->more);
}

TEST_F(StorageTest, ListsByGridPrefixStageAndOverdue) {
    TerminalInfo t = Enroll("k1");
    const int64_t now = NowSeconds();
    ServiceRequest fresh = MakeRequest(t.terminal_number, 0);
    ServiceRequest old = MakeRequest(t.terminal_number, 1, "repair.streetlight", now - 20 * 86400);
    ServiceRequest elsewhere = MakeRequest(t.terminal_number, 2);
    elsewhere.grid_path = "西安市/碑林区/张家村街道/张家村社区2/第1网格";
    for (const auto& r : {fresh, old, elsewhere}) {
        ASSERT_EQ((*store_->StoreRecords(t, {Checked(test::RequestRecord(r), 1)}, now))[0].result,
                  RecordResult::kAccepted);
    }
    auto list = [&](StaffListQuery q) {
        std::vector<std::string> codes;
        auto rows = ListForStaff(*store_, q, now);
        EXPECT_TRUE(rows.ok());
        if (rows) {
            for (const auto& r : *rows) codes.push_back(r.request.receipt_code);
        }
        return codes;
    };
    EXPECT_EQ(list({"西安市/碑林区/张家村街道/张家村社区", "", false, 100, 0}),
              (std::vector<std::string>{fresh.receipt_code, old.receipt_code}));
    EXPECT_EQ(list({"西安市/碑林区", "", false, 100, 0}).size(), 3u);
    EXPECT_TRUE(
        list({"西安市/碑林", "", false, 100, 0}).empty());  // a prefix of a name is not a node
    EXPECT_EQ(list({"", "", true, 100, 0}), (std::vector<std::string>{old.receipt_code}));
    ASSERT_TRUE(store_->SetStage(old.receipt_code, Stage::kClosed, "done", "a", now).ok());
    EXPECT_TRUE(list({"", "", true, 100, 0}).empty());  // closed is never overdue
    EXPECT_EQ(list({"", "closed", false, 100, 0}), (std::vector<std::string>{old.receipt_code}));
    EXPECT_EQ(ListForStaff(*store_, {"", "no_such_stage", false, 100, 0}, now).error().code,
              "bad_input");
}

TEST_F(StorageTest, ServerRequestsUseTerminalZeroAndTheirOwnCounter) {
    auto keys = store_->LoadKeys();
    ReceiptSecret secret{};
    std::copy(keys->receipt_secret.begin(), keys->receipt_secret.end(), secret.begin());
    std::vector<std::string> codes;
    for (int i = 0; i < 3; ++i) {
        ServiceRequest r = MakeRequest(0, 0);
        r.receipt_code.clear();
        auto stored = store_->CreateServerRequest(
            r, NowSeconds() + 86400, NowSeconds(),
            [&](uint32_t counter) { return MakeReceiptCode(0, counter, secret); });
        ASSERT_TRUE(stored.ok()) << stored.error().message;
        auto parts = DecodeReceiptCode(stored->request.receipt_code);
        EXPECT_EQ(parts->terminal_number, 0u);
        EXPECT_EQ(parts->counter, static_cast<uint32_t>(i));
        EXPECT_TRUE(ReceiptTagOk(stored->request.receipt_code, secret));
        EXPECT_EQ(stored->channel, "open311");
    }
}

// Stores one server-channel request and returns its receipt code.
std::string StoreServerRequest(Storage& store, const std::string& service = "repair.streetlight") {
    auto keys = store.LoadKeys();
    ReceiptSecret secret{};
    std::copy(keys->receipt_secret.begin(), keys->receipt_secret.end(), secret.begin());
    ServiceRequest r = MakeRequest(0, 0, service);
    r.receipt_code.clear();
    auto stored = store.CreateServerRequest(
        r, NowSeconds() + 86400, NowSeconds(),
        [&](uint32_t counter) { return MakeReceiptCode(0, counter, secret); });
    EXPECT_TRUE(stored.ok()) << stored.error().message;
    return stored ? stored->request.receipt_code : std::string();
}

// Fault injection through a second connection: a trigger that, for a note "trap", inserts a
// row violating a deferred foreign key, so the statements succeed and COMMIT fails.
void PlantCommitTrap(const std::string& db_path) {
    auto db = Database::Open(db_path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)
                    ->Exec("CREATE TABLE trap_parent(id INTEGER PRIMARY KEY);"
                           "CREATE TABLE trap(p INTEGER REFERENCES trap_parent(id) "
                           "  DEFERRABLE INITIALLY DEFERRED);"
                           "CREATE TRIGGER trap_stage AFTER INSERT ON request_stages "
                           "WHEN NEW.note = 'trap' BEGIN INSERT INTO trap VALUES(1); END;")
                    .ok());
}

TEST_F(StorageTest, ShippedCatalogueMarksPersonalMattersNotPublic) {
    for (const char* code : {"disputes.family", "civil.subsistence", "civil.disability",
                             "legal.aid", "legal.mediation", "health.family_doctor"}) {
        ASSERT_NE(catalogue_.FindService(code), nullptr) << code;
        EXPECT_FALSE(catalogue_.FindService(code)->is_public) << code;
    }
    for (const char* code : {"repair.streetlight", "city.garbage", "safety.fire_lane"})
        EXPECT_TRUE(catalogue_.FindService(code)->is_public) << code;
    // A missing flag means not public; a wrong type is refused.
    auto parsed = ParseCatalogueJson(R"({"version":1,"groups":[{"code":"g","name":{"zh":"组"},
        "services":[{"code":"g.s","name":{"zh":"事"},"sla_days":3}]}]})");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_FALSE(parsed->FindService("g.s")->is_public);
    EXPECT_FALSE(ParseCatalogueJson(R"({"version":1,"groups":[{"code":"g","name":{"zh":"组"},
        "services":[{"code":"g.s","name":{"zh":"事"},"sla_days":3,"public":"yes"}]}]})")
                     .ok());
}

TEST_F(StorageTest, FailedCommitIsRolledBackReportedAndLaterWritesSucceed) {
    const std::string code = StoreServerRequest(*store_);
    PlantCommitTrap((dir_ / "server.db").string());

    auto failed = store_->SetStage(code, Stage::kClosed, "trap", "staff", NowSeconds());
    ASSERT_FALSE(failed.ok());
    // Reported as a store failure, not as "busy" (which tells clients to retry forever).
    EXPECT_EQ(failed.error().code, "storage") << failed.error().message;
    EXPECT_NE(failed.error().message.find("rolled back"), std::string::npos);

    // The shared connection is usable: every kind of later write goes through.
    auto later = store_->SetStage(code, Stage::kDispatched, "已派单", "staff", NowSeconds());
    ASSERT_TRUE(later.ok()) << later.error().message;
    EXPECT_EQ(later->stage, Stage::kDispatched);
    for (const auto& h : later->history) EXPECT_NE(h.note, "trap");
    EXPECT_TRUE(store_->AddApiKey("after-failure", HashToken("k"), "reader", NowSeconds()).ok());
    EXPECT_FALSE(StoreServerRequest(*store_).empty());
    EXPECT_TRUE(store_->ReadFeed("any", 0, 10).ok());
    EXPECT_TRUE(store_->AddAudit("cli:test", "check", "", NowSeconds()).ok());
}

TEST_F(StorageTest, FailedCommitInAnUploadBatchStoresNothingAndTheNextBatchGoesThrough) {
    TerminalInfo t = Enroll("k1");
    // Ratings change a closed request's stage with a resident note: trap that note's insert.
    auto db = Database::Open((dir_ / "server.db").string());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)
                    ->Exec("CREATE TABLE trap_parent(id INTEGER PRIMARY KEY);"
                           "CREATE TABLE trap(p INTEGER REFERENCES trap_parent(id) "
                           "  DEFERRABLE INITIALLY DEFERRED);"
                           "CREATE TRIGGER trap_request AFTER INSERT ON requests "
                           "WHEN NEW.service_code = 'city.garbage' "
                           "BEGIN INSERT INTO trap VALUES(1); END;")
                    .ok());
    ServiceRequest trapped = MakeRequest(t.terminal_number, 1, "city.garbage");
    auto failed = store_->StoreRecords(
        t, {Checked(test::RequestRecord(trapped), t.terminal_number)}, NowSeconds());
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, "storage") << failed.error().message;
    EXPECT_EQ(CountRequests(), 0);

    ServiceRequest fine = MakeRequest(t.terminal_number, 2);
    auto stored = store_->StoreRecords(t, {Checked(test::RequestRecord(fine), t.terminal_number)},
                                       NowSeconds());
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    EXPECT_EQ((*stored)[0].result, RecordResult::kAccepted);
    EXPECT_EQ(CountRequests(), 1);
}

TEST_F(StorageTest, RevokedApiKeyAndKioskStopWorking) {
    ASSERT_TRUE(store_->AddApiKey("web", HashToken("key"), "reader", NowSeconds()).ok());
    EXPECT_EQ(*store_->ApiKeyRole(HashToken("key")), "reader");
    ASSERT_TRUE(store_->RevokeApiKey("web", NowSeconds()).ok());
    EXPECT_EQ(store_->ApiKeyRole(HashToken("key")).error().code, "not_found");
    EXPECT_EQ(store_->RevokeApiKey("web", NowSeconds()).error().code, "not_found");

    const int64_t now = NowSeconds();
    auto code = CreateEnrollCode(*store_, "hall-01", "市/区", 1, now);
    ASSERT_TRUE(
        store_->RedeemEnrollCode(HashToken(NormaliseEnrollCode(*code)), HashToken("tok"), now)
            .ok());
    ASSERT_TRUE(store_->FindTerminalByToken(HashToken("tok")).ok());
    EXPECT_EQ(*store_->RevokeKiosk("hall-01", now), 1);
    EXPECT_EQ(store_->FindTerminalByToken(HashToken("tok")).error().code, "not_found");
    EXPECT_EQ(store_->RevokeKiosk("hall-01", now).error().code, "not_found");
}

TEST_F(StorageTest, PurgeRemovesPersonalFieldsOnlyOfRequestsClosedBeforeTheCutoff) {
    const std::string closed_code = StoreServerRequest(*store_);
    const std::string open_code = StoreServerRequest(*store_);
    const int64_t now = NowSeconds();
    ASSERT_TRUE(store_->SetStage(closed_code, Stage::kClosed, "已修复", "staff", now).ok());

    // Closed now: a cutoff an hour ago keeps it.
    EXPECT_EQ(store_->PurgePersonalData(now - 3600, now)->requests, 0);
    auto done = store_->PurgePersonalData(now, now);
    ASSERT_TRUE(done.ok()) << done.error().message;
    EXPECT_EQ(done->requests, 1);
    EXPECT_TRUE(done->wal_truncated);

    auto closed = store_->FindRequestByReceipt(closed_code);
    EXPECT_TRUE(closed->request.contact.phone.empty());
    EXPECT_TRUE(closed->request.contact.name.empty());
    EXPECT_TRUE(closed->request.description.empty());
    EXPECT_TRUE(closed->request.location.room.empty());
    EXPECT_EQ(closed->request.service_code, "repair.streetlight");
    EXPECT_EQ(closed->stage, Stage::kClosed);
    auto open = store_->FindRequestByReceipt(open_code);
    EXPECT_EQ(open->request.contact.phone, "13800138000");
    EXPECT_EQ(store_->PurgePersonalData(now, now)->requests, 0);  // once
}

}  // namespace
}  // namespace gk::server
