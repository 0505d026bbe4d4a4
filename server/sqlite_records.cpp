// The SQLite implementation of Storage, part two: uploaded records (duplicate and conflict by
// content hash, one savepoint per record so a rejected one leaves nothing), requests from the
// Open311 channel, and stage changes with their feed events.
#include "server/sqlite_storage_impl.h"

namespace gk::server::sqlite {

using nlohmann::json;

namespace {

// A stored record with, for a request, the server's times (sent back with a duplicate too).
constexpr const char* kKnownRecordSql =
    "SELECT k.content_hash, COALESCE(k.request_id, 0), k.receipt_code, "
    "COALESCE(q.received_at, 0), COALESCE(q.expected_at, 0) "
    "FROM records k LEFT JOIN requests q ON q.id = k.request_id WHERE k.uuid = ?";

}  // namespace

Result<std::vector<KnownRecord>> SqliteStorage::FindRecords(const std::vector<std::string>& uuids) {
    std::lock_guard lock(mutex_);
    std::vector<KnownRecord> out;
    auto q = Cached(kKnownRecordSql);
    if (!q) return DbError(q.error());
    for (const auto& uuid : uuids) {
        if (auto st = q->Reset(); !st) return DbError(st.error());
        q->Bind(1, uuid);
        auto row = q->Step();
        if (!row) return DbError(row.error());
        if (*row) out.push_back({uuid, q->Blob(0), q->Int(1), q->Text(2), q->Int(3), q->Int(4)});
    }
    return out;
}

Result<std::vector<RecordOutcome>> SqliteStorage::StoreRecords(
    const TerminalInfo& terminal, const std::vector<IncomingRecord>& records, int64_t now) {
    std::lock_guard lock(mutex_);
    EnsureNoOpenTransaction();
    Transaction tx(*db_);
    if (!tx.began()) return Error{"busy", db_->LastErrorMessage()};
    std::vector<RecordOutcome> outcomes;
    outcomes.reserve(records.size());
    for (const auto& record : records) {
        auto outcome = StoreOneRecord(terminal, record, now);
        if (!outcome) return outcome.error();  // the transaction rolls back: nothing stored
        outcomes.push_back(std::move(*outcome));
    }
    auto seen = Cached("UPDATE terminals SET last_seen_at = ? WHERE id = ?");
    if (!seen) return DbError(seen.error());
    if (auto st = seen->Bind(1, now).Bind(2, terminal.id).Run(); !st) return DbError(st.error());
    if (auto st = Commit(tx); !st) return st.error();
    return outcomes;
}

Result<StoredRequest> SqliteStorage::CreateServerRequest(
    ServiceRequest request, int64_t expected_at, int64_t now,
    const std::function<Result<std::string>(uint32_t counter)>& make_code) {
    std::lock_guard lock(mutex_);
    EnsureNoOpenTransaction();
    Transaction tx(*db_);
    if (!tx.began()) return Error{"busy", db_->LastErrorMessage()};
    auto counter_text = GetMeta("receipt_counter");
    if (!counter_text) return counter_text.error();
    const int64_t counter = counter_text->empty() ? 0 : std::stoll(*counter_text);
    auto code = make_code(static_cast<uint32_t>(counter));
    if (!code) return code.error();
    if (auto st = PutMeta("receipt_counter", std::to_string(counter + 1)); !st) return st.error();
    request.receipt_code = *code;
    auto id = InsertRequest(request, "open311", nullptr, expected_at, now);
    if (!id) return id.error();
    if (auto st = Commit(tx); !st) return st.error();
    return FindLocked("id = ?", *id, "");
}

Result<StoredRequest> SqliteStorage::SetStage(const std::string& receipt_code, Stage stage,
                                              const std::string& note, const std::string& actor,
                                              int64_t now) {
    std::lock_guard lock(mutex_);
    EnsureNoOpenTransaction();
    Transaction tx(*db_);
    if (!tx.began()) return Error{"busy", db_->LastErrorMessage()};
    auto q = Cached("SELECT id FROM requests WHERE receipt_code = ?");
    if (!q) return DbError(q.error());
    q->Bind(1, receipt_code);
    auto row = q->Step();
    if (!row) return DbError(row.error());
    if (!*row) return Error{"not_found", "no request with this receipt code"};
    const int64_t id = q->Int(0);
    if (auto st = ChangeStage(id, stage, note, actor, now); !st) return st.error();
    if (auto st = Commit(tx); !st) return st.error();
    return FindLocked("id = ?", id, "");
}

// Inserts a request and its first stage; returns its id.
Result<int64_t> SqliteStorage::InsertRequest(const ServiceRequest& r, const char* channel,
                                             const TerminalInfo* terminal, int64_t expected_at,
                                             int64_t now) {
    auto q = Cached(
        "INSERT INTO requests(uuid, receipt_code, channel, terminal_id, kiosk_id, service_code, "
        "grid_path, stage, created_at, received_at, updated_at, expected_at, record) "
        "VALUES(?,?,?,?,?,?,?,'received',?,?,?,?,?)");
    if (!q) return DbError(q.error());
    q->Bind(1, r.uuid).Bind(2, r.receipt_code).Bind(3, channel);
    if (terminal)
        q->Bind(4, terminal->id).Bind(5, terminal->kiosk_id);
    else
        q->BindNull(4).Bind(5, "");
    q->Bind(6, r.service_code).Bind(7, r.grid_path).Bind(8, r.created_at_unix).Bind(9, now);
    q->Bind(10, now).Bind(11, expected_at).Bind(12, RequestToJson(r).dump());
    if (auto st = q->Run(); !st) {
        if (st.error().code == "constraint")
            return Error{"receipt_code_in_use", st.error().message};
        return DbError(st.error());
    }
    const int64_t id = db_->LastInsertRowId();
    if (auto st = AddStageRow(id, Stage::kReceived, "", "system", now); !st) return st.error();
    return id;
}

Status SqliteStorage::AddStageRow(int64_t id, Stage stage, const std::string& note,
                                  const std::string& actor, int64_t now) {
    auto q =
        Cached("INSERT INTO request_stages(request_id, stage, note, actor, at) VALUES(?,?,?,?,?)");
    if (!q) return DbError(q.error());
    q->Bind(1, id).Bind(2, StageName(stage)).Bind(3, note).Bind(4, actor).Bind(5, now);
    if (auto st = q->Run(); !st) return DbError(st.error());
    return Ok{};
}

// Appends a stage change and, for a terminal's request, a feed event for that kiosk.
Status SqliteStorage::ChangeStage(int64_t id, Stage stage, const std::string& note,
                                  const std::string& actor, int64_t now) {
    if (auto st = AddStageRow(id, stage, note, actor, now); !st) return st;
    auto u = Cached("UPDATE requests SET stage = ?, updated_at = ? WHERE id = ?");
    if (!u) return DbError(u.error());
    if (auto st = u->Bind(1, StageName(stage)).Bind(2, now).Bind(3, id).Run(); !st)
        return DbError(st.error());
    auto q = Cached("SELECT uuid, receipt_code, kiosk_id FROM requests WHERE id = ?");
    if (!q) return DbError(q.error());
    q->Bind(1, id);
    if (auto r = q->Step(); !r || !*r) return Error{"storage", "request vanished"};
    const std::string kiosk = q->Text(2);
    if (kiosk.empty()) return Ok{};
    json payload = {
        {"type", "request_stage"},   {"uuid", q->Text(0)}, {"receipt_code", q->Text(1)},
        {"stage", StageName(stage)}, {"note", note},       {"at", FormatChinaTime(now)}};
    return AddFeedEvent("request_stage", &kiosk, payload.dump(), now);
}

Result<RecordOutcome> SqliteStorage::StoreOneRecord(const TerminalInfo& terminal,
                                                    const IncomingRecord& record, int64_t now) {
    RecordOutcome out;
    out.uuid = record.uuid;
    auto known = Cached(kKnownRecordSql);
    if (!known) return DbError(known.error());
    known->Bind(1, record.uuid);
    auto row = known->Step();
    if (!row) return DbError(row.error());
    if (*row) {
        const bool same = known->Blob(0) == record.content_hash;
        out.result = same ? RecordResult::kDuplicate : RecordResult::kConflict;
        if (same) {
            out.server_id = known->Int(1), out.receipt_code = known->Text(2);
            out.received_at = known->Int(3), out.expected_at = known->Int(4);
        } else {
            out.reason = "uuid_reused";
        }
        return out;
    }
    if (auto st = RunCached("SAVEPOINT record"); !st) return DbError(st.error());
    auto done = std::visit(
        [&](const auto& data) { return StoreData(terminal, record, data, now, out); }, record.data);
    if (done && out.result != RecordResult::kRejected) {
        auto ins = Cached(
            "INSERT INTO records(uuid, kind, terminal_id, content_hash, request_id, receipt_code, "
            "received_at) "
            "VALUES(?,?,?,?,?,?,?)");
        if (!ins) return DbError(ins.error());
        ins->Bind(1, record.uuid).Bind(2, record.kind).Bind(3, terminal.id);
        ins->BindBlob(4, record.content_hash.data(), record.content_hash.size());
        if (out.server_id)
            ins->Bind(5, out.server_id);
        else
            ins->BindNull(5);
        ins->Bind(6, out.receipt_code).Bind(7, now);
        if (auto st = ins->Run(); !st) done = DbError(st.error());
    }
    if (!done || out.result == RecordResult::kRejected) {
        // A savepoint that cannot be rolled back would leave half a record in the batch:
        // fail the whole batch (the caller's transaction rolls back).
        if (auto st = RunCached("ROLLBACK TO record"); !st) return DbError(st.error());
        if (auto st = RunCached("RELEASE record"); !st) return DbError(st.error());
        if (!done) return done.error();
        return out;
    }
    if (auto st = RunCached("RELEASE record"); !st) return DbError(st.error());
    return out;
}

Status SqliteStorage::StoreData(const TerminalInfo& terminal, const IncomingRecord&,
                                const NewRequestRecord& data, int64_t now, RecordOutcome& out) {
    auto clash = Cached("SELECT 1 FROM requests WHERE receipt_code = ? OR uuid = ?");
    if (!clash) return DbError(clash.error());
    clash->Bind(1, data.request.receipt_code).Bind(2, data.request.uuid);
    auto row = clash->Step();
    if (!row) return DbError(row.error());
    if (*row) return Reject(out, "receipt_code_in_use");
    auto id = InsertRequest(data.request, "terminal", &terminal, data.expected_at, now);
    if (!id) return id.error();
    out.result = RecordResult::kAccepted;
    out.server_id = *id;
    out.receipt_code = data.request.receipt_code;
    out.received_at = now;
    out.expected_at = data.expected_at;
    return Ok{};
}

Status SqliteStorage::StoreData(const TerminalInfo& terminal, const IncomingRecord& record,
                                const NewRatingRecord& data, int64_t now, RecordOutcome& out) {
    int64_t request_id = 0;
    if (data.target == "request") {
        // Only the terminal's own requests (any terminal of its kiosk) can be rated, and a
        // code filed elsewhere reads exactly like one that does not exist: the results must not
        // tell a guesser which codes are real.
        auto q = Cached("SELECT id, stage FROM requests WHERE receipt_code = ? AND kiosk_id = ?");
        if (!q) return DbError(q.error());
        q->Bind(1, data.target_id).Bind(2, terminal.kiosk_id);
        auto row = q->Step();
        if (!row) return DbError(row.error());
        if (!*row) return Reject(out, "unknown_request");
        request_id = q->Int(0);
        const std::string stage = q->Text(1);
        if (stage == "rated") return Reject(out, "already_rated");
        if (stage != "closed") return Reject(out, "not_closed");
    }
    auto ins = Cached(
        "INSERT INTO ratings(uuid, terminal_id, target, target_id, level, created_at) "
        "VALUES(?,?,?,?,?,?)");
    if (!ins) return DbError(ins.error());
    ins->Bind(1, record.uuid).Bind(2, terminal.id).Bind(3, data.target).Bind(4, data.target_id);
    ins->Bind(5, data.level).Bind(6, data.created_at);
    if (auto st = ins->Run(); !st) return DbError(st.error());
    if (request_id) {
        static constexpr const char* kLevels[] = {"",
                                                  "非常不满意 Very dissatisfied",
                                                  "不满意 Dissatisfied",
                                                  "基本满意 Fairly satisfied",
                                                  "满意 Satisfied",
                                                  "非常满意 Very satisfied"};
        const std::string note = std::string("居民评价 Resident rating: ") + kLevels[data.level];
        if (auto st = ChangeStage(request_id, Stage::kRated, note, "resident", now); !st) return st;
    }
    out.result = RecordResult::kAccepted;
    return Ok{};
}

Status SqliteStorage::StoreData(const TerminalInfo& terminal, const IncomingRecord& record,
                                const NewHeartbeatRecord& data, int64_t, RecordOutcome& out) {
    auto ins = Cached("INSERT INTO heartbeats(uuid, terminal_id, at, body) VALUES(?,?,?,?)");
    if (!ins) return DbError(ins.error());
    ins->Bind(1, record.uuid).Bind(2, terminal.id).Bind(3, data.at).Bind(4, data.body_json);
    if (auto st = ins->Run(); !st) return DbError(st.error());
    auto u = Cached(
        "UPDATE terminals SET last_heartbeat_at = ?1, last_heartbeat = ?2 "
        "WHERE id = ?3 AND (last_heartbeat_at IS NULL OR last_heartbeat_at <= ?1)");
    if (!u) return DbError(u.error());
    if (auto st = u->Bind(1, data.at).Bind(2, data.body_json).Bind(3, terminal.id).Run(); !st) {
        return DbError(st.error());
    }
    out.result = RecordResult::kAccepted;
    return Ok{};
}

Status SqliteStorage::Reject(RecordOutcome& out, const char* reason) {
    out.result = RecordResult::kRejected;
    out.reason = reason;
    return Ok{};
}

}  // namespace gk::server::sqlite
