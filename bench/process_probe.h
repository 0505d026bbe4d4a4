// What the process benchmarks (startup, idle, memory) look at from outside the programs they
// run: starting a child and timing it, an Xvfb server, a file appearing, /proc figures of a
// process tree, the terminal's and Chromium's command lines, and the Chromium page's beacon.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gk::bench {

using SteadyClock = std::chrono::steady_clock;

double MsBetween(SteadyClock::time_point from, SteadyClock::time_point to);
int64_t WallUnixUs();  // CLOCK_REALTIME, microseconds: the clock a web page's timeOrigin uses

// ---------------------------------------------------------------------------------------------
// Children
// ---------------------------------------------------------------------------------------------

// Makes this process the reaper of its orphaned descendants (Chromium's helpers), so that
// Stop() can wait for all of them. Call once at the start of main().
void BecomeSubreaper();

// Environment changes for a child: a value of nullopt unsets the variable.
using EnvChanges = std::vector<std::pair<std::string, std::optional<std::string>>>;

struct Child {
    pid_t pid = -1;                   // also the process group id
    SteadyClock::time_point started;  // just before fork()
    int64_t started_wall_us = 0;      // the same instant on the wall clock
};

// fork + exec in a new process group; stdout and stderr go to log_path.
Child Spawn(const std::vector<std::string>& argv, const EnvChanges& env,
            const std::string& log_path);

// SIGTERM to the child's process group, then SIGKILL after timeout_ms; reaps the child and
// any adopted orphans of it. Returns the child's exit code, 128+signal, or -1 when unknown.
int Stop(Child& child, int timeout_ms = 5000);

// An Xvfb server on a free display (-displayfd), stopped by the destructor.
class Xvfb {
  public:
    Xvfb() = default;
    Xvfb(const Xvfb&) = delete;
    Xvfb& operator=(const Xvfb&) = delete;
    ~Xvfb();
    // Returns false with a reason when Xvfb cannot start.
    bool Start(int width, int height, std::string& error);
    const std::string& display() const { return display_; }  // ":N"
    pid_t pid() const { return child_.pid; }

  private:
    Child child_;
    std::string display_;
};

// Sees a file of the given name appear in a directory (created, or renamed into place as the
// layout dump is). Arm it before starting the process that writes the file.
class FileWatch {
  public:
    FileWatch(const std::string& dir, std::string name);
    FileWatch(const FileWatch&) = delete;
    FileWatch& operator=(const FileWatch&) = delete;
    ~FileWatch();
    // Waits until the file appears or the deadline passes; `when` is the moment it was seen.
    bool Wait(SteadyClock::time_point deadline, SteadyClock::time_point& when);

  private:
    int fd_ = -1;
    std::string name_;
};

// ---------------------------------------------------------------------------------------------
// /proc
// ---------------------------------------------------------------------------------------------

std::vector<pid_t> ProcessTree(pid_t root);  // root and all its living descendants

struct Memory {
    long pss_kb = 0;  // smaps_rollup Pss: shared pages split between their users
    long pss_anon_kb = 0, pss_file_kb = 0, pss_shmem_kb = 0;  // Pss by kind of page
    long rss_kb = 0;                                          // smaps_rollup Rss
    long hwm_kb = 0;  // status VmHWM: the peak RSS (summed over processes for a tree)
    int processes = 0;
};
Memory TreeMemory(pid_t root);

// utime + stime in clock ticks, per process of the tree (a process that ended is missing).
std::vector<std::pair<pid_t, long>> TreeCpuTicks(pid_t root);
long CpuTicks(pid_t pid);  // one process; -1 when gone
// Ticks used between two TreeCpuTicks() samples by the processes alive at the end.
long TicksBetween(const std::vector<std::pair<pid_t, long>>& before,
                  const std::vector<std::pair<pid_t, long>>& after);
double TicksToSeconds(long ticks);

// ---------------------------------------------------------------------------------------------
// The programs
// ---------------------------------------------------------------------------------------------

// A new directory under /tmp (removed by TempDir's destructor).
class TempDir {
  public:
    explicit TempDir(const std::string& stem);
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir();
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

// Writes DIR/gridkiosk.toml with terminal number 7 (the configuration the issue names).
void WriteKioskConfig(const std::string& data_dir);
// Under X the terminal runs fullscreen, as deployed (the Xvfb screen is 1920×1080); with the
// dummy driver (whose display is 1024×768) in a 1920×1080 window.
std::vector<std::string> KioskArgv(const std::string& binary, const std::string& data_dir,
                                   const std::string& layout_dump, bool x11);
// The "frame" field of a layout dump; nullopt when missing or unreadable.
std::optional<long> DumpFrame(const std::string& layout_dump);
// The rest of the first line of a log that contains `needle`, from the needle on, or "".
// ("renderer=" gives "renderer=opengl video=x11", "glyphs=" the font atlas line.)
std::string LogLineFrom(const std::string& log_path, std::string_view needle);

// Debian's Chromium in kiosk mode on a closed network, as the issue lists the flags.
std::vector<std::string> ChromiumArgv(const std::string& profile_dir, const std::string& url);
// The same with the window over a screen of width x height (ChromiumArgv above: 1920x1080).
std::vector<std::string> ChromiumArgv(const std::string& profile_dir, const std::string& url,
                                      int width, int height);
std::string BaselinePageUrl(int beacon_port, int run);

// The page's first-contentful-paint beacon: a listener on 127.0.0.1 (cpp-httplib) that records
// when /painted?run=K arrives and the paint's own timestamp.
class PaintBeacon {
  public:
    PaintBeacon();
    ~PaintBeacon();
    PaintBeacon(const PaintBeacon&) = delete;
    PaintBeacon& operator=(const PaintBeacon&) = delete;
    int port() const;
    struct Paint {
        SteadyClock::time_point arrived;  // when the beacon reached us
        double fcp_epoch_ms = 0;          // performance.timeOrigin + FCP startTime
    };
    // Waits for the beacon of run `run`.
    std::optional<Paint> Wait(int run, SteadyClock::time_point deadline);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// ---------------------------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------------------------

double Median(std::vector<double> values);
double Percentile(std::vector<double> values, double p);  // p in [0, 100], nearest rank

// "2026-11-28 08:00, nproc 2, Intel(R) Xeon(R) Processor, Linux 6.1, load 0.10 0.20 0.30":
// the machine line each bench prints first.
std::string MachineLine();

// One line of the run_all.sh summary: FIGURE|name|value|unit|baseline|ratio|target|verdict.
// baseline <= 0 prints "-" for baseline and ratio; an empty target prints "-".
void PrintFigure(const std::string& name, double value, const std::string& unit, double baseline,
                 const std::string& target, const std::string& verdict);

}  // namespace gk::bench
