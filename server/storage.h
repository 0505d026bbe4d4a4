// The server's store behind a small interface: SQLite (WAL) is the embedded default
// (sqlite_storage.cpp); a PostgreSQL backend for city scale implements the same interface.
// The store knows nothing of HTTP. It keeps the rules that need the stored state and must hold
// under concurrency: a record's UUID is unique forever, a receipt code is unique, terminal
// numbers are sequential and never reused, an enrollment code works once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/request.h"
#include "core/result.h"

namespace gk::server {

// Keys made by `init`. Secrets never leave the server; hashes are of tokens shown once.
struct ServerKeys {
    std::string admin_token_hash;  // HashToken(admin token), 32 bytes
    std::string sign_public_key;   // crypto_sign public key, 32 bytes (for signed feeds)
    std::string sign_secret_key;   // crypto_sign secret key, 64 bytes
    std::string receipt_secret;    // 32 bytes: keys the tag of the server's own receipt codes
};

struct TerminalInfo {
    int64_t id = 0;
    std::string kiosk_id;          // the name staff gave the device, e.g. "beilin-zhangjiacun-01"
    uint32_t terminal_number = 0;  // 1..2^20-1, in this terminal's receipt codes
    std::string grid_path;
    bool revoked = false;
};

struct StageEntry {
    Stage stage = Stage::kReceived;
    std::string note;   // public: shown on the tracking page and in Open311
    std::string actor;  // staff name or "system", "resident"
    int64_t at = 0;     // unix seconds
};

struct StoredRequest {
    int64_t id = 0;          // server id (Open311 service_request_id)
    ServiceRequest request;  // as received, with its personal data
    std::string channel;     // "terminal" | "open311"
    std::string kiosk_id;    // empty for Open311
    Stage stage = Stage::kReceived;
    int64_t received_at = 0;          // unix seconds, server clock
    int64_t updated_at = 0;           // unix seconds, last stage change
    int64_t expected_at = 0;          // unix seconds, from the service's SLA
    std::vector<StageEntry> history;  // oldest first; filled by Find*, empty from List
};

struct RequestFilter {
    std::vector<int64_t> ids;                // empty: any
    std::vector<std::string> service_codes;  // empty: any
    std::optional<int64_t> created_from;  // unix seconds, inclusive (when the resident submitted)
    std::optional<int64_t> created_to;    // unix seconds, inclusive
    std::optional<bool> open;             // Open311 status
    std::optional<Stage> stage;
    std::string grid_prefix;    // "市/区/街道": that node and everything below
    bool overdue_only = false;  // open and past expected_at at `now`
    int64_t now = 0;            // unix seconds, for overdue_only
    int limit = 50;
    int offset = 0;
};

// --- Records of the sync API ------------------------------------------------------------------

struct NewRequestRecord {
    ServiceRequest request;
    int64_t expected_at = 0;  // unix seconds
};
struct NewRatingRecord {
    std::string target;     // "request" | "project"
    std::string target_id;  // receipt code or project id
    int level = 0;          // 1 非常不满意 .. 5 非常满意
    int64_t created_at = 0;
};
struct NewHeartbeatRecord {
    int64_t at = 0;         // terminal's clock, unix seconds
    std::string body_json;  // the record's data as sent (no personal data by contract)
};

// A record that passed the shape and business checks that need no stored state.
struct IncomingRecord {
    std::string uuid;
    std::string kind;          // "request" | "rating" | "heartbeat"
    std::string content_hash;  // BLAKE2b of the canonical record, 32 bytes
    std::variant<NewRequestRecord, NewRatingRecord, NewHeartbeatRecord> data;
};

enum class RecordResult { kAccepted, kDuplicate, kConflict, kRejected };

struct RecordOutcome {
    std::string uuid;
    RecordResult result = RecordResult::kRejected;
    std::string reason;        // machine word for conflict/rejected, e.g. "unknown_request"
    int64_t server_id = 0;     // requests: the server id
    std::string receipt_code;  // requests: the receipt code
    int64_t received_at = 0;   // requests: unix seconds, server clock (the public request time)
    int64_t expected_at = 0;   // requests: unix seconds, the server's SLA date
};

// What the store remembers of a record it accepted, for duplicates and conflicts.
struct KnownRecord {
    std::string uuid;
    std::string content_hash;
    int64_t server_id = 0;
    std::string receipt_code;
    int64_t received_at = 0;  // requests: unix seconds, server clock; 0 for other kinds
    int64_t expected_at = 0;  // requests: unix seconds
};

// --- Operations ------------------------------------------------------------------------------

// One staff or admin write, for `gridkiosk-server audit`.
struct AuditEntry {
    int64_t id = 0;
    int64_t at = 0;      // unix seconds
    std::string actor;   // "cli:USER", "admin-api@ADDRESS", "server"
    std::string action;  // "set_stage", "api_key_revoke", ...
    std::string detail;  // what it acted on, e.g. "code=... stage=closed"
};

struct PurgeOutcome {
    int requests = 0;            // requests whose personal fields were removed now
    bool wal_truncated = false;  // false when a reader kept the WAL (it goes next time)
};

// --- Feed ---------------------------------------------------------------------------------------

struct FeedEvent {
    int64_t seq = 0;           // increasing, the cursor
    std::string kind;          // "catalogue" | "request_stage"
    std::string payload_json;  // the item as the feed sends it, without "seq"
};

struct FeedPage {
    std::vector<FeedEvent> events;
    int64_t last_seq = 0;  // the highest seq in the store (for "cursor ahead" detection)
    bool more = false;
};

class Storage {
  public:
    virtual ~Storage() = default;

    // Runs numbered migrations up to the current schema.
    virtual Status Migrate() = 0;

    // --- keys --------------------------------------------------------------------------------
    // Error "already_initialised" when keys exist.
    virtual Status InitKeys(const ServerKeys& keys) = 0;
    // Error "not_initialised" when `init` has not run.
    virtual Result<ServerKeys> LoadKeys() = 0;

    // --- catalogue ---------------------------------------------------------------------------
    // Stores a catalogue document and announces it in the feed. Error "stale_version" unless
    // version is newer than the stored one ("unchanged" when same version and same text).
    virtual Status PutCatalogue(int version, const std::string& document, int64_t now) = 0;
    // The newest document, or an empty string when none was loaded.
    virtual Result<std::string> LatestCatalogue() = 0;

    // --- terminals ---------------------------------------------------------------------------
    virtual Status AddEnrollCode(const std::string& code_hash, const std::string& kiosk_id,
                                 const std::string& grid_path, int64_t now, int64_t expires_at) = 0;
    // Consumes the code and makes a terminal with the next terminal number and this token hash.
    // Earlier terminals with the same kiosk_id are revoked (a replaced or wiped device).
    // Errors: "bad_code" (unknown, used or expired — not told apart, on purpose), "exhausted".
    virtual Result<TerminalInfo> RedeemEnrollCode(const std::string& code_hash,
                                                  const std::string& token_hash, int64_t now) = 0;
    // Error "not_found" for an unknown or revoked token.
    virtual Result<TerminalInfo> FindTerminalByToken(const std::string& token_hash) = 0;
    // Terminal numbers ever given to this kiosk_id (its old receipt codes stay uploadable).
    virtual Result<std::vector<uint32_t>> TerminalNumbersOfKiosk(const std::string& kiosk_id) = 0;

    // --- Open311 API keys --------------------------------------------------------------------
    // role: "reader" (reads everything, writes nothing) or "channel" (also files requests and
    // sees descriptions). Error "exists" when the name is taken.
    virtual Status AddApiKey(const std::string& name, const std::string& key_hash,
                             const std::string& role, int64_t now) = 0;
    // The key's role; error "not_found" for an unknown or revoked key.
    virtual Result<std::string> ApiKeyRole(const std::string& key_hash) = 0;
    // Error "not_found" when no active key has this name.
    virtual Status RevokeApiKey(const std::string& name, int64_t now) = 0;
    // Revokes every active terminal with this kiosk id; returns how many. Error "not_found".
    virtual Result<int> RevokeKiosk(const std::string& kiosk_id, int64_t now) = 0;

    // --- admin token and audit ---------------------------------------------------------------
    // Error "not_initialised".
    virtual Result<std::string> AdminTokenHash() = 0;
    virtual Status SetAdminTokenHash(const std::string& hash) = 0;
    virtual Status AddAudit(const std::string& actor, const std::string& action,
                            const std::string& detail, int64_t now) = 0;
    // Newest first.
    virtual Result<std::vector<AuditEntry>> ListAudit(int limit) = 0;

    // --- retention and backup ----------------------------------------------------------------
    // Removes personal fields (contact, description, unit and room) of requests closed at or
    // before `closed_before`, then checkpoints and truncates the WAL so the bytes are gone
    // (secure_delete zeroes what the rows left behind).
    virtual Result<PurgeOutcome> PurgePersonalData(int64_t closed_before, int64_t now) = 0;
    // A consistent copy (VACUUM INTO) at `path`, which must not exist; written as path.tmp,
    // made 0600, synced, then renamed. Errors "exists", "storage".
    virtual Status BackupTo(const std::string& path) = 0;

    // --- records -----------------------------------------------------------------------------
    virtual Result<std::vector<KnownRecord>> FindRecords(const std::vector<std::string>& uuids) = 0;
    // All records in one transaction, in order. A record whose UUID is already stored (also
    // earlier in this batch) comes back duplicate or conflict by its content hash; a record
    // that conflicts with stored state comes back rejected; each leaves nothing behind.
    virtual Result<std::vector<RecordOutcome>> StoreRecords(
        const TerminalInfo& terminal, const std::vector<IncomingRecord>& records, int64_t now) = 0;

    // A request from the server's own Open311 channel: takes the next counter of terminal 0,
    // asks make_code for the receipt code, stores the request, all in one transaction.
    virtual Result<StoredRequest> CreateServerRequest(
        ServiceRequest request, int64_t expected_at, int64_t now,
        const std::function<Result<std::string>(uint32_t counter)>& make_code) = 0;

    // --- queries -----------------------------------------------------------------------------
    // Error "not_found".
    virtual Result<StoredRequest> FindRequestById(int64_t id) = 0;
    virtual Result<StoredRequest> FindRequestByReceipt(const std::string& receipt_code) = 0;
    virtual Result<std::vector<StoredRequest>> ListRequests(const RequestFilter& filter) = 0;

    // --- staff -------------------------------------------------------------------------------
    // Appends a stage change and tells the request's terminal through the feed.
    // Error "not_found".
    virtual Result<StoredRequest> SetStage(const std::string& receipt_code, Stage stage,
                                           const std::string& note, const std::string& actor,
                                           int64_t now) = 0;

    // --- feed --------------------------------------------------------------------------------
    // Events after `after_seq` for this kiosk and for everyone; of catalogue events only the
    // newest is returned (older ones are superseded).
    virtual Result<FeedPage> ReadFeed(const std::string& kiosk_id, int64_t after_seq,
                                      int limit) = 0;
};

// Opens (creating if needed) an SQLite store and runs its migrations.
// Errors: "open" (cannot open the file), "migrate".
Result<std::unique_ptr<Storage>> OpenSqliteStorage(const std::string& path);

std::string_view RecordResultName(RecordResult result);  // "accepted", ...

}  // namespace gk::server
