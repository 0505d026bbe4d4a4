// Retry timing for uploads: exponential backoff with full jitter (a random wait between zero and
// the exponential cap, so many terminals coming back online do not retry in step), and the
// server's Retry-After, honoured but clamped so a bad header can neither hammer the server nor
// stall a terminal for days.
#pragma once

#include <cstdint>

namespace gk {

struct BackoffPolicy {
    int64_t base_ms = 1000;          // first cap
    int64_t cap_ms = 5 * 60 * 1000;  // the exponential never exceeds this
    int64_t retry_after_min_ms = 1000;
    int64_t retry_after_max_ms = 60 * 60 * 1000;
};

// failures ≥ 1; random01 in [0, 1). Returns a wait in [0, min(cap, base·2^(failures-1))].
int64_t FullJitterDelayMs(const BackoffPolicy& policy, int failures, double random01);

// retry_after_s < 0 means "no header": falls back to full jitter.
int64_t RetryDelayMs(const BackoffPolicy& policy, int failures, int64_t retry_after_s,
                     double random01);

}  // namespace gk
