// The layout dump is replaced atomically (temp file + rename): a reader polling it while the
// terminal draws frame after frame never sees half a document.
#include "kiosk_runner.h"

namespace gk::uitest {
namespace {

TEST(LayoutDump, AlwaysACompleteJsonDocument) {
    Kiosk k;
    // Busy in real time: screen changes, countdowns and idle wipes, frame after frame.
    std::string s;
    // (Enough of it to outlast 150 reads now that an unchanged frame is neither drawn nor shown.)
    for (int i = 0; i < 60; ++i)
        s += "tap attract.start\ntap home.track\ntap common.home\nwait 100000\n";
    s += "quit\n";
    const fs::path script = k.root() / "long.txt";
    WriteFile(script, s);
    RunOptions o;
    o.windowed = "640x480";
    o.screenshots = false;
    Process p(k.Args(script, o), {{"SDL_VIDEODRIVER", "dummy"}}, k.root() / "out.txt",
              k.root() / "err.txt");

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!fs::exists(k.layout_path()) && p.running() &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ASSERT_TRUE(fs::exists(k.layout_path())) << ReadFile(k.root() / "err.txt");

    int reads = 0, reads_while_running = 0;
    std::set<long> frames;
    long last_frame = -1;
    while (reads < 200 && std::chrono::steady_clock::now() < deadline) {
        const bool running = p.running();
        const std::string text = ReadFile(k.layout_path());
        ++reads;
        reads_while_running += running ? 1 : 0;
        const Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
        ASSERT_FALSE(doc.is_discarded())
            << "read " << reads << " is not JSON (" << text.size() << " bytes):\n"
            << text;
        ASSERT_TRUE(doc.is_object());
        for (const char* key : {"frame", "screen", "width", "height", "widgets"}) {
            ASSERT_TRUE(doc.contains(key)) << key << " missing in read " << reads;
        }
        EXPECT_EQ(doc["width"], 640);
        EXPECT_EQ(doc["height"], 480);
        ASSERT_TRUE(doc["widgets"].is_array());
        const long frame = doc["frame"].get<long>();
        EXPECT_GE(frame, last_frame) << "frames went backwards";
        last_frame = frame;
        frames.insert(frame);
        std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
    EXPECT_EQ(reads, 200);
    EXPECT_GE(reads_while_running, 150)
        << "the terminal finished too early for the test to mean much";
    EXPECT_GE(frames.size(), 10u) << "the dump was hardly rewritten while being read";
    EXPECT_EQ(p.Wait(std::chrono::seconds(60)), 0) << ReadFile(k.root() / "err.txt");
    EXPECT_FALSE(fs::exists(k.layout_path().string() + ".tmp")) << "temp file left behind";
}

}  // namespace
}  // namespace gk::uitest
