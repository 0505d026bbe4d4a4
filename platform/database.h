// SQLite seam: RAII handles for a connection and its prepared statements. The only place in
// the project that includes sqlite3.h besides database.cpp is nowhere: SQL text itself lives in
// store files (kiosk/store, server/store), which talk to SQLite through these classes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace gk {

class Statement;

class Database {
  public:
    struct Options {
        bool create = true;  // create the file if missing
        bool read_only = false;
        int busy_timeout_ms = 5000;
        bool wal = true;  // journal_mode=WAL
        bool synchronous_full = true;
        // locking_mode=EXCLUSIVE before the first read: the WAL index lives in heap memory
        // and no -shm file is made or grown (for a disk too full for one). Only this
        // connection can use the file until it closes.
        bool exclusive_locking = false;
    };

    // Opens (and configures) a database file: busy_timeout, journal_mode=WAL and
    // synchronous=FULL as the options say, foreign_keys=ON always. A cheap read of the header
    // (PRAGMA schema_version) catches a file that is not a database or is damaged at page 1.
    // Error codes: "open", "not_a_database", "io" (an I/O error at the first read, e.g. no room
    // for the -shm), "pragma". Paths starting with "file:" are URIs. A file it creates is 0600.
    static Result<std::unique_ptr<Database>> Open(const std::string& path, const Options& options);
    static Result<std::unique_ptr<Database>> Open(const std::string& path) {
        return Open(path, Options{});
    }
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs one or more statements without results. Error code "sql", or one of the mapped
    // codes below when SQLite says so.
    //
    // Codes shared by Exec, Step and Commit: "constraint" (SQLITE_CONSTRAINT*, including a
    // trigger's RAISE), "disk_full" (SQLITE_FULL), "busy" (SQLITE_BUSY/LOCKED), "corrupt"
    // (SQLITE_CORRUPT/NOTADB).
    Status Exec(std::string_view sql);
    // Prepares one statement. Error code "prepare".
    Result<Statement> Prepare(std::string_view sql);

    // "ok"; or the first problem quick_check reports, which means damage (a check that stops
    // on SQLITE_CORRUPT/NOTADB says "corrupt: ..."); or "error: ..." when the check could not
    // run (busy, I/O), which is no evidence of damage.
    std::string QuickCheck();
    int64_t LastInsertRowId() const;
    int Changes() const;
    std::string LastErrorMessage() const;
    bool InTransaction() const;  // false in autocommit mode
    int user_version();          // -1 when it cannot be read
    Status set_user_version(int version);

    sqlite3* raw() { return db_; }

  private:
    explicit Database(sqlite3* db) : db_(db) {}
    sqlite3* db_ = nullptr;
};

// A prepared statement. Bind with 1-based indices; Step() until it returns false.
class Statement {
  public:
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    ~Statement();

    Statement& Bind(int index, int64_t value);
    Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
    Statement& Bind(int index, double value);
    Statement& Bind(int index, std::string_view text);
    Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
    Statement& Bind(int index, const std::string& text) {
        return Bind(index, std::string_view(text));
    }
    Statement& BindBlob(int index, const void* data, size_t size);
    Statement& BindNull(int index);

    // Result<bool>: true when a row is ready, false when done. Error code "step" (with the
    // SQLite message) or a mapped code ("constraint", "disk_full", "busy", "corrupt").
    Result<bool> Step();
    // Step() to completion for statements without rows.
    Status Run();
    // Resets the statement and clears its bindings, ready to bind and run again.
    Status Reset();

    int64_t Int(int column) const;
    double Double(int column) const;
    std::string Text(int column) const;
    std::string Blob(int column) const;
    bool IsNull(int column) const;

  private:
    friend class Database;
    Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    sqlite3* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE … COMMIT, rolled back in the destructor unless Commit() succeeded.
class Transaction {
  public:
    explicit Transaction(Database& db);
    ~Transaction();
    bool began() const { return began_; }
    Status Commit();

  private:
    Database& db_;
    bool began_ = false;
    bool done_ = false;
};

}  // namespace gk
