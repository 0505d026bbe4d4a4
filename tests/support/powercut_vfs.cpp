// The power-cut VFS (powercut_vfs.h): per-path lists of unsynced writes, the shim's file and
// VFS methods, and what Restore() lets reach the disk.
#include "tests/support/powercut_vfs.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace gk::test {
namespace {

struct PendingWrite {
    int64_t offset = 0;
    std::string data;
};

struct State {
    sqlite3_vfs* root = nullptr;
    sqlite3_vfs vfs{};
    std::map<std::string, std::vector<PendingWrite>> pending;  // by path; survives xClose
    int64_t ops_left = -1;                                     // -1: disarmed
    bool cut = false;
    bool syncs_lost = false;
    std::mt19937_64 rng;
};

State* g_state = nullptr;

struct ShimFile {
    sqlite3_file base;
    sqlite3_file* real;  // the default VFS's file, allocated right after this struct
    std::string* path;   // nullptr for files without a name (temp files): written through
};

ShimFile* Shim(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f); }

// One more write/sync/truncate: true when the power fails now (or failed before).
bool PowerFails() {
    State& s = *g_state;
    if (s.cut) return true;
    if (s.ops_left > 0 && --s.ops_left == 0) s.cut = true;
    return s.cut;
}

int64_t PendingEnd(const std::vector<PendingWrite>& writes) {
    int64_t end = 0;
    for (const PendingWrite& w : writes) {
        end = std::max<int64_t>(end, w.offset + static_cast<int64_t>(w.data.size()));
    }
    return end;
}

int ShimClose(sqlite3_file* f) {
    ShimFile* shim = Shim(f);
    const int rc =
        shim->real->pMethods != nullptr ? shim->real->pMethods->xClose(shim->real) : SQLITE_OK;
    delete shim->path;
    shim->path = nullptr;
    return rc;
}

int ShimFileSize(sqlite3_file* f, sqlite3_int64* size) {
    ShimFile* shim = Shim(f);
    const int rc = shim->real->pMethods->xFileSize(shim->real, size);
    if (rc != SQLITE_OK || shim->path == nullptr) return rc;
    *size = std::max<sqlite3_int64>(*size, PendingEnd(g_state->pending[*shim->path]));
    return SQLITE_OK;
}

int ShimRead(sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset) {
    ShimFile* shim = Shim(f);
    int rc = shim->real->pMethods->xRead(shim->real, buffer, amount, offset);
    if (shim->path == nullptr) return rc;
    if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;
    auto* out = static_cast<char*>(buffer);
    for (const PendingWrite& w : g_state->pending[*shim->path]) {
        const int64_t from = std::max<int64_t>(offset, w.offset);
        const int64_t to =
            std::min<int64_t>(offset + amount, w.offset + static_cast<int64_t>(w.data.size()));
        if (from < to)
            std::memcpy(out + (from - offset), w.data.data() + (from - w.offset), to - from);
    }
    sqlite3_int64 size = 0;
    if (ShimFileSize(f, &size) != SQLITE_OK) return SQLITE_IOERR_READ;
    if (offset + amount <= size) return SQLITE_OK;
    const int64_t valid = std::max<int64_t>(0, size - offset);
    std::memset(out + valid, 0, static_cast<size_t>(amount - valid));
    return SQLITE_IOERR_SHORT_READ;
}

int ShimWrite(sqlite3_file* f, const void* buffer, int amount, sqlite3_int64 offset) {
    ShimFile* shim = Shim(f);
    if (shim->path == nullptr)
        return shim->real->pMethods->xWrite(shim->real, buffer, amount, offset);
    if (PowerFails()) return SQLITE_IOERR_WRITE;
    g_state->pending[*shim->path].push_back(
        {offset, std::string(static_cast<const char*>(buffer), static_cast<size_t>(amount))});
    return SQLITE_OK;
}

int ShimTruncate(sqlite3_file* f, sqlite3_int64 size) {
    ShimFile* shim = Shim(f);
    if (shim->path == nullptr) return shim->real->pMethods->xTruncate(shim->real, size);
    if (PowerFails()) return SQLITE_IOERR_TRUNCATE;
    auto& writes = g_state->pending[*shim->path];
    std::vector<PendingWrite> kept;
    for (PendingWrite& w : writes) {
        if (w.offset >= size) continue;
        if (w.offset + static_cast<int64_t>(w.data.size()) > size) w.data.resize(size - w.offset);
        kept.push_back(std::move(w));
    }
    writes = std::move(kept);
    return shim->real->pMethods->xTruncate(shim->real, size);
}

int ShimSync(sqlite3_file* f, int flags) {
    ShimFile* shim = Shim(f);
    if (shim->path == nullptr) return shim->real->pMethods->xSync(shim->real, flags);
    if (PowerFails()) return SQLITE_IOERR_FSYNC;
    if (g_state->syncs_lost) return SQLITE_OK;
    // Durable now: into the real file (the real fsync is skipped: the model's disk is the
    // real file, and hundreds of cuts must run in seconds).
    auto& writes = g_state->pending[*shim->path];
    for (const PendingWrite& w : writes) {
        const int rc = shim->real->pMethods->xWrite(shim->real, w.data.data(),
                                                    static_cast<int>(w.data.size()), w.offset);
        if (rc != SQLITE_OK) return rc;
    }
    writes.clear();
    return SQLITE_OK;
}

int ShimLock(sqlite3_file* f, int level) {
    return Shim(f)->real->pMethods->xLock(Shim(f)->real, level);
}
int ShimUnlock(sqlite3_file* f, int level) {
    return Shim(f)->real->pMethods->xUnlock(Shim(f)->real, level);
}
int ShimCheckReservedLock(sqlite3_file* f, int* out) {
    return Shim(f)->real->pMethods->xCheckReservedLock(Shim(f)->real, out);
}
int ShimFileControl(sqlite3_file* f, int op, void* arg) {
    return Shim(f)->real->pMethods->xFileControl(Shim(f)->real, op, arg);
}
int ShimSectorSize(sqlite3_file* f) { return Shim(f)->real->pMethods->xSectorSize(Shim(f)->real); }
int ShimDeviceCharacteristics(sqlite3_file* f) {
    return Shim(f)->real->pMethods->xDeviceCharacteristics(Shim(f)->real);
}
// Shared memory is not on the disk's side of a power cut: the next open rebuilds it.
int ShimShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
    return Shim(f)->real->pMethods->xShmMap(Shim(f)->real, region, size, extend, out);
}
int ShimShmLock(sqlite3_file* f, int offset, int n, int flags) {
    return Shim(f)->real->pMethods->xShmLock(Shim(f)->real, offset, n, flags);
}
void ShimShmBarrier(sqlite3_file* f) { Shim(f)->real->pMethods->xShmBarrier(Shim(f)->real); }
int ShimShmUnmap(sqlite3_file* f, int delete_flag) {
    return Shim(f)->real->pMethods->xShmUnmap(Shim(f)->real, delete_flag);
}

// Version 2: no xFetch, so SQLite never maps the file and every read comes through ShimRead.
const sqlite3_io_methods kMethods = {
    2,
    ShimClose,
    ShimRead,
    ShimWrite,
    ShimTruncate,
    ShimSync,
    ShimFileSize,
    ShimLock,
    ShimUnlock,
    ShimCheckReservedLock,
    ShimFileControl,
    ShimSectorSize,
    ShimDeviceCharacteristics,
    ShimShmMap,
    ShimShmLock,
    ShimShmBarrier,
    ShimShmUnmap,
    nullptr,
    nullptr,
};

int VfsOpen(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out_flags) {
    ShimFile* shim = Shim(f);
    shim->base.pMethods = nullptr;
    shim->real = reinterpret_cast<sqlite3_file*>(shim + 1);
    shim->path = nullptr;
    const int rc = g_state->root->xOpen(g_state->root, name, shim->real, flags, out_flags);
    if (rc != SQLITE_OK) return rc;
    if (name != nullptr) shim->path = new std::string(name);
    shim->base.pMethods = &kMethods;
    return SQLITE_OK;
}

int VfsDelete(sqlite3_vfs*, const char* name, int sync_dir) {
    if (g_state->cut) return SQLITE_IOERR_DELETE;
    g_state->pending.erase(name);
    return g_state->root->xDelete(g_state->root, name, sync_dir);
}
int VfsAccess(sqlite3_vfs*, const char* name, int flags, int* out) {
    return g_state->root->xAccess(g_state->root, name, flags, out);
}
int VfsFullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
    return g_state->root->xFullPathname(g_state->root, name, n, out);
}
void* VfsDlOpen(sqlite3_vfs*, const char* name) {
    return g_state->root->xDlOpen(g_state->root, name);
}
void VfsDlError(sqlite3_vfs*, int n, char* out) { g_state->root->xDlError(g_state->root, n, out); }
void (*VfsDlSym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
    return g_state->root->xDlSym(g_state->root, handle, symbol);
}
void VfsDlClose(sqlite3_vfs*, void* handle) { g_state->root->xDlClose(g_state->root, handle); }
int VfsRandomness(sqlite3_vfs*, int n, char* out) {
    return g_state->root->xRandomness(g_state->root, n, out);
}
int VfsSleep(sqlite3_vfs*, int us) { return g_state->root->xSleep(g_state->root, us); }
int VfsCurrentTime(sqlite3_vfs*, double* out) {
    return g_state->root->xCurrentTime(g_state->root, out);
}
int VfsGetLastError(sqlite3_vfs*, int n, char* out) {
    return g_state->root->xGetLastError(g_state->root, n, out);
}
int VfsCurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
    return g_state->root->xCurrentTimeInt64(g_state->root, out);
}

// What reaches the disk of one unsynced write at the cut.
void Settle(const std::string& path, const PendingWrite& w, std::mt19937_64& rng) {
    constexpr size_t kSector = 512;
    size_t keep = 0;
    switch (rng() % 3) {
        case 0:  // all of it made it out of the page cache
            keep = w.data.size();
            break;
        case 1:  // none of it
            return;
        default:  // torn: the first sectors only
            keep = std::min(w.data.size(), kSector * (rng() % (w.data.size() / kSector + 1)));
            break;
    }
    if (keep == 0) return;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;  // deleted since: nothing to keep
    if (::pwrite(fd, w.data.data(), keep, w.offset) != static_cast<ssize_t>(keep)) {
        std::fprintf(stderr, "powercut_vfs: cannot write %s\n", path.c_str());
        std::abort();  // the test's own disk failed: no result would mean anything
    }
    ::close(fd);
}

}  // namespace

PowerCutVfs::PowerCutVfs(uint64_t seed) {
    if (g_state != nullptr) std::abort();  // one at a time (see the header)
    g_state = new State;
    g_state->rng.seed(seed);
    g_state->root = sqlite3_vfs_find(nullptr);
    sqlite3_vfs& v = g_state->vfs;
    v.iVersion = 2;
    v.szOsFile = static_cast<int>(sizeof(ShimFile)) + g_state->root->szOsFile;
    v.mxPathname = g_state->root->mxPathname;
    v.zName = "powercut";
    v.xOpen = VfsOpen;
    v.xDelete = VfsDelete;
    v.xAccess = VfsAccess;
    v.xFullPathname = VfsFullPathname;
    v.xDlOpen = VfsDlOpen;
    v.xDlError = VfsDlError;
    v.xDlSym = VfsDlSym;
    v.xDlClose = VfsDlClose;
    v.xRandomness = VfsRandomness;
    v.xSleep = VfsSleep;
    v.xCurrentTime = VfsCurrentTime;
    v.xGetLastError = VfsGetLastError;
    v.xCurrentTimeInt64 = VfsCurrentTimeInt64;
    sqlite3_vfs_register(&v, 1);
}

PowerCutVfs::~PowerCutVfs() {
    sqlite3_vfs_unregister(&g_state->vfs);
    delete g_state;
    g_state = nullptr;
}

void PowerCutVfs::CutAfter(int64_t operations) {
    g_state->ops_left = operations < 0 ? -1 : operations;
}
bool PowerCutVfs::cut() const { return g_state->cut; }
void PowerCutVfs::set_syncs_lost(bool lost) { g_state->syncs_lost = lost; }

void PowerCutVfs::Restore() {
    State& s = *g_state;
    for (auto& [path, writes] : s.pending) {
        std::vector<size_t> order(writes.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::shuffle(order.begin(), order.end(), s.rng);  // the disk's order, not ours
        for (size_t i : order) Settle(path, writes[i], s.rng);
    }
    s.pending.clear();
    s.cut = false;
    s.ops_left = -1;
}

int64_t PowerCutVfs::unsynced_writes() const {
    int64_t n = 0;
    for (const auto& [path, writes] : g_state->pending) n += static_cast<int64_t>(writes.size());
    return n;
}

}  // namespace gk::test
