// The miss limiter with a simulated clock: blocks after max misses, doubles on repeats,
// forgets quiet addresses, and stays within its memory bound.
#include "server/rate_limit.h"

#include <gtest/gtest.h>

namespace gk::server {
namespace {

MissLimiter::Options Small() {
    MissLimiter::Options o;
    o.max_misses = 3;
    o.window_ms = 60'000;
    o.block_ms = 10'000;
    o.max_block_ms = 40'000;
    return o;
}

TEST(MissLimiter, BlocksAfterMaxMissesInAWindow) {
    SimulatedClock clock(0);
    MissLimiter limiter(clock, Small());
    EXPECT_EQ(limiter.RecordMiss("a"), 0);
    EXPECT_EQ(limiter.RecordMiss("a"), 0);
    EXPECT_EQ(limiter.RetryAfterSeconds("a"), 0);
    EXPECT_EQ(limiter.RecordMiss("a"), 10);
    EXPECT_EQ(limiter.RetryAfterSeconds("a"), 10);
    EXPECT_EQ(limiter.RetryAfterSeconds("b"), 0);  // other addresses are not affected
    clock.Advance(9'500);
    EXPECT_EQ(limiter.RetryAfterSeconds("a"), 1);
    clock.Advance(500);
    EXPECT_EQ(limiter.RetryAfterSeconds("a"), 0);
}

TEST(MissLimiter, MissesSpreadOverWindowsDoNotBlock) {
    SimulatedClock clock(0);
    MissLimiter limiter(clock, Small());
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(limiter.RecordMiss("a"), 0);
        EXPECT_EQ(limiter.RecordMiss("a"), 0);
        clock.Advance(61'000);
    }
}

TEST(MissLimiter, RepeatedBlocksGrowUpToTheCap) {
    SimulatedClock clock(0);
    MissLimiter limiter(clock, Small());
    int64_t blocks[4];
    for (int64_t& block : blocks) {
        limiter.RecordMiss("a");
        limiter.RecordMiss("a");
        block = limiter.RecordMiss("a");
        clock.Advance(block * 1000);
    }
    EXPECT_EQ(blocks[0], 10);
    EXPECT_EQ(blocks[1], 20);
    EXPECT_EQ(blocks[2], 40);
    EXPECT_EQ(blocks[3], 40);
    // Quiet longer than the cap: the next block is short again.
    clock.Advance(41'000);
    limiter.RecordMiss("a");
    limiter.RecordMiss("a");
    EXPECT_EQ(limiter.RecordMiss("a"), 10);
}

TEST(MissLimiter, MemoryStaysBounded) {
    SimulatedClock clock(0);
    MissLimiter::Options o = Small();
    o.max_addresses = 100;
    MissLimiter limiter(clock, o);
    for (int i = 0; i < 1000; ++i) {
        limiter.RecordMiss("10.0." + std::to_string(i));
        clock.Advance(1);
    }
    EXPECT_LE(limiter.tracked_addresses(), 100u);
}

}  // namespace
}  // namespace gk::server
