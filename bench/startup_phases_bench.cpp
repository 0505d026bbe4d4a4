// The pieces behind the terminal's start-up phases, in-process, through the real functions.
// The phases themselves come from the terminal's own `startup ms:` log line, which
// startup_bench collects from every start; this splits what that line cannot: the fonts phase
// (FontLibrary::Load's first atlas, the attract screen's glyphs, which the first frame waits
// for, against the atlas of every text, which the worker builds after the first frame and any
// other screen waits for, and the full atlas with GB2312 after it), Gb2312CodePoints,
// Store::Open fresh and existing, and Window::Init. Baseline in the same run: the atlas of every
// text (what the first frame waited for before the first atlas), so the first atlas's ratio is
// what the split saves.
//
// Usage: startup_phases_bench [Google Benchmark flags]
#include <imgui.h>
#include <stdlib.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>

#include "bench/bench_report.h"
#include "bench/kiosk_fixture.h"
#include "bench/process_probe.h"

namespace gk::bench {
namespace {

KioskFixture* g_kiosk = nullptr;  // ImGui context, window and texts: what FontLibrary needs

double SecondsSince(SteadyClock::time_point t0) {
    return std::chrono::duration<double>(SteadyClock::now() - t0).count();
}

std::string NewDataDir() {
    char pattern[] = "/tmp/gk-bench-phase-XXXXXX";
    return ::mkdtemp(pattern) ? pattern : "";
}

// Store::Open on a new data dir: creates the file and runs every migration.
void BM_StoreOpenFresh(benchmark::State& state) {
    SystemClock clock;
    for (auto _ : state) {
        const std::string dir = NewDataDir();
        const auto t0 = SteadyClock::now();
        auto store = Store::Open(dir, clock);
        if (store) (void)(*store)->set_terminal_number(7);
        state.SetIterationTime(SecondsSince(t0));
        if (!store) state.SkipWithError("Store::Open failed");
        store = Error{};
        std::filesystem::remove_all(dir);
    }
}

// Store::Open of the database the first start left (check, no migration).
void BM_StoreOpenExisting(benchmark::State& state) {
    SystemClock clock;
    const std::string dir = NewDataDir();
    { auto first = Store::Open(dir, clock); }
    for (auto _ : state) {
        const auto t0 = SteadyClock::now();
        auto store = Store::Open(dir, clock);
        state.SetIterationTime(SecondsSince(t0));
        if (!store) state.SkipWithError("Store::Open failed");
    }
    std::filesystem::remove_all(dir);
}

void BM_Gb2312CodePoints(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(Gb2312CodePoints());
}

void SetAtlasCounters(benchmark::State& state, const FontSet& fonts) {
    state.counters["body_glyphs"] = fonts.glyph_count;
    state.counters["atlas_w"] = fonts.atlas_width;
    state.counters["atlas_h"] = fonts.atlas_height;
}

// Each iteration: a new FontLibrary, FontLibrary::Load as the terminal calls it (the first
// atlas), then `after` on the loaded set, timed together; the atlas's counters at the end.
template <class After>
void TimeFontLoad(benchmark::State& state, const char* what, After after) {
    FontSet fonts;
    for (auto _ : state) {
        FontLibrary library(g_kiosk->window);
        const auto t0 = SteadyClock::now();
        auto loaded = library.Load(g_kiosk->Fonts(), g_kiosk->FirstTexts(), g_kiosk->GlyphTexts(),
                                   g_kiosk->DisplayTexts());
        if (loaded) {
            if (Status st = after(library, *loaded); !st) loaded = st.error();
        }
        state.SetIterationTime(SecondsSince(t0));
        if (!loaded) {
            state.SkipWithError(what);
            break;
        }
        fonts = *loaded;
        library.Shutdown();
    }
    SetAtlasCounters(state, fonts);
}

// Load alone: timed until it returns with the first atlas installed, which is all the first
// frame waits for.
void BM_FontsQuick(benchmark::State& state) {
    TimeFontLoad(state, "FontLibrary::Load", [](FontLibrary&, FontSet&) -> Status { return Ok{}; });
}

// Load then WaitForUiGlyphs with no worker (it builds on the calling thread): the first atlas,
// then the atlas of every text of both languages, built and installed. What a screen after
// attract would wait for if the worker had not started.
void BM_FontsUi(benchmark::State& state) {
    TimeFontLoad(state, "FontLibrary::WaitForUiGlyphs",
                 [](FontLibrary& library, FontSet& fonts) -> Status {
                     auto waited = library.WaitForUiGlyphs(fonts, std::chrono::milliseconds(0));
                     if (!waited) return waited.error();
                     return Ok{};
                 });
}

// Load then BuildFullNow (scripted runs, the frame benchmark): the first atlas, then the full
// one with GB2312, built and installed.
void BM_FontsFull(benchmark::State& state) {
    TimeFontLoad(state, "FontLibrary::BuildFullNow",
                 [](FontLibrary& library, FontSet& fonts) { return library.BuildFullNow(fonts); });
}

// The interactive path again, timed until the worker's second on_ready: when the full atlas
// is ready to be installed between frames, counted from the start of the fonts phase.
void BM_FontsBackgroundReady(benchmark::State& state) {
    TimeFontLoad(state, "FontLibrary::BuildFullInBackground",
                 [](FontLibrary& library, FontSet&) -> Status {
                     std::mutex mutex;
                     std::condition_variable cv;
                     int ready = 0;  // kUi, then kFull
                     library.BuildFullInBackground([&] {
                         std::lock_guard lock(mutex);
                         ++ready;
                         cv.notify_one();
                     });
                     std::unique_lock lock(mutex);
                     cv.wait(lock, [&] { return ready >= 2; });
                     return Ok{};
                 });
}

// SDL video + a 1920x1080 window + renderer + the ImGui backend (context made outside).
// Runs last: Window::Shutdown() quits SDL, which also ends the fixture's window.
void BM_WindowInit(benchmark::State& state) {
    ImGuiContext* previous = ImGui::GetCurrentContext();
    for (auto _ : state) {
        ImGuiContext* ctx = ImGui::CreateContext();
        ImGui::SetCurrentContext(ctx);
        Window window;
        WindowOptions wo;
        wo.fullscreen = false;
        const auto t0 = SteadyClock::now();
        const bool ok = window.Init(wo).ok();
        state.SetIterationTime(SecondsSince(t0));
        if (!ok) state.SkipWithError("window");
        window.Shutdown();
        ImGui::DestroyContext(ctx);
    }
    ImGui::SetCurrentContext(previous);
}

constexpr int kStarts = 10;  // each piece as often as startup_bench starts the terminal

BENCHMARK(BM_StoreOpenFresh)->Iterations(kStarts)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StoreOpenExisting)
    ->Iterations(kStarts)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Gb2312CodePoints)->Iterations(kStarts)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FontsQuick)->Iterations(kStarts)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FontsUi)->Iterations(kStarts)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FontsFull)->Iterations(kStarts)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FontsBackgroundReady)
    ->Iterations(kStarts)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WindowInit)->Iterations(kStarts)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace gk::bench

int main(int argc, char** argv) {
    using namespace gk::bench;
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    std::printf("startup_phases_bench: %s\n", MachineLine().c_str());
    KioskFixture kiosk;
    if (const std::string error = kiosk.OpenAllButFonts(); !error.empty()) {
        std::fprintf(stderr, "startup_phases_bench: %s\n", error.c_str());
        return 1;
    }
    g_kiosk = &kiosk;

    CollectingReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();

    std::printf("\n");
    const auto* quick = reporter.Find("BM_FontsQuick");
    const auto* ui = reporter.Find("BM_FontsUi");
    const auto* full = reporter.Find("BM_FontsFull");
    // Manual time has no CPU figure of its own: the CPU figures are the whole loop's (this
    // thread's), per iteration.
    if (quick) {
        PrintFigure(
            "start-up: FontLibrary::Load first atlas, what the first frame waits for (mean ms)",
            RealMs(*quick), "ms", ui ? RealMs(*ui) : 0, "<= 25",
            RealMs(*quick) <= 25 ? "met" : "MISSED");
        PrintFigure("  the same, CPU time (mean ms)", CpuMs(*quick), "ms", ui ? CpuMs(*ui) : 0, "",
                    "");
    }
    if (ui) {
        PrintFigure("  baseline: Load, then the atlas of every text on this thread (mean ms)",
                    RealMs(*ui), "ms", 0, "", "");
    }
    if (full) {
        PrintFigure("  Load, then the full atlas (GB2312 too) with BuildFullNow (mean ms)",
                    RealMs(*full), "ms", 0, "", "");
        PrintFigure("  the same, CPU time (mean ms)", CpuMs(*full), "ms", 0, "", "");
    }
    for (const char* name : {"BM_FontsBackgroundReady", "BM_Gb2312CodePoints", "BM_StoreOpenFresh",
                             "BM_StoreOpenExisting", "BM_WindowInit"}) {
        if (const auto* r = reporter.Find(name)) {
            PrintFigure(std::string("  start-up piece ") + (name + 3) + " (mean ms)", RealMs(*r),
                        "ms", 0, "", "");
        }
    }
    return 0;
}
