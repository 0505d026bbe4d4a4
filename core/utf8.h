// UTF-8 helpers for text a resident types or a hardware keyboard sends.
#pragma once

#include <string>
#include <string_view>

namespace gk {

bool IsValidUtf8(std::string_view text);
// Replaces invalid sequences with U+FFFD so nothing invalid reaches the store.
std::string SanitiseUtf8(std::string_view text);
// Number of code points (text must be valid UTF-8).
size_t CountCodePoints(std::string_view text);
// The longest prefix with at most max_code_points code points.
std::string_view TruncateCodePoints(std::string_view text, size_t max_code_points);
// Removes the last code point (for a backspace key).
void PopLastCodePoint(std::string& text);
// True for code points outside the Basic Multilingual Plane (emoji and the like), which the
// kiosk font cannot draw.
bool HasCodePointsOutsideBmp(std::string_view text);
// Calls fn(code_point) for each code point of valid UTF-8 text.
template <class Fn>
void ForEachCodePoint(std::string_view text, Fn fn);

// Decodes one code point at text[i]; advances i. Returns U+FFFD for invalid input.
char32_t DecodeCodePoint(std::string_view text, size_t& i);

template <class Fn>
void ForEachCodePoint(std::string_view text, Fn fn) {
    size_t i = 0;
    while (i < text.size()) fn(DecodeCodePoint(text, i));
}

}  // namespace gk
