// The simulated clock of script mode is shared: the UI thread advances it while the sync
// worker reads it through the store. These tests race the two on purpose; under TSan (CI) a
// clock without atomics is reported, and without TSan a reader may never see time move.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "platform/clock.h"

namespace gk {
namespace {

constexpr int64_t kWallStart = 1795000000000;  // ms
constexpr int kSteps = 20000;

TEST(SimulatedClock, AdvancedOnOneThreadReadOnAnotherNeverGoesBack) {
    SimulatedClock clock(kWallStart);
    std::atomic<bool> reader_started{false}, writer_done{false};
    int64_t reads = 0, went_back = 0, wall_mismatch = 0;
    std::thread reader([&] {
        int64_t last = 0;
        reader_started = true;
        while (!writer_done.load()) {
            const int64_t mono = clock.MonotonicMs();
            const int64_t wall = clock.WallUnixMs();
            if (mono < last) ++went_back;
            if (wall < kWallStart + mono) ++wall_mismatch;  // read after mono: never behind it
            last = mono;
            ++reads;
        }
    });
    while (!reader_started.load()) std::this_thread::yield();
    for (int i = 0; i < kSteps; ++i) clock.Advance(1);
    writer_done = true;
    reader.join();
    EXPECT_EQ(went_back, 0);
    EXPECT_EQ(wall_mismatch, 0);
    EXPECT_GT(reads, 0);
    EXPECT_EQ(clock.MonotonicMs(), kSteps);
    EXPECT_EQ(clock.WallUnixMs(), kWallStart + kSteps);
}

// Two threads advancing at once (a test driver and the UI loop) lose no step.
TEST(SimulatedClock, ConcurrentAdvancesAllCount) {
    SimulatedClock clock(kWallStart);
    std::thread other([&] {
        for (int i = 0; i < kSteps; ++i) clock.Advance(1);
    });
    for (int i = 0; i < kSteps; ++i) clock.Advance(2);
    other.join();
    EXPECT_EQ(clock.MonotonicMs(), int64_t{3} * kSteps);
}

}  // namespace
}  // namespace gk
