// Damage tracking draws only what changed since the last frame; what is on the screen must be
// exactly what drawing everything would give. The real terminal tours every screen (the
// request wizard with typed text, the receipt, tracking, a "coming soon" board, the idle
// countdown over a screen) twice from the same simulated start time: once as shipped, once with
// `[ui] damage_tracking = false` (every frame drawn in full); every screenshot must be identical
// to the pixel. In zh and en, landscape and portrait.
#include "kiosk_runner.h"

namespace gk::uitest {
namespace {

// Each screenshot is taken after the screen has settled, drawn on top of the previous screen's
// pixels: the damaged pieces are what make it.
std::string Tour() {
    return Steps({
        "screenshot attract",
        "tap attract.start",
        "screenshot home",
        "tap home.request",
        "screenshot group",
        "tap request.group.repair",
        "screenshot service",
        "tap request.service.repair.streetlight",
        "type 路灯不亮 near gate 2",
        "screenshot details",
        "tap request.next",
        "type 3号楼",
        "screenshot location",
        "tap request.next",
        "type 13800138000",
        "screenshot contact",
        "tap request.next",
        "tap request.consent",
        "screenshot review",
        "tap request.submit",
        "expect_screen receipt",
        "screenshot receipt",
        "tap receipt.done",
        "tap attract.start",
        "tap home.track",
        "screenshot track",
        "tap common.back",
        "tap home.projects",
        "screenshot coming_soon",
        "tap common.back",
        "wait 80000",
        "screenshot countdown",
        "quit",
    });
}

constexpr const char* kShots[] = {"attract", "home",     "group",       "service",
                                  "details", "location", "contact",     "review",
                                  "receipt", "track",    "coming_soon", "countdown"};

void ExpectSameScreens(const std::string& size, const std::string& lang) {
    SCOPED_TRACE(size + " " + lang);
    Kiosk tracked, full;
    full.WriteConfig(kTestTerminalToml + kTestServerToml + "[ui]\ndamage_tracking = false\n");
    RunOptions o = RunOptions().Window(size).Lang(lang);
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
    const KioskRun a = tracked.Run(Tour(), o);
    ASSERT_EQ(a.exit_code, 0) << a.Describe();
    const KioskRun b = full.Run(Tour(), o);
    ASSERT_EQ(b.exit_code, 0) << b.Describe();
    EXPECT_NE(b.stderr_text.find("damage_tracking=off"), std::string::npos) << b.stderr_text;

    for (const char* name : kShots) {
        const Image x(tracked.shot(name)), y(full.shot(name));
        ASSERT_TRUE(x.ok() && y.ok()) << name;
        ASSERT_EQ(x.width(), y.width());
        ASSERT_EQ(x.height(), y.height());
        long differ = 0;
        for (int py = 0; py < x.height(); ++py)
            for (int px = 0; px < x.width(); ++px) differ += !x.At(px, py).Near(y.At(px, py), 0);
        EXPECT_EQ(differ, 0) << name << ": pixels that differ from a full redraw";
    }
}

TEST(DamageTracking, EveryScreenMatchesAFullRedrawLandscapeZh) {
    ExpectSameScreens("1920x1080", "zh");
}
TEST(DamageTracking, EveryScreenMatchesAFullRedrawLandscapeEn) {
    ExpectSameScreens("1920x1080", "en");
}
TEST(DamageTracking, EveryScreenMatchesAFullRedrawPortraitZh) {
    ExpectSameScreens("1080x1920", "zh");
}
TEST(DamageTracking, EveryScreenMatchesAFullRedrawPortraitEn) {
    ExpectSameScreens("1080x1920", "en");
}

}  // namespace
}  // namespace gk::uitest
