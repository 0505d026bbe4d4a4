// Store: opening the database (data dir, health check, version check, recovery, migrations)
// and the statement cache. Identity, settings and events are in settings_store.cpp.
//
// Index
//   [SECTION] Helpers
//   [SECTION] Open
#include "kiosk/store/store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>

#include "kiosk/store/counter_reservation.h"
#include "kiosk/store/migrations.h"
#include "kiosk/store/page_salvage.h"
#include "kiosk/store/recovery.h"
#include "kiosk/store/space_reserve.h"
#include "kiosk/store/store_internal.h"
#include "platform/log.h"

namespace gk {
namespace fs = std::filesystem;

// =============================================================================================
// [SECTION] Helpers
// =============================================================================================

std::string PlaceKey(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == ' ' || c == '\t') continue;
        if (text.substr(i, 3) == "\xE3\x80\x80") {  // U+3000 ideographic space
            i += 2;
            continue;
        }
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

std::string CompactChinaTime(int64_t unix_seconds) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds + kChinaUtcOffsetSeconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%S", &tm);
    return buf;
}

namespace {

constexpr const char* kDatabaseFile = "gridkiosk.db";
constexpr const char* kScratchFile = "gridkiosk.db.salvage";   // copy of the damaged file
constexpr const char* kRebuildSuffix = ".rebuild";             // the new file, until complete
constexpr const char* kCounterMarkFile = "gridkiosk.counter";  // see counter_reservation.h
constexpr int64_t kJournalSizeLimitBytes = 4 * 1024 * 1024;    // WAL truncated to this after use
constexpr const char* kReserveFile = "gridkiosk.reserve";      // see space_reserve.h
// Below this much free space a start releases the reserve, and Submit needs this much beside
// the reserve to make one.
constexpr int64_t kLowSpaceBytes = 1024 * 1024;

// The result of opening and checking the file, before anything is written to it.
struct Checked {
    std::unique_ptr<Database> db;
    std::string damage;  // non-empty: the file is damaged and must be moved aside
    std::optional<Error> error;
};

bool IsSchemaDamage(const std::string& message) {
    return message.find("malformed database schema") != std::string::npos;
}

Checked OpenAndCheck(const std::string& path, bool exclusive_locking) {
    Checked out;
    // Journal mode is set only after the version check, so a newer version's file (or any
    // file we refuse) is left byte for byte as it was.
    Database::Options options;
    options.wal = false;
    options.exclusive_locking = exclusive_locking;
    auto db = Database::Open(path, options);
    if (!db) {
        const std::string& code = db.error().code;
        if (code == "not_a_database") {
            out.damage = "not_a_database";
        } else if (IsSchemaDamage(db.error().message)) {
            out.damage = db.error().message;
        } else {
            out.error =
                Error{code == "io" || code == "disk_full" ? "io" : "open", db.error().message};
        }
        return out;
    }
    const std::string check = (*db)->QuickCheck();
    if (IsSchemaDamage(check)) {
        // A damaged CREATE text: every statement fails to prepare, though the rows are fine.
        out.damage = check;
    } else if (check.rfind("error: ", 0) == 0) {
        out.error = Error{"open", "quick_check could not run: " + check};
    } else if (check != "ok") {
        // quick_check's report spans lines; one line for the log and the staff screen.
        for (char c : check) out.damage += c == '\n' ? ' ' : c;
    } else {
        out.db = std::move(*db);
    }
    return out;
}

Status Configure(Database& db, const StoreOptions& options) {
    auto mode = db.Prepare("PRAGMA journal_mode=WAL");
    if (!mode) return mode.error();
    auto row = mode->Step();
    if (!row || !*row || mode->Text(0) != "wal") {
        return Error{"open", "cannot switch to WAL: " + db.LastErrorMessage()};
    }
    if (auto s = db.Exec("PRAGMA journal_size_limit=" + std::to_string(kJournalSizeLimitBytes));
        !s) {
        return s;
    }
    // Deleted and overwritten content is zeroed, so purged contact details leave the file.
    if (auto s = db.Exec("PRAGMA secure_delete=ON"); !s) return s;
    if (options.max_database_bytes > 0) {
        auto size = db.Prepare("PRAGMA page_size");
        if (!size) return size.error();
        auto page = size->Step();
        const int64_t page_size = page && *page ? size->Int(0) : 4096;
        const int64_t pages = std::max<int64_t>(1, options.max_database_bytes / page_size);
        if (auto s = db.Exec("PRAGMA max_page_count=" + std::to_string(pages)); !s) return s;
    }
    return Ok{};
}

Status EnsureDataDir(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir, ec)) {
        return Error{"data_dir", "cannot create data dir " + dir + ": " + ec.message()};
    }
    // It holds residents' data until upload: owner only, also when an older version (or an
    // operator) made it 0755. A directory we do not own keeps its mode (chmod fails): logged.
    if ((fs::status(dir, ec).permissions() & fs::perms::all) != fs::perms::owner_all) {
        fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
        if (ec) log::Warn("cannot make the data dir owner-only: " + ec.message());
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        return Error{"data_dir", "data dir " + dir + " is not writable"};
    }
    // Our files in it, made by an older version or copied in with 0644: owner read/write only.
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("gridkiosk.db", 0) != 0 && name.rfind("gridkiosk.counter", 0) != 0 &&
            name.rfind("gridkiosk.reserve", 0) != 0) {
            continue;
        }
        std::error_code file_ec;
        if (!entry.is_regular_file(file_ec)) continue;
        const fs::perms mode = entry.status(file_ec).permissions() & fs::perms::all;
        if ((mode & ~(fs::perms::owner_read | fs::perms::owner_write)) == fs::perms::none) continue;
        fs::permissions(entry.path(), fs::perms::owner_read | fs::perms::owner_write,
                        fs::perm_options::replace, file_ec);
        if (file_ec) log::Warn("cannot make " + name + " owner-only: " + file_ec.message());
    }
    return Ok{};
}

}  // namespace

Result<Statement*> Store::Prepared(const char* sql) { return statements_.Prepared(sql); }

int64_t Store::NowUnix() { return clock_.WallUnixMs() / 1000; }

// =============================================================================================
// [SECTION] Open
// =============================================================================================

Store::Store(std::unique_ptr<Database> db, Clock& clock, const StoreOptions& options)
    : db_(std::move(db)), statements_(*db_), clock_(clock), options_(options) {}

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const std::string& data_dir, Clock& clock) {
    return Open(data_dir, clock, StoreOptions{});
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& data_dir, Clock& clock,
                                           const StoreOptions& options) {
    // Everything this process writes holds residents' data or the terminal's secrets: files
    // 0600 and directories 0700 from here on (SQLite gives -wal/-shm the database's mode).
    ::umask(077);
    if (auto s = EnsureDataDir(data_dir); !s) return s.error();
    const std::string path = (fs::path(data_dir) / kDatabaseFile).string();
    const std::string rebuild_path = path + kRebuildSuffix;
    if (auto s = FinishInterruptedRebuild(path, rebuild_path); !s) return s.error();
    OpenReport report;

    // A nearly full disk: SQLite needs room for its -shm and WAL even to start and to delete
    // rows. The reserve goes back to the file system; without one, the WAL index goes to heap
    // memory (no -shm to create or grow, which also avoids SIGBUS in its mapping).
    const std::string reserve_path = (fs::path(data_dir) / kReserveFile).string();
    if (const int64_t free = FreeBytes(data_dir); free >= 0 && free < kLowSpaceBytes) {
        report.low_space = true;
        if (ReleaseSpaceReserve(reserve_path))
            log::Warn("disk nearly full: space reserve released");
        const int64_t after = FreeBytes(data_dir);
        report.shared_memory = !(after >= 0 && after < kLowSpaceBytes);
    }

    // Before SQLite opens the file: it would replay the WAL only up to a failed checksum, drop
    // the commits after it without a word, and delete the WAL at close.
    const WalCheck wal = CheckWal(path + "-wal");
    Checked checked;
    if (wal.damaged) {
        checked.damage = "damaged wal: " + wal.detail;
    } else {
        checked = OpenAndCheck(path, !report.shared_memory);
        if (checked.error && checked.error->code == "io" && report.shared_memory) {
            // Typically no room to create or grow the -shm: the same without one.
            log::Warn("database open failed (" + checked.error->message +
                      "); trying again without shared memory");
            report.shared_memory = false;
            checked = OpenAndCheck(path, true);
        }
    }
    if (checked.error) return Error{"open", checked.error->message};
    if (!checked.db) {
        auto rebuilt = RebuildDamaged(path, checked.damage, clock, report);
        if (!rebuilt) return rebuilt.error();
        checked = OpenAndCheck(path, !report.shared_memory);
        if (!checked.db) {
            return Error{"open", "rebuilt database does not open: " +
                                     (checked.error ? checked.error->message : checked.damage)};
        }
    }

    std::unique_ptr<Database> db = std::move(checked.db);
    const int version = db->user_version();
    if (version < 0) return Error{"open", "cannot read user_version"};
    if (version > LatestStoreVersion()) {
        return Error{"too_new", "database is at schema " + std::to_string(version) +
                                    ", this build knows up to " +
                                    std::to_string(LatestStoreVersion())};
    }
    if (auto s = Configure(*db, options); !s) return Error{"open", s.error().message};
    if (report.recovered_from.empty()) {
        report.migrated_from = version;
        report.created = version == 0;
    }
    if (auto s = MigrateStore(*db, LatestStoreVersion()); !s) return s.error();
    report.migrated_to = db->user_version();

    std::unique_ptr<Store> store(new Store(std::move(db), clock, options));
    store->path_ = path;
    store->counter_mark_path_ = (fs::path(data_dir) / kCounterMarkFile).string();
    store->data_dir_ = data_dir;
    store->reserve_path_ = reserve_path;
    if (!report.low_space && !store->HoldSpaceReserve()) {
        log::Warn("cannot hold the space reserve: new requests are refused until there is room");
    }
    if (auto s = store->LoadIdentity(); !s) return Error{"open", s.error().message};
    // Never below the mark: the database may have lost counters that were handed out.
    store->counter_reserved_ = ReadCounterReservation(store->counter_mark_path_);
    {
        auto st = store->db_->Prepare(
            "UPDATE counter SET value = max(value, ?1) WHERE id = 1 AND value < ?1");
        if (!st) return Error{"open", st.error().message};
        if (auto s = st->Bind(1, store->counter_reserved_).Run(); !s) {
            return Error{"open", s.error().message};
        }
    }
    // next_attempt_at is on the previous process's monotonic clock: meaningless now.
    if (auto s =
            store->db_->Exec("UPDATE outbox SET next_attempt_at = 0 WHERE next_attempt_at != 0");
        !s) {
        return Error{"open", s.error().message};
    }
    if (!report.created && report.migrated_from != report.migrated_to) {
        const std::string detail = "schema migrated " + std::to_string(report.migrated_from) +
                                   " -> " + std::to_string(report.migrated_to);
        log::Info(detail);
        (void)store->RecordEventLocked("db_migrated", detail);
    }
    if (report.low_space) {
        const std::string detail =
            std::string("disk nearly full at start: new requests refused, queue still uploads") +
            (report.shared_memory ? "" : " (database without shared memory)");
        log::Warn(detail);
        // Best effort: on a disk this full the event itself may not fit; the log has it.
        (void)store->RecordEventLocked("disk_low", detail);
    }
    store->report_ = report;
    return store;
}

bool Store::HoldSpaceReserve() {
    if (options_.space_reserve_bytes <= 0) return true;
    if (SpaceReserveHeld(reserve_path_, options_.space_reserve_bytes)) return true;
    const int64_t free = FreeBytes(data_dir_);
    if (free >= 0 && free < options_.space_reserve_bytes + kLowSpaceBytes) return false;
    auto made = MakeSpaceReserve(reserve_path_, options_.space_reserve_bytes);
    if (!made) log::Warn("cannot make the space reserve: " + made.error().message);
    return made.ok();
}

// The damaged file stays in place until a new one, with every row that could be read, is
// complete beside it; then it moves aside and the new one takes its name (see recovery.h).
Status Store::RebuildDamaged(const std::string& path, const std::string& damage, Clock& clock,
                             OpenReport& report) {
    const int64_t now = clock.WallUnixMs() / 1000;
    const std::string aside = AsideName(path, now);
    const std::string rebuild_path = path + kRebuildSuffix;
    log::Error("database damaged (" + damage + "); rebuilding, the damaged file goes to " + aside);
    RemoveDatabaseFiles(rebuild_path);
    std::vector<std::string> personal;  // contact details seen, to scrub from the aside copy
    {
        Database::Options fresh_options;
        fresh_options.exclusive_locking = !report.shared_memory;  // no room for a -shm
        auto fresh = Database::Open(rebuild_path, fresh_options);
        if (!fresh) return Error{"open", "cannot create a new database: " + fresh.error().message};
        if (auto s = MigrateStore(**fresh, LatestStoreVersion()); !s) {
            return Error{"open", s.error().message};
        }
        const std::string scratch = (fs::path(path).parent_path() / kScratchFile).string();
        const SalvageReport salvage = SalvageInto(**fresh, path, scratch);
        report.rows_recovered = salvage.recovered;
        report.rows_unreadable = salvage.unreadable;
        personal = salvage.personal;
        const std::string detail = "database damaged (" + damage + "); moved to " +
                                   fs::path(aside).filename().string() + "; carried over " +
                                   std::to_string(salvage.recovered) + " rows (" + salvage.summary +
                                   "), " + std::to_string(salvage.unreadable) + " unreadable";
        log::Warn(detail);
        auto event = (*fresh)->Prepare(kInsertEventSql);
        if (!event) return Error{"open", event.error().message};
        if (auto s = event->Bind(1, now).Bind(2, "db_recovered").Bind(3, detail).Run(); !s) {
            return Error{"open", s.error().message};
        }
        // Everything into the main file and synced before the damaged file leaves its name.
        if (auto s = (*fresh)->Exec("PRAGMA wal_checkpoint(TRUNCATE)"); !s) {
            return Error{"open", "checkpoint of the rebuilt database: " + s.error().message};
        }
    }  // closed
    if (auto s = MoveDamagedAside(path, aside); !s) return s;
    if (auto s = RenameDatabase(rebuild_path, path); !s) return s;
    // Only now: until the rebuild is in place, the damaged file may be needed whole again.
    ScrubPersonalData(aside, personal);
    report.created = true;
    report.damage = damage;
    report.recovered_from = aside;
    report.migrated_from = 0;
    return Ok{};
}

}  // namespace gk
