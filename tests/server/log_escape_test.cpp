// platform/log: outside data in a log message cannot break the line, move the cursor, recolour
// the terminal or reorder text; invalid UTF-8 shows as its bytes; Chinese stays readable.
#include <gtest/gtest.h>

#include "platform/log.h"
#include "server/log_fields.h"

namespace gk::log {
namespace {

TEST(EscapeForLog, ControlBytesBecomeVisibleEscapes) {
    EXPECT_EQ(EscapeForLog("a\r\nevent=forged"), "a\\u{0d}\\u{0a}event=forged");
    EXPECT_EQ(EscapeForLog("\x1b[31mred\x1b[0m"), "\\u{1b}[31mred\\u{1b}[0m");
    EXPECT_EQ(EscapeForLog(std::string("a\0b", 3)), "a\\u{00}b");
    EXPECT_EQ(EscapeForLog("\x7f\x08"), "\\u{7f}\\u{08}");
}

TEST(EscapeForLog, C1ControlsSeparatorsAndBidiOverridesAreEscaped) {
    EXPECT_EQ(EscapeForLog("\xC2\x9B"
                           "31m"),
              "\\u{9b}31m");  // CSI as a code point
    EXPECT_EQ(EscapeForLog("a\xE2\x80\xA8"
                           "b"),
              "a\\u{2028}b");
    EXPECT_EQ(EscapeForLog("\xE2\x80\xAE"
                           "txt"),
              "\\u{202e}txt");  // right-to-left override
}

TEST(EscapeForLog, InvalidUtf8ShowsEveryByte) {
    EXPECT_EQ(EscapeForLog("\xff\xfe"), "\\xff\\xfe");
    EXPECT_EQ(EscapeForLog("ok\xE4\xB8"), "ok\\xe4\\xb8");       // cut in the middle
    EXPECT_EQ(EscapeForLog("\xC0\xAF"), "\\xc0\\xaf");           // overlong '/'
    EXPECT_EQ(EscapeForLog("\xED\xA0\x80"), "\\xed\\xa0\\x80");  // a surrogate
}

TEST(EscapeForLog, PrintableTextAndChineseAreKept) {
    EXPECT_EQ(EscapeForLog("event=http path=/t/* status=200"), "event=http path=/t/* status=200");
    EXPECT_EQ(EscapeForLog("书院门社区 \xEF\xBF\xBD"), "书院门社区 \xEF\xBF\xBD");
}

TEST(EscapeForLog, ServerLogLinesCarryingAForgedLineStayOneLine) {
    const std::string text =
        server::LogLine("http").Add("path", "/x\r\n<3>gridkiosk-server: event=admin_login").text();
    const std::string line = EscapeForLog(text);
    EXPECT_EQ(line.find('\r'), std::string::npos);
    EXPECT_EQ(line.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace gk::log
