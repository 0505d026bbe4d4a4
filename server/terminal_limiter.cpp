// Token buckets per terminal (terminal_limiter.h).
#include "server/terminal_limiter.h"

#include <algorithm>
#include <cmath>

namespace gk::server {

void TerminalLimiter::RefillLocked(Bucket& b, int64_t now_ms) const {
    const double per_ms = options_.per_minute / 60'000.0;
    const int64_t elapsed = std::max<int64_t>(0, now_ms - b.updated_ms);
    b.tokens = std::min<double>(options_.burst, b.tokens + elapsed * per_ms);
    b.updated_ms = now_ms;
}

int64_t TerminalLimiter::Take(int64_t terminal_id) {
    std::lock_guard lock(mutex_);
    const int64_t now = clock_.MonotonicMs();
    auto it = buckets_.find(terminal_id);
    if (it == buckets_.end()) {
        if (buckets_.size() >= options_.max_terminals) {
            // Buckets that refilled to the brim know nothing a new one would not.
            for (auto b = buckets_.begin(); b != buckets_.end();) {
                RefillLocked(b->second, now);
                b = b->second.tokens >= options_.burst ? buckets_.erase(b) : std::next(b);
            }
        }
        it = buckets_.emplace(terminal_id, Bucket{static_cast<double>(options_.burst), now}).first;
    }
    Bucket& b = it->second;
    RefillLocked(b, now);
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return 0;
    }
    if (options_.per_minute <= 0) return 3600;
    const double wait_ms = (1.0 - b.tokens) * 60'000.0 / options_.per_minute;
    return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wait_ms / 1000.0)));
}

}  // namespace gk::server
