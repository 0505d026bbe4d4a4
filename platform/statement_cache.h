// The one prepared-statement cache of both programs: a statement per fixed SQL text, prepared
// once per connection and reused (SQLite re-prepares by itself after a schema change).
// Not thread-safe: its owner holds the lock that guards the connection.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"
#include "platform/database.h"

namespace gk {

// A statement from the cache held for one use: reset (bindings cleared, read cursor closed, so
// no read transaction stays open and stops WAL checkpoints) when the holder goes out of scope.
// Reads like Result<Statement>: test it, then ->.
class CachedStatement {
  public:
    CachedStatement(Statement* stmt, bool* in_use) : stmt_(stmt), in_use_(in_use) {}
    explicit CachedStatement(Statement owned)
        : owned_(std::make_unique<Statement>(std::move(owned))), stmt_(owned_.get()) {}
    explicit CachedStatement(Error error) : error_(std::move(error)) {}
    CachedStatement(CachedStatement&& o) noexcept;
    CachedStatement(const CachedStatement&) = delete;
    CachedStatement& operator=(const CachedStatement&) = delete;
    CachedStatement& operator=(CachedStatement&&) = delete;
    ~CachedStatement();

    explicit operator bool() const { return stmt_ != nullptr; }
    const Error& error() const { return error_; }
    Statement* operator->() { return stmt_; }
    Statement& operator*() { return *stmt_; }

  private:
    std::unique_ptr<Statement> owned_;  // a one-off, when the cached one is already in use
    Statement* stmt_ = nullptr;
    bool* in_use_ = nullptr;
    Error error_;
};

class StatementCache {
  public:
    explicit StatementCache(Database& db) : db_(db) {}
    StatementCache(const StatementCache&) = delete;
    StatementCache& operator=(const StatementCache&) = delete;

    // Held for one use and reset at the end of the holder's scope. The same SQL already held
    // further up the stack gets a one-off statement instead.
    CachedStatement Borrow(std::string_view sql);
    // The cached statement itself; the caller resets it after use. Error code "prepare".
    Result<Statement*> Prepared(std::string_view sql);

  private:
    struct Entry {
        Statement statement;
        bool in_use = false;
    };
    struct SqlHash {
        using is_transparent = void;
        size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
    };
    Result<Entry*> Find(std::string_view sql);

    Database& db_;
    std::unordered_map<std::string, Entry, SqlHash, std::equal_to<>> entries_;
};

}  // namespace gk
