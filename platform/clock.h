// Clocks: monotonic for timers and backoff, wall for display and record times. Replaceable,
// so tests and script mode can move time.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/assert.h"

namespace gk {

class Clock {
  public:
    virtual ~Clock() = default;
    virtual int64_t MonotonicMs() = 0;  // milliseconds, never goes back
    virtual int64_t WallUnixMs() = 0;   // milliseconds since 1970-01-01 UTC
};

class SystemClock final : public Clock {
  public:
    int64_t MonotonicMs() override;
    int64_t WallUnixMs() override;
};

// Time that moves only when told to (tests, --script mode). Thread-safe: in script mode the
// UI thread advances it while the sync worker reads it through the store.
class SimulatedClock final : public Clock {
  public:
    explicit SimulatedClock(int64_t wall_unix_ms) : wall_start_ms_(wall_unix_ms) {}
    int64_t MonotonicMs() override { return now_ms_.load(std::memory_order_acquire); }
    int64_t WallUnixMs() override { return wall_start_ms_ + MonotonicMs(); }
    void Advance(int64_t ms) {
        GK_ASSERT(ms >= 0 && "monotonic time never goes back");
        now_ms_.fetch_add(ms, std::memory_order_acq_rel);
    }

  private:
    const int64_t wall_start_ms_;
    std::atomic<int64_t> now_ms_{0};
};

// Beijing time (UTC+8, no daylight saving), for display and +08:00 datetimes.
constexpr int64_t kChinaUtcOffsetSeconds = 8 * 3600;

}  // namespace gk
