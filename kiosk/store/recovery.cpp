// Recovery from a damaged database file: copying what can still be read into the new file and
// repairing the links between what was copied. Moving the files is in database_files.cpp.
//
// Index
//   [SECTION] Copying rows table by table, row by row
//   [SECTION] Making the copy consistent
//   [SECTION] SalvageInto
#include "kiosk/store/recovery.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "core/catalogue.h"
#include "core/receipt_code.h"
#include "core/request_json.h"
#include "kiosk/store/migrations.h"
#include "kiosk/store/store_internal.h"

namespace gk {
namespace fs = std::filesystem;

// =============================================================================================
// [SECTION] Copying rows table by table, row by row
// =============================================================================================
namespace {

// Order matters: requests before stage_history (foreign key), settings and catalogue before
// the repairs that read them.
constexpr std::array<const char*, 7> kSalvageTables = {
    "settings", "counter", "catalogue", "events", "requests", "stage_history", "outbox"};

// How far past the last readable row to look for more when a scan stops on damage.
constexpr int64_t kProbeWindow = 100000;

struct TableCount {
    int64_t copied = 0;
    int64_t failed = 0;
};

std::vector<std::string> Columns(Database& db, const char* table, const char* schema) {
    std::vector<std::string> names;
    auto st = db.Prepare("SELECT name FROM pragma_table_info(?1, ?2)");
    if (!st) return names;
    st->Bind(1, table).Bind(2, schema);
    for (;;) {
        auto row = st->Step();
        if (!row || !*row) break;
        names.push_back(st->Text(0));
    }
    return names;
}

std::string Quoted(const std::string& identifier) {
    std::string out = "\"";
    for (char c : identifier) {
        out += c;
        if (c == '"') out += '"';
    }
    return out + "\"";
}

enum class CopyOutcome { kCopied, kNoRow, kFailed };

TableCount CopyTable(Database& db, const char* table) {
    TableCount count;
    // Columns both schemas have: the damaged file may be of an older version.
    const std::vector<std::string> ours = Columns(db, table, "main");
    const std::vector<std::string> theirs = Columns(db, table, "old");
    std::string list;
    for (const std::string& name : ours) {
        if (std::find(theirs.begin(), theirs.end(), name) == theirs.end()) continue;
        list += (list.empty() ? "" : ", ") + Quoted(name);
    }
    if (list.empty()) return count;
    const std::string t = Quoted(table);
    auto insert = db.Prepare("INSERT OR REPLACE INTO main." + t + " (" + list + ") SELECT " + list +
                             " FROM old." + t + " WHERE rowid = ?1");
    auto scan = db.Prepare("SELECT rowid FROM old." + t + " WHERE rowid > ?1 ORDER BY rowid");
    if (!insert || !scan) return count;

    auto copy = [&](int64_t rowid) {
        insert->Bind(1, rowid);
        const bool ran = insert->Run().ok();
        (void)insert->Reset();
        if (!ran) return CopyOutcome::kFailed;
        return db.Changes() > 0 ? CopyOutcome::kCopied : CopyOutcome::kNoRow;
    };

    std::optional<int64_t> max_rowid;
    if (auto st = db.Prepare("SELECT max(rowid) FROM old." + t); st) {
        if (auto row = st->Step(); row && *row && !st->IsNull(0)) max_rowid = st->Int(0);
    }

    int64_t last = 0;  // our tables' rowids start at 1
    for (;;) {
        // Rowids in order until the end or the first damaged page. Collected before copying:
        // while a read is open on the connection, SQLite would not commit the copies one by one.
        std::vector<int64_t> rowids;
        (void)scan->Reset();
        scan->Bind(1, last);
        bool clean = true;
        for (;;) {
            auto row = scan->Step();
            if (!row) {
                clean = false;
                break;
            }
            if (!*row) break;
            rowids.push_back(scan->Int(0));
        }
        (void)scan->Reset();
        for (const int64_t rowid : rowids) {
            if (copy(rowid) == CopyOutcome::kCopied) {
                ++count.copied;
            } else {
                ++count.failed;
            }
            last = rowid;
        }
        if (clean) break;
        // Past the damage: look rows up one by one until one reads, then scan again from it.
        const int64_t limit = max_rowid ? *max_rowid : last + kProbeWindow;
        bool found = false;
        for (int64_t rowid = last + 1; rowid <= limit; ++rowid) {
            const CopyOutcome outcome = copy(rowid);
            if (outcome == CopyOutcome::kCopied) {
                ++count.copied;
                last = rowid;
                found = true;
                break;
            }
            // Without a known end, a failed look-up may be a slot that never held a row.
            if (outcome == CopyOutcome::kFailed && max_rowid) ++count.failed;
        }
        if (!found) break;
    }
    return count;
}

// =============================================================================================
// [SECTION] Making the copy consistent
// =============================================================================================

int SlaDaysFor(Database& db, const std::string& service_code) {
    constexpr int kDefaultSlaDays = 7;
    auto st = db.Prepare("SELECT document FROM catalogue WHERE id = 1");
    if (!st) return kDefaultSlaDays;
    auto row = st->Step();
    if (!row || !*row) return kDefaultSlaDays;
    auto catalogue = ParseCatalogueJson(st->Text(0));
    if (!catalogue) return kDefaultSlaDays;
    const Service* service = catalogue->FindService(service_code);
    return service != nullptr ? service->sla_days : kDefaultSlaDays;
}

// A request whose row was lost but whose outbox record survived: its payload is the whole
// request, so the row comes back (stage queued, as it never reached the server).
int64_t RebuildRequestsFromOutbox(Database& db) {
    struct Orphan {
        std::string payload;
    };
    std::vector<Orphan> orphans;
    if (auto st = db.Prepare("SELECT payload FROM outbox WHERE kind = 'request' AND uuid NOT IN "
                             "(SELECT uuid FROM requests)");
        st) {
        for (auto row = st->Step(); row && *row; row = st->Step()) orphans.push_back({st->Text(0)});
    }
    int64_t rebuilt = 0;
    for (const Orphan& orphan : orphans) {
        const auto json = nlohmann::json::parse(orphan.payload, nullptr, false);
        if (json.is_discarded()) continue;
        auto request = RequestFromJson(json);
        if (!request) continue;
        const int64_t created = request->created_at_unix;
        const int64_t due = created + SlaDaysFor(db, request->service_code) * kSecondsPerDay;
        auto insert = db.Prepare(kInsertRequestSql);
        if (!insert) continue;
        BindRequestRow(*insert, *request, Stage::kQueued, created, due, orphan.payload);
        if (!insert->Run()) continue;
        const int64_t id = db.LastInsertRowId();
        if (auto stage = db.Prepare(kInsertStageSql); stage) {
            stage->Bind(1, id).Bind(2, StageName(Stage::kQueued)).Bind(3, created);
            stage->Bind(4, "").Bind(5, "terminal");
            (void)stage->Run();
        }
        ++rebuilt;
    }
    return rebuilt;
}

// A request not yet uploaded whose outbox record was lost goes back in the queue: the server
// keeps uuids unique, so sending one twice is harmless, and not sending it would lose it.
int64_t RequeueUnsent(Database& db) {
    const auto st = db.Exec(
        "INSERT OR IGNORE INTO outbox (uuid, kind, payload, created_at) "
        "SELECT uuid, 'request', payload, created_at FROM requests "
        "WHERE uploaded_at = 0 AND uuid NOT IN (SELECT uuid FROM outbox) ORDER BY id");
    return st ? db.Changes() : 0;
}

// A request whose history rows were all lost gets one for the stage it is known to be in.
int64_t RestoreMissingHistory(Database& db) {
    const auto st = db.Exec(
        "INSERT OR IGNORE INTO stage_history (request_id, stage, at, note, actor) "
        "SELECT id, stage, stage_at, '', CASE WHEN stage = 'queued' THEN 'terminal' ELSE '' END "
        "FROM requests WHERE id NOT IN (SELECT request_id FROM stage_history)");
    return st ? db.Changes() : 0;
}

// Never hand out a counter that a lost row might have used.
void AdvanceCounter(Database& db) {
    int64_t highest = 0;
    if (auto st = db.Prepare("SELECT value FROM counter WHERE id = 1"); st) {
        if (auto row = st->Step(); row && *row) highest = st->Int(0);
    }
    if (auto st = db.Prepare("SELECT receipt_code FROM requests"); st) {
        for (auto row = st->Step(); row && *row; row = st->Step()) {
            if (auto parts = DecodeReceiptCode(st->Text(0)); parts) {
                highest = std::max<int64_t>(highest, parts->counter);
            }
        }
    }
    auto st = db.Prepare("INSERT OR REPLACE INTO counter (id, value) VALUES (1, ?1)");
    if (st) {
        st->Bind(1, highest + kRecoveryCounterGap);
        (void)st->Run();
    }
}

// Percent-encodes what a URI filename cannot hold literally.
std::string UriPath(const std::string& path) {
    std::string out;
    for (char c : path) {
        if (c == '%' || c == '?' || c == '#') {
            static constexpr char kHex[] = "0123456789ABCDEF";
            out += '%';
            out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
            out += kHex[static_cast<unsigned char>(c) & 0xF];
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

// =============================================================================================
// [SECTION] SalvageInto
// =============================================================================================

SalvageReport SalvageInto(Database& db, const std::string& damaged_path,
                          const std::string& scratch_path) {
    SalvageReport report;
    // Read a copy: opening the damaged file itself could checkpoint its WAL into it.
    RemoveDatabaseFiles(scratch_path);
    std::string source;
    std::error_code ec;
    fs::copy_file(damaged_path, scratch_path, ec);
    if (!ec && fs::exists(damaged_path + "-wal", ec)) {
        fs::copy_file(damaged_path + "-wal", scratch_path + "-wal", ec);
    }
    if (!ec) {
        source = scratch_path;
    } else {
        // No room for a copy: read the main file in place, without its WAL and without writing.
        RemoveDatabaseFiles(scratch_path);
        source = "file:" + UriPath(damaged_path) + "?immutable=1";
    }

    auto attach = db.Prepare("ATTACH DATABASE ?1 AS old");
    if (!attach || !attach->Bind(1, source).Run()) {
        report.summary = "nothing readable";
        RemoveDatabaseFiles(scratch_path);
        return report;
    }
    // One commit per row (a failed row must not undo the others) without an fsync for each;
    // the FULL commit that follows makes them all durable at once.
    (void)db.Exec("PRAGMA synchronous=OFF");
    for (const char* table : kSalvageTables) {
        const TableCount count = CopyTable(db, table);
        report.recovered += count.copied;
        report.unreadable += count.failed;
        if (count.copied + count.failed == 0) continue;
        report.summary += (report.summary.empty() ? "" : ", ") + std::string(table) + " " +
                          std::to_string(count.copied);
        if (count.failed > 0) report.summary += " (" + std::to_string(count.failed) + " lost)";
    }
    (void)db.Exec(BackfillPlaceKeysSql());
    const int64_t rebuilt = RebuildRequestsFromOutbox(db);
    const int64_t requeued = RequeueUnsent(db);
    const int64_t histories = RestoreMissingHistory(db);
    AdvanceCounter(db);
    if (rebuilt > 0) report.summary += ", rebuilt from outbox " + std::to_string(rebuilt);
    if (requeued > 0) report.summary += ", queued again " + std::to_string(requeued);
    if (histories > 0) report.summary += ", history restored " + std::to_string(histories);
    if (report.summary.empty()) report.summary = "nothing readable";

    (void)db.Exec("DETACH DATABASE old");
    (void)db.Exec("PRAGMA synchronous=FULL");
    RemoveDatabaseFiles(scratch_path);
    return report;
}

}  // namespace gk
