// The https-unless-loopback rule (server_url.h).
#include "core/server_url.h"

#include <algorithm>
#include <cctype>

namespace gk {
namespace {

std::string Lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Four decimal parts 0..255 with a first part of 127.
bool IsLoopbackIpv4(std::string_view host) {
    int parts = 0;
    size_t i = 0;
    int first = -1;
    while (i <= host.size()) {
        size_t j = i;
        int value = 0;
        while (j < host.size() && std::isdigit(static_cast<unsigned char>(host[j]))) {
            value = value * 10 + (host[j] - '0');
            if (value > 255 || j - i >= 3) return false;
            ++j;
        }
        if (j == i) return false;
        if (parts == 0) first = value;
        ++parts;
        if (j == host.size()) break;
        if (host[j] != '.' || parts == 4) return false;
        i = j + 1;
    }
    return parts == 4 && first == 127;
}

}  // namespace

bool IsLoopbackHost(std::string_view host) {
    const std::string h = Lower(host);
    if (h == "localhost" || h == "localhost.") return true;
    if (h == "::1" || h == "[::1]" || h == "0:0:0:0:0:0:0:1" || h == "[0:0:0:0:0:0:0:1]")
        return true;
    return IsLoopbackIpv4(h);
}

Result<CheckedUrl> CheckServerUrl(std::string_view url, bool allow_insecure_http) {
    CheckedUrl out;
    const std::string lower = Lower(url);
    size_t scheme_length = 0;
    if (lower.rfind("https://", 0) == 0) {
        out.https = true;
        scheme_length = 8;
    } else if (lower.rfind("http://", 0) == 0) {
        scheme_length = 7;
    } else {
        return Error{"scheme", "must start with https:// (or http:// to this machine)"};
    }
    while (url.size() > scheme_length && url.back() == '/') url.remove_suffix(1);
    out.url = std::string(url);
    const std::string_view rest = url.substr(scheme_length);
    const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    std::string_view host = authority;
    if (!host.empty() && host.front() == '[') {
        const size_t close = host.find(']');
        if (close == std::string_view::npos) return Error{"host", "unclosed [ in the host"};
        const std::string_view after = host.substr(close + 1);
        if (!after.empty() && after.front() != ':') return Error{"host", "bad IPv6 host"};
        host = host.substr(1, close - 1);
    } else if (const size_t colon = host.find(':'); colon != std::string_view::npos) {
        host = host.substr(0, colon);
    }
    const bool bad_char = std::any_of(host.begin(), host.end(), [](unsigned char c) {
        return !(std::isalnum(c) || c == '.' || c == '-' || c == ':' || c >= 0x80);
    });
    if (host.empty() || bad_char || authority.find('@') != std::string_view::npos) {
        return Error{"host", "needs a plain host name (no user, no spaces)"};
    }
    out.host = Lower(host);
    out.loopback = IsLoopbackHost(out.host);
    if (!out.https && !out.loopback) {
        if (!allow_insecure_http) {
            return Error{"insecure",
                         "http:// is only allowed to this machine (127.0.0.1, ::1, localhost); "
                         "use https:// or set allow_insecure_http = true"};
        }
        out.insecure = true;
    }
    return out;
}

}  // namespace gk
