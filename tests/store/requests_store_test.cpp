// Requests in the store: Submit as one transaction (and nothing written when it fails),
// receipt codes, look-up with history, stage changes from the feed, similar requests.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "core/receipt_code.h"
#include "core/request_json.h"
#include "store_test_util.h"

namespace gk {
namespace {

using test::QueryInt;
using test::TempDir;

struct Counts {
    int64_t requests, history, outbox, counter;
};

Counts CountRows(const std::string& path) {
    auto raw = test::RawOpen(path);
    if (!raw) return {-1, -1, -1, -1};
    return {QueryInt(*raw, "SELECT count(*) FROM requests"),
            QueryInt(*raw, "SELECT count(*) FROM stage_history"),
            QueryInt(*raw, "SELECT count(*) FROM outbox"),
            QueryInt(*raw, "SELECT value FROM counter WHERE id = 1")};
}

TEST(StoreRequests, SubmitWritesRequestHistoryAndOutboxTogether) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    auto store = test::OpenStore(dir.path(), clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->set_grid_path("西安市/碑林区/张家村街道/建东社区/第3网格").ok());
    auto submitted = store->Submit(test::SampleRequest(), 3);
    ASSERT_TRUE(submitted.ok()) << submitted.error().message;
    const ServiceRequest& r = submitted->request;
    EXPECT_TRUE(ReceiptCheckOk(r.receipt_code));
    EXPECT_EQ(r.created_at_unix, test::kStartWallMs / 1000);
    EXPECT_EQ(submitted->sla_due_at_unix, r.created_at_unix + 3 * 86400);
    EXPECT_EQ(r.grid_path, "西安市/碑林区/张家村街道/建东社区/第3网格");

    const Counts counts = CountRows(dir.db());
    EXPECT_EQ(counts.requests, 1);
    EXPECT_EQ(counts.history, 1);
    EXPECT_EQ(counts.outbox, 1);
    EXPECT_EQ(counts.counter, 1);

    auto found = store->FindByReceipt(r.receipt_code);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value());
    const StoredRequest& s = **found;
    EXPECT_EQ(s.request.uuid, r.uuid);
    EXPECT_EQ(s.request.service_code, "city.streetlight");
    EXPECT_EQ(s.request.location.building, "3号楼");
    EXPECT_EQ(s.request.contact.phone, "13912345678");
    EXPECT_EQ(s.stage, Stage::kQueued);
    EXPECT_FALSE(s.uploaded());
    EXPECT_EQ(s.sla_due_at_unix, submitted->sla_due_at_unix);
    ASSERT_EQ(s.history.size(), 1u);
    EXPECT_EQ(s.history[0].stage, Stage::kQueued);
    EXPECT_EQ(s.history[0].actor, "terminal");

    // The outbox record is the request's wire form.
    auto batch = store->NextBatch(10, 0);
    ASSERT_TRUE(batch.ok());
    ASSERT_EQ(batch->size(), 1u);
    EXPECT_EQ((*batch)[0].uuid, r.uuid);
    EXPECT_EQ((*batch)[0].kind, "request");
    auto wire = RequestFromJson(nlohmann::json::parse((*batch)[0].payload));
    ASSERT_TRUE(wire.ok()) << wire.error().message;
    EXPECT_EQ(wire->receipt_code, r.receipt_code);
    EXPECT_EQ(wire->description, r.description);
    EXPECT_EQ(wire->created_at_unix, r.created_at_unix);

    auto missing = store->FindByReceipt("0000000000000000");
    ASSERT_TRUE(missing.ok());
    EXPECT_FALSE(missing->has_value());
}

TEST(StoreRequests, FailingOutboxInsertWritesNothing) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    auto store = test::OpenStore(dir.path(), clock);
    ASSERT_TRUE(store);
    {
        auto raw = test::RawOpen(dir.db());
        ASSERT_TRUE(raw->Exec("CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox "
                              "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
                        .ok());
    }
    auto failed = store->Submit(test::SampleRequest(), 7);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, "write");
    const Counts counts = CountRows(dir.db());
    EXPECT_EQ(counts.requests, 0);
    EXPECT_EQ(counts.history, 0);
    EXPECT_EQ(counts.outbox, 0);
    EXPECT_EQ(counts.counter, 0);

    // Once the fault is gone the same store works, and the unused counter is used now.
    ASSERT_TRUE(test::RawOpen(dir.db())->Exec("DROP TRIGGER fail_outbox").ok());
    auto ok = store->Submit(test::SampleRequest(), 7);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(DecodeReceiptCode(ok->request.receipt_code)->counter, 1u);
}

TEST(StoreRequests, FullQueueRefusesWithoutWriting) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    StoreOptions options;
    options.max_queue = 2;
    auto store = test::OpenStore(dir.path(), clock, options);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Submit(test::SampleRequest(), 7).ok());
    ASSERT_TRUE(store->Submit(test::SampleRequest(), 7).ok());
    auto third = store->Submit(test::SampleRequest(), 7);
    ASSERT_FALSE(third.ok());
    EXPECT_EQ(third.error().code, "queue_full");
    const Counts counts = CountRows(dir.db());
    EXPECT_EQ(counts.requests, 2);
    EXPECT_EQ(counts.history, 2);
    EXPECT_EQ(counts.outbox, 2);
    EXPECT_EQ(counts.counter, 2);
    // Delivery makes room again.
    auto batch = store->NextBatch(1, 0);
    ASSERT_TRUE(store->MarkDelivered({(*batch)[0].uuid}).ok());
    EXPECT_TRUE(store->Submit(test::SampleRequest(), 7).ok());
}

TEST(StoreRequests, FullDiskRefusesAndKeepsWhatWasAccepted) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    StoreOptions options;
    options.max_database_bytes = 160 * 1024;
    auto store = test::OpenStore(dir.path(), clock, options);
    ASSERT_TRUE(store);
    std::vector<std::string> accepted;
    std::string refusal;
    for (int i = 0; i < 500 && refusal.empty(); ++i) {
        ServiceRequest r = test::SampleRequest();
        r.description = std::string(1500, 'a' + i % 26);
        auto submitted = store->Submit(r, 7);
        if (submitted.ok()) {
            accepted.push_back(submitted->request.receipt_code);
        } else {
            refusal = submitted.error().code;
        }
    }
    EXPECT_EQ(refusal, "disk_full");
    ASSERT_FALSE(accepted.empty());
    const Counts counts = CountRows(dir.db());
    EXPECT_EQ(counts.requests, static_cast<int64_t>(accepted.size()));
    EXPECT_EQ(counts.outbox, static_cast<int64_t>(accepted.size()));
    EXPECT_EQ(counts.counter, static_cast<int64_t>(accepted.size()));
    for (const std::string& code : accepted) {
        auto found = store->FindByReceipt(code);
        ASSERT_TRUE(found.ok() && found->has_value());
    }
}

TEST(StoreRequests, NeedsATerminalNumber) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    auto store = Store::Open(dir.path(), clock);
    ASSERT_TRUE(store.ok());
    auto submitted = (*store)->Submit(test::SampleRequest(), 7);
    ASSERT_FALSE(submitted.ok());
    EXPECT_EQ(submitted.error().code, "no_terminal_number");
    EXPECT_EQ((*store)->set_terminal_number(kMaxTerminalNumber + 1).error().code, "range");
}

TEST(StoreRequests, ReceiptCodesAreUniqueAcrossManySubmits) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    auto store = test::OpenStore(dir.path(), clock);
    ASSERT_TRUE(store);
    constexpr int kCount = 600;
    std::set<std::string> codes;
    std::set<std::string> uuids;
    const ReceiptSecret secret = store->receipt_secret();
    for (int i = 0; i < kCount; ++i) {
        auto submitted = store->Submit(test::SampleRequest(), 7);
        ASSERT_TRUE(submitted.ok()) << submitted.error().message;
        const std::string& code = submitted->request.receipt_code;
        codes.insert(code);
        uuids.insert(submitted->request.uuid);
        auto parts = DecodeReceiptCode(code);
        ASSERT_TRUE(parts);
        EXPECT_EQ(parts->terminal_number, test::kTerminal);
        EXPECT_EQ(parts->counter, static_cast<uint32_t>(i + 1));
        EXPECT_TRUE(ReceiptTagOk(code, secret));
    }
    EXPECT_EQ(codes.size(), static_cast<size_t>(kCount));
    EXPECT_EQ(uuids.size(), static_cast<size_t>(kCount));
}

TEST(StoreRequests, StageChangesAreIdempotentAndKeepTheLatest) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    auto store = test::OpenStore(dir.path(), clock);
    ASSERT_TRUE(store);
    auto submitted = store->Submit(test::SampleRequest(), 7);
    ASSERT_TRUE(submitted.ok());
    const std::string code = submitted->request.receipt_code;
    const std::string uuid = submitted->request.uuid;
    const int64_t t0 = submitted->request.created_at_unix;

    auto added = store->ApplyStageChange(uuid, Stage::kReceived, t0 + 600, "已受理", "server");
    ASSERT_TRUE(added.ok()) << added.error().message;
    EXPECT_TRUE(*added);
    added = store->ApplyStageChange(uuid, Stage::kReceived, t0 + 600, "已受理", "server");
    ASSERT_TRUE(added.ok());
    EXPECT_FALSE(*added);
    ASSERT_TRUE(store->ApplyStageChange(code, Stage::kInProgress, t0 + 7200, "", "王网格员").ok());
    // A change that arrives late but happened earlier goes into history in its place.
    ASSERT_TRUE(store->ApplyStageChange(code, Stage::kDispatched, t0 + 3600, "", "社区").ok());

    auto found = store->FindByReceipt(code);
    ASSERT_TRUE(found.ok() && found->has_value());
    const StoredRequest& s = **found;
    EXPECT_EQ(s.stage, Stage::kInProgress);
    EXPECT_EQ(s.stage_at_unix, t0 + 7200);
    ASSERT_EQ(s.history.size(), 4u);
    EXPECT_EQ(s.history[0].stage, Stage::kQueued);
    EXPECT_EQ(s.history[1].stage, Stage::kReceived);
    EXPECT_EQ(s.history[1].note, "已受理");
    EXPECT_EQ(s.history[2].stage, Stage::kDispatched);
    EXPECT_EQ(s.history[3].stage, Stage::kInProgress);
    EXPECT_EQ(s.history[3].actor, "王网格员");

    auto unknown = store->ApplyStageChange("0000000000000000", Stage::kClosed, t0, "", "server");
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, "not_found");
}

TEST(StoreRequests, CountSimilarSinceMatchesServiceAndPlace) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    auto store = test::OpenStore(dir.path(), clock);
    ASSERT_TRUE(store);
    const int64_t start = test::kStartWallMs / 1000;
    ASSERT_TRUE(store->Submit(test::SampleRequest("3号楼", "2单元"), 7).ok());
    clock.Advance(3600 * 1000);
    ASSERT_TRUE(store->Submit(test::SampleRequest("3 号楼", ""), 7).ok());
    ASSERT_TRUE(store->Submit(test::SampleRequest("3号楼", "1单元"), 7).ok());
    ASSERT_TRUE(store->Submit(test::SampleRequest("5号楼", "2单元"), 7).ok());
    ServiceRequest other = test::SampleRequest("3号楼", "2单元");
    other.service_code = "city.road_damage";
    ASSERT_TRUE(store->Submit(other, 7).ok());

    auto count = [&](std::string building, std::string unit, int64_t since) {
        auto n = store->CountSimilarSince("city.streetlight", {building, unit, "999"}, since);
        EXPECT_TRUE(n.ok());
        return n.ok() ? *n : -1;
    };
    // Same building, unit 2 or no unit given.
    EXPECT_EQ(count("3号楼", "2单元", start), 2);
    EXPECT_EQ(count(" 3号楼 ", "2 单元", start), 2);
    // The whole building.
    EXPECT_EQ(count("3号楼", "", start), 3);
    // Only the last hour.
    EXPECT_EQ(count("3号楼", "", start + 1800), 2);
    // Anywhere in the grid.
    EXPECT_EQ(count("", "", start), 4);
    EXPECT_EQ(count("7号楼", "", start), 0);
}

}  // namespace
}  // namespace gk
