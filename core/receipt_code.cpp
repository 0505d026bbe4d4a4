// Receipt codes: making, normalising, checking and decoding the 16-character Crockford base32
// codes of receipt_code.h.
//
// The 15 data characters split on 5-bit boundaries: characters 0-3 are the terminal number
// (20 bits), 4-8 the counter (25 bits), 9-14 the tag (30 bits), each most significant first.
// The tag is the first 30 bits (big endian) of BLAKE2b-128 keyed with the terminal's secret
// over 8 bytes: terminal number as uint32 little endian, then counter as uint32 little endian.
//
// The check character makes the whole word c_0..c_15 satisfy  sum_i alpha^i * c_i = 0  in
// GF(32) = GF(2)[x]/(x^5 + x^2 + 1), alpha = x (primitive, order 31, so alpha^0..alpha^15 are
// distinct and nonzero). Why that catches what it must:
//  - one wrong character, c_i -> c_i + e with e != 0, changes the sum by alpha^i * e != 0;
//  - swapping neighbours a != b at i, i+1 (the check character included) changes it by
//    alpha^i * (a + b) * (1 + alpha) != 0, since a + b != 0 and alpha != 1.
#include "core/receipt_code.h"

#include <sodium.h>

#include "core/utf8.h"

namespace gk {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int kDataChars = kReceiptCodeLength - 1;
constexpr uint32_t kTagMask = (1u << 30) - 1;

// --- GF(32) arithmetic --------------------------------------------------------------------

constexpr uint8_t kPoly = 0x25;  // x^5 + x^2 + 1

constexpr uint8_t GfMul(uint8_t a, uint8_t b) {
    uint8_t product = 0;
    for (int bit = 0; bit < 5; ++bit) {
        if (b & (1u << bit)) product ^= a;
        a <<= 1;
        if (a & 0x20) a ^= kPoly;
    }
    return product;
}

struct Powers {
    uint8_t weight[kReceiptCodeLength];  // alpha^i for position i
    uint8_t last_weight_inverse;         // alpha^-15, to solve for the check character
};

constexpr Powers MakePowers() {
    Powers p{};
    uint8_t w = 1;
    for (int i = 0; i < kReceiptCodeLength; ++i) {
        p.weight[i] = w;
        w = GfMul(w, 2);
    }
    // alpha^31 = 1, so alpha^-15 = alpha^16, which is w now.
    p.last_weight_inverse = w;
    return p;
}

constexpr Powers kPowers = MakePowers();
static_assert(GfMul(kPowers.weight[kReceiptCodeLength - 1], kPowers.last_weight_inverse) == 1,
              "alpha^15 * alpha^16 must be 1 in GF(32)");

// --- Symbols ------------------------------------------------------------------------------

// Value of a canonical symbol, or -1.
int SymbolValue(char c) {
    const size_t pos = kAlphabet.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// Syndrome of the first n symbols (values); 0 for a whole valid word.
uint8_t WeightedSum(const uint8_t* values, int n) {
    uint8_t sum = 0;
    for (int i = 0; i < n; ++i) sum ^= GfMul(kPowers.weight[i], values[i]);
    return sum;
}

// Values of a canonical code; false if it is not 16 alphabet characters.
bool ToValues(std::string_view code, uint8_t (&values)[kReceiptCodeLength]) {
    if (code.size() != static_cast<size_t>(kReceiptCodeLength)) return false;
    for (int i = 0; i < kReceiptCodeLength; ++i) {
        const int v = SymbolValue(code[i]);
        if (v < 0) return false;
        values[i] = static_cast<uint8_t>(v);
    }
    return true;
}

// Reads `count` symbols starting at `first` as one big-endian number.
uint32_t ReadField(const uint8_t* values, int first, int count) {
    uint32_t n = 0;
    for (int i = first; i < first + count; ++i) n = (n << 5) | values[i];
    return n;
}

void WriteField(uint8_t* values, int first, int count, uint32_t n) {
    for (int i = first + count - 1; i >= first; --i) {
        values[i] = static_cast<uint8_t>(n & 31);
        n >>= 5;
    }
}

uint32_t ComputeTag(uint32_t terminal_number, uint32_t counter, const ReceiptSecret& secret) {
    // sodium_init is idempotent and thread-safe; BLAKE2b itself does not need it, but other
    // libsodium users in the process may rely on it having run once.
    static const bool ready = sodium_init() >= 0;
    (void)ready;
    uint8_t message[8];
    for (int i = 0; i < 4; ++i) {
        message[i] = static_cast<uint8_t>(terminal_number >> (8 * i));
        message[4 + i] = static_cast<uint8_t>(counter >> (8 * i));
    }
    uint8_t hash[crypto_generichash_BYTES_MIN];  // 16 bytes: more than the 30 bits we keep
    crypto_generichash(hash, sizeof hash, message, sizeof message, secret.data(), secret.size());
    const uint32_t first32 = (uint32_t{hash[0]} << 24) | (uint32_t{hash[1]} << 16) |
                             (uint32_t{hash[2]} << 8) | uint32_t{hash[3]};
    return first32 >> 2;
}

// Field positions in the 15 data characters.
constexpr int kTerminalFirst = 0, kTerminalChars = 4;
constexpr int kCounterFirst = 4, kCounterChars = 5;
constexpr int kTagFirst = 9, kTagChars = 6;
static_assert(kTerminalChars * 5 == 20 && kCounterChars * 5 == 25 && kTagChars * 5 == 30);
static_assert(kTagFirst + kTagChars == kDataChars);

// Maps full-width ASCII forms (what a Chinese input method types) to ASCII; the rest as is.
// Returns the code point and advances i over its UTF-8 bytes.
char32_t NextTypedChar(std::string_view s, size_t& i) {
    const char32_t cp = DecodeCodePoint(s, i);
    if (cp == 0x3000) return U' ';                                // ideographic space
    if (cp >= 0xFF01 && cp <= 0xFF5E) return cp - 0xFF01 + 0x21;  // full-width forms
    return cp;
}

char32_t AsciiUpper(char32_t c) { return (c >= U'a' && c <= U'z') ? c - 32 : c; }

// The code part of a tracking URL (".../t/CODE/?x=y#z"), or the text itself.
std::string_view CodePartOf(std::string_view text) {
    // Case-insensitive: QR scanners may hand over an upper-cased URL (alphanumeric mode).
    size_t at = std::string_view::npos;
    for (size_t i = 0; i + 3 <= text.size(); ++i) {
        if (text[i] == '/' && (text[i + 1] == 't' || text[i + 1] == 'T') && text[i + 2] == '/') {
            at = i;  // keep the last one: a public URL may itself contain "/t/"
        }
    }
    if (at == std::string_view::npos) return text;
    std::string_view rest = text.substr(at + 3);
    const size_t end = rest.find_first_of("/?#");
    return end == std::string_view::npos ? rest : rest.substr(0, end);
}

Error Fail(std::string code, std::string message) {
    return Error{std::move(code), std::move(message)};
}

}  // namespace

Result<std::string> MakeReceiptCode(uint32_t terminal_number, uint32_t counter,
                                    const ReceiptSecret& secret) {
    if (terminal_number > kMaxTerminalNumber) {
        return Fail("out_of_range", "receipt code: terminal number exceeds 20 bits");
    }
    if (counter > kMaxReceiptCounter) {
        return Fail("out_of_range", "receipt code: counter exceeds 25 bits");
    }
    uint8_t values[kReceiptCodeLength];
    WriteField(values, kTerminalFirst, kTerminalChars, terminal_number);
    WriteField(values, kCounterFirst, kCounterChars, counter);
    WriteField(values, kTagFirst, kTagChars, ComputeTag(terminal_number, counter, secret));
    // Choose c_15 so the whole word sums to 0: alpha^15 * c_15 = sum of the rest.
    values[kDataChars] = GfMul(WeightedSum(values, kDataChars), kPowers.last_weight_inverse);
    std::string code(kReceiptCodeLength, '0');
    for (int i = 0; i < kReceiptCodeLength; ++i) code[i] = kAlphabet[values[i]];
    return code;
}

Result<std::string> NormaliseReceiptCode(std::string_view typed) {
    const std::string_view part = CodePartOf(typed);
    std::string code;
    code.reserve(kReceiptCodeLength);
    size_t i = 0;
    while (i < part.size()) {
        char32_t c = AsciiUpper(NextTypedChar(part, i));
        if (c == U' ' || c == U'\t' || c == U'\r' || c == U'\n' || c == U'-' || c == U'_') continue;
        if (c == U'O') c = U'0';
        if (c == U'I' || c == U'L') c = U'1';
        if (c > 0x7F || SymbolValue(static_cast<char>(c)) < 0) {
            // U is left out of Crockford's alphabet on purpose; it is as wrong as '*'.
            return Fail("bad_char", "receipt code: character outside Crockford base32");
        }
        code += static_cast<char>(c);
        if (code.size() > 64) break;  // already far too long; no need to read a whole page
    }
    if (code.empty()) return Fail("empty", "receipt code: nothing typed");
    if (code.size() != static_cast<size_t>(kReceiptCodeLength)) {
        return Fail("bad_length", "receipt code: need 16 characters, got " +
                                      (code.size() > 64 ? std::string("more than 64")
                                                        : std::to_string(code.size())));
    }
    if (!ReceiptCheckOk(code)) return Fail("bad_check", "receipt code: check character wrong");
    return code;
}

bool ReceiptCheckOk(std::string_view canonical) {
    uint8_t values[kReceiptCodeLength];
    return ToValues(canonical, values) && WeightedSum(values, kReceiptCodeLength) == 0;
}

std::string FormatReceiptCode(std::string_view canonical) {
    std::string out;
    out.reserve(canonical.size() + canonical.size() / 4);
    for (size_t i = 0; i < canonical.size(); ++i) {
        if (i > 0 && i % 4 == 0) out += ' ';
        out += canonical[i];
    }
    return out;
}

std::optional<ReceiptParts> DecodeReceiptCode(std::string_view canonical) {
    uint8_t values[kReceiptCodeLength];
    if (!ToValues(canonical, values) || WeightedSum(values, kReceiptCodeLength) != 0) {
        return std::nullopt;
    }
    return ReceiptParts{ReadField(values, kTerminalFirst, kTerminalChars),
                        ReadField(values, kCounterFirst, kCounterChars)};
}

bool ReceiptTagOk(std::string_view canonical, const ReceiptSecret& secret) {
    uint8_t values[kReceiptCodeLength];
    if (!ToValues(canonical, values) || WeightedSum(values, kReceiptCodeLength) != 0) return false;
    const uint32_t terminal = ReadField(values, kTerminalFirst, kTerminalChars);
    const uint32_t counter = ReadField(values, kCounterFirst, kCounterChars);
    const uint32_t tag = ReadField(values, kTagFirst, kTagChars);
    return ((tag ^ ComputeTag(terminal, counter, secret)) & kTagMask) == 0;
}

}  // namespace gk
