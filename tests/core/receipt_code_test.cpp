// Receipt codes: uniqueness over a million codes, the check character's guarantees, the
// documented bit layout (checked against libsodium directly), normalisation and decoding.
#include "core/receipt_code.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <random>
#include <string>
#include <unordered_set>
#include <vector>

namespace gk {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

ReceiptSecret RandomSecret(std::mt19937_64& rng) {
    ReceiptSecret s{};
    for (auto& b : s) b = static_cast<uint8_t>(rng());
    return s;
}

ReceiptSecret CountingSecret() {
    ReceiptSecret s{};
    for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<uint8_t>(i);
    return s;
}

std::string Make(uint32_t terminal, uint32_t counter, const ReceiptSecret& secret) {
    auto code = MakeReceiptCode(terminal, counter, secret);
    EXPECT_TRUE(code.ok()) << terminal << "/" << counter;
    return code.ok() ? *code : std::string();
}

uint32_t Field(std::string_view code, int first, int count) {
    uint32_t n = 0;
    for (int i = first; i < first + count; ++i)
        n = (n << 5) | static_cast<uint32_t>(kAlphabet.find(code[i]));
    return n;
}

// A sample of codes from random terminals, counters and secrets, plus the extremes.
std::vector<std::string> SampleCodes(size_t n) {
    std::mt19937_64 rng(20261127);
    std::vector<std::string> codes;
    codes.push_back(Make(0, 0, RandomSecret(rng)));
    codes.push_back(Make(kMaxTerminalNumber, kMaxReceiptCounter, RandomSecret(rng)));
    while (codes.size() < n) {
        codes.push_back(Make(static_cast<uint32_t>(rng() % (kMaxTerminalNumber + 1)),
                             static_cast<uint32_t>(rng() % (kMaxReceiptCounter + 1)),
                             RandomSecret(rng)));
    }
    return codes;
}

TEST(ReceiptCode, MillionCodesFromThousandTerminalsAreDistinctAndDecode) {
    std::mt19937_64 rng(7);
    std::unordered_set<std::string> codes;
    std::unordered_set<uint32_t> tags;
    codes.reserve(1'100'000);
    tags.reserve(1'100'000);
    for (uint32_t t = 0; t < 1000; ++t) {
        // Spread over the whole 20- and 25-bit ranges so every bit of both fields is used.
        const uint32_t terminal = t * 1048 + t % 7;
        const ReceiptSecret secret = RandomSecret(rng);
        for (uint32_t c = 0; c < 1000; ++c) {
            const uint32_t counter = c * 33554 + c % 5;
            auto code = MakeReceiptCode(terminal, counter, secret);
            ASSERT_TRUE(code.ok());
            ASSERT_EQ(code->size(), 16u);
            ASSERT_TRUE(ReceiptCheckOk(*code)) << *code;
            const auto parts = DecodeReceiptCode(*code);
            ASSERT_TRUE(parts.has_value()) << *code;
            ASSERT_EQ(parts->terminal_number, terminal);
            ASSERT_EQ(parts->counter, counter);
            tags.insert(Field(*code, 9, 6));
            ASSERT_TRUE(codes.insert(std::move(*code)).second)
                << "collision at " << terminal << "/" << counter;
        }
    }
    EXPECT_EQ(codes.size(), 1'000'000u);
    // 30-bit tags over a million codes: about n^2/2^31 ≈ 466 birthday collisions expected.
    // A weak or constant tag would leave far fewer distinct values.
    EXPECT_GT(tags.size(), 998'500u);
}

TEST(ReceiptCode, LayoutMatchesDocumentedBitsAndBlake2b) {
    const ReceiptSecret secret = CountingSecret();
    for (auto [terminal, counter] : {std::pair<uint32_t, uint32_t>{1, 1},
                                     {0, 0},
                                     {123456, 7654321},
                                     {kMaxTerminalNumber, kMaxReceiptCounter}}) {
        const std::string code = Make(terminal, counter, secret);
        EXPECT_EQ(Field(code, 0, 4), terminal);
        EXPECT_EQ(Field(code, 4, 5), counter);
        uint8_t message[8];
        for (int i = 0; i < 4; ++i) {
            message[i] = static_cast<uint8_t>(terminal >> (8 * i));
            message[4 + i] = static_cast<uint8_t>(counter >> (8 * i));
        }
        uint8_t hash[16];
        ASSERT_EQ(crypto_generichash(hash, sizeof hash, message, sizeof message, secret.data(),
                                     secret.size()),
                  0);
        const uint32_t expected_tag = ((uint32_t{hash[0]} << 24) | (uint32_t{hash[1]} << 16) |
                                       (uint32_t{hash[2]} << 8) | hash[3]) >>
                                      2;
        EXPECT_EQ(Field(code, 9, 6), expected_tag) << code;
    }
}

TEST(ReceiptCode, ExactlyOneCheckCharacterCompletesAnyDataPart) {
    for (const auto& code : SampleCodes(200)) {
        int valid = 0;
        for (char c : kAlphabet) {
            std::string candidate = code.substr(0, 15) + c;
            valid += ReceiptCheckOk(candidate);
        }
        EXPECT_EQ(valid, 1) << code;
    }
}

TEST(ReceiptCode, EverySingleSubstitutionIsCaught) {
    int tried = 0;
    for (const auto& code : SampleCodes(300)) {
        ASSERT_TRUE(ReceiptCheckOk(code));
        for (int pos = 0; pos < kReceiptCodeLength; ++pos) {
            for (char c : kAlphabet) {
                if (c == code[pos]) continue;
                std::string wrong = code;
                wrong[pos] = c;
                ++tried;
                ASSERT_FALSE(ReceiptCheckOk(wrong)) << code << " -> " << wrong;
                const auto normalised = NormaliseReceiptCode(wrong);
                ASSERT_FALSE(normalised.ok());
                ASSERT_EQ(normalised.error().code, "bad_check");
            }
        }
    }
    EXPECT_EQ(tried, 300 * 16 * 31);
}

TEST(ReceiptCode, EveryAdjacentSwapOfDistinctCharactersIsCaught) {
    int swaps = 0, swaps_with_check = 0;
    for (const auto& code : SampleCodes(2000)) {
        for (int i = 0; i + 1 < kReceiptCodeLength; ++i) {
            if (code[i] == code[i + 1]) continue;
            std::string swapped = code;
            std::swap(swapped[i], swapped[i + 1]);
            ++swaps;
            swaps_with_check += (i + 1 == kReceiptCodeLength - 1);
            ASSERT_FALSE(ReceiptCheckOk(swapped)) << code << " -> " << swapped;
        }
    }
    EXPECT_GT(swaps, 25000);
    EXPECT_GT(swaps_with_check, 1800);  // the check character swapped with the last data one
}

TEST(ReceiptCode, OutOfRangeInputsAreRejected) {
    const ReceiptSecret secret = CountingSecret();
    EXPECT_TRUE(MakeReceiptCode(kMaxTerminalNumber, kMaxReceiptCounter, secret).ok());
    const auto bad_terminal = MakeReceiptCode(kMaxTerminalNumber + 1, 0, secret);
    ASSERT_FALSE(bad_terminal.ok());
    EXPECT_EQ(bad_terminal.error().code, "out_of_range");
    const auto bad_counter = MakeReceiptCode(0, kMaxReceiptCounter + 1, secret);
    ASSERT_FALSE(bad_counter.ok());
    EXPECT_EQ(bad_counter.error().code, "out_of_range");
    EXPECT_FALSE(MakeReceiptCode(UINT32_MAX, UINT32_MAX, secret).ok());
}

TEST(ReceiptCode, RoundTripDecode) {
    std::mt19937_64 rng(3);
    for (int i = 0; i < 1000; ++i) {
        const uint32_t terminal = static_cast<uint32_t>(rng() % (kMaxTerminalNumber + 1));
        const uint32_t counter = static_cast<uint32_t>(rng() % (kMaxReceiptCounter + 1));
        const std::string code = Make(terminal, counter, RandomSecret(rng));
        const auto parts = DecodeReceiptCode(code);
        ASSERT_TRUE(parts.has_value());
        EXPECT_EQ(parts->terminal_number, terminal);
        EXPECT_EQ(parts->counter, counter);
        // Through the typed form and back.
        const auto normalised = NormaliseReceiptCode(FormatReceiptCode(code));
        ASSERT_TRUE(normalised.ok());
        EXPECT_EQ(*normalised, code);
    }
}

TEST(ReceiptCode, DecodeRefusesNonCanonicalOrCorruptCodes) {
    const std::string code = Make(42, 4242, CountingSecret());
    std::string corrupt = code;
    corrupt[3] = corrupt[3] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(DecodeReceiptCode(corrupt).has_value());
    EXPECT_FALSE(DecodeReceiptCode(FormatReceiptCode(code)).has_value());
    EXPECT_FALSE(DecodeReceiptCode(code.substr(0, 15)).has_value());
    EXPECT_FALSE(DecodeReceiptCode("").has_value());
}

TEST(ReceiptCode, TagVerifiesOnlyWithTheRightSecret) {
    std::mt19937_64 rng(11);
    const ReceiptSecret secret = RandomSecret(rng);
    ReceiptSecret other = secret;
    other[31] ^= 1;  // one bit away
    for (uint32_t counter = 0; counter < 200; ++counter) {
        const std::string code = Make(777, counter, secret);
        EXPECT_TRUE(ReceiptTagOk(code, secret));
        EXPECT_FALSE(ReceiptTagOk(code, other)) << code;
    }
}

TEST(ReceiptCode, ForgedCodeWithValidCheckFailsTagVerification) {
    // Someone walking receipts: take a real code, change the counter (or the tag) and
    // recompute the check character. The check passes; the tag must not.
    const ReceiptSecret secret = CountingSecret();
    const std::string real = Make(5, 100, secret);
    auto complete = [](std::string data) {
        for (char c : kAlphabet) {
            if (ReceiptCheckOk(data.substr(0, 15) + c)) return data.substr(0, 15) + c;
        }
        return std::string();
    };
    std::string next_counter = real;
    next_counter[8] = kAlphabet[(kAlphabet.find(real[8]) + 1) % 32];
    next_counter = complete(next_counter);
    ASSERT_TRUE(ReceiptCheckOk(next_counter));
    EXPECT_FALSE(ReceiptTagOk(next_counter, secret));

    std::string other_tag = real;
    other_tag[12] = kAlphabet[(kAlphabet.find(real[12]) + 1) % 32];
    other_tag = complete(other_tag);
    ASSERT_TRUE(ReceiptCheckOk(other_tag));
    EXPECT_FALSE(ReceiptTagOk(other_tag, secret));
    EXPECT_FALSE(ReceiptTagOk("not a code", secret));
}

TEST(ReceiptCode, FormatGroupsOfFour) {
    EXPECT_EQ(FormatReceiptCode("ABCDEFGHJKMNPQRS"), "ABCD EFGH JKMN PQRS");
    EXPECT_EQ(FormatReceiptCode(""), "");
}

// A code that contains both 0 and 1, to exercise O→0 and I/L→1.
std::string CodeWithZeroAndOne() {
    const ReceiptSecret secret = CountingSecret();
    for (uint32_t counter = 0;; ++counter) {
        std::string code = Make(1, counter, secret);
        // Use positions that are not the check character, so only the mapping matters.
        if (code.substr(0, 15).find('0') != std::string::npos &&
            code.substr(0, 15).find('1') != std::string::npos) {
            return code;
        }
    }
}

std::string Lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string ErrorOf(std::string_view typed) {
    const auto r = NormaliseReceiptCode(typed);
    return r.ok() ? "ok:" + *r : r.error().code;
}

TEST(ReceiptCodeNormalise, AcceptsWhatPeopleAndScannersSend) {
    const std::string code = Make(31337, 99, CountingSecret());
    const std::string grouped = FormatReceiptCode(code);
    std::string dashed = grouped;
    for (auto& c : dashed) c = c == ' ' ? '-' : c;
    std::string underscored = grouped;
    for (auto& c : underscored) c = c == ' ' ? '_' : c;

    for (const std::string& typed :
         {code, Lower(code), grouped, Lower(grouped), dashed, underscored, "  " + grouped + "\t\n",
          "https://gk.example.cn/t/" + dashed, "https://gk.example.cn/t/" + code + "/",
          "https://gk.example.cn/t/" + code + "?src=qr&x=1",
          "https://gk.example.cn/t/" + code + "#top",
          "HTTPS://GK.EXAMPLE.CN/T/" + code,  // QR alphanumeric mode upper-cases everything
          "https://gk.example.cn/t/t/" + code,
          "http://10.0.0.1:8080/t/" + Lower(dashed) + "/?a=b"}) {
        EXPECT_EQ(ErrorOf(typed), "ok:" + code) << typed;
    }
}

TEST(ReceiptCodeNormalise, MapsLookAlikesAndFullWidth) {
    const std::string code = CodeWithZeroAndOne();
    std::string o = code, i = code, l = code, lower_l = code;
    for (auto& c : o) c = c == '0' ? 'O' : c;
    for (auto& c : i) c = c == '1' ? 'I' : c;
    for (auto& c : l) c = c == '1' ? 'L' : c;
    for (auto& c : lower_l) c = c == '1' ? 'l' : (c == '0' ? 'o' : c);
    EXPECT_EQ(ErrorOf(o), "ok:" + code);
    EXPECT_EQ(ErrorOf(i), "ok:" + code);
    EXPECT_EQ(ErrorOf(l), "ok:" + code);
    EXPECT_EQ(ErrorOf(lower_l), "ok:" + code);

    // A Chinese input method in full-width mode: "ＡＢ１" and the ideographic space.
    std::string full_width;
    for (size_t k = 0; k < code.size(); ++k) {
        const char32_t cp = 0xFF01 + (code[k] - 0x21);
        full_width += static_cast<char>(0xE0 | (cp >> 12));
        full_width += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        full_width += static_cast<char>(0x80 | (cp & 0x3F));
        if (k % 4 == 3) full_width += "\xE3\x80\x80";  // U+3000
    }
    EXPECT_EQ(ErrorOf(full_width), "ok:" + code);
}

TEST(ReceiptCodeNormalise, RefusesWhatIsNotACode) {
    const std::string code = Make(31337, 99, CountingSecret());
    EXPECT_EQ(ErrorOf(""), "empty");
    EXPECT_EQ(ErrorOf("   "), "empty");
    EXPECT_EQ(ErrorOf(" - _ -"), "empty");
    EXPECT_EQ(ErrorOf("https://gk.example.cn/t/"), "empty");
    EXPECT_EQ(ErrorOf(code.substr(0, 15)), "bad_length");
    EXPECT_EQ(ErrorOf(code + "0"), "bad_length");
    EXPECT_EQ(ErrorOf(std::string(100000, 'A')), "bad_length");
    std::string with_u = code;
    with_u[5] = 'U';
    EXPECT_EQ(ErrorOf(with_u), "bad_char");
    EXPECT_EQ(ErrorOf(Lower(with_u)), "bad_char");
    std::string with_star = code;
    with_star[0] = '*';
    EXPECT_EQ(ErrorOf(with_star), "bad_char");
    EXPECT_EQ(ErrorOf("回执" + code), "bad_char");
    EXPECT_EQ(ErrorOf(std::string("\xFF\xFE") + code), "bad_char");
    std::string wrong_check = code;
    wrong_check[15] = wrong_check[15] == '0' ? '1' : '0';
    EXPECT_EQ(ErrorOf(wrong_check), "bad_check");
}

}  // namespace
}  // namespace gk
