// The self-pipe: the signal handler writes, the watcher thread reads.
#include "platform/stop_signals.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include "core/assert.h"

namespace gk {
namespace {

constexpr char kSignalled = 's';  // written by the handler
constexpr char kQuit = 'q';       // written by Shutdown: the watcher ends

std::atomic<bool> g_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "a handler may only touch lock-free atomics");
std::atomic<int> g_write_fd{-1};
static_assert(std::atomic<int>::is_always_lock_free);
struct sigaction g_previous_term, g_previous_int;

// Async-signal-safe only: atomics, write(2), errno kept as it was.
void OnStopSignal(int) {
    const int saved_errno = errno;
    g_requested.store(true);
    const int fd = g_write_fd.load();
    if (fd >= 0) {
        // Non-blocking: a full pipe already holds a wake-up, so a lost byte loses nothing.
        const ssize_t n = ::write(fd, &kSignalled, 1);
        (void)n;  // nothing a handler could do about a failure; the flag is set either way
    }
    errno = saved_errno;
}

}  // namespace

bool StopSignals::requested() { return g_requested.load(); }

Status StopSignals::Init(std::function<void()> on_stop) {
    GK_ASSERT(!installed_ && g_write_fd.load() < 0 && "one StopSignals per process");
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        return Error{"signals", std::string("pipe: ") + std::strerror(errno)};
    }
    read_fd_ = fds[0];
    write_fd_ = fds[1];
    if (::fcntl(write_fd_, F_SETFL, O_NONBLOCK) != 0) {
        const std::string why = std::strerror(errno);
        ::close(read_fd_);
        ::close(write_fd_);
        read_fd_ = write_fd_ = -1;
        return Error{"signals", "pipe: " + why};
    }
    g_write_fd.store(write_fd_);
    watcher_ = std::thread([fd = read_fd_, on_stop = std::move(on_stop)] {
        for (;;) {
            char byte = 0;
            const ssize_t n = ::read(fd, &byte, 1);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0 || byte == kQuit) return;
            if (on_stop) on_stop();
        }
    });
    struct sigaction sa {};
    sa.sa_handler = OnStopSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &sa, &g_previous_term);
    ::sigaction(SIGINT, &sa, &g_previous_int);
    installed_ = true;
    return Ok{};
}

void StopSignals::Shutdown() {
    if (!installed_) return;
    installed_ = false;
    // Back to the previous handlers first, so no handler writes to a closed descriptor.
    ::sigaction(SIGTERM, &g_previous_term, nullptr);
    ::sigaction(SIGINT, &g_previous_int, nullptr);
    g_write_fd.store(-1);
    // The pipe is non-blocking, and a full pipe still wakes the watcher, which reads until the
    // quit byte; retry until it is in (bounded: the watcher drains the pipe meanwhile).
    for (int i = 0; i < 1000; ++i) {
        if (::write(write_fd_, &kQuit, 1) == 1) break;
        if (errno != EAGAIN && errno != EINTR) break;
        ::usleep(1000);
    }
    ::close(write_fd_);  // EOF ends the watcher even if the quit byte could not be written
    if (watcher_.joinable()) watcher_.join();
    ::close(read_fd_);
    read_fd_ = write_fd_ = -1;
}

}  // namespace gk
