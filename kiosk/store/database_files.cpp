// Moving database files as a unit (the file with its -wal, -shm and -journal): aside when
// damaged, into place when rebuilt, away when left over. Declared in recovery.h.
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "kiosk/store/recovery.h"
#include "kiosk/store/store_internal.h"

namespace gk {
namespace fs = std::filesystem;
namespace {

// The main file last: while its -wal still has a twin under the old name, a fresh file made at
// the old name would delete that twin (SQLite drops the WAL of an empty database), so the
// WAL must already live under the new name too.
constexpr std::array<const char*, 4> kCompanions = {"-wal", "-shm", "-journal", ""};

bool Exists(const std::string& path) {
    std::error_code ec;
    return fs::exists(fs::symlink_status(path, ec));
}

void SyncDirectory(const std::string& file_in_dir) {
    const std::string dir = fs::path(file_in_dir).parent_path().string();
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)::fsync(fd);
    ::close(fd);
}

}  // namespace

// =============================================================================================
// [SECTION] Moving files
// =============================================================================================

std::string AsideName(const std::string& path, int64_t wall_unix_seconds) {
    const std::string base = path + ".corrupt-" + CompactChinaTime(wall_unix_seconds);
    std::string aside = base;
    for (int n = 2;; ++n) {
        bool taken = false;
        for (const char* suffix : kCompanions) taken = taken || Exists(aside + suffix);
        if (!taken) return aside;
        aside = base + "-" + std::to_string(n);
    }
}

Status MoveDamagedAside(const std::string& path, const std::string& aside) {
    // Hard links first: at every moment each file has at least one name.
    std::vector<std::string> linked;
    bool links_ok = true;
    for (const char* suffix : kCompanions) {
        if (!Exists(path + suffix)) continue;
        if (::link((path + suffix).c_str(), (aside + suffix).c_str()) != 0) {
            links_ok = false;
            break;
        }
        linked.push_back(suffix);
    }
    if (links_ok) {
        SyncDirectory(path);
        // Main file first: once it is gone, the leftovers are known to be moved already.
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            if (Exists(path + suffix) && ::unlink((path + suffix).c_str()) != 0) {
                return Error{"open",
                             "cannot remove " + path + suffix + ": " + std::strerror(errno)};
            }
        }
    } else {
        // A file system without hard links (vfat): rename, companions first.
        for (const std::string& suffix : linked) (void)::unlink((aside + suffix).c_str());
        for (const char* suffix : kCompanions) {
            if (!Exists(path + suffix)) continue;
            if (::rename((path + suffix).c_str(), (aside + suffix).c_str()) != 0) {
                return Error{"open", "cannot move " + path + suffix + ": " + std::strerror(errno)};
            }
        }
    }
    SyncDirectory(path);
    return Ok{};
}

void RemoveDatabaseFiles(const std::string& path) {
    for (const char* suffix : kCompanions) {
        std::error_code ec;
        fs::remove(path + suffix, ec);
    }
}

Status RenameDatabase(const std::string& from, const std::string& to) {
    // A stale -wal at `to` would be replayed into the new file: remove before renaming.
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
        std::error_code ec;
        fs::remove(to + suffix, ec);
    }
    for (const char* suffix : kCompanions) {
        if (!Exists(from + suffix)) continue;
        if (::rename((from + suffix).c_str(), (to + suffix).c_str()) != 0) {
            return Error{"open", "cannot rename " + from + suffix + ": " + std::strerror(errno)};
        }
    }
    SyncDirectory(to);
    return Ok{};
}

Status FinishInterruptedRebuild(const std::string& path, const std::string& rebuild_path) {
    if (!Exists(rebuild_path)) {
        RemoveDatabaseFiles(rebuild_path);  // companions without a main file
        return Ok{};
    }
    if (Exists(path)) {
        RemoveDatabaseFiles(rebuild_path);
        return Ok{};
    }
    return RenameDatabase(rebuild_path, path);
}

}  // namespace gk
