// Tap latency (issue 8): time from a click on a tile that swaps the whole screen (and from a
// click on that screen's back button that swaps back) until the new screen's pixels are on
// the X server, for the terminal and for Chromium --kiosk on the same tiles
// (bench/baseline/tiles.html), at 1920x1080 and 1080x1920, each on its own Xvfb.
//
// The clicks are XTest button events (pointer moved first and the program left to settle);
// the clock starts when the release has been flushed to the server (XSync). The screen is
// then read back every millisecond at most (XGetSubImage of one full-width row, and of all
// eight probe rows once that one has changed) until at least 90 % of the sampled pixels that
// differ between the two screens show the new one, so a pressed look (a tile or button drawn
// pressed, which is neither screen) never counts as the new screen. The reference images of both
// screens are taken before the timed taps. Between taps the program is left until idle: the
// terminal's layout dump has stopped counting frames and the rows have stopped changing. CPU per
// tap: utime+stime from just before the press until idle after the new screen, of the terminal's
// process and of Chromium's whole process tree; the X server's CPU over the same windows less what
// the bench's own read-backs cost it (measured first on the idle server), shown beside.
//
// The X screen and the probe rows are in bench/x_screen.h.
//
// [SECTION] A program under test
// [SECTION] Tapping
// [SECTION] main
#include <sys/inotify.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "bench/process_probe.h"
#include "bench/x_screen.h"  // last: Xlib's macros would break the headers above

namespace gk::bench {
namespace {

using std::chrono::milliseconds;

// ---------------------------------------------------------------------------------------------
// [SECTION] A program under test
// ---------------------------------------------------------------------------------------------

struct Point {
    int x = 0, y = 0;
};

// The terminal's layout dump: frame counter, screen name and widget centres.
struct Dump {
    long frame = -1;
    std::string screen;
    std::map<std::string, Point> centres;  // widget id → centre of its rectangle
};

Dump ReadDump(const std::string& path) {
    Dump d;
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    const nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return d;
    d.frame = j.value("frame", -1L);
    d.screen = j.value("screen", "");
    if (j.contains("widgets") && j["widgets"].is_array()) {
        for (const auto& w : j["widgets"]) {
            if (!w.is_object() || !w.contains("id")) continue;
            d.centres[w.value("id", "")] = {w.value("x", 0) + w.value("w", 0) / 2,
                                            w.value("y", 0) + w.value("h", 0) / 2};
        }
    }
    return d;
}

// What the figures of one program at one size come from.
struct Result {
    bool ran = false;
    std::string why_not;           // when !ran
    std::vector<double> ms;        // release → new screen, taps that made it in time
    std::vector<double> ms_to[2];  // the same by the screen the tap opened (kHome, kArea)
    std::vector<double> poll_ms;   // how long one read-back of the probe rows took
    int failures = 0;              // no new screen within the time-out
    int taps = 0;
    long cpu_ticks = 0;            // program: press → idle, summed over the taps
    long cpu_ticks_with_move = 0;  // the same from before each pointer move
    long x_ticks = 0;              // X server over the same windows as cpu_ticks
    long x_row_reads = 0;          // the bench's read-backs in those windows
    long frames = -1;              // terminal: frames drawn press → idle, summed
    // Terminal, a cross-check of the pixels: per tap, ms from the read-back that saw the new
    // screen until the terminal's layout dump of the frame that drew it appeared (written
    // after that frame's Present, so >= 0 when the read-back is right), and how many frames
    // it wrote from the press to that one.
    std::vector<double> dump_after_pixels_ms;
    std::vector<double> frames_to_new;
};

// The terminal or Chromium, started on the Xvfb; tells when it is idle and what it uses.
class Program {
  public:
    virtual ~Program() = default;
    // CPU ticks used so far (the terminal's process; Chromium's whole tree, by process).
    virtual std::vector<std::pair<pid_t, long>> Cpu() const = 0;
    // Frames drawn so far, or -1 when the program does not say.
    virtual long Frames() const { return -1; }
    // The program's own account of a tap, where it gives one (the terminal's layout dump,
    // written after each frame's Present): WatchFrames() forgets the frames seen so far;
    // SawScreen() looks (without waiting) at the dumps written since, and says whether one of
    // them named `to`: when it was seen and how many dumps came up to it.
    virtual void WatchFrames() {}
    virtual bool SawScreen(ScreenId /*to*/, SteadyClock::time_point& /*when*/, int& /*frames*/) {
        return false;
    }
};

class KioskProgram : public Program {
  public:
    KioskProgram(const std::string& binary, const Xvfb& xvfb, int width, int height,
                 const std::string& log)
        : dir_("tap-kiosk") {
        WriteKioskConfig(dir_.path());
        dump_ = dir_.path() + "/layout.json";
        // Fullscreen, as deployed: a borderless window over the whole display (portrait too).
        (void)width;
        (void)height;
        child_ = Spawn({binary, "--data-dir", dir_.path(), "--layout-dump", dump_},
                       {{"DISPLAY", xvfb.display()}, {"SDL_VIDEODRIVER", std::nullopt}}, log);
    }
    ~KioskProgram() override {
        Stop(child_);
        if (inotify_ >= 0) ::close(inotify_);
    }
    std::vector<std::pair<pid_t, long>> Cpu() const override {
        return {{child_.pid, CpuTicks(child_.pid)}};
    }
    long Frames() const override { return ReadDump(dump_).frame; }
    const std::string& dump() const { return dump_; }

    void WatchFrames() override {
        if (inotify_ < 0) {
            inotify_ = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
            if (inotify_ >= 0) ::inotify_add_watch(inotify_, dir_.path().c_str(), IN_MOVED_TO);
        }
        DumpsWritten();  // forget what came before
        dumps_ = 0;
        saw_ = false;
    }
    bool SawScreen(ScreenId to, SteadyClock::time_point& when, int& frames) override {
        if (!saw_) {
            for (int n = DumpsWritten(); n > 0 && !saw_; --n) {
                ++dumps_;
                // The dump names the screen the frame drew (read at once: the next frame is
                // tens of milliseconds away).
                if (ReadDump(dump_).screen == (to == kHome ? "home" : "disclosure")) {
                    saw_ = true;
                    saw_when_ = SteadyClock::now();
                    saw_frames_ = dumps_;
                }
            }
        }
        when = saw_when_;
        frames = saw_frames_;
        return saw_;
    }

  private:
    // Dumps renamed into place since the last call.
    int DumpsWritten() {
        if (inotify_ < 0) return 0;
        int n = 0;
        alignas(inotify_event) char buffer[4096];
        for (;;) {
            const ssize_t got = ::read(inotify_, buffer, sizeof buffer);
            if (got <= 0) return n;
            for (ssize_t off = 0; off < got;) {
                const auto* e = reinterpret_cast<const inotify_event*>(buffer + off);
                if (e->len > 0 && std::strcmp(e->name, "layout.json") == 0) ++n;
                off += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
            }
        }
    }

    TempDir dir_;
    std::string dump_;
    Child child_;
    int inotify_ = -1;
    int dumps_ = 0;
    bool saw_ = false;
    SteadyClock::time_point saw_when_;
    int saw_frames_ = 0;
};

class ChromiumProgram : public Program {
  public:
    ChromiumProgram(const Xvfb& xvfb, int width, int height, int beacon_port, int run,
                    const std::string& log)
        : dir_("tap-chromium") {
        const std::string url = std::string("file://") + GK_BENCH_SOURCE_DIR +
                                "/baseline/tiles.html?beacon=" + std::to_string(beacon_port) +
                                "&run=" + std::to_string(run);
        child_ = Spawn(ChromiumArgv(dir_.path() + "/profile", url, width, height),
                       {{"DISPLAY", xvfb.display()}}, log);
    }
    ~ChromiumProgram() override { Stop(child_); }
    std::vector<std::pair<pid_t, long>> Cpu() const override { return TreeCpuTicks(child_.pid); }
    const Child& child() const { return child_; }

  private:
    TempDir dir_;
    Child child_;
};

// ---------------------------------------------------------------------------------------------
// [SECTION] Tapping
// ---------------------------------------------------------------------------------------------

struct Settings {
    int taps = 40;
    int timeout_ms = 3000;  // a tap whose new screen has not shown by then failed
    int hold_ms = 0;        // between press and release (0: as `xdotool click`)
    int settle_ms = 300;    // after the new screen, before looking for idle
    double threshold = 0.9;
    std::string shots_dir;  // when set: the reference images go there, NAME-home.ppm / -area.ppm
};

class Tapper {
  public:
    Tapper(XScreen& x, Program& program, const Settings& settings)
        : x_(x), program_(program), s_(settings) {}

    // Until two full grabs `quiet_ms` apart are the same and the program is quiet; setup only
    // (a full grab costs the X server some milliseconds). Returns the last grab.
    std::vector<uint32_t> WaitStill(int quiet_ms, int timeout_ms) {
        const auto deadline = SteadyClock::now() + milliseconds(timeout_ms);
        std::vector<uint32_t> last = x_.Grab();
        long frames = program_.Frames();
        while (SteadyClock::now() < deadline) {
            SleepMs(quiet_ms);
            std::vector<uint32_t> now = x_.Grab();
            const long frames_now = program_.Frames();
            const bool same = now == last && frames_now == frames;
            last = std::move(now);
            frames = frames_now;
            if (same && !last.empty()) return last;
        }
        return last;
    }

    // The probe rows and the program's frame counter unchanged over 100 ms, after settle_ms.
    bool WaitIdle() {
        SleepMs(s_.settle_ms);
        const auto deadline = SteadyClock::now() + milliseconds(5000);
        std::vector<uint32_t> last = RowsNow();
        long frames = program_.Frames();
        while (SteadyClock::now() < deadline) {
            SleepMs(100);
            std::vector<uint32_t> now = RowsNow();
            const long frames_now = program_.Frames();
            const bool same = now == last && frames_now == frames;
            last = std::move(now);
            frames = frames_now;
            if (same) return true;
        }
        return false;
    }

    ScreenId Showing(const Probe& probe) {
        x_.ReadRows();
        if (probe.Match(x_, kHome) >= s_.threshold) return kHome;
        if (probe.Match(x_, kArea) >= s_.threshold) return kArea;
        return kNeither;
    }

    // One timed tap at `at`, expected to bring `to`; records into `r`.
    void Tap(Point at, ScreenId to, const Probe& probe, Result& r) {
        const auto cpu_move = program_.Cpu();
        x_.Move(at.x, at.y);
        WaitIdle();  // the terminal draws a few frames for the move; they are not the tap
        const auto cpu0 = program_.Cpu();
        const long x0 = CpuTicks(xvfb_pid_);
        const long reads0 = x_.row_reads();
        const long frames0 = program_.Frames();

        program_.WatchFrames();
        x_.Button(true);
        if (s_.hold_ms > 0) SleepMs(s_.hold_ms);
        x_.Button(false);
        const auto released = SteadyClock::now();
        bool shown = false;
        SteadyClock::time_point pixels_seen, dump_seen;
        int frames_to_new = 0;
        for (;;) {
            const auto begin = SteadyClock::now();
            x_.ReadRow(probe.lead_row);
            bool seen = probe.Match(x_, to, /*lead_only=*/true) >= s_.threshold;
            if (seen) {
                x_.ReadRows();
                seen = probe.Match(x_, to) >= s_.threshold;
            }
            const auto end = SteadyClock::now();
            r.poll_ms.push_back(MsBetween(begin, end));
            program_.SawScreen(to, dump_seen, frames_to_new);
            if (seen) {
                r.ms.push_back(MsBetween(released, end));  // the read that saw it, finished
                r.ms_to[to].push_back(r.ms.back());
                pixels_seen = end;
                shown = true;
                break;
            }
            if (MsBetween(released, end) > s_.timeout_ms) break;
            std::this_thread::sleep_until(begin + std::chrono::microseconds(1000));
        }
        // The terminal's dump of that frame: written after the pixels, within milliseconds.
        const auto dump_deadline = SteadyClock::now() + milliseconds(1000);
        while (shown && SteadyClock::now() < dump_deadline) {
            if (program_.SawScreen(to, dump_seen, frames_to_new)) {
                r.dump_after_pixels_ms.push_back(MsBetween(pixels_seen, dump_seen));
                r.frames_to_new.push_back(frames_to_new);
                break;
            }
            std::this_thread::sleep_for(std::chrono::microseconds(500));
        }
        ++r.taps;
        if (!shown) ++r.failures;
        if (!WaitIdle()) std::fprintf(stderr, "tap_bench: not idle 5 s after a tap\n");

        const auto cpu1 = program_.Cpu();
        r.cpu_ticks += TicksBetween(cpu0, cpu1);
        r.cpu_ticks_with_move += TicksBetween(cpu_move, cpu1);
        r.x_ticks += CpuTicks(xvfb_pid_) - x0;
        r.x_row_reads += x_.row_reads() - reads0;
        const long frames1 = program_.Frames();
        if (frames0 >= 0 && frames1 >= frames0)
            r.frames = std::max(0L, r.frames) + frames1 - frames0;
    }

    void set_xvfb_pid(pid_t pid) { xvfb_pid_ = pid; }

  private:
    std::vector<uint32_t> RowsNow() {
        x_.ReadRows();
        std::vector<uint32_t> v;
        for (size_t r = 0; r < x_.rows().size(); ++r)
            for (int px = 0; px < x_.width(); px += 2) v.push_back(x_.RowPixel(r, px));
        return v;
    }

    XScreen& x_;
    Program& program_;
    const Settings& s_;
    pid_t xvfb_pid_ = -1;
};

// From home (references taken, probe built): `taps` timed taps, tile and back in turn.
void TimedTaps(Tapper& tapper, const Probe& probe, Point tile, Point back, const Settings& s,
               Result& r) {
    for (int i = 0; i < s.taps; ++i) {
        const ScreenId now = tapper.Showing(probe);
        if (now == kNeither) {
            std::fprintf(stderr, "\ntap_bench: the screen is neither home nor the area screen\n");
            r.why_not = "lost track of the screen after " + std::to_string(i) + " taps";
            return;
        }
        tapper.Tap(now == kHome ? tile : back, now == kHome ? kArea : kHome, probe, r);
        std::fprintf(stderr, "\r  tap %d/%d", i + 1, s.taps);
    }
    std::fprintf(stderr, "\n");
    r.ran = true;
}

// An untimed tap at `at`, then until the screen is still again (setup only).
void TapUntimed(XScreen& x, Tapper& tapper, Point at) {
    x.Move(at.x, at.y);
    tapper.WaitStill(200, 10000);
    x.Button(true);
    x.Button(false);
    SleepMs(300);
    tapper.WaitStill(300, 20000);
}

// Takes both references: `home` showing now; a tap on `tile` opens the area screen, a tap on
// `back` returns. Untimed (these two taps also warm the program up).
bool TakeReferences(XScreen& x, Tapper& tapper, Point tile, Point back, const Settings& s,
                    const std::string& name, Probe& probe, std::string& error) {
    const std::vector<uint32_t> home = tapper.WaitStill(300, 20000);
    TapUntimed(x, tapper, tile);
    const std::vector<uint32_t> area = tapper.WaitStill(300, 20000);
    if (!s.shots_dir.empty()) {
        WritePpm(s.shots_dir + "/" + name + "-home.ppm", home, x.width(), x.height());
        WritePpm(s.shots_dir + "/" + name + "-area.ppm", area, x.width(), x.height());
    }
    const double share = DifferingShare(home, area, x.width(), x.height());
    if (share < 0.05) {
        error = "the tile did not open another screen (" + std::to_string(share * 100) +
                " % of pixels changed)";
        return false;
    }
    if (!probe.Build(x, home, area, error)) return false;
    TapUntimed(x, tapper, back);
    if (tapper.Showing(probe) != kHome) {
        error = "the back button did not return to the home screen";
        return false;
    }
    return true;
}

Result RunKiosk(const std::string& binary, const Xvfb& xvfb, XScreen& x, const Settings& s,
                const std::string& log, Point& tile, Point& back) {
    Result r;
    KioskProgram kiosk(binary, xvfb, x.width(), x.height(), log);
    Tapper tapper(x, kiosk, s);
    tapper.set_xvfb_pid(xvfb.pid());
    // The first frame, then GB2312 joining in the background (a few more frames).
    const auto deadline = SteadyClock::now() + std::chrono::seconds(30);
    while (ReadDump(kiosk.dump()).screen != "attract" && SteadyClock::now() < deadline) SleepMs(50);
    while (LogLineFrom(log, "GB2312 in").empty() && SteadyClock::now() < deadline) SleepMs(50);
    tapper.WaitStill(500, 20000);
    Dump d = ReadDump(kiosk.dump());
    if (d.screen != "attract" || !d.centres.count("attract.start")) {
        r.why_not =
            "no attract screen in the layout dump (screen \"" + d.screen + "\"; see " + log + ")";
        return r;
    }
    // The first tap opens home (untimed).
    TapUntimed(x, tapper, d.centres["attract.start"]);
    d = ReadDump(kiosk.dump());
    if (d.screen != "home" || !d.centres.count("home.disclosure")) {
        r.why_not = "the attract tap did not open home (screen \"" + d.screen + "\")";
        return r;
    }
    tile = d.centres["home.disclosure"];
    // Where the back button is: from the area screen's dump (two more untimed taps).
    TapUntimed(x, tapper, tile);
    d = ReadDump(kiosk.dump());
    if (d.screen != "disclosure" || !d.centres.count("common.back")) {
        r.why_not = "the disclosure tile did not open its screen (screen \"" + d.screen + "\")";
        return r;
    }
    back = d.centres["common.back"];
    TapUntimed(x, tapper, back);

    Probe probe;
    std::string error;
    if (!TakeReferences(x, tapper, tile, back, s,
                        "gridkiosk-" + std::to_string(x.width()) + "x" + std::to_string(x.height()),
                        probe, error)) {
        r.why_not = error;
        return r;
    }
    TimedTaps(tapper, probe, tile, back, s, r);
    return r;
}

Result RunChromium(const Xvfb& xvfb, XScreen& x, const Settings& s, PaintBeacon& beacon, int run,
                   const std::string& log, Point tile, Point back) {
    Result r;
    ChromiumProgram chromium(xvfb, x.width(), x.height(), beacon.port(), run, log);
    if (!beacon.Wait(run, chromium.child().started + std::chrono::seconds(60))) {
        r.why_not = "the page never painted (see " + log + ")";
        return r;
    }
    Tapper tapper(x, chromium, s);
    tapper.set_xvfb_pid(xvfb.pid());
    tapper.WaitStill(500, 20000);
    Probe probe;
    std::string error;
    if (!TakeReferences(x, tapper, tile, back, s,
                        "chromium-" + std::to_string(x.width()) + "x" + std::to_string(x.height()),
                        probe, error)) {
        r.why_not = error;
        return r;
    }
    TimedTaps(tapper, probe, tile, back, s, r);
    return r;
}

// What one row read-back costs the X server: ticks per read, on the idle server, polled as
// the taps poll.
double CalibrateRowReads(XScreen& x, pid_t xvfb_pid) {
    if (!x.SetRows({x.height() / 2})) return 0;
    const long x0 = CpuTicks(xvfb_pid);
    const long reads0 = x.row_reads();
    const auto until = SteadyClock::now() + std::chrono::seconds(3);
    while (SteadyClock::now() < until) {
        const auto begin = SteadyClock::now();
        x.ReadRow(0);
        std::this_thread::sleep_until(begin + std::chrono::microseconds(1000));
    }
    const long reads = x.row_reads() - reads0;
    return reads > 0 ? static_cast<double>(CpuTicks(xvfb_pid) - x0) / reads : 0;
}

double TicksMs(double ticks) { return 1000.0 * TicksToSeconds(1) * ticks; }

void PrintRow(const std::string& name, const Result& r, double x_per_read) {
    if (!r.ran) {
        std::printf("%-24s failed: %s\n", name.c_str(), r.why_not.c_str());
        return;
    }
    const int n = std::max(1, r.taps);
    const double x_raw = TicksMs(static_cast<double>(r.x_ticks)) / n;
    const double x_polls = TicksMs(x_per_read * static_cast<double>(r.x_row_reads)) / n;
    char frames[16] = "-";
    if (r.frames >= 0) std::snprintf(frames, sizeof frames, "%.1f", double(r.frames) / n);
    std::printf(
        "%-24s %7.1f %7.1f %7.1f %7.1f %4zu %4d %8.1f %8.1f %8.1f %8.1f %7s %6.2f\n", name.c_str(),
        r.ms.empty() ? NAN : Median(r.ms), r.ms.empty() ? NAN : Percentile(r.ms, 90),
        r.ms.empty() ? NAN : *std::min_element(r.ms.begin(), r.ms.end()),
        r.ms.empty() ? NAN : *std::max_element(r.ms.begin(), r.ms.end()), r.ms.size(), r.failures,
        TicksMs(static_cast<double>(r.cpu_ticks)) / n,
        TicksMs(static_cast<double>(r.cpu_ticks_with_move)) / n, x_raw,
        std::max(0.0, x_raw - x_polls), frames, r.poll_ms.empty() ? NAN : Median(r.poll_ms));
}

}  // namespace
}  // namespace gk::bench

int main(int argc, char** argv) {
    using namespace gk::bench;
    Settings s;
    std::string kiosk = GK_KIOSK_BINARY;
    bool skip_chromium = false;
    std::vector<std::string> sizes = {"1920x1080", "1080x1920"};
    CLI::App cli{"tap_bench: tap → new screen on the X server, terminal vs Chromium"};
    cli.add_option("--taps", s.taps, "timed taps per size and program (40 for the issue)")
        ->check(CLI::Range(2, 1000));
    cli.add_option("--timeout-ms", s.timeout_ms, "a tap not shown by then counts as failed");
    cli.add_option("--hold-ms", s.hold_ms, "button held this long (0: like `xdotool click`)")
        ->check(CLI::Range(0, 1000));
    cli.add_option("--sizes", sizes, "Xvfb screens, WxH each")->delimiter(',');
    cli.add_option("--kiosk", kiosk, "the gridkiosk binary");
    cli.add_option("--shots", s.shots_dir, "write the reference screens there (PPM)");
    cli.add_flag("--skip-chromium", skip_chromium, "terminal only (no baseline: not for reports)");
    CLI11_PARSE(cli, argc, argv);

    BecomeSubreaper();
    std::printf("tap_bench: %s\n", MachineLine().c_str());
    std::printf(
        "%d timed taps per size and program: home tile \"六公开\" → its screen, its back "
        "button → home, in turn;\nclick held %d ms; time from the flushed release until >= "
        "%.0f %% of the probe pixels show the new screen\n(read back every <= 1 ms, the time "
        "taken when the read that saw it returned); CPU: press → idle, per tap\n\n",
        s.taps, s.hold_ms, s.threshold * 100);

    // The programs' logs stay (named at the end), for when a run fails.
    std::string logs_dir = "/tmp/gk-bench-tap-logs-XXXXXX";
    if (::mkdtemp(logs_dir.data()) == nullptr) {
        std::fprintf(stderr, "tap_bench: mkdtemp failed\n");
        return 1;
    }
    PaintBeacon beacon;
    struct SizeResult {
        std::string size;
        Result kiosk, chromium;
        double x_per_read = 0;
    };
    std::vector<SizeResult> results;
    int run = 1;
    for (const std::string& size : sizes) {
        int w = 0, h = 0;
        if (std::sscanf(size.c_str(), "%dx%d", &w, &h) != 2 || w < 320 || h < 320) {
            std::fprintf(stderr, "tap_bench: bad size %s\n", size.c_str());
            return 2;
        }
        Xvfb xvfb;
        std::string error;
        if (!xvfb.Start(w, h, error)) {
            std::fprintf(stderr, "tap_bench: %s\n", error.c_str());
            return 1;
        }
        XScreen x;
        if (!x.Open(xvfb.display(), error)) {
            std::fprintf(stderr, "tap_bench: %s\n", error.c_str());
            return 1;
        }
        SizeResult sr;
        sr.size = size;
        sr.x_per_read = CalibrateRowReads(x, xvfb.pid());
        Point tile, back;
        std::fprintf(stderr, "%s gridkiosk\n", size.c_str());
        sr.kiosk = RunKiosk(kiosk, xvfb, x, s, logs_dir + "/kiosk-" + size + ".log", tile, back);
        if (!skip_chromium) {
            std::fprintf(stderr, "%s chromium\n", size.c_str());
            if (tile.x == 0) {
                sr.chromium.why_not = "no tile positions (the terminal's run failed)";
            } else {
                sr.chromium = RunChromium(xvfb, x, s, beacon, run++,
                                          logs_dir + "/chromium-" + size + ".log", tile, back);
            }
        }
        results.push_back(std::move(sr));
    }

    std::printf("%-24s %7s %7s %7s %7s %4s %4s %8s %8s %8s %8s %7s %6s\n", "tap → new screen",
                "median", "p90", "min", "max", "n", "fail", "CPU ms", "+move", "X ms", "X net",
                "frames", "read");
    for (const auto& sr : results) {
        PrintRow(sr.size + " gridkiosk", sr.kiosk, sr.x_per_read);
        if (!skip_chromium) PrintRow(sr.size + " chromium", sr.chromium, sr.x_per_read);
    }
    std::printf(
        "(ms from the release; CPU ms per tap, press → idle, of the terminal's process or "
        "Chromium's tree;\n +move: with the pointer move before it; X ms: the X server over the "
        "same windows, X net: less the\n bench's own read-backs; frames: drawn per tap; read: ms "
        "one read-back of the probe rows took)\n\n");

    std::printf(
        "cross-check: the terminal's layout dump of the frame that drew the new screen (written "
        "after its Present)\nappeared this long after the read-back saw the new screen's pixels "
        "(< 0 would mean the read-back was late):\n");
    for (const auto& sr : results) {
        const auto& d = sr.kiosk.dump_after_pixels_ms;
        if (d.empty()) continue;
        std::printf(
            "  %s: median %.1f ms, min %.1f, max %.1f (%zu taps); frames written from "
            "the press to it: median %.0f, max %.0f\n",
            sr.size.c_str(), Median(d), *std::min_element(d.begin(), d.end()),
            *std::max_element(d.begin(), d.end()), d.size(), Median(sr.kiosk.frames_to_new),
            *std::max_element(sr.kiosk.frames_to_new.begin(), sr.kiosk.frames_to_new.end()));
    }
    std::printf("by direction, median ms (tile → its screen / back → home):\n");
    for (const auto& sr : results) {
        for (const Result* r : {&sr.kiosk, &sr.chromium}) {
            if (r->ms_to[kArea].empty() || r->ms_to[kHome].empty()) continue;
            std::printf("  %s %s: %.1f / %.1f\n", sr.size.c_str(),
                        r == &sr.kiosk ? "gridkiosk" : "chromium", Median(r->ms_to[kArea]),
                        Median(r->ms_to[kHome]));
        }
    }
    std::printf("\n");

    for (const auto& sr : results) {
        const Result& k = sr.kiosk;
        const Result& c = sr.chromium;
        const bool base = !skip_chromium && c.ran && !c.ms.empty();
        if (!k.ran || k.ms.empty()) {
            PrintFigure("tap to new screen " + sr.size + " FAILED: " + k.why_not, 0, "-", 0, "",
                        "");
            continue;
        }
        const double p90 = Percentile(k.ms, 90);
        const bool all = k.failures == 0;
        PrintFigure("tap to new screen " + sr.size + " (median ms)", Median(k.ms), "ms",
                    base ? Median(c.ms) : 0, "", "");
        PrintFigure("tap to new screen " + sr.size + " (p90 ms)", p90, "ms",
                    base ? Percentile(c.ms, 90) : 0, "<= 50", p90 <= 50 && all ? "met" : "MISSED");
        if (!all) {
            PrintFigure(
                "  taps not shown within " + std::to_string(s.timeout_ms) + " ms " + sr.size,
                k.failures, "taps", 0, "0", "MISSED");
        }
        const double cpu = TicksMs(static_cast<double>(k.cpu_ticks)) / std::max(1, k.taps);
        const double chromium_cpu =
            base ? TicksMs(static_cast<double>(c.cpu_ticks)) / std::max(1, c.taps) : 0;
        PrintFigure("CPU per tap " + sr.size + " (ms)", cpu, "ms", chromium_cpu, "<= Chromium",
                    !base                 ? ""
                    : cpu <= chromium_cpu ? "met"
                                          : "MISSED");
        const auto x_net = [&](const Result& r) {
            const int n = std::max(1, r.taps);
            return std::max(0.0, (TicksMs(static_cast<double>(r.x_ticks)) -
                                  TicksMs(sr.x_per_read * static_cast<double>(r.x_row_reads))) /
                                     n);
        };
        PrintFigure("  X server CPU per tap " + sr.size + " (ms, less the bench's reads)", x_net(k),
                    "ms", base ? x_net(c) : 0, "", "");
        if (!base && !skip_chromium) {
            PrintFigure("  baseline chromium " + sr.size + " FAILED: " + c.why_not, 0, "-", 0, "",
                        "");
        }
    }
    std::printf("logs: %s\n", logs_dir.c_str());
    return 0;
}
