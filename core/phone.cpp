// Mainland China phone numbers as residents type them: mobile (1[3-9] + 9 digits) with an
// optional +86 / 0086 / 86 prefix, or a landline with its area code (010, 02X, 0XXX) and a
// 7-8 digit local number. Canonical forms: "13800138000" and "010-12345678".
#include "core/phone.h"

#include "core/utf8.h"

namespace gk {
namespace {

constexpr size_t kMaxTypedBytes = 64;  // a number with generous separators fits easily

Error Fail(std::string code, std::string message) {
    return Error{std::move(code), std::move(message)};
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Full-width forms come from a Chinese input method; treat them as the ASCII they look like.
char32_t NextTypedChar(std::string_view s, size_t& i) {
    const char32_t cp = DecodeCodePoint(s, i);
    if (cp == 0x3000) return U' ';
    if (cp >= 0xFF01 && cp <= 0xFF5E) return cp - 0xFF01 + 0x21;
    return cp;
}

// Area code length (3 or 4 digits, including the leading 0) for digits starting with 0,
// or 0 when no area code can start this way.
size_t AreaCodeLength(std::string_view digits) {
    if (digits.size() < 3 || digits[0] != '0') return 0;
    switch (digits[1]) {
        case '1':
            return digits[2] == '0' ? 3 : 0;  // 010 Beijing is the only 01x code
        case '2':
            return 3;  // 020 Guangzhou … 029 Xi'an
        case '0':
            return 0;  // 00 is the international prefix
        default:
            return 4;  // 0755, 0512, …
    }
}

Result<std::string> Landline(std::string_view digits) {
    const size_t area = AreaCodeLength(digits);
    if (area == 0) return Fail("bad_landline", "phone: no such area code");
    if (digits.size() < area + 7 || digits.size() > area + 8) {
        return Fail("bad_length", "phone: a landline has 7 or 8 digits after the area code");
    }
    // A 0 right after the area code means the trunk prefix was typed twice or a digit is lost.
    if (digits[area] == '0') return Fail("bad_landline", "phone: local number cannot start with 0");
    return std::string(digits.substr(0, area)) + "-" + std::string(digits.substr(area));
}

Result<std::string> Mobile(std::string_view digits) {
    if (digits.size() != 11) return Fail("bad_length", "phone: a mobile number has 11 digits");
    if (digits[1] < '3') return Fail("bad_mobile", "phone: mobile numbers start 13 to 19");
    return std::string(digits);
}

}  // namespace

Result<std::string> NormalisePhone(std::string_view typed) {
    if (typed.size() > kMaxTypedBytes) return Fail("bad_length", "phone: far too long");
    std::string digits;
    bool plus = false;
    size_t i = 0;
    while (i < typed.size()) {
        const char32_t c = NextTypedChar(typed, i);
        if (c >= U'0' && c <= U'9') {
            digits += static_cast<char>(c);
        } else if (c == U' ' || c == U'\t' || c == U'-' || c == U'(' || c == U')') {
            continue;
        } else if (c == U'+' && digits.empty() && !plus) {
            plus = true;
        } else {
            return Fail("bad_char", "phone: only digits, spaces, dashes, brackets and +86");
        }
    }
    if (digits.empty()) {
        if (plus) return Fail("bad_length", "phone: no digits after +");
        return Fail("empty", "phone: nothing typed");
    }

    // Country code. After it, the trunk 0 of a landline is usually dropped
    // ("+86 10 1234 5678"), so a number not starting with 1 gets it back.
    std::string_view rest = digits;
    bool international = false;
    if (plus) {
        if (rest.substr(0, 2) != "86")
            return Fail("bad_mobile", "phone: only mainland numbers (+86)");
        rest.remove_prefix(2), international = true;
    } else if (rest.substr(0, 4) == "0086") {
        rest.remove_prefix(4), international = true;
    } else if (rest.size() == 13 && rest.substr(0, 3) == "861") {
        rest.remove_prefix(2), international = true;  // "86 138…": only when it is a mobile
    }
    if (rest.empty()) return Fail("bad_length", "phone: nothing after the country code");

    const bool looks_mobile = rest.size() >= 2 && rest[0] == '1' && rest[1] >= '3';
    std::string restored;
    if (international && !looks_mobile && rest[0] != '0') {
        restored = "0" + std::string(rest);
        rest = restored;
    }
    if (!international && rest.size() != 11 && rest.substr(0, 2) == "10") {
        // "10 12345678" without its leading 0 is far more likely Beijing than a mobile.
        return Fail("bad_landline", "phone: landline needs its area code with the leading 0");
    }
    if (rest[0] == '1') return Mobile(rest);
    if (rest[0] == '0') return Landline(rest);
    if (rest.size() == 7 || rest.size() == 8) {
        return Fail("bad_landline", "phone: landline needs its area code");
    }
    return Fail("bad_mobile", "phone: neither a mobile nor a landline number");
}

std::string MaskPhone(std::string_view canonical) {
    // Mobile: keep the network prefix and the last four, as banks and couriers do.
    if (canonical.size() == 11 && canonical[0] == '1') {
        bool all_digits = true;
        for (char c : canonical) all_digits = all_digits && IsDigit(c);
        if (all_digits) {
            return std::string(canonical.substr(0, 3)) + "****" + std::string(canonical.substr(7));
        }
    }
    // Landline "AREA-NUMBER" keeps the area code; anything else keeps only the last four, so
    // an unexpected input never shows more than four digits of a number.
    std::string out;
    size_t start = 0;
    const size_t dash = canonical.find('-');
    if (dash != std::string_view::npos && dash <= 4) {
        out = std::string(canonical.substr(0, dash + 1));
        start = dash + 1;
    }
    const std::string_view local = canonical.substr(start);
    const size_t keep = local.size() > 4 ? 4 : 0;
    out.append(local.size() - keep, '*');
    out.append(local.substr(local.size() - keep));
    if (local.empty()) out += "****";
    return out;
}

}  // namespace gk
