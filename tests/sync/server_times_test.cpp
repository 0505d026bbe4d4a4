// The server's clock wins where the terminal's may be a year off (fake clocks on the terminal,
// the real server binary on 127.0.0.1): the receipt's date is the server's SLA date once known,
// "received" is shown as soon as the server took the request whatever the clocks say, and the
// stage follows the feed, not a comparison of times from two clocks.
#include <gtest/gtest.h>

#include <chrono>

#include "tests/support/server_process.h"
#include "tests/sync/sync_fixture.h"

namespace gk::synctest {
namespace {

using test::ServerProcess;

constexpr int64_t kYearMs = 365LL * 86400 * 1000;

int64_t RealNowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

StoredRequest Find(Store& store, const std::string& code) {
    auto found = store.FindByReceipt(code);
    EXPECT_TRUE(found.ok() && found->has_value());
    return found.ok() && found->has_value() ? **found : StoredRequest{};
}

class ServerTimesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        server_.Start();
        enrollment_ = server_.Enroll("hall-1");
    }
    std::unique_ptr<Store> OpenStore(Clock& clock) {
        return OpenTerminalStore(dir_.path(), clock, enrollment_.terminal_number,
                                 ServerProcess::kGrid);
    }
    ServerProcess server_;
    test::Enrollment enrollment_;
    TempDir dir_;
};

TEST_F(ServerTimesTest, ClockAYearBehindGetsTheServersDueDateOnTheReceipt) {
    const int64_t now_s = RealNowMs() / 1000;
    SimulatedClock behind(RealNowMs() - kYearMs);
    auto store = OpenStore(behind);
    ASSERT_NE(store, nullptr);
    const auto codes = SubmitMany(*store, 1);
    ASSERT_EQ(codes.size(), 1u);
    const StoredRequest before = Find(*store, codes[0]);
    EXPECT_LT(before.sla_due_at_unix, now_s) << "the terminal alone promises a past date";

    SyncWorker worker(QuickOptions(server_.url(), enrollment_.token), *store, behind, nullptr);
    ASSERT_EQ(worker.UploadOnce(false).delivered, 1u);
    const StoredRequest after = Find(*store, codes[0]);
    EXPECT_EQ(after.stage, Stage::kReceived);
    EXPECT_NEAR(after.server_received_at_unix, now_s, 60);
    EXPECT_GT(after.server_due_at_unix, now_s);
    EXPECT_EQ(after.sla_due_at_unix, after.server_due_at_unix) << "the server's date is shown";
    EXPECT_EQ(after.terminal_due_at_unix, before.sla_due_at_unix) << "the terminal's is kept";
    ASSERT_FALSE(after.history.empty());
    EXPECT_EQ(after.history.back().stage, Stage::kReceived);
    EXPECT_NEAR(after.history.back().at_unix, now_s, 60) << "dated by the server";
}

TEST_F(ServerTimesTest, ClockAYearAheadStillShowsReceivedThenTheFeedsStages) {
    SimulatedClock ahead(RealNowMs() + kYearMs);
    auto store = OpenStore(ahead);
    ASSERT_NE(store, nullptr);
    const auto codes = SubmitMany(*store, 1);
    ASSERT_EQ(codes.size(), 1u);
    SyncWorker worker(QuickOptions(server_.url(), enrollment_.token), *store, ahead, nullptr);
    ASSERT_EQ(worker.UploadOnce(false).delivered, 1u);
    EXPECT_EQ(Find(*store, codes[0]).stage, Stage::kReceived)
        << "received by the server, though its time is a year before the terminal's";

    const auto cli = test::RunServerCli(
        {"request", "set-stage", "--db", server_.db(), codes[0], "dispatched", "--note", "已派单"});
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    ASSERT_TRUE(worker.PullFeedOnce().ok);
    StoredRequest now = Find(*store, codes[0]);
    EXPECT_EQ(now.stage, Stage::kDispatched);
    // The history reads in the order things happened, not by the two clocks' times.
    ASSERT_EQ(now.history.size(), 3u);
    EXPECT_EQ(now.history[0].stage, Stage::kQueued);
    EXPECT_EQ(now.history[1].stage, Stage::kReceived);
    EXPECT_EQ(now.history[2].stage, Stage::kDispatched);

    // The clock is corrected (reopened on the right time): nothing goes back to "queued".
    store.reset();
    SimulatedClock corrected(RealNowMs());
    auto reopened = OpenStore(corrected);
    ASSERT_NE(reopened, nullptr);
    EXPECT_EQ(Find(*reopened, codes[0]).stage, Stage::kDispatched);
}

// A late upload reply (the feed already told "dispatched", then a retried upload comes back
// "duplicate") does not move the request back to "received".
TEST_F(ServerTimesTest, LateUploadReplyDoesNotUndoTheFeed) {
    SimulatedClock clock(RealNowMs());
    auto store = OpenStore(clock);
    ASSERT_NE(store, nullptr);
    std::vector<std::string> uuids;
    const auto codes = SubmitMany(*store, 1, &uuids);
    ASSERT_EQ(codes.size(), 1u);
    auto applied = store->ApplyStageChange(uuids[0], Stage::kDispatched, RealNowMs() / 1000 - 3600,
                                           "", "server");
    ASSERT_TRUE(applied.ok() && *applied);
    ASSERT_TRUE(store->MarkDelivered({ServerReceipt{uuids[0], RealNowMs() / 1000 - 7200, 0}}).ok());
    EXPECT_EQ(Find(*store, codes[0]).stage, Stage::kDispatched);
}

}  // namespace
}  // namespace gk::synctest
