// The idle timer (DESIGN.md §4): a visible countdown in the last seconds, a big "I need more
// time" button, the wipe at the timeout, and the receipt screen's own shorter timeout.
// Script time is simulated, so these minutes take a moment.
#include "kiosk_runner.h"

namespace gk::uitest {
namespace {

const Rgb kThemeRed = Hex(0xA31A1D);

// The countdown dims everything under it: the header's red gets much darker.
bool Dimmed(const Image& img) {
    const Rgb c = img.At(4, 4);
    return c.r < kThemeRed.r * 7 / 10 && !c.Near(kThemeRed, 10);
}

TEST(Idle, CountdownThenWipeToAttract) {
    Kiosk k;
    const std::string s =
        kStart + Steps({
                     "wait 74000",
                     "expect_screen home",
                     "screenshot at_74s",
                     "wait 2000",
                     "expect_screen home",
                     "expect_text " + Text("zh", "idle.more_time"),
                     // 90 s timeout, input 76.05 s ago: 13.95 s left, shown as 14.
                     "expect_text " + Text("zh", "idle.message", {{"seconds", "14"}}),
                     "screenshot at_76s",
                     "wait 13900",  // 89.95 s: still counting
                     "expect_screen home",
                     "expect_text " + Text("zh", "idle.message", {{"seconds", "1"}}),
                     "wait 200",  // 90.15 s: wiped
                     "expect_screen attract",
                     "quit",
                 });
    const KioskRun run = k.Run(s, RunOptions().Window("1280x720"));
    ASSERT_EQ(run.exit_code, 0) << run.Describe();
    EXPECT_EQ(run.screen(), "attract");
    EXPECT_EQ(run.widget("idle.more_time"), nullptr);
    const Image before(k.shot("at_74s")), during(k.shot("at_76s"));
    ASSERT_TRUE(before.ok() && during.ok());
    EXPECT_FALSE(Dimmed(before)) << "countdown shown before the last 15 s";
    EXPECT_TRUE(Dimmed(during)) << "no countdown overlay in the last 15 s";
}

TEST(Idle, MoreTimeKeepsTheSession) {
    Kiosk k;
    const std::string more_time = Text("zh", "idle.more_time");
    const std::string s = kStart + Steps({
                                       "wait 76000",
                                       "expect_text " + more_time,
                                       "tap idle.more_time",
                                       "expect_screen home",
                                       "wait 30000",
                                       "expect_screen home",
                                       "screenshot after_more_time",
                                       "wait 58000",  // 88 s after the tap: counting down again
                                       "expect_screen home",
                                       "expect_text " + more_time,
                                       "wait 3000",  // 91 s: wiped
                                       "expect_screen attract",
                                       "quit",
                                   });
    const KioskRun run = k.Run(s, RunOptions().Window("1280x720"));
    ASSERT_EQ(run.exit_code, 0) << run.Describe();
    const Image after(k.shot("after_more_time"));
    ASSERT_TRUE(after.ok());
    EXPECT_FALSE(Dimmed(after)) << "countdown still shown after \"more time\"";
}

TEST(Idle, CountdownHidesEverythingButMoreTime) {
    Kiosk k;
    const KioskRun run = k.Run(kStart + Steps({"wait 80000", "quit"}),
                               RunOptions().Window("1280x720").NoScreenshots());
    ASSERT_EQ(run.exit_code, 0) << run.Describe();
    ASSERT_EQ(run.screen(), "home");
    const Json* more = run.widget("idle.more_time");
    ASSERT_NE(more, nullptr) << run.layout.dump();
    EXPECT_TRUE(more->value("enabled", false));
    EXPECT_GE(BoxOf(*more).h, 60);
    for (const Json& w : run.layout["widgets"]) {
        if (w.value("id", "") != "idle.more_time") {
            EXPECT_FALSE(w.value("enabled", true)) << w.dump();
        }
    }
}

TEST(Idle, ConfiguredTimeoutsApply) {
    Kiosk k;
    k.WriteConfig(kTestTerminalToml + "[ui]\nidle_timeout_s = 30\ncountdown_s = 10\n");
    const std::string s = kStart + Steps({
                                       "tap home.track",
                                       "wait 19000",
                                       "screenshot at_19s",
                                       "wait 2000",
                                       "expect_text " + Text("zh", "idle.more_time"),
                                       "wait 9500",
                                       "expect_screen attract",
                                       "quit",
                                   });
    const KioskRun run = k.Run(s, RunOptions().Window("1280x720"));
    ASSERT_EQ(run.exit_code, 0) << run.Describe();
    const Image at19(k.shot("at_19s"));
    ASSERT_TRUE(at19.ok());
    EXPECT_FALSE(Dimmed(at19));
}

TEST(Idle, ReceiptScreenTimesOutOnItsOwnTimer) {
    Kiosk k;
    const std::string more_time = Text("zh", "idle.more_time");
    const std::string s = kStart + WizardSteps({}) +
                          Steps({
                              "wait 44000",
                              "expect_screen receipt",
                              "screenshot receipt_44s",
                              "wait 2000",  // 46 s of the receipt's 60: counting down
                              "expect_text " + more_time,
                              "wait 13000",
                              "expect_screen receipt",
                              "wait 2000",  // 61 s: gone, well before the 90 s idle timeout
                              "expect_screen attract",
                              "quit",
                          });
    const KioskRun run = k.Run(s, RunOptions().Window("1280x720"));
    ASSERT_EQ(run.exit_code, 0) << run.Describe();
    const Image at44(k.shot("receipt_44s"));
    ASSERT_TRUE(at44.ok());
    EXPECT_FALSE(Dimmed(at44));
    // The wipe ends the session only: the request itself stays queued.
    Db db(k.db_path());
    ASSERT_TRUE(db.ok()) << db.error();
    EXPECT_EQ(db.Int("SELECT count(*) FROM requests"), 1);
}

}  // namespace
}  // namespace gk::uitest
