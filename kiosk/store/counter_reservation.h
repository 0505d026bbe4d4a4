// The receipt counter's high-water mark, kept in a small file beside the database
// (DIR/gridkiosk.counter). Submit reserves counters in blocks before using them, and Open
// never starts below the mark, so even a database lost whole cannot make this terminal issue
// a receipt counter twice (DESIGN.md §3.4: unique by construction).
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"

namespace gk {

constexpr int64_t kCounterReservationBlock = 100;  // counters reserved per file write

// The reserved mark; 0 when the file is missing or unreadable.
int64_t ReadCounterReservation(const std::string& path);

// Writes the mark durably (temporary file, fsync, rename, directory fsync).
// Error codes: "disk_full" (ENOSPC), "write".
Status WriteCounterReservation(const std::string& path, int64_t reserved);

}  // namespace gk
