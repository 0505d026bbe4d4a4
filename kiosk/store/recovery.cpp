// Recovery from a damaged database file: copying what can still be read into the new file and
// repairing the links between what was copied. Moving the files is in database_files.cpp.
//
// Index
//   [SECTION] Copying rows table by table, row by row
//   [SECTION] Filling gaps from the pages (page_salvage.h)
//   [SECTION] Making the copy consistent
//   [SECTION] SalvageInto
#include "kiosk/store/recovery.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <vector>

#include "core/catalogue.h"
#include "core/json_limits.h"
#include "core/receipt_code.h"
#include "core/request_json.h"
#include "kiosk/store/migrations.h"
#include "kiosk/store/page_salvage.h"
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
// [SECTION] Filling gaps from the pages (page_salvage.h)
// =============================================================================================

struct ColumnInfo {
    std::string name;
    std::string type;        // declared type, upper case
    bool row_alias = false;  // INTEGER PRIMARY KEY: stored as NULL, the value is the rowid
};

std::vector<ColumnInfo> ColumnsOf(Database& db, const std::string& table) {
    std::vector<ColumnInfo> columns;
    auto st = db.Prepare("SELECT name, upper(type), pk FROM pragma_table_info(?1)");
    if (!st) return columns;
    st->Bind(1, table);
    int pk_columns = 0;
    for (auto row = st->Step(); row && *row; row = st->Step()) {
        columns.push_back({st->Text(0), st->Text(1), st->Int(2) == 1});
        if (st->Int(2) > 0) ++pk_columns;
    }
    for (ColumnInfo& c : columns)
        c.row_alias = c.row_alias && c.type == "INTEGER" && pk_columns == 1;
    return columns;
}

// The damaged file's columns for a table, from its own CREATE TABLE text when that still
// parses (it may be of an older version), else ours.
std::vector<ColumnInfo> OldColumns(Database& db, const PageTable* table, const char* name) {
    if (table != nullptr && !table->sql.empty()) {
        if (auto scratch = Database::Open(":memory:"); scratch && (*scratch)->Exec(table->sql)) {
            auto columns = ColumnsOf(**scratch, table->name);
            if (!columns.empty()) return columns;
        }
    }
    return ColumnsOf(db, name);
}

// A row fits a table when it has no more values than columns (ALTER TABLE ADD COLUMN leaves old
// rows shorter) and each value has its column's type.
bool Fits(const PageRow& row, const std::vector<ColumnInfo>& columns) {
    if (row.values.empty() || row.values.size() > columns.size()) return false;
    if (row.values.size() + 2 < columns.size()) return false;
    for (size_t i = 0; i < row.values.size(); ++i) {
        const PageValue::Type t = row.values[i].type;
        const ColumnInfo& c = columns[i];
        if (c.row_alias) {
            if (t != PageValue::Type::kNull) return false;
        } else if (c.type == "INTEGER") {
            if (t != PageValue::Type::kInt) return false;
        } else if (c.type == "TEXT") {
            if (t != PageValue::Type::kText) return false;
        }
    }
    return true;
}

void BindValue(Statement& st, int index, const PageValue& v) {
    switch (v.type) {
        case PageValue::Type::kNull:
            st.BindNull(index);
            break;
        case PageValue::Type::kInt:
            st.Bind(index, v.integer);
            break;
        case PageValue::Type::kReal:
            st.Bind(index, v.real);
            break;
        case PageValue::Type::kText:
            st.Bind(index, std::string_view(v.bytes));
            break;
        case PageValue::Type::kBlob:
            st.BindBlob(index, v.bytes.data(), v.bytes.size());
            break;
    }
}

// Inserts the rows the page reader found for `table`; rows SQL already copied stay as they are
// (OR IGNORE), unless SQL copied nothing of this table (then the fresh file's defaults, such as
// the counter's first row, give way: OR REPLACE).
TableCount CopyPageRows(Database& db, const char* table, const std::vector<ColumnInfo>& old_columns,
                        const std::vector<const PageRow*>& rows, bool replace) {
    TableCount count;
    const std::vector<ColumnInfo> ours = ColumnsOf(db, table);
    std::map<size_t, Statement> inserts;  // by the number of values in the row
    for (const PageRow* row : rows) {
        if (row->values.size() > old_columns.size()) {  // not a row of this table after all
            ++count.failed;
            continue;
        }
        auto it = inserts.find(row->values.size());
        if (it == inserts.end()) {
            std::string names;
            std::string params;
            int n = 0;
            for (size_t i = 0; i < row->values.size() && i < old_columns.size(); ++i) {
                const std::string& name = old_columns[i].name;
                const bool shared = std::any_of(
                    ours.begin(), ours.end(), [&](const ColumnInfo& c) { return c.name == name; });
                if (!shared) continue;
                names += (n == 0 ? "" : ", ") + Quoted(name);
                params += (n == 0 ? "?" : ", ?") + std::to_string(i + 1);
                ++n;
            }
            if (n == 0) continue;
            auto st = db.Prepare(std::string("INSERT OR ") + (replace ? "REPLACE" : "IGNORE") +
                                 " INTO main." + Quoted(table) + " (" + names + ") VALUES (" +
                                 params + ")");
            if (!st) continue;
            it = inserts.emplace(row->values.size(), std::move(*st)).first;
        }
        Statement& st = it->second;
        for (size_t i = 0; i < row->values.size(); ++i) {
            if (old_columns[i].row_alias) {
                st.Bind(static_cast<int>(i + 1), row->rowid);
            } else {
                BindValue(st, static_cast<int>(i + 1), row->values[i]);
            }
        }
        const bool ran = st.Run().ok();
        (void)st.Reset();  // the outcome is `ran`; Reset repeats the same error
        if (!ran) {
            ++count.failed;
        } else if (db.Changes() > 0) {
            ++count.copied;
        }
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
        const auto json = ParseUntrustedJsonOrDiscarded(orphan.payload);
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

// Contact details in what was carried over and in every request row the pages gave back.
std::vector<std::string> PersonalValues(Database& db, const PageSalvage& pages,
                                        const std::vector<ColumnInfo>& request_columns) {
    std::set<std::string> values;
    auto add_payload = [&](const std::string& payload) {
        const auto json = ParseUntrustedJsonOrDiscarded(payload);
        if (json.is_discarded()) return;
        if (auto request = RequestFromJson(json); request) {
            values.insert(request->contact.name);
            values.insert(request->contact.phone);
            values.insert(request->contact.relation);
        }
    };
    if (auto st = db.Prepare("SELECT contact_name, contact_phone, relation, payload FROM requests");
        st) {
        for (auto row = st->Step(); row && *row; row = st->Step()) {
            for (int i = 0; i < 3; ++i) values.insert(st->Text(i));
            add_payload(st->Text(3));
        }
    }
    if (auto st = db.Prepare("SELECT payload FROM outbox"); st) {
        for (auto row = st->Step(); row && *row; row = st->Step()) add_payload(st->Text(0));
    }
    for (const PageTable& table : pages.tables) {
        if (table.name != "requests") continue;
        for (const PageRow& row : table.rows) {
            for (size_t i = 0; i < row.values.size() && i < request_columns.size(); ++i) {
                const std::string& name = request_columns[i].name;
                if (name == "contact_name" || name == "contact_phone" || name == "relation") {
                    values.insert(row.values[i].bytes);
                } else if (name == "payload") {
                    add_payload(row.values[i].bytes);
                }
            }
        }
    }
    std::vector<std::string> out;
    for (const std::string& v : values) {
        if (v.size() >= 2) out.push_back(v);  // shorter: a single letter, not worth the damage
    }
    return out;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

int64_t ScrubPersonalData(const std::string& aside, const std::vector<std::string>& personal) {
    int64_t overwritten = 0;
    for (const char* suffix : {"", "-wal"}) {
        const std::string path = aside + suffix;
        std::error_code ec;
        if (!fs::exists(path, ec)) continue;
        std::string bytes;
        {
            std::ifstream in(path, std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), {});
        }
        int64_t here = 0;
        for (const std::string& value : personal) {
            for (size_t at = bytes.find(value); at != std::string::npos;
                 at = bytes.find(value, at + value.size())) {
                std::fill_n(bytes.begin() + static_cast<std::ptrdiff_t>(at), value.size(), '*');
                here += static_cast<int64_t>(value.size());
            }
        }
        // Anything shaped like a mainland mobile number (1[3-9] and nine more digits), not part
        // of a longer run of digits.
        for (size_t i = 0; i + 11 <= bytes.size(); ++i) {
            if (bytes[i] != '1' || bytes[i + 1] < '3' || !IsDigit(bytes[i + 1])) continue;
            if (i > 0 && IsDigit(bytes[i - 1])) continue;
            size_t n = 0;
            while (i + n < bytes.size() && IsDigit(bytes[i + n])) ++n;
            if (n != 11) {
                i += n;
                continue;
            }
            std::fill_n(bytes.begin() + static_cast<std::ptrdiff_t>(i), 11, '*');
            here += 11;
            i += 10;
        }
        if (here == 0) continue;
        // In place, same length: the file keeps its pages for whoever looks at it later.
        std::fstream out(path, std::ios::binary | std::ios::in | std::ios::out);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (out) overwritten += here;
    }
    return overwritten;
}

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

    // One commit per row (a failed row must not undo the others) without an fsync for each;
    // the FULL commit that follows makes them all durable at once. Best effort: at worst the
    // copy is slower.
    (void)db.Exec("PRAGMA synchronous=OFF");
    std::map<std::string, TableCount> counts;
    // First what SQLite can still read through its own b-tree code.
    auto attach = db.Prepare("ATTACH DATABASE ?1 AS old");
    const bool attached = attach && attach->Bind(1, source).Run().ok();
    if (attached) {
        for (const char* table : kSalvageTables) counts[table] = CopyTable(db, table);
        (void)db.Exec("DETACH DATABASE old");  // a failed detach only keeps the handle open
    }
    // Then every row a page-level reader gets back: a header SQLite refuses, a file cut short,
    // pages reachable only past damage, WAL frames past a failed checksum.
    const PageSalvage pages = ReadPages(damaged_path, damaged_path + "-wal");
    std::map<std::string, std::vector<ColumnInfo>> old_columns;
    std::map<std::string, std::vector<const PageRow*>> rows;
    for (const char* table : kSalvageTables) {
        const auto it = std::find_if(pages.tables.begin(), pages.tables.end(),
                                     [&](const PageTable& t) { return t.name == table; });
        const PageTable* found = it == pages.tables.end() ? nullptr : &*it;
        old_columns[table] = OldColumns(db, found, table);
        if (found != nullptr) {
            for (const PageRow& row : found->rows) rows[table].push_back(&row);
        }
    }
    int64_t orphans_placed = 0;
    for (const PageRow& row : pages.orphans) {
        const char* home = nullptr;
        int fits = 0;
        for (const char* table : kSalvageTables) {
            if (Fits(row, old_columns[table])) {
                home = table;
                ++fits;
            }
        }
        if (fits != 1) continue;  // ambiguous or foreign: not guessed
        rows[home].push_back(&row);
        ++orphans_placed;
    }
    for (const char* table : kSalvageTables) {
        const bool sql_read_nothing = counts[table].copied == 0;
        const TableCount more =
            CopyPageRows(db, table, old_columns[table], rows[table], sql_read_nothing);
        counts[table].copied += more.copied;
        // A row SQL could not read but the pages gave back is not lost after all.
        counts[table].failed = std::max<int64_t>(0, counts[table].failed - more.copied);
    }
    for (const char* table : kSalvageTables) {
        const TableCount& count = counts[table];
        report.recovered += count.copied;
        report.unreadable += count.failed;
        if (count.copied + count.failed == 0) continue;
        report.summary += (report.summary.empty() ? "" : ", ") + std::string(table) + " " +
                          std::to_string(count.copied);
        if (count.failed > 0) report.summary += " (" + std::to_string(count.failed) + " lost)";
    }
    if (orphans_placed > 0) {
        report.summary += ", rows found off their tree " + std::to_string(orphans_placed);
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

    report.personal = PersonalValues(db, pages, old_columns["requests"]);
    // The caller's connection goes on with FULL; its next commit makes all of this durable.
    (void)db.Exec("PRAGMA synchronous=FULL");
    RemoveDatabaseFiles(scratch_path);
    return report;
}

}  // namespace gk
