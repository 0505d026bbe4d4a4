// Damage tracking draws only what changed since the last frame; what is on the screen must be
// exactly what drawing everything would give. The real terminal tours every screen (the
// request wizard with typed text, the receipt, tracking, a "coming soon" board, the idle
// countdown over a screen) twice from the same simulated start time: once as shipped, once with
// `[ui] damage_tracking = false` (every frame drawn in full); every screenshot must be identical
// to the pixel. In zh and en, landscape and portrait.
#include "kiosk_runner.h"

namespace gk::uitest {
namespace {

// Every screen once, in the language the session is in; shots are named NAME_SUFFIX. Each
// screenshot is taken after the screen has settled, drawn on top of the previous screen's
// pixels: the damaged pieces are what make it. Ends on the attract screen (a new session).
std::string Tour(const std::string& sfx, bool english) {
    const auto shot = [&](const char* name) { return "screenshot " + std::string(name) + sfx; };
    std::string s = Steps({shot("attract"), "tap attract.start"});
    if (english) s += Steps({"tap common.lang", "expect_text Make a request"});
    s += Steps({
        shot("home"),
        "tap home.request",
        shot("group"),
        "tap request.group.repair",
        shot("service"),
        "tap request.service.repair.streetlight",
        english ? "type Lamp out by gate 5 路灯" : "type 路灯不亮 near gate 2",
        shot("details"),
        "tap request.next",
        english ? "type 5号楼" : "type 3号楼",  // not a duplicate of the first
        shot("location"),
        "tap request.next",
        "type 13800138000",
        shot("contact"),
        "tap request.next",
        "tap request.consent",
        shot("review"),
        "tap request.submit",
        "expect_screen receipt",
        shot("receipt"),
        "tap receipt.done",
        "tap attract.start",
    });
    if (english) s += Steps({"tap common.lang"});
    s += Steps({
        "tap home.track",
        shot("track"),
        "tap common.back",
        "tap home.projects",
        shot("coming_soon"),
        "tap common.back",
        "wait 80000",
        shot("countdown"),
        "wait 20000",
        "expect_screen attract",
    });
    return s;
}

constexpr const char* kShots[] = {"attract", "home",     "group",       "service",
                                  "details", "location", "contact",     "review",
                                  "receipt", "track",    "coming_soon", "countdown"};

// Both languages in one run (zh, then en after the session wipe).
void ExpectSameScreens(const std::string& size) {
    SCOPED_TRACE(size);
    Kiosk tracked, full;
    full.WriteConfig(kTestTerminalToml + kTestServerToml + "[ui]\ndamage_tracking = false\n");
    RunOptions o = RunOptions().Window(size).Lang("zh");
    o.extra_args = {"--script-start", "1796263200"};  // 2026-12-03 10:40 +08:00
    // The same database in both (its receipt-code secret is made when it is created), so the
    // receipt's code and QR are the same too.
    const KioskRun init = tracked.Run(Steps({"quit"}), RunOptions().NoScreenshots());
    ASSERT_EQ(init.exit_code, 0) << init.Describe();
    for (const auto& entry : fs::directory_iterator(tracked.data_dir())) {
        if (entry.path().filename() == "gridkiosk.toml") continue;
        fs::copy(entry.path(), full.data_dir() / entry.path().filename(),
                 fs::copy_options::overwrite_existing | fs::copy_options::recursive);
    }
    const std::string tour = Tour("_zh", false) + Tour("_en", true) + Steps({"quit"});
    const KioskRun a = tracked.Run(tour, o);
    ASSERT_EQ(a.exit_code, 0) << a.Describe();
    const KioskRun b = full.Run(tour, o);
    ASSERT_EQ(b.exit_code, 0) << b.Describe();
    EXPECT_NE(b.stderr_text.find("damage_tracking=off"), std::string::npos) << b.stderr_text;

    for (const char* lang : {"_zh", "_en"}) {
        for (const char* screen : kShots) {
            const std::string name = std::string(screen) + lang;
            const Image x(tracked.shot(name)), y(full.shot(name));
            ASSERT_TRUE(x.ok() && y.ok()) << name;
            ASSERT_EQ(x.width(), y.width());
            ASSERT_EQ(x.height(), y.height());
            long differ = 0;
            for (int py = 0; py < x.height(); ++py)
                for (int px = 0; px < x.width(); ++px)
                    differ += !x.At(px, py).Near(y.At(px, py), 0);
            EXPECT_EQ(differ, 0) << name << ": pixels that differ from a full redraw";
        }
    }
}

TEST(DamageTracking, EveryScreenInBothLanguagesMatchesAFullRedrawLandscape) {
    ExpectSameScreens("1920x1080");
}
TEST(DamageTracking, EveryScreenInBothLanguagesMatchesAFullRedrawPortrait) {
    ExpectSameScreens("1080x1920");
}

}  // namespace
}  // namespace gk::uitest
