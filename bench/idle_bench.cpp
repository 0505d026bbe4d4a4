// Idle (issue 2): frames rendered and CPU used over a window with no input (default 30 s;
// target: no frame besides the clock's minute tick, and < 0.5 % of one CPU). Frames from the
// layout dump's counter at the start and end of the window, CPU from /proc/PID/stat
// utime+stime. The terminal runs under Xvfb (real X11 window) and, at the same time, with
// SDL's dummy driver; the X server's own CPU over the window is shown too, since drawing into
// a real window costs the server as well.
// Baseline in the same run, afterwards, on the same Xvfb: Chromium in kiosk mode showing the
// static home page (bench/baseline/home.html), CPU summed over its process tree.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "bench/process_probe.h"

namespace gk::bench {
namespace {

struct IdleFigures {
    long frames = -1;        // rendered in the window; -1: not measurable (Chromium)
    long minute_ticks = 0;   // wall-clock minute boundaries inside the window
    double cpu_percent = 0;  // of one CPU
    double xvfb_cpu_percent = 0;
    double seconds = 0;
};

// Waits until the dump's frame counter has not moved for quiet_ms (the settle frames after
// start are done). Returns false if it never settles.
bool WaitQuiet(const std::string& dump, int quiet_ms, int timeout_ms) {
    const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
    std::optional<long> last = DumpFrame(dump);
    auto since = SteadyClock::now();
    while (SteadyClock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const std::optional<long> now = DumpFrame(dump);
        if (now != last) {
            last = now;
            since = SteadyClock::now();
        } else if (last && MsBetween(since, SteadyClock::now()) >= quiet_ms) {
            return true;
        }
    }
    return false;
}

struct Watched {
    std::string name;
    pid_t pid = -1;
    std::string dump;  // empty for Chromium
};

// Samples every watched process (and Xvfb) at the start and the end of one idle window.
std::vector<IdleFigures> MeasureWindow(const std::vector<Watched>& watched, pid_t xvfb,
                                       int seconds) {
    std::vector<std::vector<std::pair<pid_t, long>>> cpu0;
    std::vector<std::optional<long>> frames0;
    for (const Watched& w : watched) {
        cpu0.push_back(TreeCpuTicks(w.pid));
        frames0.push_back(w.dump.empty() ? std::nullopt : DumpFrame(w.dump));
    }
    const long xvfb0 = CpuTicks(xvfb);
    const int64_t wall0 = WallUnixUs();
    const auto t0 = SteadyClock::now();
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    const double elapsed = MsBetween(t0, SteadyClock::now()) / 1000.0;
    const int64_t wall1 = WallUnixUs();
    const long xvfb1 = CpuTicks(xvfb);
    std::vector<IdleFigures> out;
    for (size_t i = 0; i < watched.size(); ++i) {
        IdleFigures f;
        f.seconds = elapsed;
        f.cpu_percent =
            100.0 * TicksToSeconds(TicksBetween(cpu0[i], TreeCpuTicks(watched[i].pid))) / elapsed;
        f.xvfb_cpu_percent = 100.0 * TicksToSeconds(xvfb1 - xvfb0) / elapsed;
        f.minute_ticks = static_cast<long>(wall1 / 60000000 - wall0 / 60000000);
        if (!watched[i].dump.empty()) {
            const std::optional<long> frames1 = DumpFrame(watched[i].dump);
            if (frames0[i] && frames1) f.frames = *frames1 - *frames0[i];
        }
        out.push_back(f);
    }
    return out;
}

}  // namespace
}  // namespace gk::bench

int main(int argc, char** argv) {
    using namespace gk::bench;
    int seconds = 30;
    std::string kiosk = GK_KIOSK_BINARY;
    bool skip_chromium = false;
    CLI::App cli{"idle_bench: frames and CPU with no input, terminal vs Chromium"};
    cli.add_option("--seconds", seconds, "length of each idle window (30 for the issue's figure)")
        ->check(CLI::Range(1, 600));
    cli.add_option("--kiosk", kiosk, "the gridkiosk binary");
    cli.add_flag("--skip-chromium", skip_chromium,
                 "terminal only (no baseline: not for the report)");
    CLI11_PARSE(cli, argc, argv);

    BecomeSubreaper();
    std::printf("idle_bench: %s\n", MachineLine().c_str());
    Xvfb xvfb;
    std::string error;
    if (!xvfb.Start(1920, 1080, error)) {
        std::fprintf(stderr, "idle_bench: %s\n", error.c_str());
        return 1;
    }
    TempDir work("idle");
    std::printf("Xvfb %s 1920x1080x24; idle windows of %d s\n\n", xvfb.display().c_str(), seconds);

    // The terminal, both drivers at once (the dummy one never talks to the X server).
    std::vector<Child> kiosks;
    std::vector<Watched> watched;
    for (const bool x11 : {true, false}) {
        const std::string dir = work.path() + (x11 ? "/x11" : "/dummy");
        std::filesystem::create_directories(dir);
        WriteKioskConfig(dir);
        const std::string dump = dir + "/layout.json";
        EnvChanges env =
            x11 ? EnvChanges{{"DISPLAY", xvfb.display()}, {"SDL_VIDEODRIVER", std::nullopt}}
                : EnvChanges{{"SDL_VIDEODRIVER", "dummy"}, {"DISPLAY", std::nullopt}};
        kiosks.push_back(Spawn(KioskArgv(kiosk, dir, dump, x11), env, dir + "/kiosk.log"));
        watched.push_back({x11 ? "gridkiosk x11" : "gridkiosk dummy", kiosks.back().pid, dump});
    }
    for (const Watched& w : watched) {
        if (!WaitQuiet(w.dump, 1500, 20000)) {
            std::fprintf(stderr, "idle_bench: %s never settled (see its kiosk.log)\n",
                         w.name.c_str());
            return 1;
        }
    }
    std::vector<IdleFigures> figures = MeasureWindow(watched, xvfb.pid(), seconds);
    figures[1].xvfb_cpu_percent = -1;  // the dummy driver gives the X server nothing to do
    for (Child& c : kiosks) Stop(c);

    if (!skip_chromium) {
        PaintBeacon beacon;
        Child chromium = Spawn(
            ChromiumArgv(work.path() + "/chromium-profile", BaselinePageUrl(beacon.port(), 1)),
            {{"DISPLAY", xvfb.display()}}, work.path() + "/chromium.log");
        if (!beacon.Wait(1, SteadyClock::now() + std::chrono::seconds(30))) {
            std::fprintf(stderr, "idle_bench: chromium showed nothing in 30 s\n");
            Stop(chromium);
            return 1;
        }
        std::this_thread::sleep_for(std::chrono::seconds(3));  // as the terminal's settle
        watched.push_back({"chromium x11 (baseline)", chromium.pid, ""});
        figures.push_back(MeasureWindow({watched.back()}, xvfb.pid(), seconds).front());
        Stop(chromium);
    }

    std::printf("%-26s %8s %8s %10s %10s\n", "idle window", "frames", "min.tick", "CPU %",
                "Xvfb CPU %");
    for (size_t i = 0; i < figures.size(); ++i) {
        const IdleFigures& f = figures[i];
        const std::string frames = f.frames < 0 ? "n/a" : std::to_string(f.frames);
        char xvfb_cpu[16] = "-";
        if (f.xvfb_cpu_percent >= 0)
            std::snprintf(xvfb_cpu, sizeof xvfb_cpu, "%.3f", f.xvfb_cpu_percent);
        std::printf("%-26s %8s %8ld %10.3f %10s\n", watched[i].name.c_str(), frames.c_str(),
                    f.minute_ticks, f.cpu_percent, xvfb_cpu);
    }
    std::printf("(CPU resolution: one clock tick = %.3f %% over the window)\n\n",
                100.0 * TicksToSeconds(1) / seconds);

    const double chromium_cpu = skip_chromium ? 0 : figures.back().cpu_percent;
    for (size_t i = 0; i < 2; ++i) {
        const IdleFigures& f = figures[i];
        const std::string driver = i == 0 ? "x11" : "dummy";
        const long extra = f.frames - f.minute_ticks;
        PrintFigure("idle " + driver + ": frames in " + std::to_string(seconds) + " s beyond " +
                        std::to_string(f.minute_ticks) + " minute tick(s)",
                    static_cast<double>(extra), "frames", 0, "0", extra <= 0 ? "met" : "MISSED");
        // A 0 % figure has no meaningful ratio: PrintFigure prints the baseline anyway.
        PrintFigure("idle " + driver + ": CPU over " + std::to_string(seconds) + " s",
                    f.cpu_percent, "%", chromium_cpu, "< 0.5",
                    f.cpu_percent < 0.5 ? "met" : "MISSED");
    }
    if (!skip_chromium) {
        PrintFigure("  baseline: chromium kiosk idle CPU (process tree)", chromium_cpu, "%", 0, "",
                    "");
        PrintFigure("  Xvfb CPU while gridkiosk x11 idles", figures[0].xvfb_cpu_percent, "%",
                    figures.back().xvfb_cpu_percent, "", "");
    }
    return 0;
}
