// Slows down walks through receipt codes: each client address may miss (ask for a code that
// does not exist) a few times per window; then it is blocked for a while, and each repeat
// doubles the block (capped at an hour). Hits cost nothing. The clock is injected, so tests
// move time instead of sleeping.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "platform/clock.h"

namespace gk::server {

class MissLimiter {
  public:
    struct Options {
        int max_misses = 5;  // per window, before a block
        int64_t window_ms = 60'000;
        int64_t block_ms = 60'000;  // first block; doubles with each strike
        int64_t max_block_ms = 3'600'000;
        size_t max_addresses = 100'000;  // memory bound: oldest quiet entries are dropped first
    };

    MissLimiter(Clock& clock, const Options& options) : clock_(clock), options_(options) {}

    // 0 when the address may ask; otherwise the seconds to wait (for Retry-After).
    int64_t RetryAfterSeconds(const std::string& address);
    // Counts a miss; returns the seconds to wait when this miss started a block, else 0.
    int64_t RecordMiss(const std::string& address);

    size_t tracked_addresses();

  private:
    struct Entry {
        int64_t window_start_ms = 0;
        int misses = 0;
        int64_t blocked_until_ms = 0;
        int strikes = 0;  // blocks so far; forgotten after a quiet max_block_ms
        int64_t last_seen_ms = 0;
    };
    void PruneLocked(int64_t now);

    Clock& clock_;
    Options options_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace gk::server
