// FontLibrary with a real SDL window (dummy video driver, software renderer) and a real ImGui
// context: a catalogue reload starts a new generation, and a full atlas still being built from
// the old texts is dropped, never installed over the new one; nothing waits for a worker. The
// stages: the first atlas holds what the attract screen draws (and is small), the texts' atlas
// every character of every text, and WaitForUiGlyphs gets it there with or without a worker.
#include <gtest/gtest.h>
#include <imgui.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/catalogue.h"
#include "core/i18n.h"
#include "core/utf8.h"
#include "kiosk/app/config.h"
#include "kiosk/app/glyph_texts.h"
#include "kiosk/ui/widgets.h"
#include "platform/fonts.h"
#include "platform/window.h"

namespace gk {
namespace {

// Not in GB2312 and in no UI text: only the texts given put them in the atlas.
constexpr char32_t kOldOnly = 0x4DAE;  // 䶮
constexpr char32_t kNewOnly = 0x5586;  // 喆

// ImGui's allocator, counting calls made from any thread but the test's own: ImGui 1.86 bumps
// the current context's allocation counter on every IM_ALLOC, so a worker that allocates
// through ImGui races the UI thread (a race TSan cannot see: libimgui.a is not instrumented).
std::atomic<long> g_foreign_allocations{0};
std::thread::id g_ui_thread;
void* CountingAlloc(size_t size, void*) {
    if (std::this_thread::get_id() != g_ui_thread) g_foreign_allocations.fetch_add(1);
    return std::malloc(size);
}
void CountingFree(void* p, void*) {
    if (p && std::this_thread::get_id() != g_ui_thread) g_foreign_allocations.fetch_add(1);
    std::free(p);
}

class FontLibraryTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ::setenv("SDL_VIDEODRIVER", "dummy", 1);
        g_ui_thread = std::this_thread::get_id();
        g_foreign_allocations = 0;
        ImGui::SetAllocatorFunctions(CountingAlloc, CountingFree);
        ImGui::CreateContext();
        WindowOptions wo;
        wo.fullscreen = false;
        wo.width = 640;
        wo.height = 480;
        wo.renderer = "software";
        auto st = window_.Init(wo);
        ASSERT_TRUE(st.ok()) << st.error().message;
        options_.base_px = 20.0f;
    }
    void TearDown() override {
        library_.Shutdown();
        window_.Shutdown();
        ImGui::DestroyContext();
        EXPECT_EQ(g_foreign_allocations.load(), 0) << "ImGui's allocator used off the UI thread";
    }
    static bool Has(const FontSet& f, char32_t cp) {
        return f.body && f.body->FindGlyphNoFallback(static_cast<ImWchar>(cp)) != nullptr;
    }
    // Load with `texts` in the first atlas too (body and title), as the tests of generations
    // and workers want the texts' glyphs from the start.
    Result<FontSet> LoadTexts(std::vector<std::string> texts) {
        FirstScreenTexts first;
        first.body = texts;
        first.title = texts;
        return library_.Load(options_, std::move(first), std::move(texts), {"网格服务站"});
    }
    // Waits (bounded) until a worker reports it is done.
    static bool WaitFor(const std::atomic<int>& count, int at_least) {
        for (int i = 0; i < 6000 && count.load() < at_least; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return count.load() >= at_least;
    }

    Window window_;
    FontLibrary library_{window_};
    FontOptions options_;
};

TEST_F(FontLibraryTest, FullAtlasOfOldTextsIsDroppedAfterAReload) {
    auto old_set = LoadTexts({"社区 䶮"});
    ASSERT_TRUE(old_set.ok()) << old_set.error().message;
    FontSet fonts = *old_set;
    ASSERT_TRUE(Has(fonts, kOldOnly));
    std::atomic<int> ready{0};
    library_.BuildFullInBackground([&] { ready.fetch_add(1); });

    // The catalogue changed: new texts, at once, without waiting for the worker.
    auto new_set = LoadTexts({"社区 喆"});
    ASSERT_TRUE(new_set.ok()) << new_set.error().message;
    // The old worker may have announced its texts' atlas before the reload, never after it.
    const int announced_before_reload = ready.load();
    fonts = *new_set;
    ASSERT_TRUE(Has(fonts, kNewOnly));
    EXPECT_EQ(library_.generation(), 2u);

    // Whatever the old worker does, what gets installed holds the new texts.
    for (int i = 0; i < 400; ++i) {
        auto installed = library_.InstallIfReady(fonts);
        ASSERT_TRUE(installed.ok()) << installed.error().message;
        if (*installed) ADD_FAILURE() << "installed the old generation's full atlas";
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_TRUE(Has(fonts, kNewOnly)) << "the new texts' glyph is gone";
    EXPECT_FALSE(fonts.full());

    // The new generation's own full atlas does go in, with GB2312 and the new texts.
    std::atomic<int> ready_new{0};
    library_.BuildFullInBackground([&] { ready_new.fetch_add(1); });
    ASSERT_TRUE(WaitFor(ready_new, 2)) << "the full atlas never came";  // the texts', then full
    auto installed = library_.InstallIfReady(fonts);
    ASSERT_TRUE(installed.ok()) << installed.error().message;
    EXPECT_TRUE(*installed);
    EXPECT_TRUE(fonts.full());
    EXPECT_TRUE(Has(fonts, kNewOnly));
    EXPECT_TRUE(Has(fonts, U'书'));  // GB2312
    EXPECT_EQ(ready.load(), announced_before_reload) << "the stale worker announced an atlas";
}

// The UI thread keeps drawing frames while the full atlas is built; the worker never allocates
// through ImGui (checked in TearDown), and the atlas it built is installed and drawn from.
TEST_F(FontLibraryTest, FramesRunWhileTheWorkerBuilds) {
    auto set = LoadTexts({"社区"});
    ASSERT_TRUE(set.ok()) << set.error().message;
    FontSet fonts = *set;
    std::atomic<int> ready{0};
    library_.BuildFullInBackground([&] { ready.fetch_add(1); });
    int frames = 0;
    for (; frames < 6000 && ready.load() < 2; ++frames) {  // ≤ ~30 s at a 5 ms frame
        window_.NewFrame(1.0f / 60);
        ImGui::NewFrame();
        ImGui::GetForegroundDrawList()->AddText(fonts.body, fonts.body->FontSize, ImVec2(10, 10),
                                                IM_COL32_WHITE, "社区");
        ImGui::Render();
        window_.Render();
        window_.Present();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_EQ(ready.load(), 2) << "no full atlas after " << frames << " frames";
    auto installed = library_.InstallIfReady(fonts);
    ASSERT_TRUE(installed.ok()) << installed.error().message;
    ASSERT_TRUE(*installed);
    EXPECT_TRUE(Has(fonts, U'书'));
    window_.NewFrame(1.0f / 60);
    ImGui::NewFrame();
    ImGui::GetForegroundDrawList()->AddText(fonts.body, fonts.body->FontSize, ImVec2(10, 10),
                                            IM_COL32_WHITE, "书院门社区");
    ImGui::Render();
    window_.Render();
    window_.Present();
}

// A reload does not wait for a worker still building: Load returns in about the time of a
// first atlas, not first + texts + full.
TEST_F(FontLibraryTest, ReloadDoesNotWaitForTheWorker) {
    auto first = LoadTexts({"社区"});
    ASSERT_TRUE(first.ok());
    const auto t0 = std::chrono::steady_clock::now();
    auto again = LoadTexts({"社区"});
    ASSERT_TRUE(again.ok());
    const auto quick = std::chrono::steady_clock::now() - t0;

    library_.BuildFullInBackground([] {});
    const auto t1 = std::chrono::steady_clock::now();
    auto reload = LoadTexts({"社区 喆"});
    ASSERT_TRUE(reload.ok());
    const auto with_worker = std::chrono::steady_clock::now() - t1;
    // The full build takes several times a quick one; generous margin for a busy machine.
    EXPECT_LT(with_worker, quick * 3 + std::chrono::milliseconds(300))
        << "Load waited for the worker";
}

// The font files are mapped, not read: a path that is missing or an empty file is the "font"
// error naming the path, never a crash in the rasteriser.
TEST_F(FontLibraryTest, AMissingOrEmptyFontFileIsAnErrorNamingIt) {
    options_.regular_path = "/nonexistent/NotoSansCJK-Regular.ttc";
    auto missing = LoadTexts({"社区"});
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, "font");
    EXPECT_NE(missing.error().message.find(options_.regular_path), std::string::npos);

    char path[] = "/tmp/gk-empty-font-XXXXXX";
    const int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    ::close(fd);
    options_.regular_path = path;
    auto empty = LoadTexts({"社区"});
    ::unlink(path);
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error().code, "font");
}

// ---------------------------------------------------------------------------------------------
// Stages, with the terminal's real texts (assets/i18n, assets/catalogue.json, the default hall)
// ---------------------------------------------------------------------------------------------

class FontStagesTest : public FontLibraryTest {
  protected:
    void SetUp() override {
        FontLibraryTest::SetUp();
        options_.base_px = 30.0f;  // the 1920x1080 terminal's sizes
        auto st = strings_.LoadDir(GK_SOURCE_DIR "/assets/i18n");
        ASSERT_TRUE(st.ok()) << st.error().message;
        std::ifstream in(GK_SOURCE_DIR "/assets/catalogue.json");
        std::stringstream text;
        text << in.rdbuf();
        auto parsed = ParseCatalogueJson(text.str());
        ASSERT_TRUE(parsed.ok()) << parsed.error().message;
        catalogue_ = std::move(*parsed);
    }
    Result<FontSet> LoadAsTheTerminal() {
        return library_.Load(options_, AttractTexts(strings_, PlaceLine(kCommunity, kGrid)),
                             GlyphTexts(strings_, catalogue_, {kCommunity, kGrid}),
                             DisplayTexts(strings_));
    }
    // The characters of `texts` that `font` lacks (it would draw them as "?").
    static std::string Missing(const ImFont* font, const std::vector<std::string>& texts) {
        std::string missing;
        for (const std::string& t : texts) {
            ForEachCodePoint(t, [&](char32_t cp) {
                if (cp >= 0x20 && !font->FindGlyphNoFallback(static_cast<ImWchar>(cp))) {
                    char hex[16];
                    std::snprintf(hex, sizeof hex, "U+%04X ", static_cast<unsigned>(cp));
                    missing += hex;
                }
            });
        }
        return missing;
    }
    // Every date and time FormatDateTime can show, in both languages: a week of days in each
    // month, at hours with one and two digits.
    static std::vector<std::string> EveryDateTime() {
        std::vector<std::string> out;
        const int64_t jan_2026 = 1767225600;  // 2026-01-01 00:00 UTC
        for (int day = 0; day < 366; day += 1) {
            const int64_t at = (jan_2026 + day * 86400 + (day % 24) * 3600 + day % 60 * 60) * 1000;
            out.push_back(FormatDateTime(at, Lang::kZh));
            out.push_back(FormatDateTime(at, Lang::kEn));
        }
        return out;
    }

    static constexpr const char* kCommunity = "书院门社区";  // "书院" are in no UI text
    static constexpr const char* kGrid = "第三网格";
    Strings strings_;
    Catalogue catalogue_;
};

// The first frame waits only for the first atlas: it must hold every character the attract
// screen draws, in both languages and at the size it draws it, for any date, and be small
// (what makes the fonts phase short: not every text of both languages).
TEST_F(FontStagesTest, FirstAtlasHoldsWhatTheAttractScreenDrawsAndLittleElse) {
    auto loaded = LoadAsTheTerminal();
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    const FontSet& fonts = *loaded;
    EXPECT_EQ(fonts.stage, FontStage::kFirst);
    const FirstScreenTexts first = AttractTexts(strings_, PlaceLine(kCommunity, kGrid));
    EXPECT_EQ(Missing(fonts.body, first.body), "");
    EXPECT_EQ(Missing(fonts.body, EveryDateTime()), "");
    EXPECT_EQ(Missing(fonts.title, first.title), "");
    EXPECT_EQ(Missing(fonts.title, {PlaceLine(kCommunity, kGrid)}), "");
    EXPECT_EQ(Missing(fonts.huge, first.huge), "");
    EXPECT_EQ(Missing(fonts.huge,
                      {strings_.Get(Lang::kZh, "app.name"), strings_.Get(Lang::kEn, "app.name")}),
              "");
    // ASCII (95) and the ellipsis in each size, plus the attract screen's own characters.
    const int total = fonts.body->Glyphs.Size + fonts.title->Glyphs.Size + fonts.huge->Glyphs.Size;
    EXPECT_LE(fonts.body->Glyphs.Size, 200) << "the first atlas holds more than attract draws";
    EXPECT_LE(total, 420) << "the first atlas holds more than attract draws";
    EXPECT_FALSE(fonts.body->FindGlyphNoFallback(0x4E66)) << "书 is drawn in the title size only";
}

// Any other screen waits for the texts' atlas: every character of every text of both
// languages (UI strings, service catalogue, the hall's names) in the body and title sizes,
// the display texts in the huge size, and nothing the first atlas had is lost.
TEST_F(FontStagesTest, TextsAtlasHoldsEveryTextOfBothLanguages) {
    auto loaded = LoadAsTheTerminal();
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    FontSet fonts = *loaded;
    auto waited = library_.WaitForUiGlyphs(fonts, std::chrono::milliseconds(0));  // no worker
    ASSERT_TRUE(waited.ok()) << waited.error().message;
    EXPECT_TRUE(*waited);
    EXPECT_EQ(fonts.stage, FontStage::kUi);
    const std::vector<std::string> texts = GlyphTexts(strings_, catalogue_, {kCommunity, kGrid});
    EXPECT_GT(texts.size(), 100u);
    EXPECT_EQ(Missing(fonts.body, texts), "");
    EXPECT_EQ(Missing(fonts.title, texts), "");
    EXPECT_EQ(Missing(fonts.huge, DisplayTexts(strings_)), "");
    const FirstScreenTexts first = AttractTexts(strings_, PlaceLine(kCommunity, kGrid));
    EXPECT_EQ(Missing(fonts.body, first.body), "");
    EXPECT_EQ(Missing(fonts.body, EveryDateTime()), "");
    EXPECT_EQ(Missing(fonts.title, first.title), "");
    EXPECT_EQ(Missing(fonts.huge, first.huge), "");
    EXPECT_FALSE(fonts.full());
    // Already there: nothing to do, nothing rebuilt.
    auto again = library_.WaitForUiGlyphs(fonts, std::chrono::milliseconds(0));
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(*again);
}

// The terminal's path: the worker runs after the first frame, and a screen after attract waits
// for its texts' atlas (installed from the worker, not rebuilt), then GB2312 follows.
TEST_F(FontStagesTest, WaitForUiGlyphsTakesTheWorkersAtlas) {
    auto loaded = LoadAsTheTerminal();
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    FontSet fonts = *loaded;
    std::atomic<int> ready{0};
    library_.BuildFullInBackground([&] { ready.fetch_add(1); });
    auto waited = library_.WaitForUiGlyphs(fonts, std::chrono::seconds(30));
    ASSERT_TRUE(waited.ok()) << waited.error().message;
    EXPECT_TRUE(*waited);
    EXPECT_GE(fonts.stage, FontStage::kUi);
    EXPECT_GE(ready.load(), 1) << "installed before the worker announced anything: rebuilt here";
    EXPECT_EQ(Missing(fonts.body, GlyphTexts(strings_, catalogue_, {kCommunity, kGrid})), "");
    ASSERT_TRUE(WaitFor(ready, 2)) << "GB2312 never came";
    auto installed = library_.InstallIfReady(fonts);
    ASSERT_TRUE(installed.ok()) << installed.error().message;
    EXPECT_TRUE(fonts.full());
    EXPECT_TRUE(Has(fonts, U'鑫'));  // GB2312 level 2, in no text
}

}  // namespace
}  // namespace gk
