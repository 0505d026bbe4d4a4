// The SQLite store's class, shared by the files that implement it: sqlite_storage.cpp (keys,
// catalogue, terminals, queries, feed) and sqlite_records.cpp (records, requests, stages).
// Internal to the server; everything else uses storage.h.
//
// One connection, guarded by a mutex: SQLite has one writer at a time anyway, and a batch of
// records is one transaction, so throughput comes from batching, not from parallel writers.
// Other processes (the CLI's set-stage) may write the same file; WAL and the busy timeout
// handle that. Methods named *Locked or private expect the mutex held.
#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/request_json.h"
#include "platform/database.h"
#include "platform/statement_cache.h"
#include "server/storage.h"

namespace gk::server::sqlite {

inline Error DbError(const Error& e) { return Error{"storage", e.code + ": " + e.message}; }

inline constexpr const char* kRequestColumns =
    "id, channel, kiosk_id, stage, received_at, updated_at, expected_at, record";

inline Result<StoredRequest> ReadRequestRow(Statement& s) {
    StoredRequest out;
    out.id = s.Int(0);
    out.channel = s.Text(1);
    out.kiosk_id = s.Text(2);
    auto stage = ParseStage(s.Text(3));
    if (!stage) return Error{"storage", "bad stage in row " + std::to_string(out.id)};
    out.stage = *stage;
    out.received_at = s.Int(4);
    out.updated_at = s.Int(5);
    out.expected_at = s.Int(6);
    nlohmann::json record = nlohmann::json::parse(s.Text(7), nullptr, false);
    if (record.is_discarded())
        return Error{"storage", "bad record in row " + std::to_string(out.id)};
    auto request = RequestFromJson(record);
    if (!request)
        return Error{"storage", "row " + std::to_string(out.id) + ": " + request.error().message};
    out.request = std::move(*request);
    return out;
}

// The statement cache both programs share (platform/statement_cache.h).
using CachedStatement = gk::CachedStatement;

class SqliteStorage final : public Storage {
  public:
    explicit SqliteStorage(std::unique_ptr<Database> db) : db_(std::move(db)), statements_(*db_) {}

    Status Migrate() override;
    Status InitKeys(const ServerKeys& keys) override;
    Result<ServerKeys> LoadKeys() override;
    Status PutCatalogue(int version, const std::string& document, int64_t now) override;
    Result<std::string> LatestCatalogue() override;
    Status AddEnrollCode(const std::string& code_hash, const std::string& kiosk_id,
                         const std::string& grid_path, int64_t now, int64_t expires_at) override;
    Result<TerminalInfo> RedeemEnrollCode(const std::string& code_hash,
                                          const std::string& token_hash, int64_t now) override;
    Result<TerminalInfo> FindTerminalByToken(const std::string& token_hash) override;
    Result<std::vector<uint32_t>> TerminalNumbersOfKiosk(const std::string& kiosk_id) override;
    Status AddApiKey(const std::string& name, const std::string& key_hash, const std::string& role,
                     int64_t now) override;
    Result<std::string> ApiKeyRole(const std::string& key_hash) override;
    Status RevokeApiKey(const std::string& name, int64_t now) override;
    Result<int> RevokeKiosk(const std::string& kiosk_id, int64_t now) override;
    Result<std::string> AdminTokenHash() override;
    Status SetAdminTokenHash(const std::string& hash) override;
    Status AddAudit(const std::string& actor, const std::string& action, const std::string& detail,
                    int64_t now) override;
    Result<std::vector<AuditEntry>> ListAudit(int limit) override;
    Result<PurgeOutcome> PurgePersonalData(int64_t closed_before, int64_t now) override;
    Status BackupTo(const std::string& path) override;
    Result<std::vector<KnownRecord>> FindRecords(const std::vector<std::string>& uuids) override;
    Result<std::vector<RecordOutcome>> StoreRecords(const TerminalInfo& terminal,
                                                    const std::vector<IncomingRecord>& records,
                                                    int64_t now) override;
    Result<StoredRequest> CreateServerRequest(
        ServiceRequest request, int64_t expected_at, int64_t now,
        const std::function<Result<std::string>(uint32_t counter)>& make_code) override;
    Result<StoredRequest> FindRequestById(int64_t id) override;
    Result<StoredRequest> FindRequestByReceipt(const std::string& receipt_code) override;
    Result<std::vector<StoredRequest>> ListRequests(const RequestFilter& f) override;
    Result<StoredRequest> SetStage(const std::string& receipt_code, Stage stage,
                                   const std::string& note, const std::string& actor,
                                   int64_t now) override;
    Result<FeedPage> ReadFeed(const std::string& kiosk_id, int64_t after_seq, int limit) override;

  private:
    // BEGIN IMMEDIATE on the shared connection. A transaction some earlier failure left open
    // is rolled back first (logged), so one failure cannot block every later write.
    void EnsureNoOpenTransaction();
    // Commits `tx`. When COMMIT fails (a deferred constraint, a full disk, I/O) the transaction
    // is rolled back here, on this connection, and the failure reported: "busy" when SQLite was
    // busy (worth a retry), else "storage".
    Status Commit(Transaction& tx);
    Result<FeedPage> ReadFeedLocked(const std::string& kiosk_id, int64_t after_seq, int limit);
    Result<std::string> GetMeta(const char* key);
    Status PutMeta(const char* key, const std::string& value);
    Status AddFeedEvent(const char* kind, const std::string* audience, const std::string& payload,
                        int64_t now);
    Result<StoredRequest> FindLocked(const char* where, int64_t id, const std::string& code);
    Result<int64_t> InsertRequest(const ServiceRequest& r, const char* channel,
                                  const TerminalInfo* terminal, int64_t expected_at, int64_t now);
    Status AddStageRow(int64_t id, Stage stage, const std::string& note, const std::string& actor,
                       int64_t now);
    Status ChangeStage(int64_t id, Stage stage, const std::string& note, const std::string& actor,
                       int64_t now);
    Result<RecordOutcome> StoreOneRecord(const TerminalInfo& terminal, const IncomingRecord& record,
                                         int64_t now);
    Status StoreData(const TerminalInfo& terminal, const IncomingRecord&,
                     const NewRequestRecord& data, int64_t now, RecordOutcome& out);
    Status StoreData(const TerminalInfo& terminal, const IncomingRecord& record,
                     const NewRatingRecord& data, int64_t now, RecordOutcome& out);
    Status StoreData(const TerminalInfo& terminal, const IncomingRecord& record,
                     const NewHeartbeatRecord& data, int64_t, RecordOutcome& out);
    static Status Reject(RecordOutcome& out, const char* reason);
    // The prepared statement for fixed SQL text, prepared once per connection and reused
    // (SQLite re-prepares by itself after a schema change). Expects the mutex held.
    CachedStatement Cached(std::string_view sql);
    Status RunCached(std::string_view sql);

    std::mutex mutex_;
    std::unique_ptr<Database> db_;
    StatementCache statements_;  // after db_, so the statements are finalised first
};

}  // namespace gk::server::sqlite
