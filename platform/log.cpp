// stderr logging with syslog priority prefixes that journald understands.
#include "platform/log.h"

#include <cstdio>
#include <mutex>
#include <string>

#include "core/utf8.h"

namespace gk::log {
namespace {

std::mutex g_mutex;
std::string g_program = "gridkiosk";

bool MustEscape(char32_t cp) {
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
           cp == 0x200F || cp == 0x061C;
}

void AppendHex(std::string& out, uint32_t value, int digits) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kHex[(value >> shift) & 0xF];
}

void Write(int priority, std::string_view message) {
    const std::string line = EscapeForLog(message);
    std::lock_guard lock(g_mutex);
    std::fprintf(stderr, "<%d>%s: %.*s\n", priority, g_program.c_str(),
                 static_cast<int>(line.size()), line.data());
}

}  // namespace

std::string EscapeForLog(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        const unsigned char b = static_cast<unsigned char>(text[i]);
        if (b >= 0x20 && b < 0x7F) {  // the common case: printable ASCII
            out += static_cast<char>(b);
            ++i;
            continue;
        }
        size_t next = i;
        const char32_t cp = DecodeCodePoint(text, next);
        const bool invalid = cp == 0xFFFD && text.substr(i, 3) != "\xEF\xBF\xBD";
        if (invalid) {
            // One byte at a time, so every byte that was there shows.
            out += "\\x";
            AppendHex(out, b, 2);
            ++i;
        } else if (MustEscape(cp)) {
            out += "\\u{";
            AppendHex(out, static_cast<uint32_t>(cp), cp > 0xFF ? 4 : 2);
            out += '}';
            i = next;
        } else {
            out.append(text.substr(i, next - i));
            i = next;
        }
    }
    return out;
}

void SetProgramName(std::string_view name) {
    std::lock_guard lock(g_mutex);
    g_program = EscapeForLog(name);
}
void Info(std::string_view message) { Write(6, message); }
void Warn(std::string_view message) { Write(4, message); }
void Error(std::string_view message) { Write(3, message); }

}  // namespace gk::log
