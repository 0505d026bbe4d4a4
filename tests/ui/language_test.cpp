// The language toggle: English on demand, and every wipe (idle timeout or "finish") brings the
// next resident back to Chinese.
#include "kiosk_runner.h"

namespace gk::uitest {
namespace {

TEST(Language, ToggleSwitchesToEnglishAndAWipeReturnsToChinese) {
    Kiosk k;
    const std::string s = kStart + Steps({
                                       "expect_text " + Text("zh", "home.request"),
                                       "tap common.lang",
                                       "expect_screen home",
                                       "expect_text Make a request",
                                       "expect_text " + Text("en", "common.switch_lang"),
                                       // The language holds across the session's screens.
                                       "tap home.request",
                                       "expect_text " + Text("en", "request.group_prompt"),
                                       "tap common.home",
                                       // Idle wipe.
                                       "wait 91000",
                                       "expect_screen attract",
                                       "expect_text " + Text("zh", "attract.touch_to_start"),
                                       "tap attract.start",
                                       "expect_text " + Text("zh", "home.request"),
                                       // "Finish" wipes too.
                                       "tap common.lang",
                                       "expect_text Make a request",
                                       "tap home.exit",
                                       "expect_screen attract",
                                       "tap attract.start",
                                       "expect_screen home",
                                       "quit",
                                   });
    const KioskRun run = k.Run(s, RunOptions().Window("1280x720").NoScreenshots());
    ASSERT_EQ(run.exit_code, 0) << run.Describe();
    const Json* tile = run.widget("home.request");
    ASSERT_NE(tile, nullptr);
    EXPECT_EQ(tile->value("label", ""), Text("zh", "home.request"));
    EXPECT_EQ(run.widget("common.lang")->value("label", ""), Text("zh", "common.switch_lang"));
}

}  // namespace
}  // namespace gk::uitest
