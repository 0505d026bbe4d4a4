// Parsing JSON that comes from outside (a request body, a server's reply) with a bound on its
// nesting depth. nlohmann's parser and the values it builds recurse per level: a 200 KB body of
// 100,000 '[' overflows the stack. A linear pre-scan counts the depth before anything is built,
// so a too-deep document is refused without allocating a node.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/result.h"

namespace gk {

// Deep enough for every document gridkiosk exchanges (their depth is at most 6).
inline constexpr int kMaxJsonDepth = 64;

// The deepest nesting of arrays and objects in text (brackets inside strings do not count).
// Stops counting at limit + 1, so the answer for any too-deep text is limit + 1.
int JsonNestingDepth(std::string_view text, int limit = kMaxJsonDepth);

// Parses untrusted JSON: Error{"too_deep"} when nested deeper than max_depth, Error{"invalid_json"}
// when it is not JSON. Never throws.
Result<nlohmann::json> ParseUntrustedJson(std::string_view text, int max_depth = kMaxJsonDepth);

// The same, for callers written against nlohmann's convention: a discarded value (test with
// is_discarded(), or is_object() and friends) for text that is too deep or not JSON.
nlohmann::json ParseUntrustedJsonOrDiscarded(std::string_view text, int max_depth = kMaxJsonDepth);

}  // namespace gk
