// Requests: Submit (request, first stage and outbox record in one transaction), look-up by
// receipt code or uuid with the stage history, stage changes from the feed, and the count of
// similar requests for the duplicate hint.
//
// Index
//   [SECTION] SQL and row mapping
//   [SECTION] Submit
//   [SECTION] Look-up and stage changes
//   [SECTION] Similar requests
#include <nlohmann/json.hpp>

#include "core/receipt_code.h"
#include "core/request_json.h"
#include "core/uuid.h"
#include "kiosk/store/counter_reservation.h"
#include "kiosk/store/store.h"
#include "kiosk/store/store_internal.h"
#include "platform/log.h"

namespace gk {

// =============================================================================================
// [SECTION] SQL and row mapping
// =============================================================================================

const char kInsertRequestSql[] =
    "INSERT INTO requests (uuid, receipt_code, service_code, description, building, unit, room,"
    " contact_name, contact_phone, by_proxy, relation, grid_path, lang, created_at, stage,"
    " stage_at, sla_due_at, payload, building_key, unit_key)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
    " ?19, ?20)";
const char kInsertStageSql[] =
    "INSERT OR IGNORE INTO stage_history (request_id, stage, at, note, actor)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
const char kInsertOutboxSql[] =
    "INSERT INTO outbox (uuid, kind, payload, created_at) VALUES (?1, ?2, ?3, ?4)";
const char kSelectRequestByCodeSql[] =
    "SELECT id, uuid, receipt_code, service_code, description, building, unit, room,"
    " contact_name, contact_phone, by_proxy, relation, grid_path, lang, created_at, stage,"
    " stage_at, sla_due_at, uploaded_at, server_received_at, server_due_at"
    " FROM requests WHERE receipt_code = ?1";
const char kSelectRequestByUuidSql[] =
    "SELECT id, uuid, receipt_code, service_code, description, building, unit, room,"
    " contact_name, contact_phone, by_proxy, relation, grid_path, lang, created_at, stage,"
    " stage_at, sla_due_at, uploaded_at, server_received_at, server_due_at"
    " FROM requests WHERE uuid = ?1";

void BindRequestRow(Statement& st, const ServiceRequest& r, Stage stage, int64_t stage_at,
                    int64_t sla_due_at, std::string_view payload) {
    st.Bind(1, r.uuid).Bind(2, r.receipt_code).Bind(3, r.service_code).Bind(4, r.description);
    st.Bind(5, r.location.building).Bind(6, r.location.unit).Bind(7, r.location.room);
    st.Bind(8, r.contact.name).Bind(9, r.contact.phone).Bind(10, r.contact.by_proxy ? 1 : 0);
    st.Bind(11, r.contact.relation).Bind(12, r.grid_path).Bind(13, r.lang);
    st.Bind(14, r.created_at_unix).Bind(15, StageName(stage)).Bind(16, stage_at);
    st.Bind(17, sla_due_at).Bind(18, payload);
    st.Bind(19, PlaceKey(r.location.building)).Bind(20, PlaceKey(r.location.unit));
}

std::string RequestPayload(const ServiceRequest& request) {
    return RequestToJson(request).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

StoredRequest ReadRequestRow(const Statement& st, int64_t* id) {
    StoredRequest out;
    if (id != nullptr) *id = st.Int(0);
    ServiceRequest& r = out.request;
    r.uuid = st.Text(1);
    r.receipt_code = st.Text(2);
    r.service_code = st.Text(3);
    r.description = st.Text(4);
    r.location = {st.Text(5), st.Text(6), st.Text(7)};
    r.contact.name = st.Text(8);
    r.contact.phone = st.Text(9);
    r.contact.by_proxy = st.Int(10) != 0;
    r.contact.relation = st.Text(11);
    r.grid_path = st.Text(12);
    r.lang = st.Text(13);
    r.created_at_unix = st.Int(14);
    out.stage = ParseStage(st.Text(15)).value_or(Stage::kQueued);
    out.stage_at_unix = st.Int(16);
    out.terminal_due_at_unix = st.Int(17);
    out.uploaded_at_unix = st.Int(18);
    out.server_received_at_unix = st.Int(19);
    out.server_due_at_unix = st.Int(20);
    out.sla_due_at_unix =
        out.server_due_at_unix > 0 ? out.server_due_at_unix : out.terminal_due_at_unix;
    return out;
}

namespace {

constexpr char kCountOutbox[] = "SELECT count(*) FROM outbox";
constexpr char kNextCounter[] = "UPDATE counter SET value = value + 1 WHERE id = 1 RETURNING value";
// The terminal's own stage ("queued", its clock) first, then the server's stages by the server's
// times: the two clocks may disagree by a year, so their times are never compared.
constexpr char kSelectHistory[] =
    "SELECT stage, at, note, actor FROM stage_history WHERE request_id = ?1"
    " ORDER BY CASE WHEN actor = 'terminal' THEN 0 ELSE 1 END, at, id";
constexpr char kIdByUuid[] = "SELECT id FROM requests WHERE uuid = ?1";
constexpr char kIdByCode[] = "SELECT id FROM requests WHERE receipt_code = ?1";
// The stage is "queued" until the server has spoken; then the server's latest by the server's
// own times ("received" from an upload's reply, the rest from the feed). The terminal's time of
// "queued" is never compared with a server time: a terminal clock a year ahead must not keep
// a received request "queued".
constexpr char kUpdateStage[] =
    "UPDATE requests SET stage = ?1, stage_at = ?2"
    " WHERE id = ?3 AND (stage = 'queued' OR stage_at <= ?2)";
constexpr char kCountSimilar[] =
    "SELECT count(*) FROM requests WHERE service_code = ?1 AND created_at >= ?2"
    " AND (?3 = '' OR building_key = ?3) AND (?4 = '' OR unit_key = ?4 OR unit_key = '')";

}  // namespace

// =============================================================================================
// [SECTION] Submit
// =============================================================================================
//
// The counter is taken inside the transaction, so a rolled-back Submit gives its counter back
// and the next Submit reuses it. That is safe: a receipt is shown only after COMMIT, so a code
// from a rolled-back transaction was never seen by anyone. Counters are covered by the mark
// file (counter_reservation.h) before use, so a lost database cannot hand them out again;
// each restart skips what is left of the reserved block.

Result<StoredRequest> Store::Submit(ServiceRequest request, int sla_days) {
    std::lock_guard lock(mutex_);
    if (terminal_number_ == 0) {
        return Error{"no_terminal_number", "terminal number not provisioned"};
    }
    if (request.grid_path.empty() && grid_path_.empty()) {
        // Never a made-up grid: a request must reach the staff of the grid it came from.
        return Error{"no_grid_path", "terminal has no grid (not enrolled, none configured)"};
    }
    if (!HoldSpaceReserve()) {
        return Error{"disk_full", "too little free space to hold the space reserve"};
    }
    Transaction tx(*db_);
    if (!tx.began()) return Error{"write", "begin: " + db_->LastErrorMessage()};

    // Queue limit: checked inside the transaction, so nothing is written when it is full.
    {
        auto st = Prepared(kCountOutbox);
        if (!st) return WriteError(st.error(), "write", "queue depth");
        Cached c(*st);
        auto row = c->Step();
        if (!row) return WriteError(row.error(), "write", "queue depth");
        if (*row && c->Int(0) >= options_.max_queue) {
            return Error{"queue_full", "outbox holds " + std::to_string(c->Int(0)) + " records"};
        }
    }

    int64_t counter = 0;
    {
        auto st = Prepared(kNextCounter);
        if (!st) return WriteError(st.error(), "write", "counter");
        Cached c(*st);
        auto row = c->Step();
        if (!row) return WriteError(row.error(), "write", "counter");
        if (!*row) return Error{"write", "counter row missing"};
        counter = c->Int(0);
        if (auto s = c->Run(); !s) return WriteError(s.error(), "write", "counter");
    }
    if (counter < 1 || counter > static_cast<int64_t>(kMaxReceiptCounter)) {
        return Error{"counter_exhausted", "receipt counter out of range"};
    }
    if (counter > counter_reserved_) {
        // Reserve the next block outside the database before using any of it.
        const int64_t mark = std::min<int64_t>(counter + kCounterReservationBlock - 1,
                                               static_cast<int64_t>(kMaxReceiptCounter));
        if (auto s = WriteCounterReservation(counter_mark_path_, mark); !s) {
            return WriteError(s.error(), "write", "counter mark");
        }
        counter_reserved_ = mark;
    }
    auto code = MakeReceiptCode(terminal_number_, static_cast<uint32_t>(counter), secret_);
    if (!code) return Error{"write", "receipt code: " + code.error().message};

    request.uuid = NewUuid();
    request.receipt_code = *code;
    request.created_at_unix = NowUnix();
    if (request.grid_path.empty()) request.grid_path = grid_path_;
    const int64_t created = request.created_at_unix;
    const int64_t sla_due = created + static_cast<int64_t>(std::max(sla_days, 0)) * kSecondsPerDay;
    const std::string payload = RequestPayload(request);

    int64_t request_id = 0;
    {
        auto st = Prepared(kInsertRequestSql);
        if (!st) return WriteError(st.error(), "write", "request");
        Cached c(*st);
        BindRequestRow(*c, request, Stage::kQueued, created, sla_due, payload);
        if (auto s = c->Run(); !s) return WriteError(s.error(), "write", "request");
        request_id = db_->LastInsertRowId();
    }
    {
        auto st = Prepared(kInsertStageSql);
        if (!st) return WriteError(st.error(), "write", "stage");
        Cached c(*st);
        c->Bind(1, request_id).Bind(2, StageName(Stage::kQueued)).Bind(3, created);
        c->Bind(4, "").Bind(5, "terminal");
        if (auto s = c->Run(); !s) return WriteError(s.error(), "write", "stage");
    }
    {
        auto st = Prepared(kInsertOutboxSql);
        if (!st) return WriteError(st.error(), "write", "outbox");
        Cached c(*st);
        c->Bind(1, request.uuid).Bind(2, "request").Bind(3, payload).Bind(4, created);
        if (auto s = c->Run(); !s) return WriteError(s.error(), "write", "outbox");
    }
    if (auto s = tx.Commit(); !s) return WriteError(s.error(), "write", "commit");

    StoredRequest stored;
    stored.request = std::move(request);
    stored.stage = Stage::kQueued;
    stored.stage_at_unix = created;
    stored.sla_due_at_unix = sla_due;
    stored.terminal_due_at_unix = sla_due;
    stored.history.push_back({Stage::kQueued, created, "", "terminal"});
    return stored;
}

// =============================================================================================
// [SECTION] Look-up and stage changes
// =============================================================================================

Result<std::optional<StoredRequest>> Store::FindWhere(const char* sql, std::string_view key) {
    int64_t id = 0;
    StoredRequest found;
    {
        auto st = Prepared(sql);
        if (!st) return st.error();
        Cached c(*st);
        c->Bind(1, key);
        auto row = c->Step();
        if (!row) return row.error();
        if (!*row) return std::optional<StoredRequest>();
        found = ReadRequestRow(*c, &id);
    }
    auto st = Prepared(kSelectHistory);
    if (!st) return st.error();
    Cached c(*st);
    c->Bind(1, id);
    for (;;) {
        auto row = c->Step();
        if (!row) return row.error();
        if (!*row) break;
        found.history.push_back(
            {ParseStage(c->Text(0)).value_or(Stage::kQueued), c->Int(1), c->Text(2), c->Text(3)});
    }
    return std::optional<StoredRequest>(std::move(found));
}

Result<std::optional<StoredRequest>> Store::FindByReceipt(std::string_view code) {
    std::lock_guard lock(mutex_);
    return FindWhere(kSelectRequestByCodeSql, code);
}

Result<std::optional<StoredRequest>> Store::FindByUuid(std::string_view uuid) {
    std::lock_guard lock(mutex_);
    return FindWhere(kSelectRequestByUuidSql, uuid);
}

Result<bool> Store::ApplyStageChange(std::string_view uuid_or_code, Stage stage, int64_t at_unix,
                                     std::string_view note, std::string_view actor) {
    std::lock_guard lock(mutex_);
    Transaction tx(*db_);
    if (!tx.began()) return Error{"write", "begin: " + db_->LastErrorMessage()};
    auto added = ApplyStageChangeLocked(uuid_or_code, stage, at_unix, note, actor);
    if (!added) return added;
    if (auto s = tx.Commit(); !s) return WriteError(s.error(), "write", "commit");
    return added;
}

// Inside a transaction the caller holds (ApplyStageChange, MarkDelivered).
Result<bool> Store::ApplyStageChangeLocked(std::string_view uuid_or_code, Stage stage,
                                           int64_t at_unix, std::string_view note,
                                           std::string_view actor) {
    int64_t id = 0;
    {
        auto st = Prepared(IsUuid(uuid_or_code) ? kIdByUuid : kIdByCode);
        if (!st) return st.error();
        Cached c(*st);
        c->Bind(1, uuid_or_code);
        auto row = c->Step();
        if (!row) return row.error();
        if (!*row) return Error{"not_found", "no such request"};
        id = c->Int(0);
    }
    bool added = false;
    {
        auto st = Prepared(kInsertStageSql);
        if (!st) return st.error();
        Cached c(*st);
        c->Bind(1, id).Bind(2, StageName(stage)).Bind(3, at_unix).Bind(4, note).Bind(5, actor);
        if (auto s = c->Run(); !s) return WriteError(s.error(), "write", "stage");
        added = db_->Changes() > 0;
    }
    if (added) {
        auto st = Prepared(kUpdateStage);
        if (!st) return st.error();
        Cached c(*st);
        c->Bind(1, StageName(stage)).Bind(2, at_unix).Bind(3, id);
        if (auto s = c->Run(); !s) return WriteError(s.error(), "write", "stage");
    }
    return added;
}

// =============================================================================================
// [SECTION] Similar requests
// =============================================================================================

Result<int64_t> Store::CountSimilarSince(std::string_view service_code, const GridLocation& where,
                                         int64_t since_unix) {
    const std::string building = PlaceKey(where.building);
    // A unit means something only inside a building.
    const std::string unit = building.empty() ? std::string() : PlaceKey(where.unit);
    std::lock_guard lock(mutex_);
    auto st = Prepared(kCountSimilar);
    if (!st) return st.error();
    Cached c(*st);
    c->Bind(1, service_code).Bind(2, since_unix).Bind(3, building).Bind(4, unit);
    auto row = c->Step();
    if (!row) return row.error();
    return *row ? c->Int(0) : int64_t{0};
}

}  // namespace gk
