// SIGTERM and SIGINT, the way the service manager stops a long-running program. The handler
// only sets a flag and writes one byte to a pipe (both async-signal-safe, unlike pushing an
// SDL event, which locks and may allocate); a watcher thread reads the pipe and calls on_stop
// from an ordinary thread, where it may lock, allocate and wake a loop.
// Verbs as at every seam: Init, Shutdown.
#pragma once

#include <functional>
#include <thread>

#include "core/result.h"

namespace gk {

class StopSignals {
  public:
    StopSignals() = default;
    ~StopSignals() { Shutdown(); }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    // Installs the handlers (one StopSignals per process). on_stop runs on the watcher thread,
    // once per signal received.
    Status Init(std::function<void()> on_stop);
    // Restores the previous handlers and stops the watcher (joins it: on_stop has returned).
    void Shutdown();
    // True once SIGTERM or SIGINT arrived (any thread may ask).
    static bool requested();

  private:
    int read_fd_ = -1, write_fd_ = -1;
    std::thread watcher_;
    bool installed_ = false;
};

}  // namespace gk
