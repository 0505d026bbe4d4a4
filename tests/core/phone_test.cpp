// Phone numbers: what residents type, the canonical forms, the errors and the mask.
#include "core/phone.h"

#include <gtest/gtest.h>

namespace gk {
namespace {

std::string Normalised(std::string_view typed) {
    const auto r = NormalisePhone(typed);
    return r.ok() ? *r : "error:" + r.error().code;
}

TEST(Phone, MobileInTheWaysPeopleTypeIt) {
    for (const char* typed :
         {"13800138000", "138 0013 8000", "138-0013-8000", "+86 13800138000", "+86-138-0013-8000",
          "+8613800138000", "0086 138 0013 8000", "008613800138000", "86 138 0013 8000",
          "8613800138000", " 13800138000 ", "(+86) 138 0013 8000"}) {
        EXPECT_EQ(Normalised(typed), "13800138000") << typed;
    }
    // Every second digit 3..9 is a mobile network.
    for (char second = '3'; second <= '9'; ++second) {
        const std::string number = std::string("1") + second + "012345678";
        EXPECT_EQ(Normalised(number), number);
    }
    // Full-width digits from a Chinese input method.
    EXPECT_EQ(Normalised("１３８００１３８０００"), "13800138000");
}

TEST(Phone, LandlinesWithAreaCodes) {
    EXPECT_EQ(Normalised("010-12345678"), "010-12345678");
    EXPECT_EQ(Normalised("(010) 1234 5678"), "010-12345678");
    EXPECT_EQ(Normalised("01012345678"), "010-12345678");
    EXPECT_EQ(Normalised("02912345678"), "029-12345678");
    EXPECT_EQ(Normalised("021-8765432"), "021-8765432");  // 7-digit local number
    EXPECT_EQ(Normalised("(0755)8765 4321"), "0755-87654321");
    EXPECT_EQ(Normalised("0512-6523456"), "0512-6523456");
    EXPECT_EQ(Normalised("０７５５－８７６５４３２１"), "0755-87654321");
    // International form drops the trunk 0; it comes back.
    EXPECT_EQ(Normalised("+86 10 1234 5678"), "010-12345678");
    EXPECT_EQ(Normalised("+86 29 8765 4321"), "029-87654321");
    EXPECT_EQ(Normalised("+86 755 8765 4321"), "0755-87654321");
    EXPECT_EQ(Normalised("0086 0755 8765 4321"), "0755-87654321");
}

TEST(Phone, Errors) {
    EXPECT_EQ(Normalised(""), "error:empty");
    EXPECT_EQ(Normalised("  - "), "error:empty");
    EXPECT_EQ(Normalised("138OO138OOO"), "error:bad_char");  // letter O for zero
    EXPECT_EQ(Normalised("tel 13800138000"), "error:bad_char");
    EXPECT_EQ(Normalised("138.0013.8000"), "error:bad_char");
    EXPECT_EQ(Normalised("138*0013#8000"), "error:bad_char");
    EXPECT_EQ(Normalised("13800138000+"), "error:bad_char");  // + only in front
    EXPECT_EQ(Normalised("电话13800138000"), "error:bad_char");
    EXPECT_EQ(Normalised("\xFF"
                         "13800138000"),
              "error:bad_char");
    EXPECT_EQ(Normalised("12800138000"), "error:bad_mobile");  // 12x is not a mobile network
    EXPECT_EQ(Normalised("11800138000"), "error:bad_mobile");
    EXPECT_EQ(Normalised("+1 415 555 0100"), "error:bad_mobile");
    EXPECT_EQ(Normalised("23456789012"), "error:bad_mobile");
    EXPECT_EQ(Normalised("1380013800"), "error:bad_length");    // 10 digits
    EXPECT_EQ(Normalised("138001380001"), "error:bad_length");  // 12 digits
    EXPECT_EQ(Normalised("+"), "error:bad_length");
    EXPECT_EQ(Normalised(std::string(200, '1')), "error:bad_length");
    EXPECT_EQ(Normalised("010-123456"), "error:bad_length");  // 6-digit local
    EXPECT_EQ(Normalised("0755-123456789"), "error:bad_length");
    EXPECT_EQ(Normalised("011-12345678"), "error:bad_landline");  // no 01x besides 010
    EXPECT_EQ(Normalised("001-12345678"), "error:bad_landline");
    EXPECT_EQ(Normalised("010-01234567"), "error:bad_landline");  // local cannot start with 0
    EXPECT_EQ(Normalised("8765 4321"), "error:bad_landline");     // no area code
    EXPECT_EQ(Normalised("10 1234 5678"), "error:bad_landline");  // Beijing without its 0
}

TEST(Phone, MaskShowsOnlyWhatIsSafe) {
    EXPECT_EQ(MaskPhone("13800138000"), "138****8000");
    EXPECT_EQ(MaskPhone("010-12345678"), "010-****5678");
    EXPECT_EQ(MaskPhone("0755-8765432"), "0755-***5432");
    // Never more than four digits of something unexpected.
    EXPECT_EQ(MaskPhone("123456789"), "*****6789");
    EXPECT_EQ(MaskPhone("123"), "***");
    EXPECT_EQ(MaskPhone(""), "****");
    const std::string masked = MaskPhone(*NormalisePhone("+86 139 1234 5678"));
    EXPECT_EQ(masked, "139****5678");
}

}  // namespace
}  // namespace gk
