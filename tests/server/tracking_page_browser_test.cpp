// The tracking page as a resident's phone shows it: headless Chromium (Debian's) loads
// /t/{code} from the real server at a phone's width, takes a screenshot and dumps the DOM it
// rendered. The screenshot must show a page (not blank), and what the browser rendered must
// hold the category and the stage but never the description or the contact.
#include <gtest/gtest.h>
#include <stb_image.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/server/test_records.h"
#include "tests/server/test_server.h"

namespace gk::test {
namespace {

using nlohmann::json;

std::string ChromiumPath() {
    for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
        if (std::filesystem::exists(p)) return p;
    }
    return "";
}

// Runs chromium headless with the closed-network flags this machine needs; returns stdout.
std::string RunChromium(const std::string& chromium, const std::filesystem::path& profile,
                        const std::string& extra, const std::string& url) {
    const std::string cmd =
        "timeout 60 " + chromium +
        " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"
        " --disable-background-networking --disable-component-update --disable-sync"
        " --disable-features=Translate --hide-scrollbars --user-data-dir=" +
        profile.string() + " --window-size=390,844 " + extra + " '" + url + "' 2>/dev/null";
    std::string out;
    if (FILE* pipe = popen(cmd.c_str(), "r")) {
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
        pclose(pipe);
    }
    return out;
}

TEST(TrackingPageBrowser, PhoneScreenshotShowsProgressNeverPersonalData) {
    const std::string chromium = ChromiumPath();
    if (chromium.empty())
        GTEST_SKIP() << "Debian's chromium is not installed (scripts/deps.sh --test installs it)";
    TestServer server;
    const auto terminal = server.Enroll("hall-01");
    ServiceRequest r = MakeRequest(terminal.terminal_number, 0, "repair.streetlight", NowSeconds());
    auto res = server.Client().Post("/api/v1/records", Bearer(terminal.token),
                                    Batch({RequestRecord(r)}).dump(), "application/json");
    ASSERT_TRUE(res && res->status == 200);
    ASSERT_EQ(json::parse(res->body)["results"][0]["result"], "accepted") << res->body;

    char pattern[] = "/tmp/gk-chromium-XXXXXX";
    const std::filesystem::path dir = ::mkdtemp(pattern);
    const std::string url = server.url() + "/t/" + r.receipt_code;
    const std::string dom = RunChromium(chromium, dir / "profile-dom", "--dump-dom", url);
    ASSERT_FALSE(dom.empty()) << "chromium rendered nothing";
    EXPECT_NE(dom.find("路灯不亮"), std::string::npos);  // category
    EXPECT_NE(dom.find("已受理"), std::string::npos);    // stage
    EXPECT_NE(dom.find("Received"), std::string::npos);  // and in English
    EXPECT_EQ(dom.find(r.description), std::string::npos) << "description leaked";
    EXPECT_EQ(dom.find(r.contact.phone), std::string::npos) << "phone leaked";
    if (!r.contact.name.empty()) {
        EXPECT_EQ(dom.find(r.contact.name), std::string::npos) << "name leaked";
    }

    const std::filesystem::path shot = dir / "tracking.png";
    RunChromium(chromium, dir / "profile-shot", "--screenshot=" + shot.string(), url);
    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load(shot.c_str(), &w, &h, &n, 3);
    ASSERT_NE(px, nullptr) << "no screenshot at " << shot;
    EXPECT_EQ(w, 390);
    // A rendered page has text: a fair share of pixels far from the background colour.
    long dark = 0;
    for (long i = 0; i < static_cast<long>(w) * h; ++i) {
        const int lum = (px[3 * i] * 299 + px[3 * i + 1] * 587 + px[3 * i + 2] * 114) / 1000;
        if (lum < 110) ++dark;
    }
    stbi_image_free(px);
    EXPECT_GT(dark, 2000) << "screenshot looks blank";
    std::filesystem::copy_file(shot,
                               std::filesystem::temp_directory_path() / "gk-tracking-page.png",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gk::test
