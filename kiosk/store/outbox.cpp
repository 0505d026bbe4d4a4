// The outbox the sync worker drains: due records in order, delivery (which also purges the
// contact details the server now holds) and failure bookkeeping.
#include "kiosk/store/space_reserve.h"
#include "kiosk/store/store.h"
#include "kiosk/store/store_internal.h"
#include "platform/log.h"

namespace gk {
namespace {

constexpr char kNextBatch[] =
    "SELECT uuid, kind, payload, created_at, attempts, next_attempt_at, last_error FROM outbox"
    " WHERE next_attempt_at <= ?1 ORDER BY id LIMIT ?2";
constexpr char kDeleteOutbox[] = "DELETE FROM outbox WHERE uuid = ?1";
constexpr char kPurgeRequest[] =
    "UPDATE requests SET contact_name = '', contact_phone = '', relation = '', payload = ?2,"
    " uploaded_at = CASE WHEN uploaded_at = 0 THEN ?3 ELSE uploaded_at END WHERE uuid = ?1";
constexpr char kMarkFailed[] =
    "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3"
    " WHERE uuid = ?1";
constexpr char kSetServerTimes[] =
    "UPDATE requests SET"
    " server_received_at = CASE WHEN ?2 > 0 THEN ?2 ELSE server_received_at END,"
    " server_due_at = CASE WHEN ?3 > 0 THEN ?3 ELSE server_due_at END WHERE uuid = ?1";
constexpr char kQueueDepth[] = "SELECT count(*) FROM outbox";
constexpr char kOldestQueued[] = "SELECT min(created_at) FROM outbox";

}  // namespace

Result<std::vector<OutboxRecord>> Store::NextBatch(size_t max_records, int64_t now_monotonic_ms) {
    std::lock_guard lock(mutex_);
    auto st = Prepared(kNextBatch);
    if (!st) return st.error();
    Cached c(*st);
    c->Bind(1, now_monotonic_ms).Bind(2, static_cast<int64_t>(max_records));
    std::vector<OutboxRecord> batch;
    for (;;) {
        auto row = c->Step();
        if (!row) return row.error();
        if (!*row) break;
        batch.push_back({c->Text(0), c->Text(1), c->Text(2), c->Int(3), static_cast<int>(c->Int(4)),
                         c->Int(5), c->Text(6)});
    }
    return batch;
}

Status Store::MarkDelivered(const std::vector<std::string>& uuids, int64_t received_at_unix) {
    std::vector<ServerReceipt> delivered;
    delivered.reserve(uuids.size());
    for (const std::string& uuid : uuids) delivered.push_back({uuid, received_at_unix, 0});
    return MarkDelivered(delivered);
}

Status Store::MarkDelivered(const std::vector<ServerReceipt>& delivered) {
    std::lock_guard lock(mutex_);
    auto status = MarkDeliveredLocked(delivered);
    // A full disk: the space reserve goes back to the file system so the queue still drains.
    if (!status && status.error().code == "disk_full" && ReleaseSpaceReserve(reserve_path_)) {
        log::Warn("disk full: space reserve released to record deliveries");
        status = MarkDeliveredLocked(delivered);
    }
    return status;
}

Status Store::MarkDeliveredLocked(const std::vector<ServerReceipt>& delivered) {
    Transaction tx(*db_);
    if (!tx.began()) return Error{"write", "begin: " + db_->LastErrorMessage()};
    const int64_t now = NowUnix();
    for (const ServerReceipt& receipt : delivered) {
        const std::string& uuid = receipt.uuid;
        {
            auto st = Prepared(kDeleteOutbox);
            if (!st) return st.error();
            Cached c(*st);
            c->Bind(1, uuid);
            if (auto s = c->Run(); !s) return WriteError(s.error(), "write", "outbox");
        }
        // The request, if it is one, keeps what tracking needs and loses who sent it. The
        // payload is rebuilt from the purged row so that no copy of the contact remains.
        std::optional<StoredRequest> request;
        {
            auto st = Prepared(kSelectRequestByUuidSql);
            if (!st) return st.error();
            Cached c(*st);
            c->Bind(1, uuid);
            auto row = c->Step();
            if (!row) return row.error();
            if (*row) request = ReadRequestRow(*c, nullptr);
        }
        if (!request) continue;
        if (receipt.received_at_unix > 0) {
            auto added = ApplyStageChangeLocked(uuid, Stage::kReceived, receipt.received_at_unix,
                                                "", "server");
            if (!added) return added.error();
        }
        if (receipt.received_at_unix > 0 || receipt.due_at_unix > 0) {
            auto st = Prepared(kSetServerTimes);
            if (!st) return st.error();
            Cached c(*st);
            c->Bind(1, uuid).Bind(2, receipt.received_at_unix).Bind(3, receipt.due_at_unix);
            if (auto s = c->Run(); !s) return WriteError(s.error(), "write", "server times");
        }
        request->request.contact.name.clear();
        request->request.contact.phone.clear();
        request->request.contact.relation.clear();
        auto st = Prepared(kPurgeRequest);
        if (!st) return st.error();
        Cached c(*st);
        c->Bind(1, uuid).Bind(2, RequestPayload(request->request)).Bind(3, now);
        if (auto s = c->Run(); !s) return WriteError(s.error(), "write", "purge");
    }
    if (auto s = tx.Commit(); !s) return WriteError(s.error(), "write", "commit");
    // Old page images in the WAL still hold the contact details: fold the WAL into the
    // (secure_delete) main file and empty it. Best effort; the next delivery tries again.
    (void)db_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    return Ok{};
}

Status Store::MarkFailed(std::string_view uuid, std::string_view error,
                         int64_t next_attempt_at_monotonic_ms) {
    std::lock_guard lock(mutex_);
    auto st = Prepared(kMarkFailed);
    if (!st) return st.error();
    Cached c(*st);
    c->Bind(1, uuid).Bind(2, error).Bind(3, next_attempt_at_monotonic_ms);
    if (auto s = c->Run(); !s) return WriteError(s.error(), "write", "outbox");
    return Ok{};
}

Result<int64_t> Store::QueueDepth() {
    std::lock_guard lock(mutex_);
    auto st = Prepared(kQueueDepth);
    if (!st) return st.error();
    Cached c(*st);
    auto row = c->Step();
    if (!row) return row.error();
    return *row ? c->Int(0) : int64_t{0};
}

Result<std::optional<int64_t>> Store::OldestQueuedAt() {
    std::lock_guard lock(mutex_);
    auto st = Prepared(kOldestQueued);
    if (!st) return st.error();
    Cached c(*st);
    auto row = c->Step();
    if (!row) return row.error();
    if (!*row || c->IsNull(0)) return std::optional<int64_t>();
    return std::optional<int64_t>(c->Int(0));
}

}  // namespace gk
