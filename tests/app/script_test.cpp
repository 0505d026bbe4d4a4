// Parsing automation scripts: every step, and typos caught before anything runs.
#include "kiosk/app/script.h"

#include <gtest/gtest.h>

namespace gk {
namespace {

using K = ScriptStep::Kind;

TEST(Script, ParsesEveryStep) {
    auto s = ParseScript(
        "# a comment\n"
        "tap home.request\n"
        "\n"
        "tap_at 10 20.5\n"
        "drag 1 2 3 4\n"
        "type 路灯不亮 at gate 2\n"
        "key Return\n"
        "wait 1500\n"
        "expect_screen request.group\n"
        "expect_text 我要报事\n"
        "screenshot home\n"
        "quit\n");
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_EQ(s->size(), 10u);
    const auto& v = *s;
    EXPECT_EQ(v[0].kind, K::kTap);
    EXPECT_EQ(v[0].text, "home.request");
    EXPECT_EQ(v[0].line, 2);
    EXPECT_EQ(v[1].kind, K::kTapAt);
    EXPECT_FLOAT_EQ(v[1].numbers[1], 20.5f);
    EXPECT_EQ(v[2].kind, K::kDrag);
    EXPECT_FLOAT_EQ(v[2].numbers[3], 4.0f);
    EXPECT_EQ(v[3].kind, K::kType);
    EXPECT_EQ(v[3].text, "路灯不亮 at gate 2");
    EXPECT_EQ(v[4].text, "Return");
    EXPECT_FLOAT_EQ(v[5].numbers[0], 1500.0f);
    EXPECT_EQ(v[6].kind, K::kExpectScreen);
    EXPECT_EQ(v[7].kind, K::kExpectText);
    EXPECT_EQ(v[8].kind, K::kScreenshot);
    EXPECT_EQ(v[9].kind, K::kQuit);
    EXPECT_EQ(v[9].line, 12);
}

TEST(Script, TypeKeepsLeadingSpaces) {
    auto s = ParseScript("type   near gate\n");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ((*s)[0].text, "  near gate");
}

TEST(Script, ErrorsNameTheLine) {
    const char* bad[] = {"tap\n",           "tap_at 1\n",  "tap_at x y\n", "drag 1 2 3\n",
                         "wait -5\n",       "wait soon\n", "frobnicate\n", "screenshot ../escape\n",
                         "expect_screen\n", "type\n"};
    for (const char* text : bad) {
        const std::string script = std::string("quit\n") + text;
        auto s = ParseScript(script);
        ASSERT_FALSE(s.ok()) << text;
        EXPECT_EQ(s.error().message.rfind("script:2:", 0), 0u) << s.error().message;
    }
}

}  // namespace
}  // namespace gk
