// Backoff arithmetic.
#include "kiosk/sync/backoff.h"

#include <algorithm>

namespace gk {

int64_t FullJitterDelayMs(const BackoffPolicy& p, int failures, double random01) {
    // base·2^(failures-1), doubled step by step so that no failure count can overflow it.
    const int64_t cap = std::max<int64_t>(0, p.cap_ms);
    int64_t ceiling = std::clamp<int64_t>(p.base_ms, 0, cap);
    for (int i = 1; i < failures && ceiling < cap; ++i) ceiling = std::min(cap, ceiling * 2);
    const double r = std::clamp(random01, 0.0, 1.0);
    return static_cast<int64_t>(r * static_cast<double>(ceiling));
}

int64_t RetryDelayMs(const BackoffPolicy& p, int failures, int64_t retry_after_s, double random01) {
    if (retry_after_s >= 0) {
        const int64_t most = std::max(p.retry_after_min_ms, p.retry_after_max_ms);
        const int64_t ms = retry_after_s > most / 1000 ? most : retry_after_s * 1000;
        return std::clamp(ms, p.retry_after_min_ms, most);
    }
    return FullJitterDelayMs(p, failures, random01);
}

}  // namespace gk
