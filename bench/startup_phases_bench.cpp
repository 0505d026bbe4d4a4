// Where the terminal's cold start goes (the breakdown behind startup_bench's figure): each
// step of Terminal::Start(), in-process, on the real libraries, in the order the terminal runs
// them. Baseline in the same run: the same three-size font atlas holding only the texts the
// terminal draws (i18n + service catalogue + community), without GB2312's 7,445 characters,
// so the ratio is what the full glyph set costs.
//
// Usage: startup_phases_bench [Google Benchmark flags]
#include <imgui.h>
#include <imgui_impl_sdlrenderer.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "bench/bench_report.h"
#include "bench/kiosk_fixture.h"
#include "bench/process_probe.h"
#include "platform/assets.h"

namespace gk::bench {
namespace {

KioskFixture* g_kiosk = nullptr;  // store, strings, catalogue, window: what the fonts need

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

void BM_StringsLoad(benchmark::State& state) {
    const std::string dir = FindAssetsDir() + "/i18n";
    for (auto _ : state) {
        Strings strings;
        if (!strings.LoadDir(dir)) state.SkipWithError("strings");
        benchmark::DoNotOptimize(strings);
    }
}

// First start: the shipped catalogue read, parsed and cached in the store.
void BM_CatalogueFirstStart(benchmark::State& state) {
    const std::string path = FindAssetsDir() + "/catalogue.json";
    for (auto _ : state) {
        std::string text;
        ReadTextFile(path, text);
        auto parsed = ParseCatalogueJson(text);
        if (!parsed || !g_kiosk->store->SaveCatalogue(text)) state.SkipWithError("catalogue");
        benchmark::DoNotOptimize(parsed);
    }
}

// Later starts: the cached catalogue from the store.
void BM_CatalogueCached(benchmark::State& state) {
    for (auto _ : state) {
        auto cached = g_kiosk->store->LoadCatalogue();
        if (!cached) state.SkipWithError("no cached catalogue");
        benchmark::DoNotOptimize(cached);
    }
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

void BM_Gb2312CodePoints(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(Gb2312CodePoints());
}

// gk::LoadFonts as the terminal calls it: GB2312 + every text, three sizes, uploaded.
void BM_LoadFontsFull(benchmark::State& state) {
    const auto texts = g_kiosk->GlyphTexts();
    const auto display = g_kiosk->DisplayTexts();
    int glyphs = 0, atlas_w = 0, atlas_h = 0;
    for (auto _ : state) {
        ImGui_ImplSDLRenderer_DestroyFontsTexture();
        const auto t0 = SteadyClock::now();
        auto fonts = LoadFonts(g_kiosk->Fonts(), texts, display);
        state.SetIterationTime(SecondsSince(t0));
        if (!fonts) {
            state.SkipWithError("LoadFonts");
            break;
        }
        glyphs = fonts->glyph_count;
        atlas_w = fonts->atlas_width;
        atlas_h = fonts->atlas_height;
    }
    state.counters["body_glyphs"] = glyphs;
    state.counters["atlas_w"] = atlas_w;
    state.counters["atlas_h"] = atlas_h;
}

// Glyph ranges: ASCII and the characters of `texts`.
void BuildRanges(const std::vector<std::string_view>& texts, ImVector<ImWchar>& ranges) {
    ImFontGlyphRangesBuilder b;
    b.AddRanges(ImGui::GetIO().Fonts->GetGlyphRangesDefault());
    for (auto t : texts) b.AddText(t.data(), t.data() + t.size());
    ranges.clear();
    b.BuildRanges(&ranges);
}

// Baseline: LoadFonts' atlas (same files, faces, sizes and flags; body and title with the
// texts, huge with the display texts) without GB2312 in the body size.
void BM_LoadFontsTextsOnly(benchmark::State& state) {
    static ImVector<ImWchar> ranges, huge_ranges;
    BuildRanges(g_kiosk->GlyphTexts(), ranges);
    BuildRanges(g_kiosk->DisplayTexts(), huge_ranges);
    const FontOptions fo = g_kiosk->Fonts();
    const std::string regular = FindCjkFont(false), bold = FindCjkFont(true);
    int glyphs = 0, atlas_w = 0, atlas_h = 0;
    for (auto _ : state) {
        ImGui_ImplSDLRenderer_DestroyFontsTexture();
        const auto t0 = SteadyClock::now();
        ImFontAtlas* atlas = ImGui::GetIO().Fonts;
        atlas->Clear();
        atlas->TexDesiredWidth = 4096;
        atlas->Flags |= ImFontAtlasFlags_NoMouseCursors;
        ImFontConfig cfg;
        cfg.OversampleH = cfg.OversampleV = 1;
        cfg.PixelSnapH = true;
        cfg.FontNo = 2;  // Noto Sans CJK SC, as platform/fonts.cpp picks it
        ImFont* body = atlas->AddFontFromFileTTF(regular.c_str(), fo.base_px, &cfg, ranges.Data);
        atlas->AddFontFromFileTTF(bold.c_str(), fo.base_px * 1.6f, &cfg, ranges.Data);
        atlas->AddFontFromFileTTF(bold.c_str(), fo.base_px * 2.6f, &cfg, huge_ranges.Data);
        const bool ok = body && atlas->Build() && ImGui_ImplSDLRenderer_CreateFontsTexture();
        atlas->ClearTexData();
        state.SetIterationTime(SecondsSince(t0));
        if (!ok) {
            state.SkipWithError("atlas");
            break;
        }
        glyphs = body->Glyphs.Size;
        atlas_w = atlas->TexWidth;
        atlas_h = atlas->TexHeight;
    }
    state.counters["body_glyphs"] = glyphs;
    state.counters["atlas_w"] = atlas_w;
    state.counters["atlas_h"] = atlas_h;
}

constexpr int kStarts = 10;  // each phase as often as startup_bench starts the terminal

BENCHMARK(BM_StoreOpenFresh)->Iterations(kStarts)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StoreOpenExisting)
    ->Iterations(kStarts)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StringsLoad)->Iterations(kStarts)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CatalogueFirstStart)->Iterations(kStarts)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CatalogueCached)->Iterations(kStarts)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Gb2312CodePoints)->Iterations(kStarts)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadFontsTextsOnly)
    ->Iterations(kStarts)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadFontsFull)->Iterations(kStarts)->UseManualTime()->Unit(benchmark::kMillisecond);
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

    // Memory diagnosis: what LoadFonts leaves behind in this process (anonymous PSS), and how
    // much of it is the font files' data the atlas keeps after the build (ClearInputData).
    const long anon_before = TreeMemory(::getpid()).pss_anon_kb;
    auto fonts = LoadFonts(kiosk.Fonts(), kiosk.GlyphTexts(), kiosk.DisplayTexts());
    const long anon_loaded = TreeMemory(::getpid()).pss_anon_kb;
    ImGui::GetIO().Fonts->ClearInputData();
    const long anon_cleared = TreeMemory(::getpid()).pss_anon_kb;
    if (!fonts) {
        std::fprintf(stderr, "startup_phases_bench: LoadFonts failed\n");
        return 1;
    }

    CollectingReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();

    std::printf("\n");
    const auto* full = reporter.Find("BM_LoadFontsFull");
    const auto* texts = reporter.Find("BM_LoadFontsTextsOnly");
    if (full) {
        PrintFigure("start-up phase LoadFonts, full glyph set (mean ms)", RealMs(*full), "ms",
                    texts ? RealMs(*texts) : 0, "", "");
    }
    // Manual time has no CPU figure of its own: this one is the whole loop's, per iteration.
    if (full && texts) {
        PrintFigure("  the same, CPU time (mean ms)", CpuMs(*full), "ms", CpuMs(*texts), "", "");
    }
    if (texts)
        PrintFigure("  baseline: atlas of the drawn texts only (mean ms)", RealMs(*texts), "ms", 0,
                    "", "");
    PrintFigure("  diagnosis: anon PSS LoadFonts leaves (MiB)",
                (anon_loaded - anon_before) / 1024.0, "MiB", 0, "", "");
    PrintFigure("  diagnosis: of which font file data kept by the atlas (MiB)",
                (anon_loaded - anon_cleared) / 1024.0, "MiB", 0, "", "");
    for (const char* name :
         {"BM_StoreOpenFresh", "BM_StoreOpenExisting", "BM_CatalogueFirstStart", "BM_WindowInit"}) {
        if (const auto* r = reporter.Find(name)) {
            PrintFigure(std::string("  start-up phase ") + (name + 3) + " (mean ms)", RealMs(*r),
                        "ms", 0, "", "");
        }
    }
    return 0;
}
