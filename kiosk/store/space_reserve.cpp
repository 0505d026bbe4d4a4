// The data dir's space reserve (see space_reserve.h): statvfs, fallocate, unlink.
#include "kiosk/store/space_reserve.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gk {

int64_t FreeBytes(const std::string& dir) {
    struct statvfs st {};
    if (::statvfs(dir.c_str(), &st) != 0) return -1;
    return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
}

bool SpaceReserveHeld(const std::string& path, int64_t bytes) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return false;
    return st.st_size >= bytes && static_cast<int64_t>(st.st_blocks) * 512 >= bytes;
}

Status MakeSpaceReserve(const std::string& path, int64_t bytes) {
    const std::string temp = path + ".tmp";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return Error{errno == ENOSPC ? "disk_full" : "write", std::strerror(errno)};
    const int rc = ::posix_fallocate(fd, 0, bytes);  // returns the error, leaves errno alone
    ::close(fd);
    if (rc != 0) {
        ::unlink(temp.c_str());
        return Error{rc == ENOSPC ? "disk_full" : "write", std::strerror(rc)};
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        return Error{"write", std::strerror(err)};
    }
    return Ok{};
}

bool ReleaseSpaceReserve(const std::string& path) {
    ::unlink((path + ".tmp").c_str());
    return ::unlink(path.c_str()) == 0;
}

}  // namespace gk
