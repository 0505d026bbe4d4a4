// The sync worker: upload loop, feed pull, heartbeats.
//
// [SECTION] Life cycle
// [SECTION] The loop
// [SECTION] Upload
// [SECTION] Feed
#include "kiosk/sync/sync_worker.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>

#include "core/catalogue.h"
#include "core/json_limits.h"
#include "core/request.h"
#include "core/request_json.h"
#include "core/uuid.h"
#include "kiosk/store/store.h"
#include "platform/log.h"

namespace gk {

using nlohmann::json;

namespace {

// Readers for the server's replies: a field that is missing or of another type reads as absent.
// (json::value() throws on a type mismatch, and an exception on the worker thread would end
// the terminal: whatever the network sends, the worst outcome is a failed pass.)
std::string StringField(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool TrueField(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_boolean() && it->get<bool>();
}

int64_t TimeField(const json& object, const char* key) {
    int64_t at = 0;
    return ParseIsoTime(StringField(object, key), at) ? at : 0;
}

// "Now" on the server's clock when its reply carries a Date header, else on ours: a Retry-After
// date is a time on the server's clock, and ours may be a year off.
int64_t ServerNowSeconds(const HttpResponse& resp, int64_t own_now_s) {
    if (auto it = resp.headers.find("date"); it != resp.headers.end()) {
        if (const int64_t at = ParseHttpDate(it->second); at > 0) return at;
    }
    return own_now_s;
}

int64_t RetryAfterOf(const HttpResponse& resp, int64_t own_now_s) {
    const auto it = resp.headers.find("retry-after");
    if (it == resp.headers.end()) return -1;
    return ParseRetryAfter(it->second, ServerNowSeconds(resp, own_now_s));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// [SECTION] Life cycle
// ---------------------------------------------------------------------------------------------

SyncWorker::SyncWorker(SyncOptions options, Store& store, Clock& clock,
                       std::function<void()> on_change)
    : options_(std::move(options)),
      store_(store),
      clock_(clock),
      on_change_(std::move(on_change)),
      http_(options_.http),
      rng_(std::random_device{}()),
      batch_limit_(std::max<size_t>(1, options_.batch_size)),
      batch_ceiling_(batch_limit_) {
    while (!options_.server_url.empty() && options_.server_url.back() == '/')
        options_.server_url.pop_back();
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
    if (thread_.joinable()) {
        // A stalled server must not hold the terminal's shutdown for a whole timeout; the
        // exchange cut short is retried at the next start (records are idempotent).
        http_.Cancel();
        thread_.join();
    }
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
    // A pass that throws (it should not: replies are read defensively) counts as a failure
    // instead of ending the terminal with std::terminate.
    const auto guarded = [this](auto pass) {
        try {
            return pass();
        } catch (const std::exception& e) {
            NoteFailure("internal");
            log::Error(std::string("sync pass failed: ") + e.what());
            PassResult r;
            r.ok = false;
            return r;
        }
    };
    while (true) {
        const int64_t now = clock_.MonotonicMs();
        if (now >= next_upload) {
            const bool heartbeat = now >= next_heartbeat;
            const PassResult r = guarded([&] { return UploadOnce(heartbeat); });
            // Waits count from the end of the exchange: a reply that took 20 s to come with
            // "Retry-After: 5" still means five more seconds.
            const int64_t after = clock_.MonotonicMs();
            if (r.ok) {
                if (heartbeat) next_heartbeat = after + options_.heartbeat_interval_ms;
                // More waiting: go on at once. Otherwise sleep until woken or a record's retry.
                next_upload = r.more ? after : after + options_.feed_interval_ms;
            } else {
                const int failures = std::max(1, status().consecutive_failures);
                next_upload = after + RetryDelayMs(options_.backoff, failures, r.retry_after_s,
                                                   uniform(rng_));
                next_feed = std::max(next_feed, next_upload);
            }
            if (r.changed && on_change_) on_change_();
        }
        if (clock_.MonotonicMs() >= next_feed) {
            const PassResult r = guarded([&] { return PullFeedOnce(); });
            const int64_t t = clock_.MonotonicMs();
            if (r.ok) {
                next_feed = r.more ? t : t + options_.feed_interval_ms;
            } else {
                const int failures = std::max(1, status().consecutive_failures);
                next_feed =
                    t + RetryDelayMs(options_.backoff, failures, r.retry_after_s, uniform(rng_));
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
            if (status_.consecutive_failures == 0)
                next_upload = std::min(next_upload, clock_.MonotonicMs());
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
    struct statvfs fs {};
    int64_t free_bytes = -1;
    if (statvfs(store_.database_path().c_str(), &fs) == 0)
        free_bytes = static_cast<int64_t>(fs.f_bavail) * fs.f_frsize;
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
    // The heartbeat takes one place of the batch: the server counts it against its limit.
    const size_t limit = with_heartbeat && batch_limit_ > 1 ? batch_limit_ - 1 : batch_limit_;
    auto batch = store_.NextBatch(limit, now_ms);
    if (!batch.ok()) {
        NoteFailure("store");
        r.ok = false;
        return r;
    }

    // A stored payload that is not JSON would make the server refuse the whole batch, and so
    // hold back every record behind it: it waits as a refused record instead (never dropped).
    std::vector<const OutboxRecord*> sending;
    sending.reserve(batch->size());
    for (const OutboxRecord& rec : *batch) {
        if (json::accept(rec.payload)) {
            sending.push_back(&rec);
            continue;
        }
        HoldBack(rec, "bad_payload", now_ms);
        ++r.rejected;
        log::Error("outbox record with an unreadable payload held back");
    }
    if (sending.empty() && !with_heartbeat) return r;

    // The body is assembled from the stored payloads as they are: the same record always sends
    // the same bytes, so a retry after any failure is recognised as a duplicate.
    std::string body = "{\"records\":[";
    bool first = true;
    if (with_heartbeat) {
        body += HeartbeatJson();
        first = false;
    }
    for (const OutboxRecord* rec : sending) {
        if (!first) body += ',';
        first = false;
        body += "{\"uuid\":\"" + rec->uuid + "\",\"kind\":\"" + rec->kind +
                "\",\"data\":" + rec->payload + "}";
    }
    body += "]}";
    r.sent = sending.size();

    const HttpResponse resp =
        http_.PostJson(options_.server_url + "/api/v1/records", body, options_.token);
    if (!resp.ok()) {
        r.ok = false;
        r.retry_after_s = RetryAfterOf(resp, clock_.WallUnixMs() / 1000);
        if (resp.status == 413 || resp.status == 400) {
            RefusedWholeBatch(sending, now_ms, resp.status);
        } else if (resp.status == 0 && resp.error == "timeout" && sending.size() > 1) {
            // A link too slow for this batch within the timeout would time out on it forever:
            // smaller batches get through, and successes grow them back.
            batch_limit_ = std::max<size_t>(1, sending.size() / 2);
        }
        const std::string error =
            resp.status == 0 ? resp.error : "http_" + std::to_string(resp.status);
        NoteFailure(error);
        log::Warn("upload failed: " + error + " records=" + std::to_string(r.sent));
        return r;
    }
    const json reply = ParseUntrustedJsonOrDiscarded(resp.body);
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
    std::map<std::string, const OutboxRecord*> waiting;  // records without a result yet
    for (const OutboxRecord* rec : sending) waiting[rec->uuid] = rec;
    std::vector<ServerReceipt> delivered;
    // The server's clock, not ours, dates "received": ours may be a year off either way.
    int64_t server_time = 0;
    if (!ParseIsoTime(StringField(reply, "server_time"), server_time))
        server_time = ServerNowSeconds(resp, clock_.WallUnixMs() / 1000);
    for (const json& item : *results) {
        if (!item.is_object()) continue;
        const std::string id = StringField(item, "uuid");
        const std::string res = StringField(item, "result");
        // Only results for records of this batch count, once each (a heartbeat's result needs
        // nothing; a uuid the server made up or repeated changes nothing).
        const auto rec = waiting.find(id);
        if (rec == waiting.end()) continue;
        if (res == "accepted" || res == "duplicate") {
            const int64_t received = TimeField(item, "received_at");
            delivered.push_back(
                {id, received > 0 ? received : server_time, TimeField(item, "expected_at")});
            waiting.erase(rec);
        } else if (res == "rejected" || res == "conflict") {
            std::string reason = StringField(item, "reason");
            if (reason.empty()) reason = res;
            HoldBack(*rec->second, res + ":" + reason, now_ms);
            waiting.erase(rec);
            ++r.rejected;
            log::Error("record refused by server: " + res + " reason=" + reason);
        }
        // Any other word is no answer: the record stays due.
    }
    if (!sending.empty() && waiting.size() == sending.size()) {
        // A 200 that answers none of our records is a broken server, not progress: back off
        // rather than send the same batch again at once.
        r.ok = false;
        NoteFailure("bad_reply");
        log::Warn("upload reply answers none of the records; they stay queued");
        return r;
    }
    if (!delivered.empty()) {
        // One transaction: off the queue, contact purged, stage "received" at the server's time.
        if (auto st = store_.MarkDelivered(delivered); !st) {
            r.ok = false;
            NoteFailure("store");
            return r;
        }
        r.changed = true;
    }
    r.delivered = delivered.size();
    // A full batch with every record answered: more may be waiting. (Records left without an
    // answer are due again; the next pass finds them, and a server that never answers them
    // ends in the failure above.)
    r.more = batch->size() == limit && batch->size() > 0;
    batch_limit_ =
        std::min({std::max<size_t>(1, options_.batch_size), batch_ceiling_, batch_limit_ * 2});
    NoteSuccess();
    {
        std::lock_guard lock(mutex_);
        status_.delivered += static_cast<int64_t>(r.delivered);
        status_.rejected += static_cast<int64_t>(r.rejected);
    }
    return r;
}

// A record the server (or this terminal) refused waits an hour and stays in the outbox, visible
// with its reason; the first refusal is also a staff event. A store that cannot even note it
// leaves the record due, which only means it is offered again sooner.
void SyncWorker::HoldBack(const OutboxRecord& record, const std::string& reason, int64_t now_ms) {
    if (auto st = store_.MarkFailed(record.uuid, reason, now_ms + options_.rejected_retry_ms);
        !st) {
        log::Error("cannot hold back a refused record: " + st.error().message);
    }
    if (record.attempts == 0) {
        if (auto st = store_.RecordEvent("record_refused", record.kind + " " + reason); !st)
            log::Error("cannot record event: " + st.error().message);
    }
}

// 413 (too many records or too many bytes) or 400 (a body the server cannot read) refuse the
// batch as a whole. Halve it, so the records that can go do; a single record the server still
// refuses waits as a refused record and no longer blocks the queue. After a 413 the batch never
// grows back to the refused size (until the worker restarts), so it does not fail every other
// time.
void SyncWorker::RefusedWholeBatch(const std::vector<const OutboxRecord*>& sending, int64_t now_ms,
                                   int status) {
    if (sending.size() > 1) {
        batch_limit_ = std::max<size_t>(1, sending.size() / 2);
        if (status == 413) batch_ceiling_ = std::max<size_t>(1, sending.size() - 1);
        log::Warn("server refused a batch of " + std::to_string(sending.size()) +
                  " records (HTTP " + std::to_string(status) + "); sending " +
                  std::to_string(batch_limit_) + " at a time");
    } else if (sending.size() == 1) {
        HoldBack(*sending.front(), "http_" + std::to_string(status), now_ms);
        log::Error("server refused a single record (HTTP " + std::to_string(status) +
                   "); retried later");
    }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Feed
// ---------------------------------------------------------------------------------------------

PassResult SyncWorker::PullFeedOnce() {
    PassResult r;
    const int64_t cursor = status().feed_cursor;
    const HttpResponse resp = http_.Get(
        options_.server_url + "/api/v1/feed?cursor=" + std::to_string(cursor), options_.token);
    if (resp.status == 409 && cursor != 0) {
        // The server lost history (restored from a backup): start the feed again.
        if (auto st = store_.SetSetting("feed_cursor", "0"); !st) {
            NoteFailure("store");
            r.ok = false;
            return r;
        }
        std::lock_guard lock(mutex_);
        status_.feed_cursor = 0;
        r.more = true;
        return r;
    }
    if (!resp.ok()) {
        // (A 409 for cursor 0 is a server out of order: asking again at once would loop.)
        r.ok = false;
        r.retry_after_s = RetryAfterOf(resp, clock_.WallUnixMs() / 1000);
        NoteFailure(resp.status == 0 ? resp.error : "http_" + std::to_string(resp.status));
        return r;
    }
    const json reply = ParseUntrustedJsonOrDiscarded(resp.body);
    const auto items = reply.is_object() ? reply.find("items") : reply.end();
    const std::string next_text = reply.is_object() ? StringField(reply, "cursor") : std::string();
    if (!reply.is_object() || items == reply.end() || !items->is_array() || next_text.empty() ||
        next_text.size() > 18 ||
        !std::all_of(next_text.begin(), next_text.end(),
                     [](unsigned char c) { return std::isdigit(c); })) {
        r.ok = false;
        NoteFailure("bad_reply");
        return r;
    }
    // The cursor moves only past items that were applied (or that can never apply: malformed,
    // for a request this terminal does not hold, an older catalogue). At the first item the
    // store could not take, the pass stops: that item and the ones after it come again.
    const int64_t page_end = std::atoll(next_text.c_str());
    int64_t applied_through = cursor;  // the seq of the last item dealt with
    bool store_failed = false;
    for (const json& item : *items) {
        const FeedOutcome outcome = ApplyFeedItem(item);
        if (outcome == FeedOutcome::kStoreFailed) {
            store_failed = true;
            break;
        }
        if (outcome == FeedOutcome::kApplied) r.changed = true;
        const auto seq = item.is_object() ? item.find("seq") : item.end();
        if (seq != item.end() && seq->is_number_integer()) {
            const int64_t s = seq->get<int64_t>();
            if (s > applied_through && s <= page_end) applied_through = s;
        }
    }
    const int64_t next = store_failed ? applied_through : page_end;
    if (next != cursor) {
        if (auto st = store_.SetSetting("feed_cursor", std::to_string(next)); !st) {
            // The items are applied; a restart asks for them again, which changes nothing.
            log::Error("cannot save the feed cursor: " + st.error().message);
            store_failed = true;
        }
        std::lock_guard lock(mutex_);
        status_.feed_cursor = next;
    }
    if (store_failed) {
        r.ok = false;
        NoteFailure("store");
        log::Warn("feed item not applied (store error); retried from cursor " +
                  std::to_string(next));
        return r;
    }
    // Follow "more" only while the cursor moves forward: a server that says "more" without
    // moving it would otherwise be asked again and again without a pause.
    r.more = TrueField(reply, "more") && next > cursor;
    NoteSuccess();
    return r;
}

SyncWorker::FeedOutcome SyncWorker::ApplyFeedItem(const json& item) {
    if (!item.is_object()) return FeedOutcome::kSkipped;
    const std::string type = StringField(item, "type");
    if (type == "request_stage") {
        const auto stage = ParseStage(StringField(item, "stage"));
        int64_t at = 0;
        const std::string uuid = StringField(item, "uuid");
        if (!stage || !ParseIsoTime(StringField(item, "at"), at) || uuid.empty())
            return FeedOutcome::kSkipped;
        auto applied =
            store_.ApplyStageChange(uuid, *stage, at, StringField(item, "note"), "server");
        if (!applied) {
            if (applied.error().code == "not_found") return FeedOutcome::kSkipped;
            log::Error("feed stage change not applied: " + applied.error().message);
            return FeedOutcome::kStoreFailed;
        }
        return *applied ? FeedOutcome::kApplied : FeedOutcome::kSkipped;
    }
    if (type == "catalogue") {
        auto doc = item.find("catalogue");
        if (doc == item.end() || !doc->is_object()) return FeedOutcome::kSkipped;
        const std::string text = doc->dump();
        // A document that can never be taken is passed over; one the store could not write is
        // tried again.
        if (auto parsed = ParseCatalogueJson(text); !parsed) {
            log::Warn("feed catalogue refused: " + parsed.error().message);
            return FeedOutcome::kSkipped;
        }
        auto st = store_.SaveCatalogue(text);
        if (st.ok()) return FeedOutcome::kApplied;
        if (st.error().code == "stale") return FeedOutcome::kSkipped;
        log::Error("feed catalogue not saved: " + st.error().message);
        return FeedOutcome::kStoreFailed;
    }
    return FeedOutcome::kSkipped;  // a kind this version does not know
}

}  // namespace gk
