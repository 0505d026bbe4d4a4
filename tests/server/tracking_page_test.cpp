// The tracking page /t/{code} on the real server: what it shows, what it never shows, the
// friendly page for unknown codes, the slowing down of repeated misses, and that its words come
// from the i18n catalogue of the assets folder (a server without one does not start).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/receipt_code.h"
#include "tests/server/test_records.h"
#include "tests/server/test_server.h"

namespace gk::test {
namespace {

using nlohmann::json;

TestServer::Options SmallLimits() {
    TestServer::Options o;
    o.config_toml =
        "[server]\ntrusted_proxies = [\"127.0.0.1\"]\n"
        "[tracking]\nmax_misses = 3\nwindow_seconds = 60\nblock_seconds = 30\n";
    return o;
}

class TrackingPageTest : public ::testing::Test {
  protected:
    TrackingPageTest() : server_(SmallLimits()) {}
    void SetUp() override { terminal_ = server_.Enroll("zjc-01"); }

    ServiceRequest Upload(uint32_t counter, int64_t created_at = NowSeconds()) {
        ServiceRequest r =
            MakeRequest(terminal_.terminal_number, counter, "repair.streetlight", created_at);
        auto res = server_.Client().Post("/api/v1/records", Bearer(terminal_.token),
                                         Batch({RequestRecord(r)}).dump(), "application/json");
        EXPECT_TRUE(res && res->status == 200);
        EXPECT_EQ(json::parse(res->body)["results"][0]["result"], "accepted") << res->body;
        return r;
    }
    httplib::Result Track(const std::string& code, const std::string& from = "198.51.100.1") {
        return server_.Client().Get("/t/" + code, {{"X-Forwarded-For", from}});
    }

    TestServer server_;
    Enrollment terminal_;
};

TEST_F(TrackingPageTest, ShowsCategoryStageAndHistoryButNeverDescriptionOrContact) {
    ServiceRequest r = Upload(0);
    auto cli = RunServerCli({"request", "set-stage", "--db", server_.db(), r.receipt_code,
                             "in_progress", "--note", "维修人员已到场 <b>", "--actor", "李师傅"});
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    auto res = Track(r.receipt_code);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    const std::string& html = res->body;
    EXPECT_NE(res->get_header_value("Content-Type").find("text/html"), std::string::npos);
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
    EXPECT_NE(html.find("lang=\"zh-CN\""), std::string::npos);
    EXPECT_NE(html.find("name=\"viewport\""), std::string::npos);
    EXPECT_NE(html.find("路灯不亮"), std::string::npos);          // category, zh
    EXPECT_NE(html.find("Street light out"), std::string::npos);  // and en
    EXPECT_NE(html.find("处置中"), std::string::npos);
    EXPECT_NE(html.find("In progress"), std::string::npos);
    EXPECT_NE(html.find("已受理"), std::string::npos);                    // history
    EXPECT_NE(html.find("维修人员已到场 &lt;b&gt;"), std::string::npos);  // notes escaped
    EXPECT_NE(html.find("预计办结"), std::string::npos);
    EXPECT_NE(html.find(FormatReceiptCode(r.receipt_code)), std::string::npos);
    EXPECT_EQ(html.find("Overdue"), std::string::npos);
    // Never the description, contact or the room inside the grid.
    EXPECT_EQ(html.find("SECRET-DESCRIPTION"), std::string::npos);
    EXPECT_EQ(html.find("路灯不亮，晚上很黑"), std::string::npos);
    EXPECT_EQ(html.find("13800138000"), std::string::npos);
    EXPECT_EQ(html.find("138****8000"), std::string::npos);
    EXPECT_EQ(html.find("王秘密"), std::string::npos);
    EXPECT_EQ(html.find("501"), std::string::npos);
}

TEST_F(TrackingPageTest, TypedFormsOfTheCodeWork) {
    ServiceRequest r = Upload(0);
    std::string typed = FormatReceiptCode(r.receipt_code);  // "ABCD EFGH …"
    for (auto& c : typed)
        c = c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto res = Track(typed);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    auto client = server_.Client();
    auto form = client.Get("/t?code=" + typed);
    ASSERT_TRUE(form);
    EXPECT_EQ(form->status, 303);
    EXPECT_EQ(form->get_header_value("Location"), "/t/" + r.receipt_code);
}

TEST_F(TrackingPageTest, OverdueRequestsSaySo) {
    ServiceRequest r = Upload(0, NowSeconds() - 10 * 86400);  // the streetlight SLA is 3 days
    auto res = Track(r.receipt_code);
    ASSERT_TRUE(res);
    EXPECT_NE(res->body.find("已超期"), std::string::npos);
    EXPECT_NE(res->body.find("Overdue"), std::string::npos);
}

TEST_F(TrackingPageTest, UnknownCodeGetsAFriendlyPage) {
    auto res = Track(MakeRequest(terminal_.terminal_number, 55).receipt_code);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404);
    EXPECT_NE(res->body.find("未找到"), std::string::npos);
    EXPECT_NE(res->body.find("not found"), std::string::npos);
    EXPECT_NE(res->body.find("<form"), std::string::npos);
    auto typo = Track("0000-0000-0000-0001");
    ASSERT_TRUE(typo);
    EXPECT_EQ(typo->status, 404);
}

TEST_F(TrackingPageTest, RepeatedMissesFromOneAddressAreSlowedDown) {
    ServiceRequest r = Upload(0);
    for (uint32_t i = 0; i < 3; ++i) {
        auto miss =
            Track(MakeRequest(terminal_.terminal_number, 100 + i).receipt_code, "203.0.113.9");
        ASSERT_TRUE(miss);
        EXPECT_EQ(miss->status, 404);
    }
    // Blocked now, even for a code that exists: walking is what is being stopped.
    auto blocked = Track(r.receipt_code, "203.0.113.9");
    ASSERT_TRUE(blocked);
    EXPECT_EQ(blocked->status, 429);
    EXPECT_FALSE(blocked->get_header_value("Retry-After").empty());
    EXPECT_GE(std::stoi(blocked->get_header_value("Retry-After")), 1);
    EXPECT_NE(blocked->body.find("Too many tries"), std::string::npos);
    // Open311 lookups by receipt code share the limit.
    auto open311 = server_.Client().Get("/open311/v2/requests/" + r.receipt_code + ".json",
                                        {{"X-Forwarded-For", "203.0.113.9"}});
    ASSERT_TRUE(open311);
    EXPECT_EQ(open311->status, 429);
    // Others are not affected.
    auto other = Track(r.receipt_code, "198.51.100.77");
    ASSERT_TRUE(other);
    EXPECT_EQ(other->status, 200);
}

// A code one typing slip away: the same code with another check character.
std::string WithWrongCheckCharacter(const std::string& code) {
    for (char c : std::string_view("0123456789ABCDEFGHJKMNPQRSTVWXYZ")) {
        std::string typo = code;
        typo.back() = c;
        auto n = NormaliseReceiptCode(typo);
        if (!n && n.error().code == "bad_check") return typo;
    }
    ADD_FAILURE() << "no wrong check character for " << code;
    return code;
}

TEST_F(TrackingPageTest, WrongCheckCharactersAreTyposNotMisses) {
    ServiceRequest r = Upload(0);
    const std::string typo = WithWrongCheckCharacter(r.receipt_code);
    for (int i = 0; i < 10; ++i) {
        auto res = Track(typo, "203.0.113.20");
        ASSERT_TRUE(res);
        EXPECT_EQ(res->status, 404) << "lookup " << i;
        EXPECT_NE(res->body.find("check"), std::string::npos);  // the typo hint
    }
    auto right = Track(r.receipt_code, "203.0.113.20");
    ASSERT_TRUE(right);
    EXPECT_EQ(right->status, 200) << "typos counted as misses";
}

TEST_F(TrackingPageTest, Open311LookupsWithAnApiKeyDoNotShareThePerAddressLimit) {
    ServiceRequest r = Upload(0);
    const std::string key = server_.ApiKey("city-dashboard");
    const auto open311 = [&](const std::string& code, const std::string& api_key) {
        return server_.Client().Get(
            "/open311/v2/requests/" + code + ".json" + (api_key.empty() ? "" : "?api_key=" + key),
            {{"X-Forwarded-For", "203.0.113.30"}});
    };
    // A key holder's misses are not counted against the address...
    for (uint32_t i = 0; i < 5; ++i) {
        auto miss = open311(MakeRequest(terminal_.terminal_number, 300 + i).receipt_code, key);
        ASSERT_TRUE(miss);
        EXPECT_EQ(miss->status, 404);
    }
    auto found = open311(r.receipt_code, key);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->status, 200) << found->body;
    // ...nor does an address blocked by the public's misses stop a key holder.
    for (uint32_t i = 0; i < 3; ++i)
        ASSERT_TRUE(
            Track(MakeRequest(terminal_.terminal_number, 400 + i).receipt_code, "203.0.113.30"));
    auto blocked = Track(r.receipt_code, "203.0.113.30");
    ASSERT_TRUE(blocked);
    EXPECT_EQ(blocked->status, 429);
    auto with_key = open311(r.receipt_code, key);
    ASSERT_TRUE(with_key);
    EXPECT_EQ(with_key->status, 200) << with_key->body;
    auto without_key = open311(r.receipt_code, "");
    ASSERT_TRUE(without_key);
    EXPECT_EQ(without_key->status, 429);
}

TEST_F(TrackingPageTest, AForgedLeftMostForwardedForDoesNotEscapeTheLimit) {
    // The client writes "X-Forwarded-For: <anything>"; our proxy (127.0.0.1 here) appends
    // the address it saw. A new forged address each time must not make a new client.
    ServiceRequest r = Upload(0);
    for (uint32_t i = 0; i < 3; ++i) {
        auto miss = server_.Client().Get(
            "/t/" + MakeRequest(terminal_.terminal_number, 500 + i).receipt_code,
            {{"X-Forwarded-For", "6.6.6." + std::to_string(i) + ", 203.0.113.40"}});
        ASSERT_TRUE(miss);
        EXPECT_EQ(miss->status, 404);
    }
    auto blocked = server_.Client().Get("/t/" + r.receipt_code,
                                        {{"X-Forwarded-For", "6.6.6.99, 203.0.113.40"}});
    ASSERT_TRUE(blocked);
    EXPECT_EQ(blocked->status, 429);
    // Not an address: not believed, so the proxy's own address counts.
    auto junk =
        server_.Client().Get("/t/" + MakeRequest(terminal_.terminal_number, 600).receipt_code,
                             {{"X-Forwarded-For", "203.0.113.40, evil\x1b[2J"}});
    ASSERT_TRUE(junk);
    EXPECT_EQ(junk->status, 404);
    const std::string log = server_.Log();
    EXPECT_EQ(log.find("6.6.6."), std::string::npos) << "a forged address reached the log";
    EXPECT_EQ(log.find("evil"), std::string::npos);
}

TEST(TrackingPageProxies, ForwardedForFromAPeerThatIsNoTrustedProxyIsIgnored) {
    TestServer::Options o;
    o.config_toml =
        "[server]\ntrusted_proxies = [\"10.9.9.9\"]\n"
        "[tracking]\nmax_misses = 3\nwindow_seconds = 60\nblock_seconds = 30\n";
    TestServer server(o);
    const Enrollment terminal = server.Enroll("zjc-02");
    for (uint32_t i = 0; i < 3; ++i) {
        auto miss =
            server.Client().Get("/t/" + MakeRequest(terminal.terminal_number, 700 + i).receipt_code,
                                {{"X-Forwarded-For", "198.51.100." + std::to_string(i)}});
        ASSERT_TRUE(miss);
        EXPECT_EQ(miss->status, 404);
    }
    auto blocked =
        server.Client().Get("/t/" + MakeRequest(terminal.terminal_number, 710).receipt_code,
                            {{"X-Forwarded-For", "198.51.100.50"}});
    ASSERT_TRUE(blocked);
    EXPECT_EQ(blocked->status, 429);
}

// [SECTION] texts from the i18n catalogue ------------------------------------------------------

std::string Slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A copy of assets/i18n in a temporary folder, with some texts changed or keys removed.
class AssetsCopy {
  public:
    AssetsCopy() {
        dir_ = (std::filesystem::temp_directory_path() /
                ("gk-assets-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++)))
                   .string();
        std::filesystem::create_directories(dir_ + "/i18n");
        for (const char* lang : {"zh", "en"}) {
            docs_[lang] =
                json::parse(Slurp(std::string(GK_ASSETS_DIR) + "/i18n/" + lang + ".json"));
        }
        Write();
    }
    ~AssetsCopy() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    void Set(const std::string& lang, const std::string& key, const std::string& text) {
        docs_[lang][key] = text;
        Write();
    }
    void Remove(const std::string& lang, const std::string& key) {
        docs_[lang].erase(key);
        Write();
    }
    const std::string& dir() const { return dir_; }

  private:
    void Write() {
        for (const auto& [lang, doc] : docs_.items())
            std::ofstream(dir_ + "/i18n/" + lang + ".json") << doc.dump(2);
    }
    static inline int counter_ = 0;
    std::string dir_;
    json docs_ = json::object();
};

TEST(TrackingPageTexts, ComeFromTheCatalogueInBothLanguages) {
    AssetsCopy assets;
    assets.Set("zh", "stage.received", "测试受理");
    assets.Set("en", "stage.received", "Test-received");
    assets.Set("zh", "page.category", "测试类别");
    assets.Set("en", "page.category", "Test-category");
    assets.Set("zh", "page.history", "测试记录 <&>");  // texts are escaped like any other
    TestServer::Options options;
    options.assets_dir = assets.dir();
    TestServer server(options);
    const auto terminal = server.Enroll("zjc-01");
    const ServiceRequest r = MakeRequest(terminal.terminal_number, 0);
    auto up = server.Client().Post("/api/v1/records", Bearer(terminal.token),
                                   Batch({RequestRecord(r)}).dump(), "application/json");
    ASSERT_TRUE(up && up->status == 200);

    auto page = server.Client().Get("/t/" + r.receipt_code);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    for (const char* text :
         {"测试受理", "Test-received", "测试类别", "Test-category", "测试记录 &lt;&amp;&gt;"}) {
        EXPECT_NE(page->body.find(text), std::string::npos) << text << "\n" << page->body;
    }
    // The shipped texts are gone.
    for (const char* text :
         {"<strong>已受理</strong>", ">Received</span>", "<dt>类别", ">Category</span>"})
        EXPECT_EQ(page->body.find(text), std::string::npos) << text;
    EXPECT_NE(page->body.find("诉求进度"), std::string::npos);  // untouched texts as shipped

    // Open311's extended attributes name the stage from the same catalogue.
    auto open311 = server.Client().Get("/open311/v2/requests/" + r.receipt_code + ".json");
    ASSERT_TRUE(open311 && open311->status == 200);
    const json stage_name = json::parse(open311->body)[0]["extended_attributes"]["stage_name"];
    EXPECT_EQ(stage_name["zh"], "测试受理");
    EXPECT_EQ(stage_name["en"], "Test-received");
}

// Serve with the given assets; the database path cannot be opened, so a server that gets past
// its texts exits 3 instead of serving.
CliResult ServeWith(const std::string& assets_dir) {
    return RunServerCli({"serve", "--listen", "127.0.0.1:0", "--db", "/nonexistent/dir/server.db"},
                        assets_dir);
}

TEST(TrackingPageTexts, MissingOrBrokenAssetsStopTheServer) {
    EXPECT_EQ(ServeWith("").exit_code, 3);  // the shipped assets are complete

    CliResult none = ServeWith("/nonexistent/assets");
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_NE(none.err.find("/nonexistent/assets/i18n"), std::string::npos) << none.err;
    EXPECT_EQ(std::count(none.err.begin(), none.err.end(), '\n'), 1) << none.err;

    AssetsCopy broken;
    std::ofstream(broken.dir() + "/i18n/en.json") << "{ not json";
    CliResult bad = ServeWith(broken.dir());
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
}

// Every "page.*" and "stage.*" key the server's source names is in both shipped languages, and
// the server refuses to start without it (so none is ever shown as a bare key).
TEST(TrackingPageTexts, EveryKeyTheServerUsesIsCheckedAtStart) {
    const std::string source = std::string(GK_ASSETS_DIR) + "/../server";
    const std::regex literal(R"re("((?:page|stage)\.[a-z_]+)")re");
    std::set<std::string> keys;
    for (const char* file : {"tracking_page.cpp", "open311.cpp"}) {
        const std::string text = Slurp(source + "/" + file);
        for (std::sregex_iterator i(text.begin(), text.end(), literal), e; i != e; ++i)
            keys.insert((*i)[1]);
    }
    keys.insert("stage.received");  // stage names are looked up through StageI18nKey
    EXPECT_GE(keys.size(), 10u);
    for (const auto& key : keys) {
        for (const char* lang : {"zh", "en"}) {
            AssetsCopy assets;
            assets.Remove(lang, key);
            CliResult r = ServeWith(assets.dir());
            EXPECT_EQ(r.exit_code, 2) << lang << " " << key;
            EXPECT_NE(r.err.find(key), std::string::npos) << r.err;
        }
    }
}

}  // namespace
}  // namespace gk::test
