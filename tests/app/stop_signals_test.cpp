// StopSignals: SIGTERM and SIGINT set a flag and wake a watcher thread, which runs on_stop
// outside signal context (where locking and allocating are allowed), once per signal.
#include "platform/stop_signals.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

namespace gk {
namespace {

TEST(StopSignals, HandlerDefersTheWorkToAnotherThread) {
    std::atomic<int> calls{0};
    std::mutex mutex;
    std::set<std::thread::id> threads;
    StopSignals signals;
    ASSERT_TRUE(signals
                    .Init([&] {
                        std::lock_guard lock(mutex);  // would be unsafe inside a handler
                        threads.insert(std::this_thread::get_id());
                        calls.fetch_add(1);
                    })
                    .ok());
    EXPECT_FALSE(StopSignals::requested());
    constexpr int kSignals = 50;
    for (int i = 0; i < kSignals; ++i) ASSERT_EQ(::raise(i % 2 ? SIGINT : SIGTERM), 0);
    EXPECT_TRUE(StopSignals::requested());
    for (int i = 0; i < 2000 && calls.load() < kSignals; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    EXPECT_EQ(calls.load(), kSignals);
    signals.Shutdown();  // joins the watcher: `threads` is ours again
    ASSERT_EQ(threads.size(), 1u);
    EXPECT_NE(*threads.begin(), std::this_thread::get_id())
        << "on_stop ran in the thread the signal interrupted (signal context)";
    // The previous disposition is back.
    struct sigaction now {};
    ASSERT_EQ(::sigaction(SIGTERM, nullptr, &now), 0);
    EXPECT_EQ(now.sa_handler, SIG_DFL);
}

}  // namespace
}  // namespace gk
