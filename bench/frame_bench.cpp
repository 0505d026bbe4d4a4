// One frame of the home screen (issue 2, figure 3), on the terminal's real libraries: the
// ImGui frame build (window NewFrame → ImGui::NewFrame → DrawCurrentScreen → ImGui::Render,
// target ≤ 1 ms), the frame drawn in full (plus window.Render(), our software rasteriser, and
// Present: what a new screen costs) and the same frame unchanged (damage tracking: nothing
// drawn). Baseline in the same run: the same frames of an empty screen (BeginScreen and
// EndScreen with nothing between them), so the ratio is what the home screen itself costs.
//
// Usage: frame_bench [Google Benchmark flags]. SDL_VIDEODRIVER defaults to dummy; with
// SDL_VIDEODRIVER=x11 and DISPLAY set the full frame also pays for showing it under X.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "bench/bench_report.h"
#include "bench/kiosk_fixture.h"
#include "bench/process_probe.h"
#include "kiosk/ui/screens.h"
#include "kiosk/ui/widgets.h"

namespace gk::bench {
namespace {

KioskFixture* g_kiosk = nullptr;

Ui MakeUi(KioskFixture& k, int w, int h) {
    return Ui{k.app->state(),          k.strings, k.catalogue, k.fonts, k.layout, Theme{},
              std::min(w, h) / 1080.0f};
}

// NewFrame → the screen → Render, as Terminal::RenderFrame() does it (no input, no Tick).
void BuildFrame(KioskFixture& k, bool empty_screen) {
    const int w = k.window.width(), h = k.window.height();
    k.window.NewFrame(1.0f / 60.0f);
    ImGui::NewFrame();
    k.layout.Begin(k.frame, ScreenName(k.app->state().screen), w, h);
    Ui ui = MakeUi(k, w, h);
    if (empty_screen) {
        BeginScreen(ui);
        EndScreen();
    } else {
        const Action action = DrawCurrentScreen(ui);
        benchmark::DoNotOptimize(action.kind);
    }
    ImGui::Render();
    ++k.frame;
}

void SetDrawCounters(benchmark::State& state) {
    const ImDrawData* d = ImGui::GetDrawData();
    state.counters["vertices"] = d ? d->TotalVtxCount : 0;
    state.counters["indices"] = d ? d->TotalIdxCount : 0;
    int commands = 0;
    for (int i = 0; d && i < d->CmdListsCount; ++i) commands += d->CmdLists[i]->CmdBuffer.Size;
    state.counters["draw_cmds"] = commands;
}

void BM_EmptyFrameBuild(benchmark::State& state) {
    for (auto _ : state) BuildFrame(*g_kiosk, /*empty_screen=*/true);
    SetDrawCounters(state);
}

void BM_HomeFrameBuild(benchmark::State& state) {
    for (auto _ : state) BuildFrame(*g_kiosk, /*empty_screen=*/false);
    SetDrawCounters(state);
}

void BM_EmptyFrameFull(benchmark::State& state) {
    for (auto _ : state) {
        BuildFrame(*g_kiosk, /*empty_screen=*/true);
        g_kiosk->window.InvalidateAll();
        g_kiosk->window.Render();
        g_kiosk->window.Present();
    }
    SetDrawCounters(state);
}

void BM_HomeFrameFull(benchmark::State& state) {
    for (auto _ : state) {
        BuildFrame(*g_kiosk, /*empty_screen=*/false);
        g_kiosk->window.InvalidateAll();  // every pixel drawn and shown, as a new screen is
        g_kiosk->window.Render();
        g_kiosk->window.Present();
    }
    SetDrawCounters(state);
}

// The same frame again with damage tracking: nothing changed, nothing drawn or shown.
void BM_HomeFrameUnchanged(benchmark::State& state) {
    for (auto _ : state) {
        BuildFrame(*g_kiosk, /*empty_screen=*/false);
        g_kiosk->window.Render();
        g_kiosk->window.Present();
    }
    SetDrawCounters(state);
}

// Diagnosis, not the terminal as shipped: the full frame with ImGui's anti-aliased fills and
// lines off (no fringe triangles), to show how much of window.Render() they cost.
void BM_HomeFrameFullNoAntiAliasing(benchmark::State& state) {
    ImGuiStyle& style = ImGui::GetStyle();
    const ImGuiStyle saved = style;
    style.AntiAliasedFill = false;
    style.AntiAliasedLines = false;
    for (auto _ : state) {
        BuildFrame(*g_kiosk, /*empty_screen=*/false);
        g_kiosk->window.InvalidateAll();
        g_kiosk->window.Render();
        g_kiosk->window.Present();
    }
    SetDrawCounters(state);
    style = saved;
}

BENCHMARK(BM_EmptyFrameBuild)
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);
BENCHMARK(BM_HomeFrameBuild)
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);
BENCHMARK(BM_EmptyFrameFull)
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);
BENCHMARK(BM_HomeFrameFull)
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);
BENCHMARK(BM_HomeFrameUnchanged)
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);
BENCHMARK(BM_HomeFrameFullNoAntiAliasing)
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);

}  // namespace
}  // namespace gk::bench

int main(int argc, char** argv) {
    using namespace gk::bench;
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    std::printf("frame_bench: %s\n", MachineLine().c_str());

    KioskFixture kiosk;
    if (const std::string error = kiosk.Open(); !error.empty()) {
        std::fprintf(stderr, "frame_bench: %s\n", error.c_str());
        return 1;
    }
    kiosk.app->Apply(gk::Action::Goto(gk::Screen::kHome));
    g_kiosk = &kiosk;
    // Settle: ImGui creates its windows on the first frames.
    for (int i = 0; i < 3; ++i) BuildFrame(kiosk, false);
    std::printf("screen=%s window=%dx%d software=%d glyphs=%d atlas=%dx%d\n",
                std::string(gk::ScreenName(kiosk.app->state().screen)).c_str(),
                kiosk.window.width(), kiosk.window.height(), kiosk.window.software() ? 1 : 0,
                kiosk.fonts.glyph_count, kiosk.fonts.atlas_width, kiosk.fonts.atlas_height);

    CollectingReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();

    const auto* empty_build = reporter.Find("BM_EmptyFrameBuild");
    const auto* home_build = reporter.Find("BM_HomeFrameBuild");
    const auto* empty_full = reporter.Find("BM_EmptyFrameFull");
    const auto* home_full = reporter.Find("BM_HomeFrameFull");
    std::printf("\n");
    // Real time is the figure; CPU time beside it shows how much of it other processes took.
    if (home_build) {
        const double ms = RealMs(*home_build);
        PrintFigure("home frame build NewFrame->Render (median ms)", ms, "ms",
                    empty_build ? RealMs(*empty_build) : 0, "<= 1", ms <= 1.0 ? "met" : "MISSED");
        PrintFigure("  the same, CPU time (median ms)", CpuMs(*home_build), "ms",
                    empty_build ? CpuMs(*empty_build) : 0, "<= 1",
                    CpuMs(*home_build) <= 1.0 ? "met" : "MISSED");
    }
    if (empty_build)
        PrintFigure("  baseline: empty-screen frame build (median ms)", RealMs(*empty_build), "ms",
                    0, "", "");
    if (home_full) {
        PrintFigure("home frame drawn in full, window.Render + Present (median ms)",
                    RealMs(*home_full), "ms", empty_full ? RealMs(*empty_full) : 0, "", "");
        PrintFigure("  the same, CPU time (median ms)", CpuMs(*home_full), "ms",
                    empty_full ? CpuMs(*empty_full) : 0, "", "");
    }
    if (empty_full)
        PrintFigure("  baseline: empty-screen full frame (median ms)", RealMs(*empty_full), "ms", 0,
                    "", "");
    if (const auto* same = reporter.Find("BM_HomeFrameUnchanged")) {
        PrintFigure("home frame unchanged: built, hashed, nothing drawn or shown (median ms)",
                    RealMs(*same), "ms", home_full ? RealMs(*home_full) : 0, "", "");
    }
    if (const auto* no_aa = reporter.Find("BM_HomeFrameFullNoAntiAliasing")) {
        PrintFigure("  diagnosis: home full frame, ImGui anti-aliasing off (median ms)",
                    RealMs(*no_aa), "ms", 0, "", "");
    }
    return 0;
}
