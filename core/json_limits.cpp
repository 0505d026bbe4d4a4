// Depth-bounded JSON parsing: a pre-scan over the bytes, then nlohmann without exceptions.
#include "core/json_limits.h"

#include <string>

namespace gk {

int JsonNestingDepth(std::string_view text, int limit) {
    int depth = 0;
    int deepest = 0;
    bool in_string = false;
    bool escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        switch (c) {
            case '"':
                in_string = true;
                break;
            case '[':
            case '{':
                if (++depth > deepest) {
                    deepest = depth;
                    if (deepest > limit) return limit + 1;
                }
                break;
            case ']':
            case '}':
                // Unbalanced closers are the parser's business; the count must not go negative
                // and let a later run of openers hide below zero.
                if (depth > 0) --depth;
                break;
            default:
                break;
        }
    }
    return deepest;
}

Result<nlohmann::json> ParseUntrustedJson(std::string_view text, int max_depth) {
    if (JsonNestingDepth(text, max_depth) > max_depth) {
        return Error{"too_deep", "JSON nested deeper than " + std::to_string(max_depth)};
    }
    nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), nullptr,
                                             /*allow_exceptions=*/false);
    if (j.is_discarded()) return Error{"invalid_json", "not valid JSON"};
    return j;
}

nlohmann::json ParseUntrustedJsonOrDiscarded(std::string_view text, int max_depth) {
    auto parsed = ParseUntrustedJson(text, max_depth);
    if (!parsed) return nlohmann::json(nlohmann::json::value_t::discarded);
    return std::move(*parsed);
}

}  // namespace gk
