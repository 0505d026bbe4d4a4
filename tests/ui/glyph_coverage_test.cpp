// Every character the screens draw is in the font atlas: the layout dump lists the characters
// drawn as the font's fallback box ("missing_glyphs"). The hall's names come from the config
// and reach the atlas only through the texts the terminal hands the font library, so a name
// lost on the way (a view into a dead temporary) shows up here as "??门社区".
#include "kiosk_runner.h"

namespace gk::uitest {
namespace {

std::string MissingGlyphs(const KioskRun& run) {
    if (!run.layout.is_object() || !run.layout.contains("missing_glyphs")) return "<no field>";
    return run.layout["missing_glyphs"].dump();
}

void ExpectNothingMissing(const KioskRun& run, const std::string& where) {
    ASSERT_TRUE(run.layout.is_object()) << where << ": " << run.Describe();
    ASSERT_TRUE(run.layout.contains("missing_glyphs")) << run.layout.dump();
    EXPECT_TRUE(run.layout["missing_glyphs"].empty())
        << where << " draws fallback boxes for " << MissingGlyphs(run);
}

// The default hall (书院门社区 · 第三网格): "书院" are in no UI text, only in the config, and the
// attract screen draws the name in the title size, which holds only the texts given to it.
TEST(Glyphs, AttractAndHomeDrawTheDefaultCommunityName) {
    Kiosk k;
    const KioskRun attract =
        k.Run(Steps({"expect_screen attract", "expect_text 书院门社区", "quit"}),
              RunOptions().NoScreenshots());
    ASSERT_EQ(attract.exit_code, 0) << attract.Describe();
    ExpectNothingMissing(attract, "attract");

    const KioskRun home = k.Run(kStart + Steps({"expect_text 书院门社区", "quit"}),
                                RunOptions().Lang("en").NoScreenshots());
    ASSERT_EQ(home.exit_code, 0) << home.Describe();
    ExpectNothingMissing(home, "home (en)");
}

// Names outside GB2312 (䶮 U+4DAE, 喆 U+5586) are drawn only because the config's texts reach
// the atlas; the pixels of the name differ from the same line drawn with "?" in their place.
TEST(Glyphs, ConfiguredNamesOutsideGb2312AreInTheAtlas) {
    Kiosk k;
    k.WriteConfig("[terminal]\nnumber = 7\ncommunity = \"䶮喆社区\"\ngrid_name = \"喆园网格\"\n");
    const KioskRun run =
        k.Run(Steps({"expect_text 䶮喆社区 · 喆园网格", "screenshot named", "quit"}));
    ASSERT_EQ(run.exit_code, 0) << run.Describe();
    ExpectNothingMissing(run, "attract");

    Kiosk boxes;
    boxes.WriteConfig("[terminal]\nnumber = 7\ncommunity = \"??社区\"\ngrid_name = \"?园网格\"\n");
    const KioskRun fallback = boxes.Run(Steps({"screenshot named", "quit"}));
    ASSERT_EQ(fallback.exit_code, 0) << fallback.Describe();

    const Image named(k.shot("named")), question(boxes.shot("named"));
    ASSERT_TRUE(named.ok() && question.ok());
    ASSERT_EQ(named.width(), question.width());
    // The name line sits under the app name in the upper third; count differing pixels there.
    long differ = 0;
    for (int y = 0; y < named.height() / 2; ++y) {
        for (int x = 0; x < named.width(); ++x) {
            if (!named.At(x, y).Near(question.At(x, y), 8)) ++differ;
        }
    }
    EXPECT_GT(differ, 500) << "the configured name looks like \"??社区\"";
}

}  // namespace
}  // namespace gk::uitest
