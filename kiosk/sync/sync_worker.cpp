// The sync worker: upload loop, feed pull, heartbeats.
//
// [SECTION] Life cycle
// [SECTION] The loop
// [SECTION] Upload
// [SECTION] Feed
#include "kiosk/sync/sync_worker.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/request.h"
#include "core/request_json.h"
#include "core/uuid.h"
#include "kiosk/store/store.h"
#include "platform/log.h"

namespace gk {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// [SECTION] Life cycle
// ---------------------------------------------------------------------------------------------

SyncWorker::SyncWorker(SyncOptions options, Store& store, Clock& clock, std::function<void()> on_change)
    : options_(std::move(options)),
      store_(store),
      clock_(clock),
      on_change_(std::move(on_change)),
      http_(options_.http),
      rng_(std::random_device{}()) {
    while (!options_.server_url.empty() && options_.server_url.back() == '/') options_.server_url.pop_back();
    if (auto cursor = store_.GetSetting("feed_cursor"); cursor.ok() && cursor->has_value()) {
        status_.feed_cursor = std::atoll((*cursor)->c_str());
    }
}

SyncWorker::~SyncWorker() { Stop(); }

void SyncWorker::Start() {
    if (thread_.joinable()) return;
    thread_ = std::thread([this] { Run(); });
}

void SyncWorker::Stop() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void SyncWorker::Wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    cv_.notify_all();
}

SyncStatus SyncWorker::status() const {
    std::lock_guard lock(mutex_);
    return status_;
}

void SyncWorker::NoteFailure(const std::string& error) {
    std::lock_guard lock(mutex_);
    status_.consecutive_failures++;
    status_.last_error = error;
}

void SyncWorker::NoteSuccess() {
    std::lock_guard lock(mutex_);
    status_.consecutive_failures = 0;
    status_.last_success_unix = clock_.WallUnixMs() / 1000;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] The loop
// ---------------------------------------------------------------------------------------------

void SyncWorker::Run() {
    int64_t next_upload = 0, next_feed = 0, next_heartbeat = 0;  // monotonic ms
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    while (true) {
        const int64_t now = clock_.MonotonicMs();
        if (now >= next_upload) {
            const bool heartbeat = now >= next_heartbeat;
            const PassResult r = UploadOnce(heartbeat);
            if (r.ok) {
                if (heartbeat) next_heartbeat = now + options_.heartbeat_interval_ms;
                // More waiting: go on at once. Otherwise sleep until woken or a record's retry.
                next_upload = r.more ? now : now + options_.feed_interval_ms;
            } else {
                const int failures = status().consecutive_failures;
                next_upload = now + RetryDelayMs(options_.backoff, failures, r.retry_after_s, uniform(rng_));
                next_feed = std::max(next_feed, next_upload);
            }
            if (r.changed && on_change_) on_change_();
        }
        if (clock_.MonotonicMs() >= next_feed) {
            const PassResult r = PullFeedOnce();
            const int64_t t = clock_.MonotonicMs();
            if (r.ok) {
                next_feed = r.more ? t : t + options_.feed_interval_ms;
            } else {
                next_feed = t + RetryDelayMs(options_.backoff, status().consecutive_failures, r.retry_after_s,
                                             uniform(rng_));
            }
            if (r.changed && on_change_) on_change_();
        }
        std::unique_lock lock(mutex_);
        if (stop_) return;
        const int64_t wake_at = std::min(next_upload, next_feed);
        const int64_t wait_ms = std::max<int64_t>(0, wake_at - clock_.MonotonicMs());
        cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return stop_ || woken_; });
        if (stop_) return;
        if (woken_) {
            woken_ = false;
            // A new record: upload now, unless the server asked us to wait.
            if (status_.consecutive_failures == 0) next_upload = std::min(next_upload, clock_.MonotonicMs());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Upload
// ---------------------------------------------------------------------------------------------

std::string SyncWorker::HeartbeatJson() {
    const auto depth = store_.QueueDepth();
    const auto oldest = store_.OldestQueuedAt();
    const int64_t now = clock_.WallUnixMs() / 1000;
    struct statvfs fs{};
    int64_t free_bytes = -1;
    if (statvfs(store_.database_path().c_str(), &fs) == 0) free_bytes = static_cast<int64_t>(fs.f_bavail) * fs.f_frsize;
    const SyncStatus s = status();
    json data = {{"at", FormatChinaTime(now)},
                 {"queue_depth", depth.ok() ? *depth : -1},
                 {"oldest_unsent_age_s", oldest.ok() && oldest->has_value() ? now - **oldest : 0},
                 {"version", options_.version},
                 {"free_disk_bytes", free_bytes},
                 {"last_error", s.last_error}};
    return json{{"uuid", NewUuid()}, {"kind", "heartbeat"}, {"data", data}}.dump();
}

PassResult SyncWorker::UploadOnce(bool with_heartbeat) {
    PassResult r;
    const int64_t now_ms = clock_.MonotonicMs();
    auto batch = store_.NextBatch(options_.batch_size, now_ms);
    if (!batch.ok()) {
        NoteFailure("store");
        r.ok = false;
        return r;
    }
    if (batch->empty() && !with_heartbeat) return r;

    // The body is assembled from the stored payloads as they are: the same record always sends
    // the same bytes, so a retry after any failure is recognised as a duplicate.
    std::string body = "{\"records\":[";
    bool first = true;
    if (with_heartbeat) {
        body += HeartbeatJson();
        first = false;
    }
    for (const OutboxRecord& rec : *batch) {
        if (!first) body += ',';
        first = false;
        body += "{\"uuid\":\"" + rec.uuid + "\",\"kind\":\"" + rec.kind + "\",\"data\":" + rec.payload + "}";
    }
    body += "]}";
    r.sent = batch->size();

    const HttpResponse resp = http_.PostJson(options_.server_url + "/api/v1/records", body, options_.token);
    if (!resp.ok()) {
        r.ok = false;
        if (auto it = resp.headers.find("retry-after"); it != resp.headers.end()) {
            r.retry_after_s = ParseRetryAfter(it->second, clock_.WallUnixMs() / 1000);
        }
        const std::string error = resp.status == 0 ? resp.error : "http_" + std::to_string(resp.status);
        NoteFailure(error);
        log::Warn("upload failed: " + error + " records=" + std::to_string(r.sent));
        return r;
    }
    const json reply = json::parse(resp.body, nullptr, false);
    const json* results = nullptr;
    if (reply.is_object()) {
        auto it = reply.find("results");
        if (it != reply.end() && it->is_array()) results = &*it;
    }
    if (!results) {
        // A 2xx we cannot read proves nothing: every record stays queued.
        r.ok = false;
        NoteFailure("bad_reply");
        log::Warn("upload reply unreadable; records stay queued");
        return r;
    }
    std::vector<std::string> delivered;
    int64_t server_time = clock_.WallUnixMs() / 1000;
    if (auto t = reply.find("server_time"); t != reply.end() && t->is_string()) ParseIsoTime(t->get<std::string>(), server_time);
    for (const json& item : *results) {
        if (!item.is_object()) continue;
        const auto uuid = item.find("uuid");
        const auto result = item.find("result");
        if (uuid == item.end() || !uuid->is_string() || result == item.end() || !result->is_string()) continue;
        const std::string id = uuid->get<std::string>();
        // Only results for records of this batch count (a heartbeat's result needs nothing).
        const bool ours = std::any_of(batch->begin(), batch->end(), [&](const OutboxRecord& o) { return o.uuid == id; });
        if (!ours) continue;
        const std::string res = result->get<std::string>();
        if (res == "accepted" || res == "duplicate") {
            delivered.push_back(id);
            store_.ApplyStageChange(id, Stage::kReceived, server_time, "", "server");
        } else {
            const std::string reason = item.value("reason", res);
            store_.MarkFailed(id, res + ":" + reason, now_ms + options_.rejected_retry_ms);
            ++r.rejected;
            log::Error("record refused by server: " + res + " reason=" + reason);
        }
    }
    if (!delivered.empty()) {
        if (auto st = store_.MarkDelivered(delivered); !st) {
            r.ok = false;
            NoteFailure("store");
            return r;
        }
        r.changed = true;
    }
    r.delivered = delivered.size();
    r.more = batch->size() == options_.batch_size;
    NoteSuccess();
    {
        std::lock_guard lock(mutex_);
        status_.delivered += static_cast<int64_t>(r.delivered);
        status_.rejected += static_cast<int64_t>(r.rejected);
    }
    return r;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Feed
// ---------------------------------------------------------------------------------------------

PassResult SyncWorker::PullFeedOnce() {
    PassResult r;
    const int64_t cursor = status().feed_cursor;
    const HttpResponse resp = http_.Get(options_.server_url + "/api/v1/feed?cursor=" + std::to_string(cursor),
                                        options_.token);
    if (resp.status == 409) {
        // The server lost history (restored from a backup): start the feed again.
        std::lock_guard lock(mutex_);
        status_.feed_cursor = 0;
        r.more = true;
        return r;
    }
    if (!resp.ok()) {
        r.ok = false;
        if (auto it = resp.headers.find("retry-after"); it != resp.headers.end()) {
            r.retry_after_s = ParseRetryAfter(it->second, clock_.WallUnixMs() / 1000);
        }
        NoteFailure(resp.status == 0 ? resp.error : "http_" + std::to_string(resp.status));
        return r;
    }
    const json reply = json::parse(resp.body, nullptr, false);
    if (!reply.is_object() || !reply.contains("items") || !reply["items"].is_array() || !reply.contains("cursor") ||
        !reply["cursor"].is_string()) {
        r.ok = false;
        NoteFailure("bad_reply");
        return r;
    }
    const std::string next_text = reply["cursor"].get<std::string>();
    if (next_text.empty() || next_text.size() > 18 ||
        !std::all_of(next_text.begin(), next_text.end(), [](unsigned char c) { return std::isdigit(c); })) {
        r.ok = false;
        NoteFailure("bad_reply");
        return r;
    }
    for (const json& item : reply["items"]) {
        if (!item.is_object()) continue;
        const std::string type = item.value("type", "");
        if (type == "request_stage") {
            const auto stage = ParseStage(item.value("stage", ""));
            int64_t at = 0;
            const std::string uuid = item.value("uuid", "");
            if (!stage || !ParseIsoTime(item.value("at", ""), at) || uuid.empty()) continue;
            auto applied = store_.ApplyStageChange(uuid, *stage, at, item.value("note", ""), "server");
            if (applied.ok() && *applied) r.changed = true;
        } else if (type == "catalogue") {
            auto doc = item.find("catalogue");
            if (doc == item.end() || !doc->is_object()) continue;
            if (auto st = store_.SaveCatalogue(doc->dump()); st.ok()) {
                r.changed = true;
            } else if (st.error().code != "stale") {
                log::Warn("feed catalogue refused: " + st.error().message);
            }
        }
    }
    const int64_t next = std::atoll(next_text.c_str());
    store_.SetSetting("feed_cursor", std::to_string(next));
    {
        std::lock_guard lock(mutex_);
        status_.feed_cursor = next;
    }
    r.more = reply.value("more", false);
    NoteSuccess();
    return r;
}

}  // namespace gk
