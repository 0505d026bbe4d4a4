// End to end through a real X server: the terminal runs as it does in the hall (no script, no
// dummy driver), and an outside program taps widgets at the centres the layout dump gives,
// with real pointer events, then stops it with SIGTERM as systemd would.
#include <signal.h>

#include "kiosk_runner.h"

namespace gk::uitest {
namespace {

bool OnPath(const std::string& tool) {
    int status = -1;
    Capture("command -v " + tool + " >/dev/null 2>&1", &status);
    return status == 0;
}

// A display number nobody uses (no lock file, no socket).
int FreeDisplay() {
    for (int n = 90 + ::getpid() % 50; n < 400; ++n) {
        if (!fs::exists("/tmp/.X" + std::to_string(n) + "-lock") &&
            !fs::exists("/tmp/.X11-unix/X" + std::to_string(n))) {
            return n;
        }
    }
    return -1;
}

// Polls the layout dump until `screen` shows (or the time is up); returns the last dump.
Json WaitForScreen(const fs::path& dump, const std::string& screen, Process& app,
                   std::chrono::seconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    Json doc;
    while (std::chrono::steady_clock::now() < until && app.running()) {
        if (fs::exists(dump)) {
            doc = Json::parse(ReadFile(dump), nullptr, false);
            if (doc.is_object() && doc.value("screen", "") == screen) return doc;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return doc;
}

// A real click: move the pointer inside the window, let it settle, press and release.
void ClickCentre(const std::string& display, const std::string& window, const Json& widget) {
    const Box b = BoxOf(widget);
    const std::string cmd = "DISPLAY=" + display + " timeout 10 xdotool mousemove --window " +
                            window + " " + std::to_string(int(b.cx())) + " " +
                            std::to_string(int(b.cy())) + " sleep 0.2 click 1 2>&1";
    int status = -1;
    const std::string out = Capture(cmd, &status);
    ASSERT_EQ(status, 0) << cmd << "\n" << out;
}

TEST(EndToEnd, RealClicksThroughXvfbThenSigterm) {
    if (!OnPath("Xvfb")) GTEST_SKIP() << "Xvfb is not installed";
    ASSERT_TRUE(OnPath("xdotool") && OnPath("xdpyinfo"))
        << "xdotool and xdpyinfo are needed with Xvfb";
    TempDir dir;
    const int n = FreeDisplay();
    ASSERT_GT(n, 0);
    const std::string display = ":" + std::to_string(n);
    Process xvfb(
        {"/usr/bin/env", "Xvfb", display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"}, {},
        dir.path() / "xvfb.out", dir.path() / "xvfb.err");
    bool up = false;
    for (int i = 0; i < 100 && !up && xvfb.running(); ++i) {
        int status = -1;
        Capture("DISPLAY=" + display + " timeout 5 xdpyinfo >/dev/null 2>&1", &status);
        up = status == 0;
        if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(up) << "Xvfb did not come up: " << ReadFile(dir.path() / "xvfb.err");

    const fs::path data = dir.path() / "data", dump = dir.path() / "layout.json";
    fs::create_directories(data);
    WriteFile(
        data / "gridkiosk.toml",
        "[terminal]\nnumber = 7\ngrid_path = \"西安市/碑林区/长安路街道/书院门社区/第三网格\"\n");
    Process app({KioskBinary(), "--data-dir", data.string(), "--windowed", "1920x1080",
                 "--layout-dump", dump.string()},
                {{"DISPLAY", display},
                 {"SDL_VIDEODRIVER", std::nullopt},
                 {"WAYLAND_DISPLAY", std::nullopt}},
                dir.path() / "app.out", dir.path() / "app.err");
    const auto app_log = [&] { return ReadFile(dir.path() / "app.err"); };

    Json doc = WaitForScreen(dump, "attract", app, std::chrono::seconds(30));
    ASSERT_EQ(doc.value("screen", ""), "attract") << app_log();
    const Json* start = FindWidget(doc, "attract.start");
    ASSERT_NE(start, nullptr) << doc.dump();

    int status = -1;
    const std::string window = TrimRight(
        Capture("DISPLAY=" + display +
                    " timeout 15 xdotool search --sync --name gridkiosk 2>/dev/null | head -1",
                &status));
    ASSERT_FALSE(window.empty()) << "no window named gridkiosk on " << display << "\n" << app_log();

    ClickCentre(display, window, *start);
    doc = WaitForScreen(dump, "home", app, std::chrono::seconds(20));
    ASSERT_EQ(doc.value("screen", ""), "home") << "the click on attract.start did not open home\n"
                                               << app_log();
    const Json* track = FindWidget(doc, "home.track");
    ASSERT_NE(track, nullptr) << doc.dump();

    ClickCentre(display, window, *track);
    doc = WaitForScreen(dump, "track", app, std::chrono::seconds(20));
    ASSERT_EQ(doc.value("screen", ""), "track") << "the click on home.track did not open track\n"
                                                << app_log();

    // Idle, the terminal sleeps instead of drawing (DESIGN.md §4): over two quiet seconds at
    // most the clock's minute may tick.
    const long frame_before = doc.value("frame", 0L);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const Json later = Json::parse(ReadFile(dump), nullptr, false);
    ASSERT_TRUE(later.is_object());
    EXPECT_LE(later.value("frame", 0L) - frame_before, 4) << "frames drawn while nothing changed";

    app.Signal(SIGTERM);
    EXPECT_EQ(app.Wait(std::chrono::seconds(15)), 0) << "no clean exit on SIGTERM\n" << app_log();
    xvfb.Signal(SIGTERM);
    xvfb.Wait(std::chrono::seconds(10));
}

}  // namespace
}  // namespace gk::uitest
