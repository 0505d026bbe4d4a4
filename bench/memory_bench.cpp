// Memory after start-up with the full glyph set (issue 2; target PSS ≤ 80 MB): the
// terminal's /proc/PID/smaps_rollup Pss (by kind: anonymous, file, shmem) and VmHWM, read
// --settle-ms after its first frame, under Xvfb (real X11 window) and with SDL's dummy
// driver; the largest PSS seen while sampling every few milliseconds from fork() is shown too.
// Baseline in the same run: Chromium in kiosk mode on the static home page
// (bench/baseline/home.html), PSS summed over its process tree (VmHWM summed too, which
// counts shared pages once per process: an upper bound).
// Each kind starts once untimed (creating the data dir / profile), then --runs times.
// The terminal builds GB2312 on a worker after its first frame: a run counts only if its log
// says the full atlas was installed ("(GB2312 in)") by the time the figures are read.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "bench/process_probe.h"

namespace gk::bench {
namespace {

constexpr int kSampleMs = 3;  // short enough to catch the atlas upload's brief peak

struct Sample {
    Memory at_end;         // settle_ms after the first frame
    long peak_pss_kb = 0;  // largest sampled PSS
};

constexpr std::string_view kFullAtlasIn = "(GB2312 in)";  // the terminal's log, once installed

// "glyphs=N (GB2312 in)" from a terminal's log, or "GB2312 not in".
std::string FullAtlasLine(const std::string& log_path) {
    std::ifstream in(log_path);
    for (std::string line; std::getline(in, line);) {
        if (line.find(kFullAtlasIn) == std::string::npos) continue;
        const size_t at = line.find("glyphs=");
        return at == std::string::npos ? line : line.substr(at);
    }
    return "GB2312 not in";
}

struct Kind {
    std::string name;
    bool chromium = false;
    bool x11 = true;
};

class MemoryBench {
  public:
    MemoryBench(std::string kiosk, const Xvfb& xvfb, int settle_ms)
        : kiosk_(std::move(kiosk)), xvfb_(xvfb), settle_ms_(settle_ms), work_("memory") {}

    std::optional<Sample> Run(const Kind& kind) {
        Child child;
        std::unique_ptr<FileWatch> watch;
        const int run = next_run_++;
        if (kind.chromium) {
            child = Spawn(ChromiumArgv(work_.path() + "/chromium-profile",
                                       BaselinePageUrl(beacon_.port(), run)),
                          {{"DISPLAY", xvfb_.display()}}, work_.path() + "/chromium.log");
        } else {
            const std::string dir = work_.path() + (kind.x11 ? "/x11" : "/dummy");
            std::filesystem::create_directories(dir);
            WriteKioskConfig(dir);
            std::filesystem::remove(dir + "/layout.json");
            watch = std::make_unique<FileWatch>(dir, "layout.json");
            const EnvChanges env =
                kind.x11
                    ? EnvChanges{{"DISPLAY", xvfb_.display()}, {"SDL_VIDEODRIVER", std::nullopt}}
                    : EnvChanges{{"SDL_VIDEODRIVER", "dummy"}, {"DISPLAY", std::nullopt}};
            child = Spawn(KioskArgv(kiosk_, dir, dir + "/layout.json", kind.x11), env,
                          dir + "/kiosk.log");
            logs_[kind.name] = dir + "/kiosk.log";
        }
        Sample s;
        const auto give_up = child.started + std::chrono::seconds(30);
        bool shown = false;
        while (!shown && SteadyClock::now() < give_up) {
            s.peak_pss_kb = std::max(s.peak_pss_kb, TreeMemory(child.pid).pss_kb);
            const auto next = SteadyClock::now() + std::chrono::milliseconds(kSampleMs);
            if (kind.chromium) {
                shown = beacon_.Wait(run, next).has_value();
            } else {
                SteadyClock::time_point seen;
                shown = watch->Wait(next, seen);
            }
        }
        if (shown) {
            const auto end = SteadyClock::now() + std::chrono::milliseconds(settle_ms_);
            while (SteadyClock::now() < end) {
                s.peak_pss_kb = std::max(s.peak_pss_kb, TreeMemory(child.pid).pss_kb);
                std::this_thread::sleep_for(std::chrono::milliseconds(kSampleMs));
            }
            s.at_end = TreeMemory(child.pid);
            s.peak_pss_kb = std::max(s.peak_pss_kb, s.at_end.pss_kb);
        }
        const bool full_atlas =
            kind.chromium || !LogLineFrom(logs_[kind.name], kFullAtlasIn).empty();
        Stop(child);
        if (!shown) {
            std::fprintf(stderr, "memory: %s showed nothing in 30 s\n", kind.name.c_str());
            return std::nullopt;
        }
        if (!full_atlas) {
            std::fprintf(stderr, "memory: %s had not installed GB2312 after %d ms\n",
                         kind.name.c_str(), settle_ms_);
            return std::nullopt;
        }
        return s;
    }

    // "renderer=... video=...; quick glyphs=... atlas=...; then glyphs=N (GB2312 in)" from the
    // kind's last log.
    std::string Describe(const std::string& kind) const {
        const auto it = logs_.find(kind);
        if (it == logs_.end()) return "";
        return LogLineFrom(it->second, "renderer=") + "; quick " +
               LogLineFrom(it->second, "glyphs=") + "; then " + FullAtlasLine(it->second);
    }

  private:
    std::string kiosk_;
    const Xvfb& xvfb_;
    int settle_ms_;
    TempDir work_;
    PaintBeacon beacon_;
    int next_run_ = 1;
    std::map<std::string, std::string> logs_;  // kind → the terminal's log
};

double MedianOf(const std::vector<Sample>& samples, long (*field)(const Sample&)) {
    std::vector<double> v;
    for (const Sample& s : samples) v.push_back(static_cast<double>(field(s)) / 1024.0);
    return Median(v);
}

}  // namespace
}  // namespace gk::bench

int main(int argc, char** argv) {
    using namespace gk::bench;
    int runs = 3;
    int settle_ms = 2000;
    std::string kiosk = GK_KIOSK_BINARY;
    bool skip_chromium = false;
    CLI::App cli{"memory_bench: PSS and VmHWM after start-up, terminal vs Chromium"};
    cli.add_option("--runs", runs, "starts of each kind")->check(CLI::Range(1, 100));
    cli.add_option("--settle-ms", settle_ms, "read the figures this long after the first frame");
    cli.add_option("--kiosk", kiosk, "the gridkiosk binary");
    cli.add_flag("--skip-chromium", skip_chromium,
                 "terminal only (no baseline: not for the report)");
    CLI11_PARSE(cli, argc, argv);

    BecomeSubreaper();
    std::printf("memory_bench: %s\n", MachineLine().c_str());
    Xvfb xvfb;
    std::string error;
    if (!xvfb.Start(1920, 1080, error)) {
        std::fprintf(stderr, "memory_bench: %s\n", error.c_str());
        return 1;
    }
    std::vector<Kind> kinds = {{"gridkiosk x11", false, true}, {"gridkiosk dummy", false, false}};
    if (!skip_chromium) kinds.push_back({"chromium x11 (baseline)", true, true});
    MemoryBench bench(kiosk, xvfb, settle_ms);
    std::map<std::string, std::vector<Sample>> samples;
    for (const Kind& k : kinds) bench.Run(k);  // warm-up: creates the data dir / profile
    for (int r = 0; r < runs; ++r) {
        for (const Kind& k : kinds) {
            if (auto s = bench.Run(k)) samples[k.name].push_back(*s);
        }
    }
    std::printf("Xvfb %s; %d runs of each kind, figures %d ms after the first frame\n",
                xvfb.display().c_str(), runs, settle_ms);
    for (const Kind& k : kinds) {
        if (!k.chromium) std::printf("%s: %s\n", k.name.c_str(), bench.Describe(k.name).c_str());
    }
    std::printf("\n");

    std::printf("%-26s %5s %9s %9s %9s %9s %9s %9s %9s\n", "MiB (median)", "procs", "PSS", "anon",
                "file", "shmem", "RSS", "VmHWM", "peak PSS");
    for (const Kind& k : kinds) {
        const auto& v = samples[k.name];
        if (v.empty()) continue;
        std::printf("%-26s %5d %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f\n", k.name.c_str(),
                    v.front().at_end.processes,
                    MedianOf(v, [](const Sample& s) { return s.at_end.pss_kb; }),
                    MedianOf(v, [](const Sample& s) { return s.at_end.pss_anon_kb; }),
                    MedianOf(v, [](const Sample& s) { return s.at_end.pss_file_kb; }),
                    MedianOf(v, [](const Sample& s) { return s.at_end.pss_shmem_kb; }),
                    MedianOf(v, [](const Sample& s) { return s.at_end.rss_kb; }),
                    MedianOf(v, [](const Sample& s) { return s.at_end.hwm_kb; }),
                    MedianOf(v, [](const Sample& s) { return s.peak_pss_kb; }));
    }
    std::printf("\n");

    const auto& chromium = samples["chromium x11 (baseline)"];
    const double chromium_pss =
        chromium.empty() ? 0 : MedianOf(chromium, [](const Sample& s) { return s.at_end.pss_kb; });
    const double chromium_hwm =
        chromium.empty() ? 0 : MedianOf(chromium, [](const Sample& s) { return s.at_end.hwm_kb; });
    for (const char* driver : {"x11", "dummy"}) {
        const auto& v = samples[std::string("gridkiosk ") + driver];
        if (v.empty()) continue;
        const double pss = MedianOf(v, [](const Sample& s) { return s.at_end.pss_kb; });
        const double peak = MedianOf(v, [](const Sample& s) { return s.peak_pss_kb; });
        const double hwm = MedianOf(v, [](const Sample& s) { return s.at_end.hwm_kb; });
        // The target is 80 MB (10^6 bytes) = 76.3 MiB.
        constexpr double kTargetMiB = 80e6 / (1024.0 * 1024.0);
        PrintFigure(std::string("memory ") + driver + ": PSS after start-up (MiB)", pss, "MiB",
                    chromium_pss, "<= 40 MiB", pss <= 40 ? "met" : "MISSED");  // issue 8
        PrintFigure(std::string("memory ") + driver + ": peak sampled PSS (MiB)", peak, "MiB", 0,
                    "<= 76.3 MiB (80 MB)", peak <= kTargetMiB ? "met" : "MISSED");
        PrintFigure(std::string("memory ") + driver + ": VmHWM (MiB)", hwm, "MiB", chromium_hwm, "",
                    "");
    }
    if (!chromium.empty()) {
        PrintFigure("  baseline: chromium kiosk PSS, process tree (MiB)", chromium_pss, "MiB", 0,
                    "", "");
        PrintFigure("  baseline: chromium kiosk summed VmHWM (MiB)", chromium_hwm, "MiB", 0, "",
                    "");
    }
    return 0;
}
