// The outbox the sync worker drains: due records in order, failures with backoff, delivery,
// and the purge of contact details (from the row, the payload and the file's bytes).
#include <gtest/gtest.h>

#include "store_test_util.h"

namespace gk {
namespace {

using test::TempDir;

TEST(StoreOutbox, BatchFailAndDeliver) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    auto store = test::OpenStore(dir.path(), clock);
    ASSERT_TRUE(store);
    EXPECT_EQ(*store->QueueDepth(), 0);
    EXPECT_FALSE(store->OldestQueuedAt()->has_value());
    std::vector<std::string> uuids;
    for (int i = 0; i < 5; ++i) {
        auto submitted = store->Submit(test::SampleRequest(), 7);
        ASSERT_TRUE(submitted.ok());
        uuids.push_back(submitted->request.uuid);
        clock.Advance(60 * 1000);
    }
    EXPECT_EQ(*store->QueueDepth(), 5);
    EXPECT_EQ(store->OldestQueuedAt()->value_or(0), test::kStartWallMs / 1000);

    const int64_t now = clock.MonotonicMs();
    auto batch = store->NextBatch(3, now);
    ASSERT_TRUE(batch.ok());
    ASSERT_EQ(batch->size(), 3u);
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ((*batch)[i].uuid, uuids[i]);  // oldest first

    // The first fails and backs off for 30 s; the others are delivered.
    ASSERT_TRUE(store->MarkFailed(uuids[0], "http 503", now + 30000).ok());
    ASSERT_TRUE(store->MarkDelivered({uuids[1], uuids[2]}).ok());
    EXPECT_EQ(*store->QueueDepth(), 3);

    batch = store->NextBatch(10, now);
    ASSERT_TRUE(batch.ok());
    ASSERT_EQ(batch->size(), 2u);
    EXPECT_EQ((*batch)[0].uuid, uuids[3]);
    EXPECT_EQ((*batch)[1].uuid, uuids[4]);

    batch = store->NextBatch(10, now + 30000);
    ASSERT_TRUE(batch.ok());
    ASSERT_EQ(batch->size(), 3u);
    EXPECT_EQ((*batch)[0].uuid, uuids[0]);
    EXPECT_EQ((*batch)[0].attempts, 1);
    EXPECT_EQ((*batch)[0].last_error, "http 503");

    auto delivered = store->FindByUuid(uuids[1]);
    ASSERT_TRUE(delivered.ok() && delivered->has_value());
    EXPECT_TRUE((*delivered)->uploaded());
    auto waiting = store->FindByUuid(uuids[0]);
    ASSERT_TRUE(waiting.ok() && waiting->has_value());
    EXPECT_FALSE((*waiting)->uploaded());
}

TEST(StoreOutbox, DeliveryPurgesContactDetailsEverywhere) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    auto store = test::OpenStore(dir.path(), clock);
    ASSERT_TRUE(store);
    ServiceRequest r = test::SampleRequest();
    r.contact.phone = "13987654321";
    r.contact.name = "欧阳丽华";
    r.contact.by_proxy = true;
    r.contact.relation = "女儿";
    auto submitted = store->Submit(r, 7);
    ASSERT_TRUE(submitted.ok());
    const std::string code = submitted->request.receipt_code;
    // Some other traffic so the pages are not trivially fresh.
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(store->Submit(test::SampleRequest(), 7).ok());
    auto all_bytes = [&] { return test::ReadFile(dir.db()) + test::ReadFile(dir.db() + "-wal"); };
    ASSERT_NE(all_bytes().find("13987654321"), std::string::npos);  // the check can see it

    ASSERT_TRUE(store->MarkDelivered({submitted->request.uuid}).ok());

    auto found = store->FindByReceipt(code);
    ASSERT_TRUE(found.ok() && found->has_value());
    const StoredRequest& s = **found;
    EXPECT_TRUE(s.uploaded());
    EXPECT_EQ(s.request.contact.name, "");
    EXPECT_EQ(s.request.contact.phone, "");
    EXPECT_EQ(s.request.contact.relation, "");
    EXPECT_EQ(s.request.receipt_code, code);
    EXPECT_EQ(s.request.service_code, "city.streetlight");
    EXPECT_EQ(s.stage, Stage::kQueued);
    {
        auto raw = test::RawOpen(dir.db());
        ASSERT_TRUE(raw);
        auto payload = raw->Prepare("SELECT payload FROM requests WHERE receipt_code = ?1");
        ASSERT_TRUE(payload.ok());
        ASSERT_TRUE(*payload->Bind(1, code).Step());
        EXPECT_EQ(payload->Text(0).find("13987654321"), std::string::npos);
        EXPECT_EQ(payload->Text(0).find("欧阳丽华"), std::string::npos);
        EXPECT_NE(payload->Text(0).find(code), std::string::npos);
    }

    const std::string bytes = all_bytes();
    EXPECT_EQ(bytes.find("13987654321"), std::string::npos);
    EXPECT_EQ(bytes.find("欧阳丽华"), std::string::npos);
    EXPECT_NE(bytes.find("13912345678"), std::string::npos);  // others are still queued
}

TEST(StoreOutbox, OpenMakesEveryRecordDueAgain) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    std::string uuid;
    {
        auto store = test::OpenStore(dir.path(), clock);
        ASSERT_TRUE(store);
        auto submitted = store->Submit(test::SampleRequest(), 7);
        ASSERT_TRUE(submitted.ok());
        uuid = submitted->request.uuid;
        ASSERT_TRUE(store->MarkFailed(uuid, "timeout", 1'000'000'000).ok());
        EXPECT_TRUE(store->NextBatch(10, 0)->empty());
    }
    // A new process has a new monotonic clock: the old backoff means nothing.
    SimulatedClock after_reboot(test::kStartWallMs + 3600 * 1000);
    auto store = Store::Open(dir.path(), after_reboot);
    ASSERT_TRUE(store.ok());
    auto batch = (*store)->NextBatch(10, 0);
    ASSERT_TRUE(batch.ok());
    ASSERT_EQ(batch->size(), 1u);
    EXPECT_EQ((*batch)[0].uuid, uuid);
    EXPECT_EQ((*batch)[0].attempts, 1);
}

}  // namespace
}  // namespace gk
