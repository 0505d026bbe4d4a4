// Children, Xvfb, file watches, /proc readers, command lines and the paint beacon for the
// process benchmarks.
//
// [SECTION] Time
// [SECTION] Children
// [SECTION] Xvfb
// [SECTION] FileWatch
// [SECTION] /proc
// [SECTION] The programs
// [SECTION] PaintBeacon
// [SECTION] Figures
#include "bench/process_probe.h"

#include <dirent.h>
#include <fcntl.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/support/child_env.h"

namespace gk::bench {

// ---------------------------------------------------------------------------------------------
// [SECTION] Time
// ---------------------------------------------------------------------------------------------

double MsBetween(SteadyClock::time_point from, SteadyClock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

int64_t WallUnixUs() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t{ts.tv_sec} * 1000000 + ts.tv_nsec / 1000;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Children
// ---------------------------------------------------------------------------------------------

void BecomeSubreaper() { prctl(PR_SET_CHILD_SUBREAPER, 1); }

namespace {

// Everything the child needs is built before fork(): after it, only exec-safe calls.
Child SpawnKeeping(const std::vector<std::string>& argv, const EnvChanges& env,
                   const std::string& log_path, int keep_fd) {
    std::vector<std::string> env_strings = test::ChildEnvironment(env);
    std::vector<char*> envp = test::CStringArray(env_strings);
    std::vector<std::string> argv_copy = argv;
    std::vector<char*> args = test::CStringArray(argv_copy);
    const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);

    Child child;
    child.started_wall_us = WallUnixUs();
    child.started = SteadyClock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setpgid(0, 0);
        if (null_fd >= 0) ::dup2(null_fd, 0);
        if (log_fd >= 0) {
            ::dup2(log_fd, 1);
            ::dup2(log_fd, 2);
        }
        int first_closed = 3;
        if (keep_fd >= 0) {
            ::dup2(keep_fd, 3);
            first_closed = 4;
        }
        ::close_range(first_closed, ~0U, 0);
        ::execvpe(args[0], args.data(), envp.data());
        ::_exit(127);
    }
    if (pid > 0) ::setpgid(pid, pid);  // also here, so a signal sent right away finds the group
    if (log_fd >= 0) ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    child.pid = pid;
    return child;
}

bool Alive(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(in, text)) return false;
    const size_t paren = text.rfind(')');
    return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] != 'Z';
}

}  // namespace

Child Spawn(const std::vector<std::string>& argv, const EnvChanges& env,
            const std::string& log_path) {
    return SpawnKeeping(argv, env, log_path, -1);
}

int Stop(Child& child, int timeout_ms) {
    if (child.pid <= 0) return -1;
    const pid_t pid = child.pid;
    child.pid = -1;
    const std::vector<pid_t> tree = ProcessTree(pid);
    ::kill(-pid, SIGTERM);
    for (pid_t p : tree)
        if (p != pid) ::kill(p, SIGTERM);
    const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
    int status = 0, code = -1;
    for (;;) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        if (r < 0) break;
        if (SteadyClock::now() > deadline) {
            ::kill(-pid, SIGKILL);
            if (::waitpid(pid, &status, 0) == pid)
                code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        ::usleep(2000);
    }
    // Helpers that outlived the main process were adopted by us (BecomeSubreaper): let them
    // finish, then make sure, and reap them.
    for (pid_t p : tree) {
        if (p == pid) continue;
        while (Alive(p) && SteadyClock::now() < deadline) ::usleep(5000);
        if (Alive(p)) ::kill(p, SIGKILL);
        ::waitpid(p, nullptr, 0);
    }
    return code;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Xvfb
// ---------------------------------------------------------------------------------------------

Xvfb::~Xvfb() { Stop(child_); }

bool Xvfb::Start(int width, int height, std::string& error) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        error = "pipe failed";
        return false;
    }
    const std::string screen = std::to_string(width) + "x" + std::to_string(height) + "x24";
    child_ = SpawnKeeping(
        {"Xvfb", "-displayfd", "3", "-screen", "0", screen, "-nolisten", "tcp", "-noreset"}, {},
        "/tmp/gk-bench-xvfb.log", fds[1]);
    ::close(fds[1]);
    std::string number;
    pollfd p{fds[0], POLLIN, 0};
    const auto deadline = SteadyClock::now() + std::chrono::seconds(10);
    while (SteadyClock::now() < deadline) {
        if (::poll(&p, 1, 100) <= 0) continue;
        char c = 0;
        const ssize_t n = ::read(fds[0], &c, 1);
        if (n <= 0) break;
        if (c == '\n') break;
        number += c;
    }
    ::close(fds[0]);
    if (number.empty()) {
        error = "Xvfb did not start (see /tmp/gk-bench-xvfb.log)";
        Stop(child_);
        return false;
    }
    display_ = ":" + number;
    return true;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] FileWatch
// ---------------------------------------------------------------------------------------------

FileWatch::FileWatch(const std::string& dir, std::string name) : name_(std::move(name)) {
    fd_ = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (fd_ >= 0) ::inotify_add_watch(fd_, dir.c_str(), IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE);
}

FileWatch::~FileWatch() {
    if (fd_ >= 0) ::close(fd_);
}

bool FileWatch::Wait(SteadyClock::time_point deadline, SteadyClock::time_point& when) {
    if (fd_ < 0) return false;
    alignas(inotify_event) char buffer[4096];
    for (;;) {
        const auto now = SteadyClock::now();
        if (now >= deadline) return false;
        pollfd p{fd_, POLLIN, 0};
        const int wait_ms = static_cast<int>(std::ceil(MsBetween(now, deadline)));
        if (::poll(&p, 1, wait_ms) <= 0) continue;
        when = SteadyClock::now();
        const ssize_t n = ::read(fd_, buffer, sizeof buffer);
        for (ssize_t off = 0; off < n;) {
            const auto* e = reinterpret_cast<const inotify_event*>(buffer + off);
            if (e->len > 0 && name_ == e->name) return true;
            off += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] /proc
// ---------------------------------------------------------------------------------------------

namespace {

// Fields of /proc/PID/stat after the command name: index 0 is field 3 (state).
std::vector<std::string> StatFields(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(in, text)) return {};
    const size_t paren = text.rfind(')');
    if (paren == std::string::npos) return {};
    std::istringstream rest(text.substr(paren + 1));
    std::vector<std::string> fields;
    for (std::string f; rest >> f;) fields.push_back(f);
    return fields;
}

// "Key:   123 kB" lines of a /proc file, by key.
std::map<std::string, long, std::less<>> KbFields(const std::string& path) {
    std::map<std::string, long, std::less<>> fields;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        const size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        fields[line.substr(0, colon)] = std::strtol(line.c_str() + colon + 1, nullptr, 10);
    }
    return fields;
}

}  // namespace

std::vector<pid_t> ProcessTree(pid_t root) {
    std::multimap<pid_t, pid_t> children;  // parent → child
    if (DIR* d = ::opendir("/proc")) {
        while (dirent* e = ::readdir(d)) {
            char* end = nullptr;
            const long pid = std::strtol(e->d_name, &end, 10);
            if (*end != '\0' || pid <= 0) continue;
            const std::vector<std::string> f = StatFields(static_cast<pid_t>(pid));
            if (f.size() > 1 && f[0] != "Z")
                children.emplace(static_cast<pid_t>(std::stol(f[1])), static_cast<pid_t>(pid));
        }
        ::closedir(d);
    }
    std::vector<pid_t> tree;
    if (Alive(root)) tree.push_back(root);
    for (size_t i = 0; i < tree.size(); ++i) {
        auto [first, last] = children.equal_range(tree[i]);
        for (auto it = first; it != last; ++it) tree.push_back(it->second);
    }
    return tree;
}

Memory TreeMemory(pid_t root) {
    Memory m;
    for (pid_t p : ProcessTree(root)) {
        const std::string base = "/proc/" + std::to_string(p);
        auto rollup = KbFields(base + "/smaps_rollup");
        m.pss_kb += rollup["Pss"];
        m.pss_anon_kb += rollup["Pss_Anon"];
        m.pss_file_kb += rollup["Pss_File"];
        m.pss_shmem_kb += rollup["Pss_Shmem"];
        m.rss_kb += rollup["Rss"];
        m.hwm_kb += KbFields(base + "/status")["VmHWM"];
        ++m.processes;
    }
    return m;
}

long CpuTicks(pid_t pid) {
    const std::vector<std::string> f = StatFields(pid);
    if (f.size() < 13) return -1;
    return std::stol(f[11]) + std::stol(f[12]);  // fields 14 utime and 15 stime
}

std::vector<std::pair<pid_t, long>> TreeCpuTicks(pid_t root) {
    std::vector<std::pair<pid_t, long>> out;
    for (pid_t p : ProcessTree(root)) {
        const long t = CpuTicks(p);
        if (t >= 0) out.emplace_back(p, t);
    }
    return out;
}

long TicksBetween(const std::vector<std::pair<pid_t, long>>& before,
                  const std::vector<std::pair<pid_t, long>>& after) {
    long sum = 0;
    for (const auto& [pid, ticks] : after) {
        long start = 0;
        for (const auto& [p, t] : before)
            if (p == pid) start = t;
        sum += ticks - start;
    }
    return sum;
}

double TicksToSeconds(long ticks) {
    return static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// ---------------------------------------------------------------------------------------------
// [SECTION] The programs
// ---------------------------------------------------------------------------------------------

TempDir::TempDir(const std::string& stem) {
    std::string pattern = "/tmp/gk-bench-" + stem + "-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        std::fprintf(stderr, "bench: mkdtemp failed for %s\n", pattern.c_str());
        std::exit(2);
    }
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

void WriteKioskConfig(const std::string& data_dir) {
    std::ofstream(data_dir + "/gridkiosk.toml")
        << "[terminal]\nnumber = 7\ngrid_path = \"西安市/碑林区/张家村街道/建东社区/第3网格\"\n";
}

std::vector<std::string> KioskArgv(const std::string& binary, const std::string& data_dir,
                                   const std::string& layout_dump, bool x11) {
    if (x11) return {binary, "--data-dir", data_dir, "--layout-dump", layout_dump};
    return {binary,      "--data-dir",    data_dir,   "--windowed",
            "1920x1080", "--layout-dump", layout_dump};
}

std::optional<long> DumpFrame(const std::string& layout_dump) {
    std::ifstream in(layout_dump);
    std::stringstream text;
    text << in.rdbuf();
    const nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.contains("frame") || !j["frame"].is_number_integer())
        return std::nullopt;
    return j["frame"].get<long>();
}

std::string LogLineFrom(const std::string& log_path, std::string_view needle) {
    std::ifstream in(log_path);
    for (std::string line; std::getline(in, line);) {
        const size_t at = line.find(needle);
        if (at != std::string::npos) return line.substr(at);
    }
    return "";
}

std::vector<std::string> ChromiumArgv(const std::string& profile_dir, const std::string& url) {
    return ChromiumArgv(profile_dir, url, 1920, 1080);
}

std::vector<std::string> ChromiumArgv(const std::string& profile_dir, const std::string& url,
                                      int width, int height) {
    return {"chromium", "--kiosk",
            // No window manager runs under Xvfb: place the window over the whole screen.
            "--window-size=" + std::to_string(width) + "," + std::to_string(height),
            "--window-position=0,0", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-features=Translate", "--user-data-dir=" + profile_dir,
            url};
}

std::string BaselinePageUrl(int beacon_port, int run) {
    return std::string("file://") + GK_BENCH_SOURCE_DIR +
           "/baseline/home.html?beacon=" + std::to_string(beacon_port) +
           "&run=" + std::to_string(run);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] PaintBeacon
// ---------------------------------------------------------------------------------------------

struct PaintBeacon::Impl {
    httplib::Server server;
    std::thread thread;
    int port = 0;
    std::mutex mutex;
    std::condition_variable arrived;
    std::map<int, Paint> paints;  // by run
};

PaintBeacon::PaintBeacon() : impl_(std::make_unique<Impl>()) {
    Impl& impl = *impl_;
    impl.server.Get("/painted", [&impl](const httplib::Request& req, httplib::Response& res) {
        Paint paint;
        paint.arrived = SteadyClock::now();
        paint.fcp_epoch_ms = std::atof(req.get_param_value("fcp_epoch_ms").c_str());
        const int run = std::atoi(req.get_param_value("run").c_str());
        {
            std::lock_guard lock(impl.mutex);
            impl.paints.emplace(run, paint);
        }
        impl.arrived.notify_all();
        res.status = 204;
        res.set_header("Access-Control-Allow-Origin", "*");
    });
    impl.port = impl.server.bind_to_any_port("127.0.0.1");
    impl.thread = std::thread([&impl] { impl.server.listen_after_bind(); });
}

PaintBeacon::~PaintBeacon() {
    impl_->server.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
}

int PaintBeacon::port() const { return impl_->port; }

std::optional<PaintBeacon::Paint> PaintBeacon::Wait(int run, SteadyClock::time_point deadline) {
    std::unique_lock lock(impl_->mutex);
    if (!impl_->arrived.wait_until(lock, deadline, [&] { return impl_->paints.count(run) > 0; }))
        return std::nullopt;
    return impl_->paints[run];
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Figures
// ---------------------------------------------------------------------------------------------

double Median(std::vector<double> values) {
    if (values.empty()) return NAN;
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double Percentile(std::vector<double> values, double p) {
    if (values.empty()) return NAN;
    std::sort(values.begin(), values.end());
    const size_t rank =
        static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
    return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

std::string MachineLine() {
    char date[32] = "";
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M", &tm);
    std::string cpu = "unknown CPU";
    std::ifstream info("/proc/cpuinfo");
    for (std::string line; std::getline(info, line);) {
        if (line.rfind("model name", 0) == 0) {
            cpu = line.substr(line.find(':') + 2);
            break;
        }
    }
    utsname u{};
    ::uname(&u);
    // The load average says whether others were using the CPUs while this ran.
    std::string load;
    std::getline(std::ifstream("/proc/loadavg") >> std::ws, load);
    load = load.substr(0, load.find(' ', load.find(' ', load.find(' ') + 1) + 1));
    return std::string(date) + ", nproc " + std::to_string(::sysconf(_SC_NPROCESSORS_ONLN)) + ", " +
           cpu + ", Linux " + u.release + ", load " + load;
}

void PrintFigure(const std::string& name, double value, const std::string& unit, double baseline,
                 const std::string& target, const std::string& verdict) {
    char v[32], b[32] = "-", r[32] = "-";
    std::snprintf(v, sizeof v, "%.3g", value);
    if (std::fabs(value) >= 1000) std::snprintf(v, sizeof v, "%.0f", value);
    if (baseline > 0) {
        std::snprintf(b, sizeof b, "%.3g", baseline);
        if (baseline >= 1000) std::snprintf(b, sizeof b, "%.0f", baseline);
        std::snprintf(r, sizeof r, "%.3g", value / baseline);
    }
    std::printf("FIGURE|%s|%s|%s|%s|%s|%s|%s\n", name.c_str(), v, unit.c_str(), b, r,
                target.empty() ? "-" : target.c_str(), verdict.empty() ? "-" : verdict.c_str());
    std::fflush(stdout);
}

}  // namespace gk::bench
