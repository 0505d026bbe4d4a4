// Helpers shared by the store's .cpp files and not part of its API: the borrowed cached
// statement, place-key normalisation, time formatting and error wording.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "kiosk/store/store.h"
#include "platform/database.h"

namespace gk {

// A statement from Store's cache, reset (bindings cleared, read cursor closed) when the borrow
// ends, so that no cached statement holds a read transaction open between calls (which would
// stop WAL checkpoints and let the -wal file grow).
class Store::Cached {
  public:
    explicit Cached(Statement* stmt) : stmt_(stmt) {}
    ~Cached() {
        if (stmt_ != nullptr) (void)stmt_->Reset();
    }
    Cached(const Cached&) = delete;
    Cached& operator=(const Cached&) = delete;
    Statement& operator*() { return *stmt_; }
    Statement* operator->() { return stmt_; }

  private:
    Statement* stmt_;
};

// Place-name key for the duplicate hint; must agree with PlaceKeyExpr in migrations.cpp.
std::string PlaceKey(std::string_view text);

// "20261127T100000" in Beijing time, for file names.
std::string CompactChinaTime(int64_t unix_seconds);

// The request row, its stage rows and its outbox row: SQL and binding shared by Submit and by
// recovery (defined in requests_store.cpp).
//   kInsertRequestSql: BindRequestRow fills ?1..?20.
//   kInsertStageSql:   (request_id, stage, at, note, actor); a repeat is ignored.
//   kInsertOutboxSql:  (uuid, kind, payload, created_at).
extern const char kInsertRequestSql[];
extern const char kInsertStageSql[];
extern const char kInsertOutboxSql[];
// (at, kind, detail), defined in settings_store.cpp.
extern const char kInsertEventSql[];
// Request rows, read by ReadRequestRow (history not included).
extern const char kSelectRequestByCodeSql[];
extern const char kSelectRequestByUuidSql[];
StoredRequest ReadRequestRow(const Statement& st, int64_t* id);
void BindRequestRow(Statement& st, const ServiceRequest& r, Stage stage, int64_t stage_at,
                    int64_t sla_due_at, std::string_view payload);
// The request's JSON text; invalid UTF-8 is replaced rather than thrown.
std::string RequestPayload(const ServiceRequest& request);

constexpr int64_t kSecondsPerDay = 86400;

// Error for a failed write: "disk_full" stays, everything else becomes `code`.
inline Error WriteError(const Error& e, const char* code, std::string_view what) {
    return Error{e.code == "disk_full" ? "disk_full" : code, std::string(what) + ": " + e.message};
}

}  // namespace gk
