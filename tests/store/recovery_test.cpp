// A damaged database: moved aside under a timestamped name with its bytes intact, a fresh
// file opened, readable rows carried over, links repaired, the counter moved past every code
// that may have been issued, and an event left for the staff screen.
#include "kiosk/store/recovery.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "core/receipt_code.h"
#include "kiosk/store/migrations.h"
#include "store_test_util.h"

namespace gk {
namespace {

namespace fs = std::filesystem;
using test::QueryInt;
using test::TempDir;

// 2026-11-18 19:06:40 in Beijing.
constexpr const char* kAsideSuffix = ".corrupt-20261118T190640";

std::string Garbage(size_t size, uint32_t seed) {
    std::string bytes(size, '\0');
    for (char& c : bytes) {
        seed = seed * 1103515245u + 12345u;
        c = static_cast<char>(seed >> 16);
    }
    return bytes;
}

std::optional<EventRecord> FindEvent(Store& store, const std::string& kind) {
    auto events = store.RecentEvents(100);
    if (!events.ok()) return std::nullopt;
    for (const EventRecord& e : *events) {
        if (e.kind == kind) return e;
    }
    return std::nullopt;
}

TEST(StoreRecovery, GarbageFileIsMovedAsideAndAFreshOneOpens) {
    TempDir dir;
    const std::string garbage = Garbage(20000, 1);
    test::WriteFile(dir.db(), garbage);
    SimulatedClock clock(test::kStartWallMs);
    auto store = Store::Open(dir.path(), clock);
    ASSERT_TRUE(store.ok()) << store.error().message;
    const OpenReport& report = (*store)->open_report();
    EXPECT_TRUE(report.created);
    EXPECT_EQ(report.damage, "not_a_database");
    EXPECT_EQ(report.recovered_from, dir.db() + kAsideSuffix);
    EXPECT_EQ(test::ReadFile(dir.db() + kAsideSuffix), garbage);
    EXPECT_EQ(report.rows_recovered, 0);
    EXPECT_TRUE(FindEvent(**store, "db_recovered").has_value());
    ASSERT_TRUE((*store)->set_terminal_number(test::kTerminal).ok());
    EXPECT_TRUE((*store)->Submit(test::SampleRequest(), 7).ok());
    store->reset();

    // Damaged again within the same second: a second name, the first file kept.
    const std::string garbage2 = Garbage(9000, 2);
    test::WriteFile(dir.db(), garbage2);
    fs::remove(dir.db() + "-wal");
    fs::remove(dir.db() + "-shm");
    auto again = Store::Open(dir.path(), clock);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ((*again)->open_report().recovered_from, dir.db() + kAsideSuffix + "-2");
    EXPECT_EQ(test::ReadFile(dir.db() + kAsideSuffix + "-2"), garbage2);
    EXPECT_EQ(test::ReadFile(dir.db() + kAsideSuffix), garbage);
}

TEST(StoreRecovery, ScribbledDatabaseKeepsWhatIsReadable) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    constexpr int kRequests = 300;
    std::map<std::string, std::string> description_by_code;
    ReceiptSecret secret{};
    {
        auto store = test::OpenStore(dir.path(), clock);
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->set_kiosk_id("kiosk-beilin-007").ok());
        secret = store->receipt_secret();
        for (int i = 0; i < kRequests; ++i) {
            ServiceRequest r = test::SampleRequest();
            r.description = "request " + std::to_string(i) + " " + std::string(300, 'a' + i % 26);
            auto submitted = store->Submit(r, 7);
            ASSERT_TRUE(submitted.ok());
            description_by_code[submitted->request.receipt_code] = r.description;
        }
    }
    // Closed cleanly: everything is in the main file. Scribble over pages in its middle.
    std::string bytes = test::ReadFile(dir.db());
    ASSERT_FALSE(fs::exists(dir.db() + "-wal"));
    constexpr size_t kPage = 4096;
    const size_t pages = bytes.size() / kPage;
    ASSERT_GT(pages, 40u);
    const size_t first = pages / 2 - 2;
    bytes.replace(first * kPage, 3 * kPage, Garbage(3 * kPage, 7));
    test::WriteFile(dir.db(), bytes);

    clock.Advance(0);
    auto store = Store::Open(dir.path(), clock);
    ASSERT_TRUE(store.ok()) << store.error().message;
    const OpenReport& report = (*store)->open_report();
    EXPECT_FALSE(report.damage.empty());
    EXPECT_NE(report.damage, "ok");
    ASSERT_EQ(report.recovered_from, dir.db() + kAsideSuffix);
    // Kept, page for page, with only contact details overwritten (file_privacy_test.cpp).
    const std::string kept = test::ReadFile(report.recovered_from);
    EXPECT_EQ(kept.size(), bytes.size());
    EXPECT_TRUE(kept.find("13912345678") == std::string::npos);
    EXPECT_TRUE(kept.substr(first * kPage, 3 * kPage) == bytes.substr(first * kPage, 3 * kPage));
    EXPECT_FALSE(fs::exists(dir.path() + "/gridkiosk.db.salvage"));
    EXPECT_FALSE(fs::exists(dir.path() + "/gridkiosk.db.rebuild"));
    EXPECT_GT(report.rows_recovered, kRequests);  // requests, history, outbox, settings...

    // Identity came across, so codes stay verifiable and the terminal stays enrolled.
    EXPECT_EQ((*store)->terminal_number(), test::kTerminal);
    EXPECT_EQ((*store)->kiosk_id(), "kiosk-beilin-007");
    EXPECT_EQ((*store)->receipt_secret(), secret);

    int found = 0;
    uint32_t highest_counter = 0;
    for (const auto& [code, description] : description_by_code) {
        highest_counter = std::max(highest_counter, DecodeReceiptCode(code)->counter);
        auto row = (*store)->FindByReceipt(code);
        ASSERT_TRUE(row.ok());
        if (!row->has_value()) continue;
        ++found;
        EXPECT_EQ((*row)->request.description, description);
        EXPECT_FALSE((*row)->history.empty());
    }
    EXPECT_GT(found, kRequests / 2);
    // Every request that came back and was never uploaded is queued for upload.
    EXPECT_EQ(*(*store)->QueueDepth(), found);

    auto event = FindEvent(**store, "db_recovered");
    ASSERT_TRUE(event.has_value());
    EXPECT_NE(event->detail.find(fs::path(report.recovered_from).filename().string()),
              std::string::npos);
    EXPECT_EQ(event->detail.find("13912345678"), std::string::npos);

    // No counter is reused, whatever rows were lost.
    auto next = (*store)->Submit(test::SampleRequest(), 7);
    ASSERT_TRUE(next.ok()) << next.error().message;
    EXPECT_GE(DecodeReceiptCode(next->request.receipt_code)->counter,
              highest_counter + kRecoveryCounterGap);
}

TEST(StoreRecovery, SalvageRepairsLinksBetweenRequestsAndOutbox) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    std::vector<StoredRequest> submitted;
    {
        auto store = test::OpenStore(dir.path(), clock);
        ASSERT_TRUE(store);
        for (int i = 0; i < 3; ++i) {
            auto r = store->Submit(test::SampleRequest(), 5);
            ASSERT_TRUE(r.ok());
            submitted.push_back(*r);
        }
    }
    {
        // What damage might leave: A's request row gone, B's outbox row gone, a stale counter.
        auto raw = test::RawOpen(dir.db());
        ASSERT_TRUE(raw);
        auto exec = [&](const std::string& sql, const std::string& uuid) {
            auto st = raw->Prepare(sql);
            ASSERT_TRUE(st.ok()) << st.error().message;
            ASSERT_TRUE(st->Bind(1, uuid).Run().ok());
        };
        exec(
            "DELETE FROM stage_history WHERE request_id = (SELECT id FROM requests WHERE uuid = "
            "?1)",
            submitted[0].request.uuid);
        exec("DELETE FROM requests WHERE uuid = ?1", submitted[0].request.uuid);
        exec("DELETE FROM outbox WHERE uuid = ?1", submitted[1].request.uuid);
        ASSERT_TRUE(raw->Exec("UPDATE counter SET value = 1").ok());
    }
    const std::string old_bytes = test::ReadFile(dir.db());

    auto fresh = Database::Open(dir.path() + "/fresh.db");
    ASSERT_TRUE(fresh.ok());
    ASSERT_TRUE(MigrateStore(**fresh, LatestStoreVersion()).ok());
    const SalvageReport report = SalvageInto(**fresh, dir.db(), dir.path() + "/scratch.db");
    EXPECT_EQ(report.unreadable, 0);
    EXPECT_NE(report.summary.find("rebuilt from outbox 1"), std::string::npos) << report.summary;
    EXPECT_NE(report.summary.find("queued again 1"), std::string::npos) << report.summary;
    EXPECT_EQ(test::ReadFile(dir.db()), old_bytes);
    EXPECT_FALSE(fs::exists(dir.path() + "/scratch.db"));

    Database& db = **fresh;
    EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM requests"), 3);
    EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM outbox"), 3);
    EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM stage_history"), 3);
    EXPECT_EQ(QueryInt(db, "SELECT value FROM counter"), 3 + kRecoveryCounterGap);
    auto rebuilt = db.Prepare(
        "SELECT description, contact_phone, stage, sla_due_at - created_at, building_key"
        " FROM requests WHERE uuid = ?1");
    ASSERT_TRUE(rebuilt.ok());
    ASSERT_TRUE(*rebuilt->Bind(1, submitted[0].request.uuid).Step());
    EXPECT_EQ(rebuilt->Text(0), submitted[0].request.description);
    EXPECT_EQ(rebuilt->Text(1), "13912345678");
    EXPECT_EQ(rebuilt->Text(2), "queued");
    EXPECT_EQ(rebuilt->Int(3), 7 * 86400);  // no catalogue in the old file: the default SLA
    EXPECT_EQ(rebuilt->Text(4), "3号楼");
}

TEST(StoreRecovery, CounterNeverReusedWhenTheDatabaseIsLostWhole) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    uint32_t last_counter = 0;
    {
        auto store = test::OpenStore(dir.path(), clock);
        ASSERT_TRUE(store);
        for (int i = 0; i < 5; ++i) {
            auto r = store->Submit(test::SampleRequest(), 7);
            ASSERT_TRUE(r.ok());
            last_counter = DecodeReceiptCode(r->request.receipt_code)->counter;
        }
    }
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(dir.db() + suffix);
    auto store = test::OpenStore(dir.path(), clock);
    ASSERT_TRUE(store);
    EXPECT_TRUE(store->open_report().created);
    auto next = store->Submit(test::SampleRequest(), 7);
    ASSERT_TRUE(next.ok());
    EXPECT_GT(DecodeReceiptCode(next->request.receipt_code)->counter, last_counter);
}

// A crash after the damaged file was moved aside but before the rebuilt one was renamed.
TEST(StoreRecovery, FinishedRebuildIsPutInPlaceAfterACrash) {
    TempDir source;
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    std::string code;
    {
        auto store = test::OpenStore(source.path(), clock);
        ASSERT_TRUE(store);
        auto r = store->Submit(test::SampleRequest(), 7);
        ASSERT_TRUE(r.ok());
        code = r->request.receipt_code;
    }
    fs::copy_file(source.db(), dir.db() + ".rebuild");
    test::WriteFile(dir.db() + "-wal", Garbage(5000, 3));  // the damaged file's leftover
    auto store = Store::Open(dir.path(), clock);
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_TRUE((*store)->open_report().recovered_from.empty());
    auto found = (*store)->FindByReceipt(code);
    ASSERT_TRUE(found.ok());
    EXPECT_TRUE(found->has_value());
    EXPECT_FALSE(fs::exists(dir.db() + ".rebuild"));
}

// A crash while the rebuild was still being written: the damaged file was never moved.
TEST(StoreRecovery, UnfinishedRebuildIsDiscarded) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    std::string code;
    {
        auto store = test::OpenStore(dir.path(), clock);
        ASSERT_TRUE(store);
        auto r = store->Submit(test::SampleRequest(), 7);
        ASSERT_TRUE(r.ok());
        code = r->request.receipt_code;
    }
    test::WriteFile(dir.db() + ".rebuild", Garbage(4096, 4));
    auto store = Store::Open(dir.path(), clock);
    ASSERT_TRUE(store.ok());
    EXPECT_TRUE((*store)->open_report().recovered_from.empty());
    EXPECT_TRUE((*store)->FindByReceipt(code)->has_value());
    EXPECT_FALSE(fs::exists(dir.db() + ".rebuild"));
}

}  // namespace
}  // namespace gk
