// A power-cut VFS for tests: a shim sqlite3_vfs over the default one that keeps every write in
// memory until the file is fsync'ed (as the OS page cache does), and at a "cut" loses what was
// not synced — each unsynced write is kept, dropped or torn (only some of its 512-byte
// sectors reach the disk), at random, in any order. A SIGKILL cannot show this: the page cache
// survives a killed process, so a store that never fsyncs passes a SIGKILL test.
//
// Model: the real file on disk is what survived; reads see it with the unsynced writes laid
// over. Creating, deleting and truncating files reach the disk at once (directory operations
// are not what this VFS tests). After the cut every write, sync, truncate and delete fails with
// an I/O error, as on a machine that lost power, until Restore().
//
// One instance at a time; it registers itself as SQLite's default VFS while it lives, so code
// under test opens databases as usual. Not thread-safe: one test thread uses it.
#pragma once

#include <cstdint>

namespace gk::test {

class PowerCutVfs {
  public:
    explicit PowerCutVfs(uint64_t seed);
    ~PowerCutVfs();
    PowerCutVfs(const PowerCutVfs&) = delete;
    PowerCutVfs& operator=(const PowerCutVfs&) = delete;

    // The power fails at the `operations`-th write/sync/truncate from now (that one fails).
    // A negative value disarms.
    void CutAfter(int64_t operations);
    bool cut() const;
    // When true, fsync does nothing (what synchronous=OFF amounts to for durability): the
    // control that shows the test can see loss.
    void set_syncs_lost(bool lost);
    // The power comes back: unsynced writes are kept, dropped or torn at random, the cut is
    // cleared. Call with every database connection closed.
    void Restore();
    int64_t unsynced_writes() const;  // now, across all files
};

}  // namespace gk::test
