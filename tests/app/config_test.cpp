// The terminal's TOML config: defaults, every key read, and bad values named by key.
#include "kiosk/app/config.h"

#include <gtest/gtest.h>

namespace gk {
namespace {

TEST(KioskConfig, EmptyFileGivesDefaults) {
    auto c = ParseKioskConfig("");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->idle_timeout_s, 90);
    EXPECT_EQ(c->countdown_s, 15);
    EXPECT_EQ(c->lang, "zh");
    EXPECT_TRUE(c->server_url.empty());
}

// A deployed terminal must not inherit demo values: no localhost tracking link (a QR no phone
// can open) and no demo grid to file requests under.
TEST(KioskConfig, DefaultsCarryNoDemoValues) {
    auto c = ParseKioskConfig("");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->public_url, "") << "no demo tracking URL";
    EXPECT_EQ(c->grid_path, "") << "no demo grid";
    EXPECT_EQ(c->community, "") << "no demo hall name";
    EXPECT_EQ(c->grid_name, "");
    EXPECT_FALSE(c->allow_insecure_http);
}

TEST(KioskConfig, HallNamesComeFromTheGridPathUnlessConfigured) {
    KioskConfig c;
    c.grid_path = "西安市/碑林区/长安路街道/书院门社区/第三网格";
    FillPlaceNamesFromGrid(c);
    EXPECT_EQ(c.community, "书院门社区");
    EXPECT_EQ(c.grid_name, "第三网格");
    EXPECT_EQ(PlaceLine(c.community, c.grid_name), "书院门社区 · 第三网格");

    KioskConfig named;
    named.grid_path = "a/b/c/d/e";
    named.community = "长乐坊社区";
    FillPlaceNamesFromGrid(named);
    EXPECT_EQ(named.community, "长乐坊社区") << "a configured name wins";
    EXPECT_EQ(named.grid_name, "e");

    KioskConfig none;
    FillPlaceNamesFromGrid(none);
    EXPECT_EQ(PlaceLine(none.community, none.grid_name), "") << "no stray separator";
}

// One rule (core/server_url.h): https:// anywhere, http:// only to loopback unless the
// operator says allow_insecure_http = true.
TEST(KioskConfig, HttpOffLoopbackNeedsAllowInsecureHttp) {
    for (const char* key : {"url", "public_url"}) {
        const std::string line = std::string("[server]\n") + key + " = \"http://gk.example.cn\"\n";
        auto refused = ParseKioskConfig(line);
        ASSERT_FALSE(refused.ok()) << key;
        EXPECT_NE(refused.error().message.find(std::string("server.") + key), std::string::npos)
            << refused.error().message;
        auto allowed = ParseKioskConfig(line + "allow_insecure_http = true\n");
        ASSERT_TRUE(allowed.ok()) << allowed.error().message;
        EXPECT_TRUE(allowed->allow_insecure_http);
    }
    auto loopback = ParseKioskConfig(
        "[server]\nurl = \"http://127.0.0.1:9000\"\npublic_url = \"http://[::1]:8080/\"\n");
    ASSERT_TRUE(loopback.ok()) << loopback.error().message;
    EXPECT_EQ(loopback->public_url, "http://[::1]:8080");
    auto bad = ParseKioskConfig("[server]\nallow_insecure_http = \"yes\"\n");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("server.allow_insecure_http"), std::string::npos);
}

TEST(KioskConfig, ReadsEveryKey) {
    auto c = ParseKioskConfig(R"(
[terminal]
community = "书院门社区"
grid_name = "第五网格"
grid_path = "西安市/碑林区/长安路街道/书院门社区/第五网格"
number = 42
[ui]
lang = "en"
idle_timeout_s = 120
countdown_s = 20
receipt_timeout_s = 45
renderer = "software"
[server]
url = "http://127.0.0.1:9000"
public_url = "https://gk.example.cn/"
[store]
max_queue = 500
duplicate_hint_days = 7
)");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->grid_name, "第五网格");
    EXPECT_EQ(c->terminal_number, 42);
    EXPECT_EQ(c->lang, "en");
    EXPECT_EQ(c->idle_timeout_s, 120);
    EXPECT_EQ(c->countdown_s, 20);
    EXPECT_EQ(c->receipt_timeout_s, 45);
    EXPECT_EQ(c->renderer, "software");
    EXPECT_EQ(c->server_url, "http://127.0.0.1:9000");
    EXPECT_EQ(c->public_url, "https://gk.example.cn");  // trailing slash dropped
    EXPECT_EQ(c->max_queue, 500);
    EXPECT_EQ(c->duplicate_hint_days, 7);
}

struct BadCase {
    const char* toml;
    const char* names;  // what the one-line message must mention
};

TEST(KioskConfig, BadValuesNameTheKey) {
    const BadCase cases[] = {
        {"[ui]\nidle_timeout_s = \"x\"\n", "ui.idle_timeout_s"},
        {"[ui]\nidle_timeout_s = 5\n", "ui.idle_timeout_s"},
        {"[ui]\nlang = \"fr\"\n", "ui.lang"},
        {"[ui]\nrenderer = \"gpu\"\n", "ui.renderer"},
        {"[ui]\nfont = \"/nonexistent/font.ttc\"\n", "ui.font"},
        {"[ui]\nidle_timeout_s = 30\ncountdown_s = 40\n", "ui.countdown_s"},
        {"[server]\nurl = \"ftp://x\"\n", "server.url"},
        {"[server]\npublic_url = 3\n", "server.public_url"},
        {"[store]\nmax_queue = -1\n", "store.max_queue"},
        {"[terminal]\nnumber = 2000000\n", "terminal.number"},
        {"[terminal]\ncolour = \"red\"\n", "terminal.colour"},
        {"[screen]\n", "screen"},
        {"ui = 3\n", "ui"},
        {"[ui\n", "line 1"},
    };
    for (const auto& c : cases) {
        auto r = ParseKioskConfig(c.toml);
        ASSERT_FALSE(r.ok()) << c.toml;
        EXPECT_EQ(r.error().code, "config");
        EXPECT_NE(r.error().message.find(c.names), std::string::npos) << r.error().message;
        EXPECT_EQ(r.error().message.find('\n'), std::string::npos)
            << "one line: " << r.error().message;
    }
}

TEST(KioskConfig, MissingFileIsDefaultsUnlessRequired) {
    EXPECT_TRUE(LoadKioskConfig("/nonexistent/gridkiosk.toml", false).ok());
    auto r = LoadKioskConfig("/nonexistent/gridkiosk.toml", true);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("/nonexistent/gridkiosk.toml"), std::string::npos);
}

}  // namespace
}  // namespace gk
