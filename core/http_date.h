// HTTP's IMF-fixdate ("Thu, 03 Dec 2026 02:40:00 GMT", RFC 9110 §5.6.7): what the server puts
// in Date headers and the tests put in Retry-After. Parsing lives with the HTTP client
// (platform/http.h, ParseHttpDate), which also reads the obsolete forms.
#pragma once

#include <cstdint>
#include <string>

namespace gk {

std::string FormatHttpDate(int64_t unix_seconds);

}  // namespace gk
