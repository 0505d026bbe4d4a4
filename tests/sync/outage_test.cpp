// Zero loss and zero duplicates through server outages: requests queued while the server is
// down, and the server SIGKILLed in the middle of a batch and restarted on the same database
// and port. The real server binary, real SQLite files, real libcurl, the real SyncWorker.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "tests/support/server_process.h"
#include "tests/sync/fault_proxy.h"
#include "tests/sync/sync_fixture.h"

namespace gk::synctest {
namespace {

using test::Enrollment;
using test::ServerProcess;

// Every code the terminal made is on the server once, nothing else is, and the terminal holds
// nothing back: its queue is empty and every request shows "received" without its contact.
void ExpectDeliveredExactlyOnce(const ServerProcess& server, Store& store,
                                const std::vector<std::string>& codes) {
    const auto counts = server.CountTerminalRequests();
    EXPECT_EQ(counts.requests, static_cast<int64_t>(codes.size()));
    EXPECT_EQ(counts.distinct_codes, static_cast<int64_t>(codes.size()));
    EXPECT_EQ(counts.distinct_uuids, static_cast<int64_t>(codes.size()));
    EXPECT_EQ(counts.records, static_cast<int64_t>(codes.size()));
    EXPECT_EQ(server.TerminalReceiptCodes(), std::set<std::string>(codes.begin(), codes.end()));
    EXPECT_EQ(QueueDepthOf(store), 0);
    int not_received = 0;
    for (const std::string& code : codes) {
        auto found = store.FindByReceipt(code);
        if (!found.ok() || !found->has_value() || !(*found)->uploaded() ||
            (*found)->stage != Stage::kReceived || !(*found)->request.contact.phone.empty()) {
            ++not_received;
        }
    }
    EXPECT_EQ(not_received, 0)
        << "requests not shown as received (or contact kept) on the terminal";
}

TEST(SyncOutageTest, ThousandQueuedWhileServerDownArriveExactlyOnce) {
    ServerProcess server;
    server.Start();
    const Enrollment enrolled = server.Enroll("hall-1");
    ASSERT_EQ(server.Stop(), 0);  // down from here until the queue is full

    TempDir dir;
    SystemClock clock;
    auto store =
        OpenTerminalStore(dir.path(), clock, enrolled.terminal_number, ServerProcess::kGrid);
    ASSERT_NE(store, nullptr);
    SyncOptions options = QuickOptions(server.url(), enrolled.token);
    options.batch_size = 200;
    std::atomic<int> changes{0};
    SyncWorker worker(options, *store, clock, [&] { ++changes; });
    worker.Start();

    // Residents keep submitting; the UI wakes the worker after each, as the terminal does.
    std::vector<std::string> codes;
    for (int i = 0; i < 1000; ++i) {
        auto stored = store->Submit(ValidRequest(i), kSlaDays);
        ASSERT_TRUE(stored.ok()) << stored.error().message;
        codes.push_back(stored->request.receipt_code);
        worker.Wake();
    }
    ASSERT_TRUE(WaitFor([&] { return worker.status().consecutive_failures >= 3; }, 10'000));
    EXPECT_EQ(worker.status().last_error, "connect");
    EXPECT_EQ(worker.status().delivered, 0);
    EXPECT_EQ(QueueDepthOf(*store), 1000);

    server.Restart();  // same port, same database
    ASSERT_TRUE(WaitFor([&] { return QueueDepthOf(*store) == 0; }, 60'000))
        << "queue depth " << QueueDepthOf(*store) << ", last error " << worker.status().last_error;
    worker.Stop();

    ExpectDeliveredExactlyOnce(server, *store, codes);
    EXPECT_EQ(worker.status().delivered, 1000);  // each record counted once on the terminal too
    EXPECT_EQ(worker.status().consecutive_failures, 0);
    EXPECT_GT(changes.load(), 0);
}

TEST(SyncOutageTest, ServerKilledWhileBatchesAreInFlight) {
    ServerProcess server;
    server.Start();
    const Enrollment enrolled = server.Enroll("hall-1");
    FaultProxy proxy(server.port());  // passes everything; it only tells us when a batch left

    TempDir dir;
    SystemClock clock;
    auto store =
        OpenTerminalStore(dir.path(), clock, enrolled.terminal_number, ServerProcess::kGrid);
    ASSERT_NE(store, nullptr);
    const std::vector<std::string> codes = SubmitMany(*store, 1200);
    ASSERT_EQ(codes.size(), 1200u);

    // SIGKILL the server just after every second batch reached it, at a different point of its
    // work each time (before it read the body, while it stores, around the commit), and start it
    // again on the same database and port.
    const int delays_ms[] = {0, 5, 20, 60};
    std::atomic<int> batches{0}, kills{0};
    proxy.OnForwarded([&](const SeenRequest& seen) {
        if (seen.path.rfind("/api/v1/records", 0) != 0) return;
        if (++batches % 2 != 0 || kills.load() >= 4) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(delays_ms[kills.load()]));
        server.Kill();
        ++kills;
        server.Restart();
    });

    SyncOptions options = QuickOptions(proxy.url(), enrolled.token);
    options.batch_size = 200;
    SyncWorker worker(options, *store, clock, nullptr);
    worker.Start();
    ASSERT_TRUE(WaitFor([&] { return QueueDepthOf(*store) == 0; }, 90'000))
        << "queue depth " << QueueDepthOf(*store) << ", kills " << kills.load();
    worker.Stop();
    proxy.OnForwarded(nullptr);

    EXPECT_EQ(kills.load(), 4);
    ExpectDeliveredExactlyOnce(server, *store, codes);
    EXPECT_EQ(worker.status().delivered, 1200);
    // At least one batch died with the server before any answer: the test cut a batch in flight.
    int cut = 0;
    for (const auto& s : proxy.SeenWithPrefix("/api/v1/records")) cut += s.upstream_status == 0;
    EXPECT_GE(cut, 1);
}

TEST(SyncOutageTest, ServerKilledAfterTheFirstRecordsWereAcknowledged) {
    ServerProcess server;
    server.Start();
    const Enrollment enrolled = server.Enroll("hall-1");

    TempDir dir;
    SystemClock clock;
    auto store =
        OpenTerminalStore(dir.path(), clock, enrolled.terminal_number, ServerProcess::kGrid);
    ASSERT_NE(store, nullptr);
    const std::vector<std::string> codes = SubmitMany(*store, 1000);
    ASSERT_EQ(codes.size(), 1000u);

    SyncOptions options = QuickOptions(server.url(), enrolled.token);  // no proxy: the real path
    options.batch_size = 250;
    SyncWorker worker(options, *store, clock, nullptr);
    worker.Start();
    // The moment the first batch is acknowledged the worker sends the next: kill the server then.
    ASSERT_TRUE(WaitFor([&] { return worker.status().delivered >= 250; }, 30'000));
    server.Kill();
    const int64_t delivered_at_kill = worker.status().delivered;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    server.Restart();
    ASSERT_TRUE(WaitFor([&] { return QueueDepthOf(*store) == 0; }, 60'000))
        << "queue depth " << QueueDepthOf(*store);
    worker.Stop();

    EXPECT_LT(delivered_at_kill, 1000);
    ExpectDeliveredExactlyOnce(server, *store, codes);
    EXPECT_EQ(worker.status().delivered, 1000);
}

}  // namespace
}  // namespace gk::synctest
