// Opening the store: a fresh file, a reopened one, an older schema migrated forward with its
// rows, a newer schema refused and left untouched, and a data dir that cannot be used.
#include "kiosk/store/migrations.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>

#include "core/receipt_code.h"
#include "store_test_util.h"

namespace gk {
namespace {

namespace fs = std::filesystem;
using test::QueryInt;
using test::TempDir;

bool HasEvent(Store& store, const std::string& kind) {
    auto events = store.RecentEvents(100);
    EXPECT_TRUE(events.ok());
    if (!events.ok()) return false;
    return std::any_of(events->begin(), events->end(),
                       [&](const EventRecord& e) { return e.kind == kind; });
}

TEST(StoreMigrations, FreshFileGetsEveryMigration) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    const std::string data_dir = dir.path() + "/new/data";  // does not exist yet
    auto store = Store::Open(data_dir, clock);
    ASSERT_TRUE(store.ok()) << store.error().message;
    const OpenReport& report = (*store)->open_report();
    EXPECT_TRUE(report.created);
    EXPECT_EQ(report.migrated_from, 0);
    EXPECT_EQ(report.migrated_to, LatestStoreVersion());
    EXPECT_TRUE(report.recovered_from.empty());
    EXPECT_GE(LatestStoreVersion(), 2);
    EXPECT_EQ((*store)->terminal_number(), 0u);
    const ReceiptSecret zero{};
    EXPECT_NE((*store)->receipt_secret(), zero);
    EXPECT_EQ(fs::status(data_dir).permissions() & fs::perms::all, fs::perms::owner_all);

    auto raw = test::RawOpen(data_dir + "/gridkiosk.db");
    ASSERT_TRUE(raw);
    EXPECT_EQ(raw->user_version(), LatestStoreVersion());
    EXPECT_EQ(QueryInt(*raw,
                       "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                       "('settings','counter','requests','stage_history','outbox',"
                       "'catalogue','events')"),
              7);
}

TEST(StoreMigrations, ReopenKeepsDataAndRunsNothing) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    std::string code;
    ReceiptSecret secret{};
    {
        auto store = test::OpenStore(dir.path(), clock);
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->set_kiosk_id("kiosk-beilin-007").ok());
        ASSERT_TRUE(store->set_grid_path("西安市/碑林区/张家村街道/建东社区/第3网格").ok());
        auto submitted = store->Submit(test::SampleRequest(), 3);
        ASSERT_TRUE(submitted.ok()) << submitted.error().message;
        code = submitted->request.receipt_code;
        secret = store->receipt_secret();
    }
    auto store = Store::Open(dir.path(), clock);
    ASSERT_TRUE(store.ok());
    const OpenReport& report = (*store)->open_report();
    EXPECT_FALSE(report.created);
    EXPECT_EQ(report.migrated_from, LatestStoreVersion());
    EXPECT_EQ(report.migrated_to, LatestStoreVersion());
    EXPECT_FALSE(HasEvent(**store, "db_migrated"));
    EXPECT_EQ((*store)->receipt_secret(), secret);
    EXPECT_EQ((*store)->terminal_number(), test::kTerminal);
    EXPECT_EQ((*store)->kiosk_id(), "kiosk-beilin-007");
    EXPECT_EQ((*store)->grid_path(), "西安市/碑林区/张家村街道/建东社区/第3网格");
    auto found = (*store)->FindByReceipt(code);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->request.grid_path, "西安市/碑林区/张家村街道/建东社区/第3网格");
}

TEST(StoreMigrations, OldVersionIsMigratedForwardWithRowsIntact) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    ReceiptSecret secret{};
    for (size_t i = 0; i < secret.size(); ++i) secret[i] = static_cast<uint8_t>(i * 7 + 1);
    auto code = MakeReceiptCode(test::kTerminal, 1, secret);
    ASSERT_TRUE(code.ok());
    {
        // A file as version 1 of the terminal left it.
        auto db = Database::Open(dir.db());
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(MigrateStore(**db, 1).ok());
        ASSERT_EQ((*db)->user_version(), 1);
        char hex[2 * kReceiptSecretBytes + 1];
        sodium_bin2hex(hex, sizeof hex, secret.data(), secret.size());
        auto settings = (*db)->Prepare("INSERT INTO settings (key, value) VALUES (?1, ?2)");
        ASSERT_TRUE(settings.ok());
        ASSERT_TRUE(settings->Bind(1, "receipt_secret").Bind(2, hex).Run().ok());
        (void)settings->Reset();
        ASSERT_TRUE(settings->Bind(1, "terminal_number").Bind(2, "7").Run().ok());
        ASSERT_TRUE((*db)->Exec("UPDATE counter SET value = 1").ok());
        auto request = (*db)->Prepare(
            "INSERT INTO requests (id, uuid, receipt_code, service_code, description, building,"
            " unit, room, contact_name, contact_phone, created_at, stage, stage_at, sla_due_at,"
            " payload) VALUES (1, '0b9f6a52-3c1e-4f6a-9d7e-2a4b6c8d0e1f', ?1,"
            " 'city.streetlight', '路灯不亮', '3 号楼', '2单元', '501', '张秀英',"
            " '13912345678', 1794990000, 'queued', 1794990000, 1795594800, '{}')");
        ASSERT_TRUE(request.ok()) << request.error().message;
        ASSERT_TRUE(request->Bind(1, *code).Run().ok());
        ASSERT_TRUE((*db)
                        ->Exec("INSERT INTO stage_history (request_id, stage, at, actor)"
                               " VALUES (1, 'queued', 1794990000, 'terminal');"
                               "INSERT INTO outbox (uuid, kind, payload, created_at) VALUES"
                               " ('0b9f6a52-3c1e-4f6a-9d7e-2a4b6c8d0e1f', 'request', '{}',"
                               " 1794990000)")
                        .ok());
    }
    auto store = Store::Open(dir.path(), clock);
    ASSERT_TRUE(store.ok()) << store.error().message;
    const OpenReport& report = (*store)->open_report();
    EXPECT_FALSE(report.created);
    EXPECT_EQ(report.migrated_from, 1);
    EXPECT_EQ(report.migrated_to, LatestStoreVersion());
    EXPECT_TRUE(HasEvent(**store, "db_migrated"));
    EXPECT_EQ((*store)->receipt_secret(), secret);

    auto found = (*store)->FindByReceipt(*code);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->request.description, "路灯不亮");
    EXPECT_EQ((*found)->request.contact.phone, "13912345678");
    ASSERT_EQ((*found)->history.size(), 1u);
    EXPECT_EQ((*found)->sla_due_at_unix, 1795594800);
    EXPECT_EQ(*(*store)->QueueDepth(), 1);
    // Migration 2 filled the place keys of the old row: spaces and the unit as given.
    auto similar = (*store)->CountSimilarSince("city.streetlight", {"3号楼", "2单元", ""}, 0);
    ASSERT_TRUE(similar.ok());
    EXPECT_EQ(*similar, 1);
    // The counter carries on from the old file.
    auto next = (*store)->Submit(test::SampleRequest(), 7);
    ASSERT_TRUE(next.ok()) << next.error().message;
    EXPECT_EQ(DecodeReceiptCode(next->request.receipt_code)->counter, 2u);
}

TEST(StoreMigrations, TooNewIsRefusedAndUntouched) {
    TempDir dir;
    {
        Database::Options options;
        options.wal = false;
        auto db = Database::Open(dir.db(), options);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(
            (*db)->Exec("CREATE TABLE future (x TEXT); INSERT INTO future VALUES ('y')").ok());
        ASSERT_TRUE((*db)->set_user_version(LatestStoreVersion() + 1).ok());
    }
    const std::string before = test::ReadFile(dir.db());
    ASSERT_FALSE(before.empty());
    SimulatedClock clock(test::kStartWallMs);
    auto store = Store::Open(dir.path(), clock);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, "too_new");
    EXPECT_EQ(test::ReadFile(dir.db()), before);
    EXPECT_FALSE(fs::exists(dir.db() + "-wal"));
    // Nothing was moved aside either.
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(StoreMigrations, UnusableDataDirIsDataDirError) {
    TempDir dir;
    test::WriteFile(dir.path() + "/plain-file", "x");
    SimulatedClock clock(test::kStartWallMs);
    auto store = Store::Open(dir.path() + "/plain-file/data", clock);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, "data_dir");
}

}  // namespace
}  // namespace gk
