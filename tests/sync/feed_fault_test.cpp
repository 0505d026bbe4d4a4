// Feed items the store cannot take are never skipped: with a fault injected into the terminal's
// real SQLite file (a trigger that refuses one stage change, as a full disk or an I/O error
// would), the cursor stops before that item, and once the fault clears the item is applied.
// The real server binary, real SQLite files, real libcurl, the real SyncWorker and Store.
#include <gtest/gtest.h>

#include "platform/database.h"
#include "tests/support/server_process.h"
#include "tests/sync/sync_fixture.h"

namespace gk::synctest {
namespace {

using test::ServerProcess;

int64_t StoredCursor(Store& store) {
    auto v = store.GetSetting("feed_cursor");
    return v.ok() && v->has_value() ? std::atoll((*v)->c_str()) : 0;
}

TEST(FeedStoreFault, ItemTheStoreRefusedIsAppliedAfterTheFaultClears) {
    ServerProcess server;
    server.Start();
    const test::Enrollment e = server.Enroll("hall-1");
    TempDir dir;
    SystemClock clock;
    auto store = OpenTerminalStore(dir.path(), clock, e.terminal_number, ServerProcess::kGrid);
    ASSERT_NE(store, nullptr);
    const auto codes = SubmitMany(*store, 1);
    ASSERT_EQ(codes.size(), 1u);
    SyncWorker worker(QuickOptions(server.url(), e.token), *store, clock, nullptr);
    ASSERT_EQ(worker.UploadOnce(false).delivered, 1u);
    // Everything before the stage changes (the catalogue) is taken first.
    ASSERT_TRUE(worker.PullFeedOnce().ok);
    const int64_t before = worker.status().feed_cursor;

    // Staff move the request on twice: two feed items for this terminal.
    for (const char* stage : {"dispatched", "in_progress"}) {
        const auto cli = test::RunServerCli(
            {"request", "set-stage", "--db", server.db(), codes[0], stage, "--note", "办理中"});
        ASSERT_EQ(cli.exit_code, 0) << cli.err;
    }

    // The fault: the store refuses the second change (as a full disk would).
    auto db = Database::Open(store->database_path());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)
                    ->Exec("CREATE TRIGGER injected_fault BEFORE INSERT ON stage_history "
                           "WHEN NEW.stage = 'in_progress' "
                           "BEGIN SELECT RAISE(ABORT, 'injected fault'); END")
                    .ok());
    const PassResult failed = worker.PullFeedOnce();
    EXPECT_FALSE(failed.ok) << "a pass that could not apply an item is a failure (backoff)";
    auto found = store->FindByReceipt(codes[0]);
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ((*found)->stage, Stage::kDispatched) << "the item before the fault is applied";
    const int64_t stopped_at = worker.status().feed_cursor;
    EXPECT_GT(stopped_at, before) << "the cursor moves past the applied item";
    EXPECT_EQ(StoredCursor(*store), stopped_at);

    // Asked again while the fault lasts: still not skipped.
    EXPECT_FALSE(worker.PullFeedOnce().ok);
    EXPECT_EQ(worker.status().feed_cursor, stopped_at);

    // The fault clears: the item comes again and is applied.
    ASSERT_TRUE((*db)->Exec("DROP TRIGGER injected_fault").ok());
    const PassResult healed = worker.PullFeedOnce();
    EXPECT_TRUE(healed.ok);
    EXPECT_TRUE(healed.changed);
    found = store->FindByReceipt(codes[0]);
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ((*found)->stage, Stage::kInProgress);
    EXPECT_GT(worker.status().feed_cursor, stopped_at);
    // And a restarted worker (cursor from the store) does not see it again as new.
    SyncWorker restarted(QuickOptions(server.url(), e.token), *store, clock, nullptr);
    EXPECT_EQ(restarted.status().feed_cursor, worker.status().feed_cursor);
}

}  // namespace
}  // namespace gk::synctest
