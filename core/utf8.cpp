// UTF-8 decoding, validation and trimming for typed text.
#include "core/utf8.h"

namespace gk {

char32_t DecodeCodePoint(std::string_view s, size_t& i) {
    constexpr char32_t kReplacement = 0xFFFD;
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    int extra = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) {
        extra = 1, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        extra = 2, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        extra = 3, cp = b0 & 0x07, min = 0x10000;
    } else {
        ++i;
        return kReplacement;
    }
    for (int k = 1; k <= extra; ++k) {
        if (i + k >= s.size() || (byte(i + k) & 0xC0) != 0x80) {
            i += k;  // skip the lead byte and the valid continuations seen so far
            return kReplacement;
        }
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    i += extra + 1;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kReplacement;
    return cp;
}

namespace {

void AppendCodePoint(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// True when s[i..] starts with a well-formed sequence; sets len.
bool WellFormedAt(std::string_view s, size_t i, size_t& len) {
    size_t j = i;
    const char32_t cp = DecodeCodePoint(s, j);
    len = j - i;
    if (cp != 0xFFFD) return true;
    // U+FFFD itself is well-formed when encoded as EF BF BD.
    return len == 3 && s.substr(i, 3) == "\xEF\xBF\xBD";
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        size_t len = 0;
        if (!WellFormedAt(s, i, len)) return false;
        i += len;
    }
    return true;
}

std::string SanitiseUtf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        size_t len = 0;
        if (WellFormedAt(s, i, len)) {
            out.append(s.substr(i, len));
        } else {
            AppendCodePoint(out, 0xFFFD);
        }
        i += len;
    }
    return out;
}

size_t CountCodePoints(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

std::string_view TruncateCodePoints(std::string_view s, size_t max_code_points) {
    size_t n = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (n == max_code_points) return s.substr(0, i);
            ++n;
        }
    }
    return s;
}

void PopLastCodePoint(std::string& s) {
    while (!s.empty()) {
        const unsigned char c = static_cast<unsigned char>(s.back());
        s.pop_back();
        if ((c & 0xC0) != 0x80) break;
    }
}

bool HasCodePointsOutsideBmp(std::string_view s) {
    bool found = false;
    ForEachCodePoint(s, [&](char32_t cp) { found = found || cp > 0xFFFF; });
    return found;
}

}  // namespace gk
