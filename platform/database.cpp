// SQLite seam: Database (connection + pragmas + open-time health check), Statement (prepared
// statement with bind/step/column helpers) and Transaction (BEGIN IMMEDIATE with rollback on
// scope exit). SQLite result codes become Error codes here and nowhere else.
#include "platform/database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <string>

namespace gk {
namespace {

// Error codes callers can act on; anything else keeps `fallback` ("sql", "step", ...).
std::string CodeFor(int rc, const char* fallback) {
    switch (rc & 0xFF) {
        case SQLITE_CONSTRAINT:
            return "constraint";
        case SQLITE_FULL:
            return "disk_full";
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return "busy";
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return "corrupt";
        default:
            return fallback;
    }
}

Error ErrorFor(sqlite3* db, int rc, const char* fallback) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    return Error{CodeFor(rc, fallback), message + " (" + std::to_string(rc) + ")"};
}

bool IsNotADatabase(int rc) {
    return (rc & 0xFF) == SQLITE_NOTADB || (rc & 0xFF) == SQLITE_CORRUPT;
}

// Runs one pragma (or any statement) and returns its result code; the first column of the
// first row goes to `first` when asked.
int RunPragma(sqlite3* db, const std::string& sql, std::string* first = nullptr) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW && first != nullptr) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        *first = text != nullptr ? text : "";
    }
    while (rc == SQLITE_ROW) rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Database

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, const Options& options) {
    // Serialized mode: a connection shared between threads is safe at the API level; callers
    // still keep their transactions from interleaving (Store holds a mutex).
    int flags = SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX;
    if (options.read_only) {
        flags |= SQLITE_OPEN_READONLY;
    } else {
        flags |= SQLITE_OPEN_READWRITE;
        if (options.create) flags |= SQLITE_OPEN_CREATE;
    }
    // A new file is owner-only whatever the umask: databases here hold personal data and
    // secrets, and SQLite gives the -wal and -shm the database file's mode.
    if (options.create && !options.read_only && path.rfind("file:", 0) != 0 && path != ":memory:" &&
        !path.empty()) {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) ::close(fd);  // EEXIST and other failures: sqlite3_open_v2 reports them
    }
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    if (rc != SQLITE_OK) {
        Error error{"open", std::string(raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc))};
        sqlite3_close_v2(raw);
        return error;
    }
    std::unique_ptr<Database> db(new Database(raw));
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, options.busy_timeout_ms);

    if (options.exclusive_locking) {
        rc = RunPragma(raw, "PRAGMA locking_mode=EXCLUSIVE");
        if (rc != SQLITE_OK) return ErrorFor(raw, rc, "pragma");
    }
    // The first read of the file: a non-database or a damaged header shows up here.
    rc = RunPragma(raw, "PRAGMA schema_version");
    if (rc != SQLITE_OK) {
        if (IsNotADatabase(rc)) return Error{"not_a_database", sqlite3_errmsg(raw)};
        if ((rc & 0xFF) == SQLITE_IOERR) return ErrorFor(raw, rc, "io");
        return ErrorFor(raw, rc, "open");
    }
    if (options.wal && !options.read_only) {
        std::string mode;
        rc = RunPragma(raw, "PRAGMA journal_mode=WAL", &mode);
        if (rc != SQLITE_OK) {
            if (IsNotADatabase(rc)) return Error{"not_a_database", sqlite3_errmsg(raw)};
            return ErrorFor(raw, rc, "pragma");
        }
        if (mode != "wal") return Error{"pragma", "journal_mode stayed " + mode};
    }
    rc = RunPragma(
        raw, options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    if (rc == SQLITE_OK) rc = RunPragma(raw, "PRAGMA foreign_keys=ON");
    if (rc != SQLITE_OK) return ErrorFor(raw, rc, "pragma");
    return db;
}

Database::~Database() {
    // close_v2 defers the close until every statement is finalized, so the order in which
    // owners destroy their statements does not matter.
    if (db_ != nullptr) sqlite3_close_v2(db_);
}

Status Database::Exec(std::string_view sql) {
    const std::string text(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
    if (rc == SQLITE_OK) return Ok{};
    Error error{CodeFor(rc, "sql"), message != nullptr ? message : sqlite3_errstr(rc)};
    sqlite3_free(message);
    return error;
}

Result<Statement> Database::Prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return ErrorFor(db_, rc, "prepare");
    }
    if (stmt == nullptr) return Error{"prepare", "empty statement"};
    return Statement(db_, stmt);
}

std::string Database::QuickCheck() {
    sqlite3_stmt* stmt = nullptr;
    auto failure = [this](int rc) {
        return std::string(IsNotADatabase(rc) ? "corrupt: " : "error: ") + sqlite3_errmsg(db_);
    };
    int rc = sqlite3_prepare_v2(db_, "PRAGMA quick_check", -1, &stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return failure(rc);
    }
    std::string result;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        result = text != nullptr ? text : "";
    } else {
        result = failure(rc);
    }
    sqlite3_finalize(stmt);
    return result;
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int Database::Changes() const { return sqlite3_changes(db_); }
std::string Database::LastErrorMessage() const { return sqlite3_errmsg(db_); }
bool Database::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

int Database::user_version() {
    std::string value;
    if (RunPragma(db_, "PRAGMA user_version", &value) != SQLITE_OK) return -1;
    return value.empty() ? -1 : std::stoi(value);
}

Status Database::set_user_version(int version) {
    return Exec("PRAGMA user_version = " + std::to_string(version));
}

// ---------------------------------------------------------------------------------------------
// Statement

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.db_ = nullptr;
    other.stmt_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        db_ = other.db_;
        stmt_ = other.stmt_;
        other.db_ = nullptr;
        other.stmt_ = nullptr;
    }
    return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

// Bind errors (bad index, out of memory) surface at Step() as SQLITE_RANGE/NOMEM or as a
// missing value; binding is chained for readability.
Statement& Statement::Bind(int index, int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
}

Statement& Statement::Bind(int index, double value) {
    sqlite3_bind_double(stmt_, index, value);
    return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
    sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    return *this;
}

Statement& Statement::BindBlob(int index, const void* data, size_t size) {
    sqlite3_bind_blob64(stmt_, index, data, size, SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::BindNull(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
}

Result<bool> Statement::Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return ErrorFor(db_, rc, "step");
}

Status Statement::Run() {
    for (;;) {
        auto step = Step();
        if (!step) return step.error();
        if (!*step) return Ok{};
    }
}

Status Statement::Reset() {
    // sqlite3_reset repeats the last step's error; the statement is reusable either way.
    const int rc = sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    if (rc != SQLITE_OK) return ErrorFor(db_, rc, "step");
    return Ok{};
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::Double(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::Text(int column) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (text == nullptr) return {};
    return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Statement::Blob(int column) const {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    if (data == nullptr) return {};
    return std::string(data, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::IsNull(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

// ---------------------------------------------------------------------------------------------
// Transaction

Transaction::Transaction(Database& db) : db_(db) { began_ = db_.Exec("BEGIN IMMEDIATE").ok(); }

Transaction::~Transaction() {
    // After a failed COMMIT SQLite may or may not have rolled back already (SQLITE_FULL,
    // SQLITE_IOERR); roll back only what is still open.
    if (began_ && !done_ && db_.InTransaction()) (void)db_.Exec("ROLLBACK");
}

Status Transaction::Commit() {
    if (!began_) return Error{"sql", "transaction did not begin"};
    if (done_) return Error{"sql", "transaction already committed"};
    auto status = db_.Exec("COMMIT");
    if (status) done_ = true;
    return status;
}

}  // namespace gk
