// The SQLite implementation of Storage, part one: schema, keys, catalogue, terminals, API keys,
// queries and the feed. Records, requests and stages are in sqlite_records.cpp. All SQL of the
// server lives in these files and sqlite_schema.cpp, with bound parameters only.
//
// [SECTION] schema and keys
// [SECTION] catalogue
// [SECTION] terminals and API keys
// [SECTION] admin token and audit
// [SECTION] retention and backup
// [SECTION] queries
// [SECTION] feed
// [SECTION] helpers
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "server/log_fields.h"
#include "server/sqlite_schema.h"
#include "server/sqlite_storage_impl.h"

namespace gk::server {
namespace sqlite {

using nlohmann::json;

// [SECTION] schema and keys --------------------------------------------------------------------

Status SqliteStorage::Migrate() {
    std::lock_guard lock(mutex_);
    return MigrateSqliteSchema(*db_);
}

Status SqliteStorage::InitKeys(const ServerKeys& keys) {
    std::lock_guard lock(mutex_);
    EnsureNoOpenTransaction();
    Transaction tx(*db_);
    if (!tx.began()) return Error{"storage", db_->LastErrorMessage()};
    auto existing = GetMeta("admin_token_hash");
    if (!existing) return existing.error();
    if (!existing->empty()) return Error{"already_initialised", "server keys already exist"};
    for (auto [key, value] : {std::pair{"admin_token_hash", &keys.admin_token_hash},
                              std::pair{"sign_public_key", &keys.sign_public_key},
                              std::pair{"sign_secret_key", &keys.sign_secret_key},
                              std::pair{"receipt_secret", &keys.receipt_secret}}) {
        if (auto st = PutMeta(key, *value); !st) return st;
    }
    return Commit(tx);
}

Result<ServerKeys> SqliteStorage::LoadKeys() {
    std::lock_guard lock(mutex_);
    ServerKeys keys;
    for (auto [key, value] : {std::pair{"admin_token_hash", &keys.admin_token_hash},
                              std::pair{"sign_public_key", &keys.sign_public_key},
                              std::pair{"sign_secret_key", &keys.sign_secret_key},
                              std::pair{"receipt_secret", &keys.receipt_secret}}) {
        auto v = GetMeta(key);
        if (!v) return v.error();
        if (v->empty()) return Error{"not_initialised", "database not initialised (run init)"};
        *value = std::move(*v);
    }
    return keys;
}

// [SECTION] catalogue --------------------------------------------------------------------------

Status SqliteStorage::PutCatalogue(int version, const std::string& document, int64_t now) {
    std::lock_guard lock(mutex_);
    EnsureNoOpenTransaction();
    Transaction tx(*db_);
    if (!tx.began()) return Error{"storage", db_->LastErrorMessage()};
    auto q = Cached("SELECT version, document FROM catalogues ORDER BY version DESC LIMIT 1");
    if (!q) return DbError(q.error());
    auto row = q->Step();
    if (!row) return DbError(row.error());
    if (*row) {
        const int64_t stored = q->Int(0);
        if (stored == version && q->Text(1) == document) {
            return Error{"unchanged",
                         "catalogue version " + std::to_string(version) + " already loaded"};
        }
        if (stored >= version) {
            return Error{"stale_version", "catalogue version " + std::to_string(version) +
                                              " is not newer than stored " +
                                              std::to_string(stored)};
        }
    }
    auto ins = Cached("INSERT INTO catalogues(version, document, loaded_at) VALUES(?,?,?)");
    if (!ins) return DbError(ins.error());
    if (auto st = ins->Bind(1, version).Bind(2, document).Bind(3, now).Run(); !st)
        return DbError(st.error());
    json payload = {{"type", "catalogue"},
                    {"version", version},
                    {"catalogue", json::parse(document, nullptr, false)}};
    if (auto st = AddFeedEvent("catalogue", nullptr, payload.dump(), now); !st) return st;
    return Commit(tx);
}

Result<std::string> SqliteStorage::LatestCatalogue() {
    std::lock_guard lock(mutex_);
    auto q = Cached("SELECT document FROM catalogues ORDER BY version DESC LIMIT 1");
    if (!q) return DbError(q.error());
    auto row = q->Step();
    if (!row) return DbError(row.error());
    return *row ? q->Text(0) : std::string();
}

// [SECTION] terminals and API keys -------------------------------------------------------------

Status SqliteStorage::AddEnrollCode(const std::string& code_hash, const std::string& kiosk_id,
                                    const std::string& grid_path, int64_t now, int64_t expires_at) {
    std::lock_guard lock(mutex_);
    auto q = Cached(
        "INSERT INTO enroll_codes(code_hash, kiosk_id, grid_path, created_at, expires_at) "
        "VALUES(?,?,?,?,?)");
    if (!q) return DbError(q.error());
    q->BindBlob(1, code_hash.data(), code_hash.size()).Bind(2, kiosk_id).Bind(3, grid_path);
    q->Bind(4, now).Bind(5, expires_at);
    if (auto st = q->Run(); !st) return DbError(st.error());
    return Ok{};
}

Result<TerminalInfo> SqliteStorage::RedeemEnrollCode(const std::string& code_hash,
                                                     const std::string& token_hash, int64_t now) {
    std::lock_guard lock(mutex_);
    EnsureNoOpenTransaction();
    Transaction tx(*db_);
    if (!tx.began()) return Error{"storage", db_->LastErrorMessage()};
    auto q = Cached(
        "SELECT kiosk_id, grid_path FROM enroll_codes "
        "WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?");
    if (!q) return DbError(q.error());
    q->BindBlob(1, code_hash.data(), code_hash.size()).Bind(2, now);
    auto row = q->Step();
    if (!row) return DbError(row.error());
    if (!*row) return Error{"bad_code", "unknown, used or expired enrollment code"};
    TerminalInfo t;
    t.kiosk_id = q->Text(0);
    t.grid_path = q->Text(1);

    auto next = Cached("SELECT COALESCE(MAX(terminal_number), 0) + 1 FROM terminals");
    if (!next) return DbError(next.error());
    if (auto r = next->Step(); !r || !*r) return Error{"storage", "cannot read terminal numbers"};
    const int64_t number = next->Int(0);
    if (number > 1048575) return Error{"exhausted", "no terminal numbers left"};
    t.terminal_number = static_cast<uint32_t>(number);

    auto revoke =
        Cached("UPDATE terminals SET revoked_at = ? WHERE kiosk_id = ? AND revoked_at IS NULL");
    if (!revoke) return DbError(revoke.error());
    if (auto st = revoke->Bind(1, now).Bind(2, t.kiosk_id).Run(); !st) return DbError(st.error());

    auto ins = Cached(
        "INSERT INTO terminals(kiosk_id, terminal_number, grid_path, token_hash, enrolled_at) "
        "VALUES(?,?,?,?,?)");
    if (!ins) return DbError(ins.error());
    ins->Bind(1, t.kiosk_id).Bind(2, number).Bind(3, t.grid_path);
    ins->BindBlob(4, token_hash.data(), token_hash.size()).Bind(5, now);
    if (auto st = ins->Run(); !st) return DbError(st.error());
    t.id = db_->LastInsertRowId();

    auto used = Cached("UPDATE enroll_codes SET used_at = ?, terminal_id = ? WHERE code_hash = ?");
    if (!used) return DbError(used.error());
    used->Bind(1, now).Bind(2, t.id).BindBlob(3, code_hash.data(), code_hash.size());
    if (auto st = used->Run(); !st) return DbError(st.error());
    if (auto st = Commit(tx); !st) return st.error();
    return t;
}

Result<TerminalInfo> SqliteStorage::FindTerminalByToken(const std::string& token_hash) {
    std::lock_guard lock(mutex_);
    auto q = Cached(
        "SELECT id, kiosk_id, terminal_number, grid_path FROM terminals "
        "WHERE token_hash = ? AND revoked_at IS NULL");
    if (!q) return DbError(q.error());
    q->BindBlob(1, token_hash.data(), token_hash.size());
    auto row = q->Step();
    if (!row) return DbError(row.error());
    if (!*row) return Error{"not_found", "unknown or revoked token"};
    TerminalInfo t;
    t.id = q->Int(0);
    t.kiosk_id = q->Text(1);
    t.terminal_number = static_cast<uint32_t>(q->Int(2));
    t.grid_path = q->Text(3);
    return t;
}

Result<std::vector<uint32_t>> SqliteStorage::TerminalNumbersOfKiosk(const std::string& kiosk_id) {
    std::lock_guard lock(mutex_);
    auto q = Cached("SELECT terminal_number FROM terminals WHERE kiosk_id = ?");
    if (!q) return DbError(q.error());
    q->Bind(1, kiosk_id);
    std::vector<uint32_t> out;
    while (true) {
        auto row = q->Step();
        if (!row) return DbError(row.error());
        if (!*row) break;
        out.push_back(static_cast<uint32_t>(q->Int(0)));
    }
    return out;
}

Status SqliteStorage::AddApiKey(const std::string& name, const std::string& key_hash,
                                const std::string& role, int64_t now) {
    std::lock_guard lock(mutex_);
    auto q = Cached("INSERT INTO api_keys(name, key_hash, role, created_at) VALUES(?,?,?,?)");
    if (!q) return DbError(q.error());
    q->Bind(1, name).BindBlob(2, key_hash.data(), key_hash.size()).Bind(3, role).Bind(4, now);
    if (auto st = q->Run(); !st) {
        if (st.error().code == "constraint")
            return Error{"exists", "an API key with this name exists"};
        return DbError(st.error());
    }
    return Ok{};
}

Result<std::string> SqliteStorage::ApiKeyRole(const std::string& key_hash) {
    std::lock_guard lock(mutex_);
    auto q = Cached("SELECT role FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL");
    if (!q) return DbError(q.error());
    q->BindBlob(1, key_hash.data(), key_hash.size());
    auto row = q->Step();
    if (!row) return DbError(row.error());
    if (!*row) return Error{"not_found", "unknown or revoked API key"};
    return q->Text(0);
}

Status SqliteStorage::RevokeApiKey(const std::string& name, int64_t now) {
    std::lock_guard lock(mutex_);
    auto q = Cached("UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL");
    if (!q) return DbError(q.error());
    if (auto st = q->Bind(1, now).Bind(2, name).Run(); !st) return DbError(st.error());
    if (db_->Changes() == 0) return Error{"not_found", "no active API key named " + name};
    return Ok{};
}

Result<int> SqliteStorage::RevokeKiosk(const std::string& kiosk_id, int64_t now) {
    std::lock_guard lock(mutex_);
    auto q =
        Cached("UPDATE terminals SET revoked_at = ? WHERE kiosk_id = ? AND revoked_at IS NULL");
    if (!q) return DbError(q.error());
    if (auto st = q->Bind(1, now).Bind(2, kiosk_id).Run(); !st) return DbError(st.error());
    const int changed = db_->Changes();
    if (changed == 0) return Error{"not_found", "no active terminal with kiosk id " + kiosk_id};
    return changed;
}

// [SECTION] admin token and audit --------------------------------------------------------------

Result<std::string> SqliteStorage::AdminTokenHash() {
    std::lock_guard lock(mutex_);
    auto v = GetMeta("admin_token_hash");
    if (!v) return v.error();
    if (v->empty()) return Error{"not_initialised", "database not initialised (run init)"};
    return v;
}

Status SqliteStorage::SetAdminTokenHash(const std::string& hash) {
    std::lock_guard lock(mutex_);
    EnsureNoOpenTransaction();
    Transaction tx(*db_);
    if (!tx.began()) return Error{"storage", db_->LastErrorMessage()};
    auto existing = GetMeta("admin_token_hash");
    if (!existing) return existing.error();
    if (existing->empty()) return Error{"not_initialised", "database not initialised (run init)"};
    if (auto st = PutMeta("admin_token_hash", hash); !st) return st;
    return Commit(tx);
}

Status SqliteStorage::AddAudit(const std::string& actor, const std::string& action,
                               const std::string& detail, int64_t now) {
    std::lock_guard lock(mutex_);
    auto q = Cached("INSERT INTO audit_log(at, actor, action, detail) VALUES(?,?,?,?)");
    if (!q) return DbError(q.error());
    if (auto st = q->Bind(1, now).Bind(2, actor).Bind(3, action).Bind(4, detail).Run(); !st)
        return DbError(st.error());
    return Ok{};
}

Result<std::vector<AuditEntry>> SqliteStorage::ListAudit(int limit) {
    std::lock_guard lock(mutex_);
    auto q = Cached("SELECT id, at, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT ?");
    if (!q) return DbError(q.error());
    q->Bind(1, static_cast<int64_t>(limit));
    std::vector<AuditEntry> out;
    while (true) {
        auto row = q->Step();
        if (!row) return DbError(row.error());
        if (!*row) break;
        out.push_back({q->Int(0), q->Int(1), q->Text(2), q->Text(3), q->Text(4)});
    }
    return out;
}

// [SECTION] retention and backup ---------------------------------------------------------------

Result<PurgeOutcome> SqliteStorage::PurgePersonalData(int64_t closed_before, int64_t now) {
    std::lock_guard lock(mutex_);
    PurgeOutcome outcome;
    std::string closed;  // the closed stages, as a literal list (fixed names, no input)
    for (int i = 0; i <= static_cast<int>(Stage::kReopened); ++i) {
        const auto stage = static_cast<Stage>(i);
        if (StageIsOpen(stage)) continue;
        closed += std::string(closed.empty() ? "'" : ",'") + std::string(StageName(stage)) + "'";
    }
    {
        EnsureNoOpenTransaction();
        Transaction tx(*db_);
        if (!tx.began()) return Error{"busy", db_->LastErrorMessage()};
        auto q = Cached("SELECT id, record FROM requests WHERE purged_at IS NULL AND stage IN (" +
                        closed + ") AND updated_at <= ?");
        if (!q) return DbError(q.error());
        q->Bind(1, closed_before);
        auto u = Cached("UPDATE requests SET record = ?, purged_at = ? WHERE id = ?");
        if (!u) return DbError(u.error());
        while (true) {
            auto row = q->Step();
            if (!row) return DbError(row.error());
            if (!*row) break;
            const int64_t id = q->Int(0);
            json record = json::parse(q->Text(1), nullptr, false);
            auto request = record.is_discarded() ? Result<ServiceRequest>(Error{"bad", ""})
                                                 : RequestFromJson(record);
            if (!request) return Error{"storage", "bad record in row " + std::to_string(id)};
            request->description.clear();
            request->contact = Contact{};
            request->location.unit.clear();
            request->location.room.clear();
            if (auto st = u->Bind(1, RequestToJson(*request).dump()).Bind(2, now).Bind(3, id).Run();
                !st)
                return DbError(st.error());
            if (auto st = u->Reset(); !st) return DbError(st.error());
            ++outcome.requests;
        }
        if (auto st = Commit(tx); !st) return st.error();
    }
    // The old row versions are still in the WAL (and, until the checkpoint copies the new pages
    // over them, in the database file): copy back and truncate, so the bytes really go.
    auto cp = db_->Prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    if (!cp) return DbError(cp.error());
    auto row = cp->Step();
    if (!row) return DbError(row.error());
    outcome.wal_truncated = *row && cp->Int(0) == 0;
    return outcome;
}

Status SqliteStorage::BackupTo(const std::string& path) {
    std::lock_guard lock(mutex_);
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) return Error{"exists", path + " exists; not overwritten"};
    const std::string tmp = path + ".tmp";
    if (::unlink(tmp.c_str()) != 0 && errno != ENOENT)
        return Error{"storage", "cannot remove " + tmp + ": " + std::strerror(errno)};
    // VACUUM INTO reads one snapshot (WAL included) while the server keeps writing.
    auto q = db_->Prepare("VACUUM INTO ?");
    if (!q) return DbError(q.error());
    if (auto r = q->Bind(1, tmp).Run(); !r) return DbError(r.error());
    const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Error{"storage", "cannot open " + tmp + ": " + std::strerror(errno)};
    const bool synced = ::fchmod(fd, 0600) == 0 && ::fsync(fd) == 0;
    ::close(fd);
    if (!synced || ::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(tmp.c_str());
        return Error{"storage", "cannot write " + path + ": " + reason};
    }
    // The rename is durable once the directory is synced.
    const size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
    if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        const int rc = ::fsync(dfd);
        ::close(dfd);
        if (rc != 0) return Error{"storage", "cannot sync " + dir + ": " + std::strerror(errno)};
    }
    return Ok{};
}

// [SECTION] queries ----------------------------------------------------------------------------

Result<StoredRequest> SqliteStorage::FindRequestById(int64_t id) {
    std::lock_guard lock(mutex_);
    return FindLocked("id = ?", id, "");
}

Result<StoredRequest> SqliteStorage::FindRequestByReceipt(const std::string& receipt_code) {
    std::lock_guard lock(mutex_);
    return FindLocked("receipt_code = ?", 0, receipt_code);
}

Result<std::vector<StoredRequest>> SqliteStorage::ListRequests(const RequestFilter& f) {
    std::string sql = std::string("SELECT ") + kRequestColumns + " FROM requests WHERE 1";
    std::vector<std::variant<int64_t, std::string>> args;
    auto in_list = [&](const char* column, const auto& values) {
        sql += std::string(" AND ") + column + " IN (";
        for (size_t i = 0; i < values.size(); ++i) {
            sql += i ? ",?" : "?";
            args.emplace_back(values[i]);
        }
        sql += ")";
    };
    if (!f.ids.empty()) in_list("id", f.ids);
    if (!f.service_codes.empty()) in_list("service_code", f.service_codes);
    if (f.created_from) {
        sql += " AND received_at >= ?";  // requested_datetime is the server's receive time
        args.emplace_back(*f.created_from);
    }
    if (f.created_to) {
        sql += " AND received_at <= ?";
        args.emplace_back(*f.created_to);
    }
    if (f.stage) {
        sql += " AND stage = ?";
        args.emplace_back(std::string(StageName(*f.stage)));
    }
    std::vector<std::string> open_names, closed_names;
    for (int i = 0; i <= static_cast<int>(Stage::kReopened); ++i) {
        auto s = static_cast<Stage>(i);
        (StageIsOpen(s) ? open_names : closed_names).emplace_back(StageName(s));
    }
    if (f.open) in_list("stage", *f.open ? open_names : closed_names);
    if (f.overdue_only) {
        in_list("stage", open_names);
        sql += " AND expected_at < ?";
        args.emplace_back(f.now);
    }
    if (!f.grid_prefix.empty()) {
        // The node itself or anything below it; substr avoids LIKE's wildcard escaping.
        sql += " AND (grid_path = ? OR substr(grid_path, 1, length(?)) = ?)";
        args.emplace_back(f.grid_prefix);
        args.emplace_back(f.grid_prefix + "/");
        args.emplace_back(f.grid_prefix + "/");
    }
    sql += " ORDER BY id LIMIT ? OFFSET ?";
    args.emplace_back(static_cast<int64_t>(f.limit));
    args.emplace_back(static_cast<int64_t>(f.offset));

    std::lock_guard lock(mutex_);
    auto q = db_->Prepare(sql);
    if (!q) return DbError(q.error());
    for (size_t i = 0; i < args.size(); ++i) {
        const int index = static_cast<int>(i + 1);
        std::visit([&](const auto& v) { q->Bind(index, v); }, args[i]);
    }
    std::vector<StoredRequest> out;
    while (true) {
        auto row = q->Step();
        if (!row) return DbError(row.error());
        if (!*row) break;
        auto r = ReadRequestRow(*q);
        if (!r) return r.error();
        out.push_back(std::move(*r));
    }
    return out;
}

// [SECTION] feed -------------------------------------------------------------------------------

Result<FeedPage> SqliteStorage::ReadFeed(const std::string& kiosk_id, int64_t after_seq,
                                         int limit) {
    std::lock_guard lock(mutex_);
    EnsureNoOpenTransaction();
    // One read transaction, so last_seq and the events come from the same snapshot. It must
    // end on every path: a connection left inside it would refuse every later BEGIN.
    if (auto st = db_->Exec("BEGIN"); !st) return DbError(st.error());
    auto page = ReadFeedLocked(kiosk_id, after_seq, limit);
    if (auto st = db_->Exec("COMMIT"); !st) {
        if (db_->InTransaction() && !db_->Exec("ROLLBACK")) {
            LogLine("storage_rollback_failed").Add("where", "read_feed").Error();
        }
        return DbError(st.error());
    }
    return page;
}

Result<FeedPage> SqliteStorage::ReadFeedLocked(const std::string& kiosk_id, int64_t after_seq,
                                               int limit) {
    FeedPage page;
    auto last = Cached("SELECT COALESCE(MAX(seq), 0) FROM feed_events");
    if (!last) return DbError(last.error());
    if (auto r = last->Step(); !r || !*r) return Error{"storage", "cannot read feed"};
    page.last_seq = last->Int(0);
    auto q = Cached(
        "SELECT seq, kind, payload FROM feed_events "
        "WHERE seq > ?1 AND (audience IS NULL OR audience = ?2) "
        "AND NOT (kind = 'catalogue' AND seq < "
        "  (SELECT COALESCE(MAX(seq), 0) FROM feed_events WHERE kind = 'catalogue')) "
        "ORDER BY seq LIMIT ?3");
    if (!q) return DbError(q.error());
    q->Bind(1, after_seq).Bind(2, kiosk_id).Bind(3, static_cast<int64_t>(limit) + 1);
    while (true) {
        auto row = q->Step();
        if (!row) return DbError(row.error());
        if (!*row) break;
        if (static_cast<int>(page.events.size()) == limit) {
            page.more = true;
            break;
        }
        page.events.push_back({q->Int(0), q->Text(1), q->Text(2)});
    }
    return page;
}

// [SECTION] helpers ----------------------------------------------------------------------------

void SqliteStorage::EnsureNoOpenTransaction() {
    if (!db_->InTransaction()) return;
    LogLine("storage_open_transaction").Add("action", "rolled_back").Error();
    if (auto st = db_->Exec("ROLLBACK"); !st) {
        LogLine("storage_rollback_failed").Add("code", st.error().code).Error();
    }
}

Status SqliteStorage::Commit(Transaction& tx) {
    auto st = tx.Commit();
    if (st) return Ok{};
    // SQLite may have rolled back by itself (a full disk, I/O); what is still open goes now,
    // so the shared connection is back in autocommit before the next caller takes the mutex.
    if (db_->InTransaction()) {
        if (auto rb = db_->Exec("ROLLBACK"); !rb) {
            LogLine("storage_rollback_failed").Add("code", rb.error().code).Error();
        }
    }
    LogLine("storage_commit_failed").Add("code", st.error().code).Error();
    const std::string code = st.error().code == "busy" ? "busy" : "storage";
    return Error{code, "commit failed and was rolled back: " + st.error().message};
}

CachedStatement SqliteStorage::Cached(std::string_view sql) { return statements_.Borrow(sql); }

Status SqliteStorage::RunCached(std::string_view sql) {
    auto q = Cached(sql);
    if (!q) return q.error();
    return q->Run();
}

Result<std::string> SqliteStorage::GetMeta(const char* key) {
    auto q = Cached("SELECT value FROM meta WHERE key = ?");
    if (!q) return DbError(q.error());
    q->Bind(1, key);
    auto row = q->Step();
    if (!row) return DbError(row.error());
    return *row ? q->Blob(0) : std::string();
}

Status SqliteStorage::PutMeta(const char* key, const std::string& value) {
    auto q = Cached("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
    if (!q) return DbError(q.error());
    q->Bind(1, key).BindBlob(2, value.data(), value.size());
    if (auto st = q->Run(); !st) return DbError(st.error());
    return Ok{};
}

Status SqliteStorage::AddFeedEvent(const char* kind, const std::string* audience,
                                   const std::string& payload, int64_t now) {
    auto q = Cached("INSERT INTO feed_events(kind, audience, payload, created_at) VALUES(?,?,?,?)");
    if (!q) return DbError(q.error());
    q->Bind(1, kind);
    if (audience)
        q->Bind(2, *audience);
    else
        q->BindNull(2);
    q->Bind(3, payload).Bind(4, now);
    if (auto st = q->Run(); !st) return DbError(st.error());
    return Ok{};
}

Result<StoredRequest> SqliteStorage::FindLocked(const char* where, int64_t id,
                                                const std::string& code) {
    auto q = Cached(std::string("SELECT ") + kRequestColumns + " FROM requests WHERE " + where);
    if (!q) return DbError(q.error());
    if (code.empty())
        q->Bind(1, id);
    else
        q->Bind(1, code);
    auto row = q->Step();
    if (!row) return DbError(row.error());
    if (!*row) return Error{"not_found", "no such request"};
    auto r = ReadRequestRow(*q);
    if (!r) return r.error();
    auto h = Cached(
        "SELECT stage, note, actor, at FROM request_stages WHERE request_id = ? ORDER BY id");
    if (!h) return DbError(h.error());
    h->Bind(1, r->id);
    while (true) {
        auto hr = h->Step();
        if (!hr) return DbError(hr.error());
        if (!*hr) break;
        auto stage = ParseStage(h->Text(0));
        if (!stage) continue;
        r->history.push_back({*stage, h->Text(1), h->Text(2), h->Int(3)});
    }
    return r;
}

}  // namespace sqlite

std::string_view RecordResultName(RecordResult result) {
    switch (result) {
        case RecordResult::kAccepted:
            return "accepted";
        case RecordResult::kDuplicate:
            return "duplicate";
        case RecordResult::kConflict:
            return "conflict";
        case RecordResult::kRejected:
            return "rejected";
    }
    return "rejected";
}

Result<std::unique_ptr<Storage>> OpenSqliteStorage(const std::string& path) {
    auto db = Database::Open(path);
    if (!db) return Error{"open", db.error().message};
    // Deleted and overwritten content (purged phones, names) is zeroed, not left in free space.
    if (auto st = (*db)->Exec("PRAGMA secure_delete = ON"); !st)
        return Error{"open", "secure_delete: " + st.error().message};
    auto storage = std::make_unique<sqlite::SqliteStorage>(std::move(*db));
    if (auto st = storage->Migrate(); !st) return st.error();
    return std::unique_ptr<Storage>(std::move(storage));
}

}  // namespace gk::server
