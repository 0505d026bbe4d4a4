// The service manager stops the terminal with SIGTERM: it must exit 0 promptly whenever the
// signal lands, also while the GB2312 atlas is being built on its worker thread (the busiest,
// most allocating moment). A handler that locks or allocates (SDL_PushEvent) can deadlock
// there; this runs the stop many times at varied moments after the first frame.
#include "kiosk_runner.h"

namespace gk::uitest {
namespace {

constexpr int kRuns = 25;

TEST(StopSignal, SigtermExitsZeroPromptlyAtAnyMoment) {
    Kiosk k;
    const fs::path layout = k.layout_path();
    int clean = 0;
    for (int i = 0; i < kRuns; ++i) {
        std::error_code ec;
        fs::remove(layout, ec);
        const fs::path err = k.root() / ("stop" + std::to_string(i) + ".txt");
        Process p({KioskBinary(), "--data-dir", k.data_dir().string(), "--windowed", "800x600",
                   "--layout-dump", layout.string()},
                  {{"SDL_VIDEODRIVER", "dummy"}}, k.root() / "stdout.txt", err);
        // Up when the first frame's layout is written (bounded wait).
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (!fs::exists(layout) && p.running() && std::chrono::steady_clock::now() < until) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        ASSERT_TRUE(fs::exists(layout)) << "run " << i << " never drew a frame:\n" << ReadFile(err);
        // 0 … 240 ms after the first frame: across the background atlas build.
        std::this_thread::sleep_for(std::chrono::milliseconds((i * 37) % 241));
        p.Signal(SIGTERM);
        const auto code = p.Wait(std::chrono::seconds(10));
        EXPECT_EQ(code, 0) << "run " << i << (code ? "" : " hung after SIGTERM") << ":\n"
                           << ReadFile(err);
        if (code == 0) ++clean;
        EXPECT_NE(ReadFile(err).find("stopping"), std::string::npos) << ReadFile(err);
    }
    EXPECT_EQ(clean, kRuns);
}

// SIGINT (Ctrl-C on a staff member's console) stops it the same way.
TEST(StopSignal, SigintExitsZero) {
    Kiosk k;
    Process p({KioskBinary(), "--data-dir", k.data_dir().string(), "--windowed", "800x600",
               "--layout-dump", k.layout_path().string()},
              {{"SDL_VIDEODRIVER", "dummy"}}, k.root() / "stdout.txt", k.root() / "err.txt");
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!fs::exists(k.layout_path()) && p.running() &&
           std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ASSERT_TRUE(fs::exists(k.layout_path())) << ReadFile(k.root() / "err.txt");
    p.Signal(SIGINT);
    EXPECT_EQ(p.Wait(std::chrono::seconds(10)), 0) << ReadFile(k.root() / "err.txt");
}

}  // namespace
}  // namespace gk::uitest
