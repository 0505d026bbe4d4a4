// The terminal's sync worker: on its own thread, it uploads the outbox to the central server in
// batches (docs/SYNC_API.md), counts a record as delivered only by the server's per-record
// result, backs off on failure (full jitter, Retry-After honoured), sends heartbeats, and pulls
// the feed (stage changes of this terminal's requests, the service catalogue). It never blocks
// the UI: the UI only reads the store, and the worker wakes it through a callback.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/sync/backoff.h"
#include "platform/clock.h"
#include "platform/http.h"

namespace gk {

class Store;
struct OutboxRecord;

struct SyncOptions {
    std::string server_url;   // "http://127.0.0.1:8090"; no trailing slash
    std::string token;        // bearer token from enrollment
    size_t batch_size = 200;  // records per upload
    int64_t feed_interval_ms = 30'000;
    int64_t heartbeat_interval_ms = 5 * 60'000;
    int64_t rejected_retry_ms = 60 * 60'000;  // a record the server refused is retried hourly
    BackoffPolicy backoff;
    HttpOptions http;
    std::string version = "0.1.0";
};

// What the staff screen (and the heartbeat) report.
struct SyncStatus {
    int64_t delivered = 0;  // records acknowledged since start
    int64_t rejected = 0;   // per-record refusals since start
    int consecutive_failures = 0;
    std::string last_error;         // short word: "timeout", "http_503", "bad_reply", …
    int64_t last_success_unix = 0;  // seconds
    int64_t feed_cursor = 0;
};

// One upload or feed pass, for tests and the loop.
struct PassResult {
    bool ok = true;              // false: transport or server failure (retry later)
    int64_t retry_after_s = -1;  // from the server when it sent one
    size_t sent = 0, delivered = 0, rejected = 0;
    bool more = false;     // more records (or feed items) are waiting
    bool changed = false;  // something the screens show changed
};

class SyncWorker {
  public:
    SyncWorker(SyncOptions options, Store& store, Clock& clock, std::function<void()> on_change);
    ~SyncWorker();
    SyncWorker(const SyncWorker&) = delete;
    SyncWorker& operator=(const SyncWorker&) = delete;

    void Start();
    void Stop();  // cuts the exchange in flight short (it is retried at the next start), joins
    void Wake();  // a record was just written: try now (unless backing off)

    SyncStatus status() const;

    // Single passes (used by the loop; public for tests).
    PassResult UploadOnce(bool with_heartbeat);
    PassResult PullFeedOnce();

  private:
    enum class FeedOutcome { kApplied, kSkipped, kStoreFailed };
    FeedOutcome ApplyFeedItem(const nlohmann::json& item);
    void HoldBack(const OutboxRecord& record, const std::string& reason, int64_t now_ms);
    void Run();
    std::string HeartbeatJson();
    void RefusedWholeBatch(const std::vector<const OutboxRecord*>& sending, int64_t now_ms,
                           int status);
    void NoteFailure(const std::string& error);
    void NoteSuccess();

    SyncOptions options_;
    Store& store_;
    Clock& clock_;
    std::function<void()> on_change_;
    HttpClient http_;
    std::mt19937_64 rng_;
    size_t batch_limit_;  // records per upload now: batch_size, halved after a 413, 400 or timeout
    size_t batch_ceiling_;  // below the smallest batch the server refused with 413

    mutable std::mutex mutex_;
    std::condition_variable cv_;
    bool stop_ = false;
    bool woken_ = false;
    SyncStatus status_;
    std::thread thread_;
};

}  // namespace gk
