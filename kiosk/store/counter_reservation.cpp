// The receipt counter's high-water mark file: one decimal number and a newline, replaced
// atomically.
#include "kiosk/store/counter_reservation.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace gk {
namespace {

Error WriteFailure(const std::string& what) {
    return Error{errno == ENOSPC ? "disk_full" : "write", what + ": " + std::strerror(errno)};
}

}  // namespace

int64_t ReadCounterReservation(const std::string& path) {
    std::ifstream in(path);
    if (!in) return 0;
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || value < 0) return 0;
    (void)end;
    return value;
}

Status WriteCounterReservation(const std::string& path, int64_t reserved) {
    const std::string temp = path + ".tmp";
    const std::string text = std::to_string(reserved) + "\n";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return WriteFailure("counter mark");
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    const bool synced = written && ::fsync(fd) == 0;
    const Error failure = synced ? Error{} : WriteFailure("counter mark");
    ::close(fd);
    if (!synced) {
        ::unlink(temp.c_str());
        return failure;
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) return WriteFailure("counter mark");
    const std::string dir = std::filesystem::path(path).parent_path().string();
    const int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
        (void)::fsync(dir_fd);
        ::close(dir_fd);
    }
    return Ok{};
}

}  // namespace gk
