// Who the client is behind proxies: X-Forwarded-For counts only from a trusted proxy, the
// right-most untrusted hop wins, a hop that is not an IP is never believed, IPv6 clients are
// counted by /64; and the config's trusted_proxies list is checked.
#include "server/client_address.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "server/config.h"

namespace gk::server {
namespace {

std::vector<IpRange> Ranges(std::initializer_list<const char*> texts) {
    std::vector<IpRange> out;
    for (const char* t : texts) {
        auto r = ParseIpRange(t);
        EXPECT_TRUE(r) << t;
        if (r) out.push_back(*r);
    }
    return out;
}

TEST(ClientAddress, ForwardedForIsIgnoredFromAPeerThatIsNoTrustedProxy) {
    EXPECT_EQ(ClientAddressFrom("203.0.113.7", {"198.51.100.1"}, {}), "203.0.113.7");
    EXPECT_EQ(ClientAddressFrom("203.0.113.7", {"198.51.100.1"}, Ranges({"10.0.0.0/8"})),
              "203.0.113.7");
}

TEST(ClientAddress, RightMostUntrustedHopWinsSoAForgedLeftHopIsIgnored) {
    const auto proxies = Ranges({"10.0.0.5", "10.1.0.0/16"});
    // The client typed "1.2.3.4"; our proxy appended the address it saw.
    EXPECT_EQ(ClientAddressFrom("10.0.0.5", {"1.2.3.4, 198.51.100.9"}, proxies), "198.51.100.9");
    // Two proxies of ours in a row: skip both.
    EXPECT_EQ(ClientAddressFrom("10.0.0.5", {"1.2.3.4, 198.51.100.9, 10.1.2.3"}, proxies),
              "198.51.100.9");
    // Several headers count in order, as one list.
    EXPECT_EQ(ClientAddressFrom("10.0.0.5", {"1.2.3.4", "198.51.100.9"}, proxies), "198.51.100.9");
    // Nothing but our proxies: the left-most of them.
    EXPECT_EQ(ClientAddressFrom("10.0.0.5", {"10.1.0.1"}, proxies), "10.1.0.1");
    // No header at all: the proxy itself.
    EXPECT_EQ(ClientAddressFrom("10.0.0.5", {}, proxies), "10.0.0.5");
}

TEST(ClientAddress, HopsThatAreNoAddressAreNeverBelieved) {
    const auto proxies = Ranges({"10.0.0.5"});
    EXPECT_EQ(ClientAddressFrom("10.0.0.5", {"1.2.3.4, evil\r\nevent=x"}, proxies), "10.0.0.5");
    EXPECT_EQ(ClientAddressFrom("10.0.0.5", {"1.2.3.4, 198.51.100.9:443"}, proxies), "10.0.0.5");
    EXPECT_EQ(ClientAddressFrom("10.0.0.5", {"unknown"}, proxies), "10.0.0.5");
    // IPv6 in brackets is an address; text comes back canonical.
    EXPECT_EQ(ClientAddressFrom("10.0.0.5", {"[2001:DB8::0:1]"}, proxies), "2001:db8::1");
}

TEST(ClientAddress, IPv6ClientsAreKeyedByTheirSlash64) {
    EXPECT_EQ(LimiterKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
    EXPECT_EQ(LimiterKey("2001:db8:1:2::ffff"), LimiterKey("2001:db8:1:2:1::"));
    EXPECT_NE(LimiterKey("2001:db8:1:2::1"), LimiterKey("2001:db8:1:3::1"));
    EXPECT_EQ(LimiterKey("198.51.100.9"), "198.51.100.9");
    EXPECT_EQ(LimiterKey("::ffff:198.51.100.9"), "198.51.100.9");  // mapped IPv4 is IPv4
}

TEST(ClientAddress, RangesMatchByPrefix) {
    auto r = ParseIpRange("10.1.0.0/16");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->Contains(*ParseIp("10.1.255.3")));
    EXPECT_FALSE(r->Contains(*ParseIp("10.2.0.1")));
    EXPECT_FALSE(r->Contains(*ParseIp("::ffff:10.2.0.1")));
    auto v6 = ParseIpRange("fd00::/8");
    ASSERT_TRUE(v6);
    EXPECT_TRUE(v6->Contains(*ParseIp("fdab::1")));
    EXPECT_FALSE(v6->Contains(*ParseIp("10.1.0.1")));
    EXPECT_FALSE(ParseIpRange("10.0.0.0/33"));
    EXPECT_FALSE(ParseIpRange("proxy.example.cn"));
    EXPECT_FALSE(ParseIpRange("10.0.0.0/"));
}

class ConfigFile : public ::testing::Test {
  protected:
    Status Load(const std::string& text) {
        const std::string path =
            ::testing::TempDir() + "/gk_client_address_" + std::to_string(::getpid()) + ".toml";
        std::ofstream(path) << text;
        config_ = ServerConfig{};
        Status st = LoadConfigFile(path, config_);
        std::filesystem::remove(path);
        return st;
    }
    ServerConfig config_;
};

TEST_F(ConfigFile, TrustedProxiesAreParsedAndBadOnesNamed) {
    ASSERT_TRUE(Load("[server]\ntrusted_proxies = [\"10.0.0.5\", \"fd00::/64\"]\n"));
    ASSERT_EQ(config_.trusted_proxies.size(), 2u);
    EXPECT_EQ(config_.trusted_proxies[1].prefix_bits, 64);
    Status bad = Load("[server]\ntrusted_proxies = [\"10.0.0.0/40\"]\n");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("server.trusted_proxies"), std::string::npos);
    EXPECT_FALSE(Load("[server]\ntrusted_proxies = \"10.0.0.5\"\n"));
}

TEST_F(ConfigFile, TrustingEveryForwardedForIsNoLongerPossible) {
    Status st = Load("[server]\ntrust_forwarded_for = true\n");
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("trusted_proxies"), std::string::npos);
    EXPECT_TRUE(Load("[server]\ntrust_forwarded_for = false\n"));
}

}  // namespace
}  // namespace gk::server
