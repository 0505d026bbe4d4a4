// Backoff arithmetic.
#include "kiosk/sync/backoff.h"

#include <algorithm>

namespace gk {

int64_t FullJitterDelayMs(const BackoffPolicy& p, int failures, double random01) {
    const int shift = std::clamp(failures - 1, 0, 30);
    const int64_t ceiling = std::min(p.cap_ms, p.base_ms << std::min(shift, 20));
    const double r = std::clamp(random01, 0.0, 1.0);
    return static_cast<int64_t>(r * static_cast<double>(ceiling));
}

int64_t RetryDelayMs(const BackoffPolicy& p, int failures, int64_t retry_after_s, double random01) {
    if (retry_after_s >= 0) {
        const int64_t ms = retry_after_s > p.retry_after_max_ms / 1000 ? p.retry_after_max_ms : retry_after_s * 1000;
        return std::clamp(ms, p.retry_after_min_ms, p.retry_after_max_ms);
    }
    return FullJitterDelayMs(p, failures, random01);
}

}  // namespace gk
