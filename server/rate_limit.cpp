// Per-address miss counting with growing blocks.
#include "server/rate_limit.h"

#include <algorithm>
#include <vector>

namespace gk::server {

int64_t MissLimiter::RetryAfterSeconds(const std::string& address) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(address);
    if (it == entries_.end()) return 0;
    const int64_t now = clock_.MonotonicMs();
    const int64_t left_ms = it->second.blocked_until_ms - now;
    return left_ms > 0 ? (left_ms + 999) / 1000 : 0;
}

int64_t MissLimiter::RecordMiss(const std::string& address) {
    std::lock_guard lock(mutex_);
    const int64_t now = clock_.MonotonicMs();
    if (entries_.size() >= options_.max_addresses && !entries_.count(address)) PruneLocked(now);
    Entry& e = entries_[address];
    if (e.strikes > 0 &&
        now - std::max(e.blocked_until_ms, e.last_seen_ms) > options_.max_block_ms) {
        e.strikes = 0;  // quiet for long enough: start afresh
    }
    e.last_seen_ms = now;
    if (now - e.window_start_ms >= options_.window_ms || e.misses == 0) {
        e.window_start_ms = now;
        e.misses = 0;
    }
    if (++e.misses < options_.max_misses) return 0;
    const int shift = std::min(e.strikes, 20);
    const int64_t block = std::min(options_.block_ms << shift, options_.max_block_ms);
    e.blocked_until_ms = now + block;
    e.strikes++;
    e.misses = 0;
    return (block + 999) / 1000;
}

size_t MissLimiter::tracked_addresses() {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

void MissLimiter::PruneLocked(int64_t now) {
    // Forget addresses that are neither blocked nor in a live window; if that is not enough,
    // forget the least recently seen half (a flood of addresses must not grow memory).
    for (auto it = entries_.begin(); it != entries_.end();) {
        const Entry& e = it->second;
        const bool quiet = e.blocked_until_ms <= now && now - e.last_seen_ms > options_.window_ms &&
                           (e.strikes == 0 || now - e.last_seen_ms > options_.max_block_ms);
        it = quiet ? entries_.erase(it) : std::next(it);
    }
    if (entries_.size() < options_.max_addresses) return;
    std::vector<int64_t> seen;
    seen.reserve(entries_.size());
    for (const auto& [address, e] : entries_) seen.push_back(e.last_seen_ms);
    std::nth_element(seen.begin(), seen.begin() + seen.size() / 2, seen.end());
    const int64_t cutoff = seen[seen.size() / 2];
    for (auto it = entries_.begin(); it != entries_.end();) {
        it = it->second.last_seen_ms <= cutoff ? entries_.erase(it) : std::next(it);
    }
}

}  // namespace gk::server
