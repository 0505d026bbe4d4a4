// A per-terminal request budget for the sync API (a token bucket per terminal id): a stolen or
// misbehaving token can send a burst, then only a steady trickle, and every other terminal keeps
// its own budget. The clock is injected, so tests move time instead of sleeping.
#pragma once

#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "platform/clock.h"

namespace gk::server {

class TerminalLimiter {
  public:
    struct Options {
        int burst = 300;                 // requests a quiet terminal may send at once
        int per_minute = 600;            // sustained requests per minute
        size_t max_terminals = 100'000;  // memory bound: full buckets are forgotten first
    };

    TerminalLimiter(Clock& clock, const Options& options) : clock_(clock), options_(options) {}

    // Takes one request from the terminal's budget: 0 when it may go on, otherwise the seconds
    // until one is available again (for Retry-After). A refused request costs nothing.
    int64_t Take(int64_t terminal_id);

  private:
    struct Bucket {
        double tokens = 0;
        int64_t updated_ms = 0;  // monotonic
    };
    void RefillLocked(Bucket& b, int64_t now_ms) const;

    Clock& clock_;
    Options options_;
    std::mutex mutex_;
    std::unordered_map<int64_t, Bucket> buckets_;
};

}  // namespace gk::server
