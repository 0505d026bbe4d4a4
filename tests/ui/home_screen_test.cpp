// The shell: attract → home → every area and back, the home tiles' geometry in both
// languages and both orientations, and what the pixels of the home and attract screens show.
#include <set>

#include "kiosk_runner.h"

namespace gk::uitest {
namespace {

const char* const kTiles[] = {"home.request",      "home.track",    "home.disclosure",
                              "home.deliberation", "home.projects", "home.grid"};

const Rgb kThemeRed = Hex(0xA31A1D);  // Theme::header

const std::string kHomeShot = Steps({
    "expect_screen attract",
    "screenshot attract",
    "tap attract.start",
    "expect_screen home",
    "screenshot home",
    "quit",
});

bool HasCjk(const std::string& s) {
    const auto cps = DecodeUtf8(s);
    if (!cps) return false;
    for (char32_t c : *cps) {
        if (c >= 0x3000 && c <= 0x9FFF) return true;
    }
    return false;
}

// Every widget lies inside the window, and the six tiles are big and apart.
void ExpectHomeGeometry(const KioskRun& run, int width, int height) {
    ASSERT_EQ(run.screen(), "home") << run.Describe();
    EXPECT_EQ(run.layout.value("width", 0), width);
    EXPECT_EQ(run.layout.value("height", 0), height);
    for (const Json& w : run.layout["widgets"]) {
        const Box b = BoxOf(w);
        EXPECT_GE(b.x, 0) << w.dump();
        EXPECT_GE(b.y, 0) << w.dump();
        EXPECT_LE(b.x + b.w, width) << w.dump();
        EXPECT_LE(b.y + b.h, height) << w.dump();
        EXPECT_GT(b.w, 0) << w.dump();
        EXPECT_GT(b.h, 0) << w.dump();
    }
    std::vector<Box> boxes;
    for (const char* id : kTiles) {
        const Json* w = run.widget(id);
        ASSERT_NE(w, nullptr) << "no " << id << " in " << run.layout.dump();
        EXPECT_TRUE(w->value("enabled", false)) << id;
        const Box b = BoxOf(*w);
        EXPECT_GE(b.h, 60) << id << " is too low to touch";
        EXPECT_GE(b.w, 60) << id << " is too narrow to touch";
        boxes.push_back(b);
    }
    // Nothing tappable on the home screen overlaps anything else.
    const Json& all = run.layout["widgets"];
    for (size_t i = 0; i < all.size(); ++i) {
        for (size_t j = i + 1; j < all.size(); ++j) {
            EXPECT_FALSE(BoxOf(all[i]).Overlaps(BoxOf(all[j])))
                << all[i].dump() << " overlaps " << all[j].dump();
        }
    }
}

// The tile's card has dark text on white inside it (its title and line of explanation).
void ExpectTileHasText(const Image& img, const Box& tile, const std::string& id) {
    const Box inner{tile.x + 30, tile.y + 10, tile.w - 40, tile.h - 20};  // past the accent band
    const long area = img.Area(inner);
    const long white =
        img.Count(inner, [](Rgb c) { return c.r >= 250 && c.g >= 250 && c.b >= 250; });
    const long dark = img.Count(inner, [](Rgb c) { return c.Luma() < 90; });
    EXPECT_GT(white, area / 2) << id << ": the card is not white";
    EXPECT_GT(dark, 300) << id << ": no text drawn on the tile";
    const Rgb bg = img.Dominant(inner);
    EXPECT_GE(Contrast(bg, img.MostDifferent(inner, bg)), 4.5) << id;
}

// A disabled tile's reason: dark words on the tile, at a readable contrast.
void ExpectReasonOnTile(const Image& img, const Box& tile) {
    const Box inner{tile.x + 30, tile.y + 10, tile.w - 40, tile.h - 20};
    EXPECT_GT(img.Count(inner, [](Rgb c) { return c.Luma() < 90; }), 300) << "no reason drawn";
    const Rgb bg = img.Dominant(inner);
    EXPECT_GE(Contrast(bg, img.MostDifferent(inner, bg)), 4.5);
}

TEST(Shell, EveryHomeTileOpensItsScreenAndBackHomeReturn) {
    Kiosk k;
    std::string s = Steps({"expect_screen attract"}) + kStart;
    const std::pair<const char*, const char*> areas[] = {
        {"home.request", "request.group"}, {"home.track", "track"},
        {"home.disclosure", "disclosure"}, {"home.deliberation", "deliberation"},
        {"home.projects", "projects"},     {"home.grid", "grid"},
    };
    bool use_back = true;
    for (const auto& [tile, screen] : areas) {
        s += Steps({std::string("tap ") + tile, std::string("expect_screen ") + screen,
                    use_back ? "tap common.back" : "tap common.home", "expect_screen home"});
        use_back = !use_back;
    }
    s += Steps({"tap home.exit", "expect_screen attract", "quit"});
    const KioskRun run = k.Run(s, RunOptions().Window("1280x720"));
    EXPECT_EQ(run.exit_code, 0) << run.Describe();
    EXPECT_EQ(run.screen(), "attract");
}

// The tests above and below trust exit 0; make sure a wrong expectation really fails.
TEST(Shell, FailedExpectationsExitOneNamingTheLine) {
    Kiosk k;
    const KioskRun wrong_screen = k.Run(Steps({"tap attract.start", "expect_screen track", "quit"}),
                                        RunOptions().Window("640x480"));
    EXPECT_EQ(wrong_screen.exit_code, 1) << wrong_screen.Describe();
    EXPECT_NE(wrong_screen.stderr_text.find("script:2:"), std::string::npos)
        << wrong_screen.stderr_text;

    const KioskRun wrong_text =
        k.Run(Steps({"tap attract.start", "", "# comment", "expect_text no such words", "quit"}),
              RunOptions().Window("640x480"));
    EXPECT_EQ(wrong_text.exit_code, 1) << wrong_text.Describe();
    EXPECT_NE(wrong_text.stderr_text.find("script:4:"), std::string::npos)
        << wrong_text.stderr_text;

    const KioskRun no_widget =
        k.Run(Steps({"tap home.request", "quit"}), RunOptions().Window("640x480"));
    EXPECT_EQ(no_widget.exit_code, 1) << no_widget.Describe();
    EXPECT_NE(no_widget.stderr_text.find("script:1:"), std::string::npos) << no_widget.stderr_text;
}

TEST(Shell, HomeTilesAreLargeApartAndTranslated) {
    Kiosk k;
    const KioskRun zh = k.Run(kStart + Steps({"quit"}), RunOptions().NoScreenshots());
    ASSERT_EQ(zh.exit_code, 0) << zh.Describe();
    ExpectHomeGeometry(zh, 1920, 1080);
    const KioskRun en = k.Run(kStart + Steps({"quit"}), RunOptions().Lang("en").NoScreenshots());
    ASSERT_EQ(en.exit_code, 0) << en.Describe();
    ExpectHomeGeometry(en, 1920, 1080);

    for (const char* id : kTiles) {
        const Json* z = zh.widget(id);
        const Json* e = en.widget(id);
        ASSERT_TRUE(z && e) << id;
        EXPECT_EQ(z->value("label", ""), Text("zh", id));
        EXPECT_EQ(e->value("label", ""), Text("en", id));
        EXPECT_NE(z->value("label", ""), e->value("label", "")) << id;
        EXPECT_TRUE(HasCjk(z->value("label", ""))) << id;
        EXPECT_FALSE(HasCjk(e->value("label", "")))
            << id << " is not English: " << e->value("label", "");
    }
    // The same ids in both languages: automation does not depend on the language.
    std::set<std::string> zh_ids, en_ids;
    for (const Json& w : zh.layout["widgets"]) zh_ids.insert(w.value("id", ""));
    for (const Json& w : en.layout["widgets"]) en_ids.insert(w.value("id", ""));
    EXPECT_EQ(zh_ids, en_ids);
}

TEST(Shell, PortraitHomeTilesFitWithoutOverlap) {
    Kiosk k;
    const KioskRun run = k.Run(kStart + Steps({"screenshot home_portrait", "quit"}),
                               RunOptions().Window("1080x1920"));
    ASSERT_EQ(run.exit_code, 0) << run.Describe();
    ExpectHomeGeometry(run, 1080, 1920);
    const Image img(k.shot("home_portrait"));
    ASSERT_TRUE(img.ok());
    ASSERT_EQ(img.width(), 1080);
    ASSERT_EQ(img.height(), 1920);
    for (const char* id : kTiles) ExpectTileHasText(img, BoxOf(*run.widget(id)), id);
}

TEST(Pixels, HomeTilesShowTextUnderTheRedHeader) {
    Kiosk k;
    const KioskRun run = k.Run(kHomeShot);
    ASSERT_EQ(run.exit_code, 0) << run.Describe();
    const Image img(k.shot("home"));
    ASSERT_TRUE(img.ok());
    ASSERT_EQ(img.width(), 1920);
    ASSERT_EQ(img.height(), 1080);

    for (const char* id : kTiles) {
        const Json* w = run.widget(id);
        ASSERT_NE(w, nullptr) << id;
        ExpectTileHasText(img, BoxOf(*w), id);
    }
    // Header: the theme's red across the top, white words on it; the page below is not red.
    const Box header{0, 0, 1920, 118};
    const long red = img.Count(header, [](Rgb c) { return c.Near(kThemeRed); });
    EXPECT_GT(red, img.Area(header) * 7 / 10) << "header is not the theme red";
    EXPECT_TRUE(img.At(4, 4).Near(kThemeRed));
    const Box title{0, 0, 700, 118};
    EXPECT_GT(img.Count(title, [](Rgb c) { return c.r > 245 && c.g > 245 && c.b > 245; }), 300)
        << "no title";
    EXPECT_GE(Contrast(kThemeRed, img.MostDifferent(title, kThemeRed)), 4.5);
    EXPECT_FALSE(img.At(4, 130).Near(kThemeRed, 20)) << "red runs past the header";

    // The help line (muted text on the page) and the buttons keep a readable contrast.
    const Json* exit = run.widget("home.exit");
    ASSERT_NE(exit, nullptr);
    const Box exit_box = BoxOf(*exit);
    const Box help{40, exit_box.y, exit_box.x - 80, exit_box.h};
    const Rgb help_bg = img.Dominant(help);
    EXPECT_GT(img.Count(help, [&](Rgb c) { return !c.Near(help_bg, 30); }), 200) << "no help text";
    EXPECT_GE(Contrast(help_bg, img.MostDifferent(help, help_bg)), 4.5) << "help text";
    for (const char* id : {"home.exit", "common.lang"}) {
        const Box b = BoxOf(*run.widget(id));
        const Box inner{b.x + 8, b.y + 8, b.w - 16, b.h - 16};
        const Rgb bg = img.Dominant(inner);
        EXPECT_GE(Contrast(bg, img.MostDifferent(inner, bg)), 4.5) << id;
    }
}

TEST(Pixels, AttractIsWhiteTextOnRed) {
    Kiosk k;
    const KioskRun run = k.Run(kHomeShot, RunOptions().NoLayoutDump());
    ASSERT_EQ(run.exit_code, 0) << run.Describe();
    const Image img(k.shot("attract"));
    ASSERT_TRUE(img.ok());
    // The upper half carries the name, community, time and offers: white on the theme red.
    const Box upper{0, 0, 1920, 560};
    const long area = img.Area(upper);
    const long red = img.Count(upper, [](Rgb c) { return c.Near(kThemeRed); });
    const long white = img.Count(upper, [](Rgb c) { return c.r > 245 && c.g > 245 && c.b > 245; });
    EXPECT_GT(red, area * 85 / 100) << "background is not the theme red";
    EXPECT_GT(white, 3000) << "no white text";
    const long other = img.Count(upper, [](Rgb c) {
        // Anti-aliased glyph edges lie between red and white; anything else is a wrong colour.
        return !(c.r >= 0x9E && c.g >= 0x15 && c.b >= 0x18 && c.g - c.b < 12 && c.g <= c.r &&
                 c.b <= c.r);
    });
    EXPECT_LT(other, area / 1000) << "colours other than red and white";
    EXPECT_GE(Contrast(kThemeRed, img.MostDifferent(upper, kThemeRed)), 4.5);
    // The bottom band: a white pill with the red "touch to start".
    const Box band{300, 800, 1320, 110};
    EXPECT_GT(img.Count(band, [](Rgb c) { return c.r > 245 && c.g > 245 && c.b > 245; }),
              img.Area(band) / 2);
    EXPECT_GT(img.Count(band, [](Rgb c) { return c.Near(kThemeRed, 10); }), 300)
        << "no red words in the band";
}

// A terminal without a number cannot file requests: home says so on the request tile, which
// is disabled, before any typing; the other areas stay open.
TEST(Shell, UnnumberedTerminalDisablesTheRequestTileWithTheReason) {
    Kiosk k;
    k.WriteConfig("[terminal]\ncommunity = \"书院门社区\"\n");
    const std::string reason = Text("zh", "error.not_provisioned");
    const KioskRun run =
        k.Run(kStart + Steps({"expect_text " + reason, "screenshot home_unnumbered", "quit"}));
    ASSERT_EQ(run.exit_code, 0) << run.Describe();
    const Json* request = run.widget("home.request");
    ASSERT_NE(request, nullptr) << run.layout.dump();
    EXPECT_FALSE(request->value("enabled", true)) << request->dump();
    for (const char* id : kTiles) {
        if (std::string(id) == "home.request") continue;
        const Json* w = run.widget(id);
        ASSERT_NE(w, nullptr) << id;
        EXPECT_TRUE(w->value("enabled", false)) << id;
    }
    // The reason is drawn on the tile itself, readable (dark on the page colour).
    const Image img(k.shot("home_unnumbered"));
    ASSERT_TRUE(img.ok());
    ExpectReasonOnTile(img, BoxOf(*request));

    // A tap on it does nothing: automation is told it is disabled, a resident stays on home.
    const KioskRun tap = k.Run(kStart + Steps({"tap home.request"}), RunOptions().NoScreenshots());
    EXPECT_EQ(tap.exit_code, 1) << tap.Describe();
    EXPECT_NE(tap.stderr_text.find("disabled"), std::string::npos) << tap.stderr_text;
    const KioskRun touch =
        k.Run(kStart + Steps({"tap_at " + std::to_string(int(BoxOf(*request).cx())) + " " +
                                  std::to_string(int(BoxOf(*request).cy())),
                              "expect_screen home", "quit"}),
              RunOptions().NoScreenshots());
    EXPECT_EQ(touch.exit_code, 0) << touch.Describe();
}

}  // namespace
}  // namespace gk::uitest
