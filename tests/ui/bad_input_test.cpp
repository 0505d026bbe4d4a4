// Hostile or careless input through the real UI: nothing, blanks, too much, emoji, bytes that
// are not UTF-8, text that looks like SQL, letters in a phone number.
#include "kiosk_runner.h"

namespace gk::uitest {
namespace {

std::string Repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

// From home to the details step of "other suggestion" (no place or contact required).
const std::string kToSuggestion = Steps({
    "tap home.request",
    "tap request.group.other",
    "tap request.service.other.suggestion",
    "expect_screen request.details",
});

TEST(BadInput, EmptyTooLongEmojiAndInvalidUtf8Descriptions) {
    Kiosk k;
    const std::string empty = "expect_text " + Text("zh", "error.description_empty");
    const std::string s =
        kStart + kToSuggestion +
        Steps({
            // Nothing typed, then only blanks: refused, and the step stays.
            "tap request.next",
            "expect_screen request.details",
            empty,
            "tap kb.space",
            "tap kb.space",
            "tap request.next",
            "expect_screen request.details",
            empty,
            "tap kb.backspace",
            "tap kb.backspace",
            // Emoji: a message; the rest of the text is kept.
            "type A\xF0\x9F\x98\x80"
            "B",
            "expect_text " + Text("zh", "error.emoji"),
            // Raw bytes that are not UTF-8 (as a broken scanner might send).
            "type C\xFF\xFE"
            "D",
            "expect_text " + Text("zh", "error.invalid_utf8"),
            // 5,000 characters: 500 kept, and a notice says so.
            "type " + Repeat("长", 5000),
            "expect_text " + Text("zh", "notice.text_too_long"),
            "expect_text " + Text("zh", "common.chars", {{"count", "500"}, {"max", "500"}}),
            // On to the receipt, anonymously.
            "tap request.next",
            "expect_screen request.location",
            "tap request.next",
            "expect_screen request.contact",
            "tap request.contact_anonymous",
            "tap request.next",
            "expect_screen request.review",
            "tap request.consent",
            "tap request.submit",
            "expect_screen receipt",
            "quit",
        });
    const KioskRun run = k.Run(s, RunOptions().Window("1280x720").NoScreenshots());
    ASSERT_EQ(run.exit_code, 0) << run.Describe();

    Db db(k.db_path());
    ASSERT_TRUE(db.ok()) << db.error();
    const auto rows = db.Rows("SELECT description, payload FROM requests");
    ASSERT_EQ(rows.size(), 1u);
    const std::string& description = rows[0][0];
    const auto cps = DecodeUtf8(description);
    ASSERT_TRUE(cps.has_value()) << "stored description is not valid UTF-8";
    EXPECT_EQ(cps->size(), 500u) << "not truncated at 500 characters";
    size_t first_long = 0;
    while (first_long < cps->size() && (*cps)[first_long] != U'长') ++first_long;
    EXPECT_GE(cps->size() - first_long, 490u);
    for (size_t i = 0; i < cps->size(); ++i) {
        const char32_t c = (*cps)[i];
        EXPECT_LE(c, 0xFFFFu) << "emoji stored";
        EXPECT_NE(c, 0xFFFDu) << "replacement character stored for the invalid bytes";
        if (i < first_long) {
            EXPECT_TRUE(c >= U'A' && c <= U'D') << "unexpected U+" << std::hex << unsigned(c);
        } else {
            EXPECT_EQ(c, U'长');
        }
    }
    // The payload for the server is clean too.
    EXPECT_TRUE(DecodeUtf8(rows[0][1]).has_value());
    EXPECT_EQ(rows[0][1].find("\xF0\x9F\x98\x80"), std::string::npos);
    EXPECT_EQ(rows[0][1].find("\\ud83d"), std::string::npos);
}

TEST(BadInput, SqlLookingTextIsStoredVerbatim) {
    Kiosk k;
    const std::string sql = "'); DROP TABLE requests;--";
    const std::string building = "1';DELETE FROM t;--";  // within the 20-character limit
    const std::string s = kStart + kToSuggestion +
                          Steps({
                              "type " + sql,
                              "tap request.next",
                              "expect_screen request.location",
                              "type " + building,
                              "tap request.next",
                              "expect_screen request.contact",
                              "tap request.contact_anonymous",
                              "tap request.next",
                              "expect_screen request.review",
                              "expect_text " + sql,
                              "tap request.consent",
                              "tap request.submit",
                              "expect_screen receipt",
                              "quit",
                          });
    const KioskRun run = k.Run(s, RunOptions().Window("1280x720").NoScreenshots());
    ASSERT_EQ(run.exit_code, 0) << run.Describe();

    Db db(k.db_path());
    ASSERT_TRUE(db.ok()) << db.error();
    const auto rows = db.Rows("SELECT description, building FROM requests");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0][0], sql);
    EXPECT_EQ(rows[0][1], building);
    EXPECT_EQ(db.Int("SELECT count(*) FROM outbox"), 1);
    for (const char* table :
         {"requests", "outbox", "stage_history", "settings", "counter", "catalogue"}) {
        EXPECT_EQ(
            db.Int(std::string(
                       "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '") +
                   table + "'"),
            1)
            << table;
    }
    EXPECT_EQ(db.Text("PRAGMA integrity_check"), "ok");
}

TEST(BadInput, PhoneWithLettersIsRefusedUntilCorrected) {
    Kiosk k;
    std::string s = kStart + Steps({
                                 "tap home.request",
                                 "tap request.group.repair",
                                 "tap request.service.repair.streetlight",
                                 "type 路灯闪烁",
                                 "tap request.next",
                                 "type 1号楼",
                                 "tap request.next",
                                 "expect_screen request.contact",
                                 "type 138abc00138",
                                 "tap request.next",
                                 "expect_screen request.contact",
                                 "expect_text " + Text("zh", "error.phone_bad_char"),
                             });
    s += Repeat("key BackSpace\n", 11);
    s += Steps({"type 13800138000", "tap request.next", "expect_screen request.review", "quit"});
    const KioskRun run = k.Run(s, RunOptions().Window("1280x720").NoScreenshots());
    ASSERT_EQ(run.exit_code, 0) << run.Describe();
    Db db(k.db_path());
    EXPECT_EQ(db.Int("SELECT count(*) FROM requests"), 0);
}

}  // namespace
}  // namespace gk::uitest
