// Who is asking: the client's IP address behind trusted reverse proxies, and the key the
// limiters count it under.
//
// X-Forwarded-For is written by whoever sends the request; only hops added by a proxy we run
// can be believed. So the header counts only when the peer is a configured proxy, and then the
// client is the right-most hop that is not itself a trusted proxy (everything left of it could
// have been typed by the client). A hop that is not an IP address is never believed.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace gk::server {

struct IpAddress {
    bool v6 = false;
    std::array<uint8_t, 16> bytes{};  // IPv4 in the first four

    std::string ToString() const;  // canonical text (inet_ntop)
};

// "192.0.2.1", "2001:db8::1", "[2001:db8::1]"; an IPv4-mapped IPv6 address counts as IPv4.
// Anything else (ports, names, garbage) is nullopt.
std::optional<IpAddress> ParseIp(std::string_view text);

struct IpRange {
    IpAddress base;
    int prefix_bits = 0;
    bool Contains(const IpAddress& ip) const;
};

// "10.0.0.1" (one address), "10.0.0.0/8", "fd00::/8". Errors say what is wrong.
Result<IpRange> ParseIpRange(std::string_view text);

bool InAnyRange(const std::vector<IpRange>& ranges, const IpAddress& ip);

// The client's address given the TCP peer, the X-Forwarded-For header values in the order
// they came, and the trusted proxies. With no trusted proxies, or a peer that is not one, the
// peer. Returns canonical text.
std::string ClientAddressFrom(std::string_view peer, const std::vector<std::string>& forwarded_for,
                              const std::vector<IpRange>& trusted_proxies);

// The key the limiters count an address under: an IPv4 address itself; an IPv6 address by its
// /64 ("2001:db8:1:2::/64"), since one subscriber usually holds a whole /64.
std::string LimiterKey(std::string_view address);

}  // namespace gk::server
