// IP parsing with inet_pton, CIDR ranges, the right-most untrusted X-Forwarded-For hop.
#include "server/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace gk::server {
namespace {

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::string IpAddress::ToString() const {
    char text[INET6_ADDRSTRLEN] = {};
    if (!inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text)) return "?";
    return text;
}

std::optional<IpAddress> ParseIp(std::string_view text) {
    text = Trim(text);
    if (text.size() > 2 && text.front() == '[' && text.back() == ']')
        text = text.substr(1, text.size() - 2);
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    const std::string z(text);  // inet_pton needs a terminated string
    IpAddress ip;
    if (inet_pton(AF_INET, z.c_str(), ip.bytes.data()) == 1) return ip;
    if (inet_pton(AF_INET6, z.c_str(), ip.bytes.data()) != 1) return std::nullopt;
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(ip.bytes.data(), kMapped, sizeof kMapped) == 0) {
        IpAddress v4;
        std::copy_n(ip.bytes.begin() + 12, 4, v4.bytes.begin());
        return v4;
    }
    ip.v6 = true;
    return ip;
}

bool IpRange::Contains(const IpAddress& ip) const {
    if (ip.v6 != base.v6) return false;
    int bits = prefix_bits;
    for (size_t i = 0; bits > 0; ++i, bits -= 8) {
        const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
        if ((ip.bytes[i] & mask) != (base.bytes[i] & mask)) return false;
    }
    return true;
}

Result<IpRange> ParseIpRange(std::string_view text) {
    const std::string shown(text);
    const size_t slash = text.find('/');
    auto ip = ParseIp(text.substr(0, slash));
    if (!ip) return Error{"bad_address", "\"" + shown + "\" is not an IP address or CIDR range"};
    IpRange range{*ip, ip->v6 ? 128 : 32};
    if (slash != std::string_view::npos) {
        const std::string_view bits = text.substr(slash + 1);
        int n = -1;
        auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), n);
        if (ec != std::errc() || end != bits.data() + bits.size() || n < 0 ||
            n > range.prefix_bits) {
            return Error{"bad_address", "\"" + shown + "\": bad prefix length"};
        }
        range.prefix_bits = n;
    }
    return range;
}

bool InAnyRange(const std::vector<IpRange>& ranges, const IpAddress& ip) {
    return std::any_of(ranges.begin(), ranges.end(),
                       [&](const IpRange& r) { return r.Contains(ip); });
}

std::string ClientAddressFrom(std::string_view peer, const std::vector<std::string>& forwarded_for,
                              const std::vector<IpRange>& trusted_proxies) {
    auto peer_ip = ParseIp(peer);
    if (!peer_ip) return std::string(peer);
    std::string client = peer_ip->ToString();
    if (!InAnyRange(trusted_proxies, *peer_ip)) return client;
    // All hops, left to right, over every X-Forwarded-For header; walked right to left.
    std::vector<std::string_view> hops;
    for (const std::string& header : forwarded_for) {
        std::string_view rest = header;
        while (true) {
            const size_t comma = rest.find(',');
            hops.push_back(Trim(rest.substr(0, comma)));
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
        auto hop = ParseIp(*it);
        // A hop our own proxy wrote that is not an address: nothing left of it can be
        // believed, so the last trusted hop is the client we know.
        if (!hop) return client;
        client = hop->ToString();
        if (!InAnyRange(trusted_proxies, *hop)) return client;
    }
    return client;
}

std::string LimiterKey(std::string_view address) {
    auto ip = ParseIp(address);
    if (!ip) return std::string(address);
    if (!ip->v6) return ip->ToString();
    std::fill(ip->bytes.begin() + 8, ip->bytes.end(), 0);
    return ip->ToString() + "/64";
}

}  // namespace gk::server
