// What Store::Open does with a damaged database file: move it aside (never delete it), then
// carry over into the fresh file whatever rows can still be read, table by table, row by row.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"
#include "platform/database.h"

namespace gk {

// Moves `path` and its -wal, -shm and -journal to `path.corrupt-YYYYMMDDTHHMMSS` (Beijing time
// of `wall_unix_seconds`; "-2", "-3"... when taken) and returns the new path of the main file.
// Hard links first, then unlinks, so a crash half-way leaves every byte under some name.
Result<std::string> MoveDamagedAside(const std::string& path, int64_t wall_unix_seconds);

struct SalvageReport {
    int64_t recovered = 0;   // rows carried over
    int64_t unreadable = 0;  // rows, or row slots, that could not be read or written
    std::string summary;     // "requests 12, stage_history 15, ...": counts only
};

// Copies readable rows of `damaged_path` into `db` (fresh, at the latest schema), then makes
// the result consistent: a request found only in the outbox is rebuilt from its payload, an
// unsent request without an outbox row is queued again, a request whose history was lost gets
// one row for its current stage, and the receipt counter moves past every code seen plus a
// margin for codes that could not be read. Reads a scratch copy at
// `scratch_path` (removed afterwards) so the damaged file's bytes stay exactly as found.
SalvageReport SalvageInto(Database& db, const std::string& damaged_path,
                          const std::string& scratch_path);

// Receipt counters skipped after a recovery: codes issued from rows that could not be read
// must never be issued again.
constexpr int64_t kRecoveryCounterGap = 1000;

}  // namespace gk
