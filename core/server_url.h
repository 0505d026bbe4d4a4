// The one rule for the URLs a terminal talks to or prints (its central server, the public
// tracking base in receipts' QR codes), shared by the terminal's config and gridkiosk-provision:
// https:// always; http:// only to a loopback host (127.0.0.0/8, ::1, localhost) or when the
// operator set `allow_insecure_http = true`, and then the caller warns (log, staff status).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace gk {

struct CheckedUrl {
    std::string url;   // as given, without trailing slashes
    std::string host;  // lower case; an IPv6 address without its brackets
    bool https = false;
    bool loopback = false;  // host is 127.0.0.0/8, ::1 or localhost
    bool insecure = false;  // http:// off loopback, allowed only by allow_insecure_http
};

// Errors (code, one-line message naming no key — callers prefix it with theirs):
//   "scheme"   not http:// or https://
//   "host"     no host, or one with characters a host name cannot have (userinfo, spaces …)
//   "insecure" http:// to a host off loopback while allow_insecure_http is false
Result<CheckedUrl> CheckServerUrl(std::string_view url, bool allow_insecure_http);

// 127.0.0.0/8 in dotted-quad form, ::1 (with or without brackets), or "localhost".
bool IsLoopbackHost(std::string_view host);

}  // namespace gk
