// Space set aside on the data dir's file system (DIR/gridkiosk.reserve) so that a terminal on
// a nearly full disk can still start and drain its queue: SQLite needs room for its -shm and
// WAL even to delete rows. The store holds the reserve while the disk has room, refuses new
// requests while it cannot hold it, and gives it back to the file system when space runs out.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"

namespace gk {

constexpr int64_t kDefaultSpaceReserveBytes = 4 * 1024 * 1024;

// Bytes an unprivileged writer can still use on `dir`'s file system; -1 when unknown.
int64_t FreeBytes(const std::string& dir);

// True when the reserve file exists with at least `bytes` allocated.
bool SpaceReserveHeld(const std::string& path, int64_t bytes);

// Allocates the reserve (real blocks, not a sparse file) under a temporary name, then renames
// it into place. Error codes: "disk_full", "write".
Status MakeSpaceReserve(const std::string& path, int64_t bytes);

// Gives the reserve back to the file system; true when there was one.
bool ReleaseSpaceReserve(const std::string& path);

}  // namespace gk
