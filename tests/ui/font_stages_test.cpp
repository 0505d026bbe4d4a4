// The first font atlas holds only what the attract screen draws (platform/fonts.h); every
// other screen must be drawn only once the texts' glyphs are in. Each run stops on one screen
// (the layout dump is the last frame's, and in a scripted run the atlas a screen is first drawn
// with is the one it keeps), in Chinese and in English, and finds no character drawn as the
// font's fallback box. The attract screen's own runs check the first atlas itself.
#include "kiosk_runner.h"

namespace gk::uitest {
namespace {

struct Stop {
    std::string screen;
    std::string steps;  // from the attract screen
};

std::vector<Stop> Stops() {
    WizardInput review;
    review.submit = false;
    return {
        {"attract", Steps({"expect_screen attract"})},
        {"home", kStart},
        {"request.group", kStart + Steps({"tap home.request", "expect_screen request.group"})},
        {"request.review", kStart + WizardSteps(review)},
        {"receipt", kStart + WizardSteps(WizardInput{})},
        {"track", kStart + Steps({"tap home.track", "expect_screen track"})},
    };
}

void ExpectEveryScreenDrawsEveryGlyph(const std::string& lang) {
    for (const Stop& stop : Stops()) {
        Kiosk k;
        const KioskRun run =
            k.Run(stop.steps + Steps({"quit"}), RunOptions().Lang(lang).NoScreenshots());
        ASSERT_EQ(run.exit_code, 0) << lang << " " << stop.screen << ": " << run.Describe();
        ASSERT_EQ(run.screen(), stop.screen);
        ASSERT_TRUE(run.layout.is_object() && run.layout.contains("missing_glyphs"))
            << run.layout.dump();
        EXPECT_TRUE(run.layout["missing_glyphs"].empty())
            << lang << " " << stop.screen << " draws fallback boxes for "
            << run.layout["missing_glyphs"].dump();
    }
}

TEST(FontStages, EveryScreenInChineseDrawsEveryGlyph) { ExpectEveryScreenDrawsEveryGlyph("zh"); }

TEST(FontStages, EveryScreenInEnglishDrawsEveryGlyph) { ExpectEveryScreenDrawsEveryGlyph("en"); }

}  // namespace
}  // namespace gk::uitest
