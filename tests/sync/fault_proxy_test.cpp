// The network between terminal and server at its worst, through the fault proxy: answers lost
// after the server committed, resets, stalls, answers cut short, 5xx, and 429/503 with
// Retry-After in seconds and as an HTTP-date. No loss, no duplicate, and the waits between
// attempts (as the proxy saw them) follow the header, clamped when it asks for 10 days.
#include "tests/sync/fault_proxy.h"

#include <gtest/gtest.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "core/http_date.h"
#include "tests/support/server_process.h"
#include "tests/sync/sync_fixture.h"

namespace gk::synctest {
namespace {

using test::Enrollment;
using test::ServerProcess;

constexpr const char* kRecords = "/api/v1/records";

int64_t WallMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Request records in an upload body.
int RecordsIn(const std::string& body) {
    const auto j = nlohmann::json::parse(body, nullptr, false);
    int n = 0;
    if (j.is_object() && j.contains("records") && j["records"].is_array())
        for (const auto& r : j["records"]) n += r.is_object() && r.value("kind", "") == "request";
    return n;
}

// Results for requests (they carry a receipt code; a heartbeat's do not) with this result.
int RequestResults(const std::string& reply_body, const std::string& result) {
    const auto reply = nlohmann::json::parse(reply_body, nullptr, false);
    if (!reply.is_object() || !reply.contains("results") || !reply["results"].is_array()) return 0;
    int n = 0;
    for (const auto& r : reply["results"])
        n += r.is_object() && r.contains("receipt_code") && r.value("result", "") == result;
    return n;
}

struct Rig {
    ServerProcess server;
    Enrollment enrolled;
    std::unique_ptr<FaultProxy> proxy;
    TempDir dir;
    SystemClock clock;
    std::unique_ptr<Store> store;

    Rig() {
        server.Start();
        enrolled = server.Enroll("hall-1");
        proxy = std::make_unique<FaultProxy>(server.port());
        store =
            OpenTerminalStore(dir.path(), clock, enrolled.terminal_number, ServerProcess::kGrid);
    }
};

TEST(SyncFaultTest, EveryKindOfFaultStillDeliversEachRecordOnce) {
    Rig rig;
    ASSERT_NE(rig.store, nullptr);
    const std::vector<std::string> codes = SubmitMany(*rig.store, 300);
    ASSERT_EQ(codes.size(), 300u);

    using F = FaultKind;
    rig.proxy->Plan(kRecords, {Fault::Of(F::kLoseResponse),  // committed, answer lost
                               Fault::Of(F::kReset),
                               Fault::Of(F::kStall),              // the worker's timeout must fire
                               Fault::Of(F::kStallAfterForward),  // committed, then silence
                               Fault::Of(F::kTruncateResponse),   // committed, half an answer
                               Fault::Reply(500, {}, "{\"error\":\"internal\"}"),
                               Fault::Reply(502, {}, "<html>bad gateway</html>"),
                               Fault::Reply(503, {{"Retry-After", "0"}}),
                               Fault::Reply(429, {{"Retry-After", "0"}}), Fault::Pass(),
                               Fault::Of(F::kLoseResponse), Fault::Of(F::kReset)});
    SyncOptions options = QuickOptions(rig.proxy->url(), rig.enrolled.token);
    options.batch_size = 50;
    options.http.total_timeout_ms = 700;
    options.http.low_speed_timeout_s = 1;
    SyncWorker worker(options, *rig.store, rig.clock, nullptr);
    worker.Start();
    ASSERT_TRUE(WaitFor([&] { return QueueDepthOf(*rig.store) == 0; }, 60'000))
        << "queue depth " << QueueDepthOf(*rig.store) << ", last error "
        << worker.status().last_error;
    worker.Stop();
    EXPECT_EQ(rig.proxy->PendingFaults(), 0u);

    const auto counts = rig.server.CountTerminalRequests();
    EXPECT_EQ(counts.requests, 300);
    EXPECT_EQ(counts.distinct_codes, 300);
    EXPECT_EQ(counts.records, 300);
    EXPECT_EQ(rig.server.TerminalReceiptCodes(), std::set<std::string>(codes.begin(), codes.end()));
    EXPECT_EQ(worker.status().delivered, 300);  // counted once, though sent more than once

    // The answers the worker never saw were real commits, and the resends were recognised.
    const auto seen = rig.proxy->SeenWithPrefix(kRecords);
    int lost_commits = 0, duplicates = 0;
    for (const auto& s : seen) {
        const bool lost = s.fault == F::kLoseResponse || s.fault == F::kStallAfterForward ||
                          s.fault == F::kTruncateResponse;
        if (lost && s.upstream_status == 200)
            lost_commits += RequestResults(s.upstream_body, "accepted");
        if (s.fault == F::kPass) duplicates += RequestResults(s.upstream_body, "duplicate");
    }
    EXPECT_GE(lost_commits, 40);  // at least the first batch (49 records and a heartbeat)
    EXPECT_EQ(duplicates, lost_commits)
        << "every record whose answer was lost comes back as a duplicate";

    // The stall ended by the worker's own timeout, not sooner and not much later, and the
    // next attempt carried a smaller batch (a link too slow for a batch gets smaller ones).
    int stalls = 0;
    for (size_t i = 0; i + 1 < seen.size(); ++i) {
        if (seen[i].fault != F::kStall) continue;
        ++stalls;
        const int64_t gap = seen[i + 1].at_ms - seen[i].at_ms;
        EXPECT_GE(gap, 650);
        EXPECT_LT(gap, 700 + 200 + 2000);  // timeout + the largest backoff + slack
        EXPECT_LT(RecordsIn(seen[i + 1].body), RecordsIn(seen[i].body));
    }
    EXPECT_EQ(stalls, 1);
}

TEST(SyncFaultTest, WaitsBetweenAttemptsFollowRetryAfter) {
    Rig rig;
    ASSERT_NE(rig.store, nullptr);
    const std::vector<std::string> codes = SubmitMany(*rig.store, 20);
    const int64_t date_at = WallMs() / 1000 + 4;  // ≈ 2.4 s after the second refusal
    rig.proxy->Plan(kRecords,
                    {// 1 s, counted from when the (slow) answer came, not from the request
                     Fault::Reply(429, {{"Retry-After", "1"}}, "{}", /*delay_ms=*/600),
                     Fault::Reply(503, {{"Retry-After", FormatHttpDate(date_at)}}),
                     Fault::Reply(429, {{"Retry-After", "864000"}}),  // 10 days: clamped
                     Fault::Reply(500)});                             // none: full jitter
    SyncOptions options = QuickOptions(rig.proxy->url(), rig.enrolled.token);
    options.backoff.base_ms = 20;
    options.backoff.cap_ms = 100;
    options.backoff.retry_after_min_ms = 100;
    options.backoff.retry_after_max_ms = 3000;
    SyncWorker worker(options, *rig.store, rig.clock, nullptr);
    worker.Start();
    ASSERT_TRUE(WaitFor([&] { return QueueDepthOf(*rig.store) == 0; }, 30'000));
    worker.Stop();

    const auto seen = rig.proxy->SeenWithPrefix(kRecords);
    ASSERT_GE(seen.size(), 5u);
    const auto gap = [&](size_t i) { return seen[i + 1].at_ms - seen[i].at_ms; };
    constexpr int64_t kSlack = 1500;  // a loaded 2-core machine; the lower bounds are strict

    EXPECT_GE(gap(0), 600 + 1000) << "Retry-After: 1 after an answer that took 600 ms";
    EXPECT_LT(gap(0), 600 + 1000 + kSlack);

    // HTTP-date: the worker counts from whole seconds of its wall clock, so it may wait up to
    // a second longer than the date says, never shorter.
    const int64_t until_date_ms = date_at * 1000 - seen[1].at_wall_ms;
    EXPECT_GE(gap(1), until_date_ms - 50) << "Retry-After as an HTTP-date";
    EXPECT_LT(gap(1), until_date_ms + 1000 + kSlack);
    EXPECT_GE(gap(1), 1000);

    EXPECT_GE(gap(2), 3000) << "10 days, clamped to retry_after_max_ms";
    EXPECT_LT(gap(2), 3000 + kSlack);

    EXPECT_LT(gap(3), 100 + kSlack) << "no header: full jitter under the 100 ms cap";

    const auto counts = rig.server.CountTerminalRequests();
    EXPECT_EQ(counts.requests, 20);
    EXPECT_EQ(rig.server.TerminalReceiptCodes(), std::set<std::string>(codes.begin(), codes.end()));
}

TEST(SyncStopTest, StopDoesNotWaitForAStalledServer) {
    Rig rig;
    ASSERT_NE(rig.store, nullptr);
    ASSERT_EQ(SubmitMany(*rig.store, 10).size(), 10u);
    rig.proxy->Plan(kRecords, {Fault::Of(FaultKind::kStall)});
    SyncOptions options = QuickOptions(rig.proxy->url(), rig.enrolled.token);
    options.http.total_timeout_ms = 60'000;  // the terminal's shutdown must not wait for this
    options.http.low_speed_timeout_s = 60;
    auto worker = std::make_unique<SyncWorker>(options, *rig.store, rig.clock, nullptr);
    worker->Start();
    ASSERT_TRUE(WaitFor([&] { return rig.proxy->SeenWithPrefix(kRecords).size() == 1; }, 10'000));
    const auto stop_start = std::chrono::steady_clock::now();
    worker->Stop();
    const auto stop_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - stop_start)
                             .count();
    EXPECT_LT(stop_ms, 3000);
    EXPECT_EQ(QueueDepthOf(*rig.store), 10);  // nothing lost by cutting it short

    // The next start sends them again.
    SyncWorker again(options, *rig.store, rig.clock, nullptr);
    again.Start();
    ASSERT_TRUE(WaitFor([&] { return QueueDepthOf(*rig.store) == 0; }, 20'000));
    again.Stop();
    EXPECT_EQ(rig.server.CountTerminalRequests().requests, 10);
}

}  // namespace
}  // namespace gk::synctest
