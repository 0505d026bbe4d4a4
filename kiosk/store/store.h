// The terminal's durable storage: one SQLite file, DIR/gridkiosk.db, holding the terminal's
// identity, the cached catalogue, the requests residents submitted (with stage history), the
// outbox the sync worker drains, and an event log for the staff screen. All SQL of the
// terminal lives in kiosk/store; callers see only the types below.
//
// Thread safety: every public method takes the store's mutex, so the UI thread and the sync
// worker may share one Store.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalogue.h"
#include "core/receipt_code.h"
#include "core/request.h"
#include "core/result.h"
#include "platform/clock.h"
#include "platform/database.h"
#include "platform/statement_cache.h"

namespace gk {

struct StoreOptions {
    int64_t max_queue = 10000;       // outbox rows; Submit refuses with "queue_full" beyond
    int64_t max_database_bytes = 0;  // 0 = no cap; else SQLite refuses growth ("disk_full")
    // Bytes kept aside in DIR/gridkiosk.reserve (space_reserve.h); 0 = none. Submit refuses
    // ("disk_full") while the reserve cannot be held; a start or an upload on a full disk
    // gives it back so that the queue still drains.
    int64_t space_reserve_bytes = 4 * 1024 * 1024;
};

// What Store::Open found and did, for the log and the staff screen.
struct OpenReport {
    bool created = false;         // a new database file was made (first start, or recovery)
    int migrated_from = 0;        // user_version before migrations
    int migrated_to = 0;          // user_version after; equal to migrated_from when none ran
    std::string recovered_from;   // path the damaged file was moved to; empty if none
    std::string damage;           // why it was moved: "not_a_database" or quick_check's line
    int64_t rows_recovered = 0;   // rows carried over from the damaged file
    int64_t rows_unreadable = 0;  // rows seen there that could not be carried over
    bool low_space = false;       // started on a nearly full disk: new requests refused
    bool shared_memory = true;    // false: locking_mode=EXCLUSIVE, no -shm (disk too full)
};

struct StageEntry {
    Stage stage = Stage::kQueued;
    int64_t at_unix = 0;  // seconds, wall clock
    std::string note;     // free text from staff; may be empty
    std::string actor;    // "terminal", or who made the change on the server side
};

struct StoredRequest {
    ServiceRequest request;  // contact name/phone/relation are empty once uploaded
    // The current stage: "queued" until the server acknowledged it, then the server's latest by
    // the server's own times — never chosen by comparing the terminal's clock with the server's.
    Stage stage = Stage::kQueued;
    int64_t stage_at_unix = 0;  // seconds (the clock of whoever made that stage)
    // The date to show: the server's SLA date once the server sent it, else the terminal's.
    int64_t sla_due_at_unix = 0;
    int64_t terminal_due_at_unix = 0;     // seconds: created_at + SLA days, terminal clock
    int64_t server_received_at_unix = 0;  // seconds, server clock; 0 until the server's reply
    int64_t server_due_at_unix = 0;       // seconds, server's SLA date; 0 until known
    int64_t uploaded_at_unix = 0;         // seconds; 0 while still in the outbox
    bool uploaded() const { return uploaded_at_unix != 0; }
    std::vector<StageEntry> history;  // oldest first
};

// What the server said about a record it took: its own receive time and, for a request, its
// SLA date (both 0 when the reply did not carry them).
struct ServerReceipt {
    std::string uuid;
    int64_t received_at_unix = 0;  // seconds, server clock
    int64_t due_at_unix = 0;       // seconds, server clock
};

struct OutboxRecord {
    std::string uuid;             // the record's UUID, the server's idempotency key
    std::string kind;             // "request"
    std::string payload;          // JSON text as it goes on the wire
    int64_t created_at_unix = 0;  // seconds, wall clock
    int attempts = 0;             // failed deliveries so far
    int64_t next_attempt_at = 0;  // monotonic ms of the caller's clock; 0 = now
    std::string last_error;       // short reason of the last failure, no personal data
};

// What a successful enrollment hands the terminal (gridkiosk-provision enroll), checked first
// and then written as a whole.
struct TerminalEnrollment {
    uint32_t terminal_number = 0;  // 1..kMaxTerminalNumber
    std::string kiosk_id;
    std::string grid_path;          // 市/区/街道/社区/网格
    std::string server_url;         // the central server, no trailing slash
    std::string token;              // bearer token for the sync API
    std::string server_public_key;  // hex, for signed feeds
    std::string public_url;         // tracking base for receipts' QR; empty: the server has none
};

struct EventRecord {
    int64_t id = 0;
    int64_t at_unix = 0;  // seconds, wall clock
    std::string kind;     // "db_recovered", "db_migrated", ...
    std::string detail;   // one line for staff, no personal data
};

class Store {
  public:
    // Opens DIR/gridkiosk.db, creating DIR and the file when missing; checks it, migrates it,
    // and moves a damaged file aside (never deletes it) to start afresh with what could be
    // read. Error codes: "data_dir" (cannot create or write DIR), "too_new" (made by a newer
    // version: left untouched), "migrate", "open" (not even a fresh file opens: exit 3).
    static Result<std::unique_ptr<Store>> Open(const std::string& data_dir, Clock& clock);
    static Result<std::unique_ptr<Store>> Open(const std::string& data_dir, Clock& clock,
                                               const StoreOptions& options);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    const OpenReport& open_report() const { return report_; }
    const std::string& database_path() const { return path_; }

    // --- Identity and settings ------------------------------------------------------------
    uint32_t terminal_number() const;             // 0 until provisioned; Submit needs it set
    Status set_terminal_number(uint32_t number);  // "range" above kMaxTerminalNumber
    ReceiptSecret receipt_secret() const;         // made once, at the first open
    std::string kiosk_id() const;
    Status set_kiosk_id(std::string_view kiosk_id);
    std::string grid_path() const;  // "市/区/街道/社区/网格"
    Status set_grid_path(std::string_view grid_path);
    // Every value of an enrollment and its "enrolled" event in one transaction: all or nothing.
    // Errors: "range" (terminal number), "write", "disk_full".
    Status ApplyEnrollment(const TerminalEnrollment& enrollment);
    // Other small values (sync cursor, tokens of later features). Keys are ASCII words.
    Result<std::optional<std::string>> GetSetting(std::string_view key);
    Status SetSetting(std::string_view key, std::string_view value);

    // --- Catalogue ------------------------------------------------------------------------
    // Validates with ParseCatalogueJson and keeps the document. Error "stale" when its version
    // is older than the one stored (a rollback); the same version replaces it.
    Status SaveCatalogue(std::string_view json_text);
    std::optional<Catalogue> LoadCatalogue();
    std::optional<int> CatalogueVersion();  // cheap: no document read or parsed

    // --- Requests -------------------------------------------------------------------------
    // Gives the request its uuid, receipt code and created_at, and writes the request, its
    // first stage ("queued") and its outbox record in one transaction. Returns only after
    // COMMIT (synchronous=FULL): a receipt shown from the result survives a power cut.
    // Errors: "queue_full", "disk_full", "no_terminal_number", "no_grid_path" (neither the
    // request nor the terminal has a grid), "counter_exhausted", "write".
    Result<StoredRequest> Submit(ServiceRequest request, int sla_days);
    // `code` is canonical (NormaliseReceiptCode).
    Result<std::optional<StoredRequest>> FindByReceipt(std::string_view code);
    Result<std::optional<StoredRequest>> FindByUuid(std::string_view uuid);
    // A stage from the server's feed, for a request named by uuid or receipt code. The same
    // (stage, at) twice adds one row: returns true when a row was added. Error "not_found".
    Result<bool> ApplyStageChange(std::string_view uuid_or_code, Stage stage, int64_t at_unix,
                                  std::string_view note, std::string_view actor);
    // Requests for the same service at the same place since a time, for the duplicate hint.
    // Place: the same building (if given) and the same unit (if given; a request without a
    // unit matches any unit). Spaces and ASCII case do not count. Room is never compared.
    Result<int64_t> CountSimilarSince(std::string_view service_code, const GridLocation& where,
                                      int64_t since_unix);

    // --- Outbox (the sync worker) -------------------------------------------------------
    // Records due at `now_monotonic_ms` (next_attempt_at <= now), oldest first. Monotonic
    // times do not survive a restart, so Open() makes every record due again.
    Result<std::vector<OutboxRecord>> NextBatch(size_t max_records, int64_t now_monotonic_ms);
    // The server acknowledged these: their outbox rows go, and the requests keep only code,
    // service, place and stage (contact name, phone and relation are purged, also from the
    // stored payload, and from the file: secure_delete plus a WAL checkpoint). Unknown uuids
    // are ignored.
    // `received_at_unix` > 0 also records, in the same transaction, that the server received
    // the requests among them (stage "received"), so a batch costs one fsync, not one per record.
    Status MarkDelivered(const std::vector<std::string>& uuids, int64_t received_at_unix = 0);
    // The same, with the server's own times per record, kept beside the terminal's (the stage
    // "received" is dated by the server, and its SLA date replaces the terminal's on screen).
    Status MarkDelivered(const std::vector<ServerReceipt>& delivered);
    Status MarkFailed(std::string_view uuid, std::string_view error,
                      int64_t next_attempt_at_monotonic_ms);
    Result<int64_t> QueueDepth();
    Result<std::optional<int64_t>> OldestQueuedAt();  // created_at (seconds) of the oldest

    // --- Events (staff screen) ------------------------------------------------------------
    Status RecordEvent(std::string_view kind, std::string_view detail);
    Result<std::vector<EventRecord>> RecentEvents(size_t limit);  // newest first

  private:
    class Cached;  // a cached prepared statement, reset when the borrow ends

    Store(std::unique_ptr<Database> db, Clock& clock, const StoreOptions& options);
    static Status RebuildDamaged(const std::string& path, const std::string& damage, Clock& clock,
                                 OpenReport& report);
    Status LoadIdentity();
    // Room for a new request: the space reserve is held, or can be made now.
    bool HoldSpaceReserve();
    Status MarkDeliveredLocked(const std::vector<ServerReceipt>& delivered);
    Result<Statement*> Prepared(const char* sql);
    Status PutSetting(std::string_view key, std::string_view value);
    Status RecordEventLocked(std::string_view kind, std::string_view detail);
    Result<bool> ApplyStageChangeLocked(std::string_view uuid_or_code, Stage stage, int64_t at_unix,
                                        std::string_view note, std::string_view actor);
    Result<std::optional<StoredRequest>> FindWhere(const char* sql, std::string_view key);
    int64_t NowUnix();

    mutable std::mutex mutex_;
    std::unique_ptr<Database> db_;
    StatementCache statements_;  // after db_: the statements go before the connection
    Clock& clock_;
    StoreOptions options_;
    OpenReport report_;
    std::string path_;
    std::string counter_mark_path_;  // DIR/gridkiosk.counter
    std::string data_dir_;
    std::string reserve_path_;      // DIR/gridkiosk.reserve
    int64_t counter_reserved_ = 0;  // receipt counters up to this are covered by the mark
    // Identity, mirrored from the settings table.
    uint32_t terminal_number_ = 0;
    ReceiptSecret secret_{};
    std::string kiosk_id_;
    std::string grid_path_;
};

}  // namespace gk
