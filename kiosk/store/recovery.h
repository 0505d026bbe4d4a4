// What Store::Open does with a damaged database file. The damaged file stays where it is
// while a new one is built beside it (DIR/gridkiosk.db.rebuild) from whatever rows can still
// be read; only then is the damaged file moved aside (never deleted) and the new one renamed
// into its place. A crash at any step leaves either the damaged file in place (and the next
// start does it all again) or a finished rebuild that the next start puts in place.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "platform/database.h"

namespace gk {

// `path.corrupt-YYYYMMDDTHHMMSS` in Beijing time of `wall_unix_seconds`; "-2", "-3"... when a
// file of that name (or one of its companions) exists already.
std::string AsideName(const std::string& path, int64_t wall_unix_seconds);

// Moves `path` and its -wal, -shm and -journal to `aside` (+ the same suffixes): hard links
// first, then unlinks, so every byte has a name at every moment. Error code "open".
Status MoveDamagedAside(const std::string& path, const std::string& aside);

// Puts a closed database `from` in place at `to`, first removing what is left of an old
// database's -wal/-shm/-journal at `to` (the caller has moved everything worth keeping).
Status RenameDatabase(const std::string& from, const std::string& to);

void RemoveDatabaseFiles(const std::string& path);  // the file and its companions

// On start: a finished rebuild whose damaged original is already gone goes into place; a
// rebuild whose damaged original is still there was interrupted and is removed.
Status FinishInterruptedRebuild(const std::string& path, const std::string& rebuild_path);

struct SalvageReport {
    int64_t recovered = 0;   // rows carried over
    int64_t unreadable = 0;  // rows, or row slots, that could not be read or written
    std::string summary;     // "requests 12, stage_history 15, ...": counts only
    // Contact names, phones and relations seen in the damaged file, for ScrubPersonalData.
    // Held in memory only; never logged.
    std::vector<std::string> personal;
};

// Copies readable rows of `damaged_path` into `db` (new, at the latest schema), then makes
// the result consistent: a request found only in the outbox is rebuilt from its payload, an
// unsent request without an outbox row is queued again, a request whose history was lost gets
// one row for its current stage, and the receipt counter moves past every code seen plus a
// margin for codes that could not be read. Reads a scratch copy at `scratch_path` (removed
// afterwards) so the damaged file's bytes stay exactly as found.
SalvageReport SalvageInto(Database& db, const std::string& damaged_path,
                          const std::string& scratch_path);

// Overwrites, in the damaged file kept aside at `aside` (and its -wal), every occurrence of
// the `personal` values and of anything shaped like a mobile number, with filler of the same
// length (the pages keep their structure). What salvage carried over lives on in the new file,
// where it is purged once uploaded; the copy kept for a later look must not keep it forever.
// Best effort: a value split across overflow pages may survive. Returns bytes overwritten.
int64_t ScrubPersonalData(const std::string& aside, const std::vector<std::string>& personal);

// Receipt counters skipped after a recovery, for when the counter mark file is lost too:
// codes issued from rows that could not be read must never be issued again.
constexpr int64_t kRecoveryCounterGap = 1000;

}  // namespace gk
