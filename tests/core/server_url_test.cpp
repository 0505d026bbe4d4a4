// The https-unless-loopback rule shared by the terminal's config and gridkiosk-provision.
#include "core/server_url.h"

#include <gtest/gtest.h>

namespace gk {
namespace {

TEST(ServerUrlTest, HttpsIsAcceptedAnywhere) {
    auto u = CheckServerUrl("https://grid.example.cn/kiosk/", false);
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->url, "https://grid.example.cn/kiosk");
    EXPECT_EQ(u->host, "grid.example.cn");
    EXPECT_TRUE(u->https);
    EXPECT_FALSE(u->insecure);
}

TEST(ServerUrlTest, HttpOffLoopbackIsRefusedUnlessAllowed) {
    for (const char* url : {"http://grid.example.cn", "http://10.0.0.5:8080",
                            "http://127.0.0.1.evil.cn", "http://localhost.evil.cn/",
                            "http://128.0.0.1", "http://[::2]:80", "HTTP://Grid.Example.CN"}) {
        auto refused = CheckServerUrl(url, false);
        ASSERT_FALSE(refused.ok()) << url;
        EXPECT_EQ(refused.error().code, "insecure") << url;
        auto allowed = CheckServerUrl(url, true);
        ASSERT_TRUE(allowed.ok()) << url;
        EXPECT_TRUE(allowed->insecure) << url << ": the caller must warn";
    }
}

TEST(ServerUrlTest, HttpToLoopbackIsAcceptedWithoutWarning) {
    for (const char* url : {"http://127.0.0.1:8080", "http://127.45.6.7/", "http://localhost:1",
                            "http://LOCALHOST", "http://[::1]:8090/x", "http://127.0.0.1"}) {
        auto u = CheckServerUrl(url, false);
        ASSERT_TRUE(u.ok()) << url << ": " << u.error().message;
        EXPECT_TRUE(u->loopback) << url;
        EXPECT_FALSE(u->insecure) << url;
    }
}

TEST(ServerUrlTest, OtherSchemesAndBadHostsAreRefusedEvenWhenInsecureIsAllowed) {
    EXPECT_EQ(CheckServerUrl("ftp://example.cn", true).error().code, "scheme");
    EXPECT_EQ(CheckServerUrl("grid.example.cn", true).error().code, "scheme");
    EXPECT_EQ(CheckServerUrl("", true).error().code, "scheme");
    EXPECT_EQ(CheckServerUrl("https://", true).error().code, "host");
    EXPECT_EQ(CheckServerUrl("https://user@127.0.0.1", true).error().code, "host");
    EXPECT_EQ(CheckServerUrl("https://a b.cn", true).error().code, "host");
    EXPECT_EQ(CheckServerUrl("http://[::1", true).error().code, "host");
}

TEST(ServerUrlTest, LoopbackHostsAreExactlyTheLoopbackRange) {
    EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
    EXPECT_TRUE(IsLoopbackHost("127.255.255.255"));
    EXPECT_TRUE(IsLoopbackHost("::1"));
    EXPECT_FALSE(IsLoopbackHost("127.0.0.256"));
    EXPECT_FALSE(IsLoopbackHost("127.0.0"));
    EXPECT_FALSE(IsLoopbackHost("127.0.0.1.5"));
    EXPECT_FALSE(IsLoopbackHost("0127.0.0.1"));
    EXPECT_FALSE(IsLoopbackHost("10.0.0.1"));
    EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
}

}  // namespace
}  // namespace gk
