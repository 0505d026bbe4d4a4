// FontLibrary with a real SDL window (dummy video driver, software renderer) and a real ImGui
// context: a catalogue reload starts a new generation, and a full atlas still being built from
// the old texts is dropped, never installed over the new one; nothing waits for a worker.
#include <gtest/gtest.h>
#include <imgui.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

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
        library_.SetWindow(&window_);
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
    // Waits (bounded) until a worker reports it is done.
    static bool WaitFor(const std::atomic<int>& count, int at_least) {
        for (int i = 0; i < 6000 && count.load() < at_least; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return count.load() >= at_least;
    }

    Window window_;
    FontLibrary library_;
    FontOptions options_;
};

TEST_F(FontLibraryTest, FullAtlasOfOldTextsIsDroppedAfterAReload) {
    auto old_set = library_.Load(options_, {"社区 䶮"}, {"网格服务站"});
    ASSERT_TRUE(old_set.ok()) << old_set.error().message;
    FontSet fonts = *old_set;
    ASSERT_TRUE(Has(fonts, kOldOnly));
    std::atomic<int> ready{0};
    library_.BuildFullInBackground([&] { ready.fetch_add(1); });

    // The catalogue changed: new texts, at once, without waiting for the worker.
    auto new_set = library_.Load(options_, {"社区 喆"}, {"网格服务站"});
    ASSERT_TRUE(new_set.ok()) << new_set.error().message;
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
    EXPECT_FALSE(fonts.full);

    // The new generation's own full atlas does go in, with GB2312 and the new texts.
    std::atomic<int> ready_new{0};
    library_.BuildFullInBackground([&] { ready_new.fetch_add(1); });
    ASSERT_TRUE(WaitFor(ready_new, 1)) << "the full atlas never came";
    auto installed = library_.InstallIfReady(fonts);
    ASSERT_TRUE(installed.ok()) << installed.error().message;
    EXPECT_TRUE(*installed);
    EXPECT_TRUE(fonts.full);
    EXPECT_TRUE(Has(fonts, kNewOnly));
    EXPECT_TRUE(Has(fonts, U'书'));  // GB2312
    EXPECT_EQ(ready.load(), 0) << "the stale worker announced an atlas";
}

// The UI thread keeps drawing frames while the full atlas is built; the worker never allocates
// through ImGui (checked in TearDown), and the atlas it built is installed and drawn from.
TEST_F(FontLibraryTest, FramesRunWhileTheWorkerBuilds) {
    auto set = library_.Load(options_, {"社区"}, {"网格服务站"});
    ASSERT_TRUE(set.ok()) << set.error().message;
    FontSet fonts = *set;
    std::atomic<int> ready{0};
    library_.BuildFullInBackground([&] { ready.fetch_add(1); });
    int frames = 0;
    for (; frames < 6000 && ready.load() == 0; ++frames) {  // ≤ ~30 s at a 5 ms frame
        window_.NewFrame(1.0f / 60);
        ImGui::NewFrame();
        ImGui::GetForegroundDrawList()->AddText(fonts.body, fonts.body->FontSize, ImVec2(10, 10),
                                                IM_COL32_WHITE, "社区");
        ImGui::Render();
        window_.Render();
        window_.Present();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_EQ(ready.load(), 1) << "no full atlas after " << frames << " frames";
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
// quick atlas, not quick + full.
TEST_F(FontLibraryTest, ReloadDoesNotWaitForTheWorker) {
    auto first = library_.Load(options_, {"社区"}, {"网格服务站"});
    ASSERT_TRUE(first.ok());
    const auto t0 = std::chrono::steady_clock::now();
    auto again = library_.Load(options_, {"社区"}, {"网格服务站"});
    ASSERT_TRUE(again.ok());
    const auto quick = std::chrono::steady_clock::now() - t0;

    library_.BuildFullInBackground([] {});
    const auto t1 = std::chrono::steady_clock::now();
    auto reload = library_.Load(options_, {"社区 喆"}, {"网格服务站"});
    ASSERT_TRUE(reload.ok());
    const auto with_worker = std::chrono::steady_clock::now() - t1;
    // The full build takes several times a quick one; generous margin for a busy machine.
    EXPECT_LT(with_worker, quick * 3 + std::chrono::milliseconds(300))
        << "Load waited for the worker";
}

}  // namespace
}  // namespace gk
