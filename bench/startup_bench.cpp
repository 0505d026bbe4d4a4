// Cold start to the first presented frame (issue 2), against Chromium in kiosk mode on the
// same home screen as a static page (bench/baseline/home.html), measured in the same run.
//
// Terminal: from fork() to the layout dump appearing (written right after the first Present),
// under Xvfb with a real X11 window and with SDL's dummy driver, each with a fresh data dir
// (the first start creates the database and caches the catalogue) and with an existing one.
// Chromium: from fork() to its first contentful paint (the paint's own presentation time,
// and when the page's beacon reached us), with a fresh and an existing profile.
// Runs are interleaved (one of each kind per round) so drift hits every kind alike; one
// untimed warm-up of each kind goes first, so the page cache is warm for all of them.
// Beside each time: the CPU time (utime+stime, 10 ms ticks) the process tree had used by
// then, which other processes on the machine do not inflate.
// Where the terminal's time goes: its own `startup ms:` log line of every timed start (the
// phases of Terminal::Start()); the rest up to the dump is exec, configuration and the first
// frame. startup_phases_bench splits the phases further.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>

#include "bench/process_probe.h"

namespace gk::bench {
namespace {

struct Kind {
    std::string name;
    bool chromium = false;
    bool x11 = true;    // else SDL's dummy video driver
    bool fresh = true;  // a new data dir / profile for each run
};

// The phases the terminal logs, in its order; the log gives each one's end, ms after Start().
const std::vector<std::string> kPhases = {"store_assets", "window", "fonts", "app"};

struct Timing {
    std::vector<double> ms;         // terminal: first dump; Chromium: FCP presentation time
    std::vector<double> beacon_ms;  // Chromium: when the beacon arrived
    std::vector<double> cpu_ms;     // CPU time used by then (utime+stime, whole process tree)
    // Terminal: each phase's own length (kPhases, then "rest": outside Start(), to the dump).
    std::map<std::string, std::vector<double>> phase_ms;
    int failures = 0;
};

// "startup ms: store_assets=12 window=20 fonts=150 app=152" (cumulative) → phase lengths, plus
// "rest" = total_ms - app. Empty when the line is missing or incomplete.
std::map<std::string, double> ParsePhases(const std::string& line, double total_ms) {
    std::map<std::string, double> ends;
    std::istringstream in(line);
    for (std::string word; in >> word;) {
        const size_t eq = word.find('=');
        if (eq != std::string::npos) ends[word.substr(0, eq)] = std::atof(word.c_str() + eq + 1);
    }
    std::map<std::string, double> lengths;
    double previous = 0;
    for (const std::string& phase : kPhases) {
        if (!ends.count(phase)) return {};
        lengths[phase] = ends[phase] - previous;
        previous = ends[phase];
    }
    lengths["rest"] = total_ms - previous;
    return lengths;
}

class StartupBench {
  public:
    StartupBench(std::string kiosk, const Xvfb& xvfb, int timeout_ms)
        : kiosk_(std::move(kiosk)), xvfb_(xvfb), timeout_ms_(timeout_ms), existing_("existing") {}

    // One start of `kind`; records into `t` unless warm_up.
    void Run(const Kind& kind, Timing& t, bool warm_up) {
        if (kind.chromium) {
            RunChromium(kind, t, warm_up);
        } else {
            RunKiosk(kind, t, warm_up);
        }
        ::usleep(200 * 1000);  // let the X server and the disk settle between starts
    }

  private:
    void RunKiosk(const Kind& kind, Timing& t, bool warm_up) {
        std::unique_ptr<TempDir> fresh;
        std::string dir = existing_.path() + (kind.x11 ? "/x11" : "/dummy");
        if (kind.fresh) {
            fresh = std::make_unique<TempDir>("fresh");
            dir = fresh->path();
        } else {
            std::filesystem::create_directories(dir);
        }
        WriteKioskConfig(dir);
        const std::string dump = dir + "/layout.json";
        std::filesystem::remove(dump);
        EnvChanges env;
        if (kind.x11) {
            env = {{"DISPLAY", xvfb_.display()}, {"SDL_VIDEODRIVER", std::nullopt}};
        } else {
            env = {{"SDL_VIDEODRIVER", "dummy"}, {"DISPLAY", std::nullopt}};
        }
        FileWatch watch(dir, "layout.json");
        const std::string log =
            existing_.path() + "/kiosk-" + (kind.x11 ? "x11" : "dummy") + ".log";
        Child child = Spawn(KioskArgv(kiosk_, dir, dump, kind.x11), env, log);
        SteadyClock::time_point seen;
        const bool ok = watch.Wait(child.started + std::chrono::milliseconds(timeout_ms_), seen);
        const double cpu_ms = 1000.0 * TicksToSeconds(CpuTicks(child.pid));
        const int code = Stop(child);
        if (!ok || code != 0) {
            std::fprintf(stderr, "startup: %s: %s (exit %d)\n", kind.name.c_str(),
                         ok ? "bad exit" : "no first frame before the time-out", code);
            if (!warm_up) ++t.failures;
            return;
        }
        if (!warm_up) {
            const double ms = MsBetween(child.started, seen);
            t.ms.push_back(ms);
            t.cpu_ms.push_back(cpu_ms);
            for (const auto& [phase, length] : ParsePhases(LogLineFrom(log, "startup ms:"), ms)) {
                t.phase_ms[phase].push_back(length);
            }
        }
        renderer_[kind.x11] = LogLineFrom(log, "renderer=");
    }

  public:
    // "renderer=opengl video=x11": what the terminal's last start with that driver chose.
    const std::string& Renderer(bool x11) { return renderer_[x11]; }

  private:
    void RunChromium(const Kind& kind, Timing& t, bool warm_up) {
        std::unique_ptr<TempDir> fresh;
        std::string profile = existing_.path() + "/chromium-profile";
        if (kind.fresh) {
            fresh = std::make_unique<TempDir>("chromium");
            profile = fresh->path() + "/profile";
        }
        const int run = next_run_++;
        Child child = Spawn(ChromiumArgv(profile, BaselinePageUrl(beacon_.port(), run)),
                            {{"DISPLAY", xvfb_.display()}}, existing_.path() + "/chromium.log");
        const auto paint =
            beacon_.Wait(run, child.started + std::chrono::milliseconds(timeout_ms_));
        const double cpu_ms = 1000.0 * TicksToSeconds(TicksBetween({}, TreeCpuTicks(child.pid)));
        Stop(child);
        if (!paint) {
            std::fprintf(stderr, "startup: %s: no first contentful paint before the time-out\n",
                         kind.name.c_str());
            if (!warm_up) ++t.failures;
            return;
        }
        if (warm_up) return;
        t.ms.push_back(paint->fcp_epoch_ms - static_cast<double>(child.started_wall_us) / 1000.0);
        t.beacon_ms.push_back(MsBetween(child.started, paint->arrived));
        t.cpu_ms.push_back(cpu_ms);
    }

    std::string kiosk_;
    const Xvfb& xvfb_;
    int timeout_ms_;
    TempDir existing_;  // the existing data dirs and the existing Chromium profile
    PaintBeacon beacon_;
    int next_run_ = 1;
    std::map<bool, std::string> renderer_;
};

void PrintRow(const std::string& name, const Timing& t, const char* what) {
    if (t.ms.empty()) {
        std::printf("%-28s %6s  (all %d runs failed)\n", name.c_str(), "-", t.failures);
        return;
    }
    char cpu[16] = "-";
    if (!t.cpu_ms.empty()) std::snprintf(cpu, sizeof cpu, "%.0f", Median(t.cpu_ms));
    std::printf("%-28s %8.1f %8.1f %8.1f %8.1f %8s %4zu %4d  %s\n", name.c_str(), Median(t.ms),
                *std::min_element(t.ms.begin(), t.ms.end()), Percentile(t.ms, 90),
                *std::max_element(t.ms.begin(), t.ms.end()), cpu, t.ms.size(), t.failures, what);
}

}  // namespace
}  // namespace gk::bench

int main(int argc, char** argv) {
    using namespace gk::bench;
    int runs = 10;
    int timeout_ms = 30000;
    std::string kiosk = GK_KIOSK_BINARY;
    bool skip_chromium = false;
    CLI::App cli{"startup_bench: cold start to the first presented frame, terminal vs Chromium"};
    cli.add_option("--runs", runs, "timed starts of each kind (>= 10 for the issue's figure)")
        ->check(CLI::Range(1, 1000));
    cli.add_option("--kiosk", kiosk, "the gridkiosk binary");
    cli.add_option("--timeout-ms", timeout_ms, "give up on one start after this long");
    cli.add_flag("--skip-chromium", skip_chromium,
                 "terminal only (no baseline: not for the report)");
    CLI11_PARSE(cli, argc, argv);

    BecomeSubreaper();
    std::printf("startup_bench: %s\n", MachineLine().c_str());
    Xvfb xvfb;
    std::string error;
    if (!xvfb.Start(1920, 1080, error)) {
        std::fprintf(stderr, "startup_bench: %s\n", error.c_str());
        return 1;
    }
    std::printf(
        "Xvfb %s 1920x1080x24; %d timed runs of each kind, interleaved, after one warm-up each\n\n",
        xvfb.display().c_str(), runs);

    std::vector<Kind> kinds = {
        {"gridkiosk x11 fresh", false, true, true},
        {"gridkiosk x11 existing", false, true, false},
        {"gridkiosk dummy fresh", false, false, true},
        {"gridkiosk dummy existing", false, false, false},
    };
    if (!skip_chromium) {
        kinds.push_back({"chromium x11 fresh", true, true, true});
        kinds.push_back({"chromium x11 existing", true, true, false});
    }
    StartupBench bench(kiosk, xvfb, timeout_ms);
    std::map<std::string, Timing> timings;
    for (const Kind& k : kinds) bench.Run(k, timings[k.name], /*warm_up=*/true);
    for (int r = 0; r < runs; ++r) {
        for (const Kind& k : kinds) bench.Run(k, timings[k.name], /*warm_up=*/false);
        std::fprintf(stderr, "\rround %d/%d", r + 1, runs);
    }
    std::fprintf(stderr, "\n");

    std::printf("terminal under Xvfb: %s; with the dummy driver: %s\n\n",
                bench.Renderer(true).c_str(), bench.Renderer(false).c_str());
    std::printf("%-28s %8s %8s %8s %8s %8s %4s %4s\n", "ms from fork()", "median", "min", "p90",
                "max", "CPU ms", "n", "fail");
    for (const Kind& k : kinds) {
        PrintRow(k.name, timings[k.name],
                 k.chromium ? "(FCP presented)" : "(first dump after Present)");
        if (k.chromium && !timings[k.name].beacon_ms.empty()) {
            Timing beacon;
            beacon.ms = timings[k.name].beacon_ms;
            PrintRow("  " + k.name + " beacon", beacon, "(FCP beacon reached the bench)");
        }
    }
    std::printf("\n");

    std::printf("terminal's own `startup ms:` line, each phase's length (median ms)\n%-28s", "");
    for (const std::string& phase : kPhases) std::printf(" %12s", phase.c_str());
    std::printf(" %12s\n", "rest");
    for (const Kind& k : kinds) {
        if (k.chromium) continue;
        std::printf("%-28s", k.name.c_str());
        for (const std::string& phase : kPhases) {
            const auto& v = timings[k.name].phase_ms[phase];
            std::printf(" %12.1f", v.empty() ? -1.0 : Median(v));
        }
        const auto& rest = timings[k.name].phase_ms["rest"];
        std::printf(" %12.1f\n", rest.empty() ? -1.0 : Median(rest));
    }
    std::printf(
        "(rest: exec and configuration before Start(), then the first frame and the dump)\n\n");

    for (const char* dir : {"fresh", "existing"}) {
        const double chromium =
            skip_chromium ? 0 : Median(timings[std::string("chromium x11 ") + dir].ms);
        for (const char* driver : {"x11", "dummy"}) {
            const double kiosk_ms =
                Median(timings[std::string("gridkiosk ") + driver + " " + dir].ms);
            const bool x11 = std::string(driver) == "x11";
            PrintFigure(
                std::string("cold start ") + driver + " " + dir + " data dir (median ms)", kiosk_ms,
                "ms", chromium, x11 ? "<= 150 and <= 1/5 of Chromium" : "",
                x11 ? (kiosk_ms <= 150 && (chromium <= 0 || kiosk_ms * 5 <= chromium) ? "met"
                                                                                      : "MISSED")
                    : "");
            if (x11) {
                const double cpu =
                    Median(timings[std::string("gridkiosk ") + driver + " " + dir].cpu_ms);
                const double chromium_cpu =
                    skip_chromium ? 0 : Median(timings[std::string("chromium x11 ") + dir].cpu_ms);
                PrintFigure("  CPU time used by the first frame (median ms)", cpu, "ms",
                            chromium_cpu, "", "");
                auto& phases = timings[std::string("gridkiosk ") + driver + " " + dir].phase_ms;
                for (const char* phase : {"store_assets", "fonts", "rest"}) {
                    if (phases[phase].empty()) continue;
                    PrintFigure(std::string("  of which logged phase ") + phase + " (median ms)",
                                Median(phases[phase]), "ms", 0, "", "");
                }
            }
        }
        if (!skip_chromium) {
            PrintFigure(
                std::string("  baseline: chromium kiosk ") + dir + " profile (FCP, median ms)",
                chromium, "ms", 0, "", "");
        }
    }
    return 0;
}
