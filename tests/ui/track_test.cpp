// Tracking a receipt on the terminal: forgiving about how the code is typed, strict about the
// check character (caught before any lookup), and a scanner typing the whole tracking URL.
#include <cctype>

#include "kiosk_runner.h"

namespace gk::uitest {
namespace {

const std::string kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

TEST(Track, ForgivingInputStrictCheckAndScannerUrl) {
    Kiosk k;
    const KioskRun wizard = k.Run(kStart + WizardSteps({}) + Steps({"quit"}),
                                  RunOptions().Window("1280x720").NoLayoutDump().NoScreenshots());
    ASSERT_EQ(wizard.exit_code, 0) << wizard.Describe();
    std::string code;
    {
        Db db(k.db_path());
        code = db.Text("SELECT receipt_code FROM requests");
    }
    ASSERT_EQ(code.size(), 16u);
    ASSERT_NE(code.find('0'), std::string::npos) << "the O-for-0 case needs a 0 in " << code;

    // Lower case, O for 0, l for 1, dashes and spaces between groups.
    std::string sloppy;
    for (size_t i = 0; i < code.size(); ++i) {
        if (i == 4 || i == 12) sloppy += '-';
        if (i == 8) sloppy += "  ";
        const char c = code[i];
        sloppy += c == '0'   ? 'o'
                  : c == '1' ? 'l'
                             : char(std::tolower(static_cast<unsigned char>(c)));
    }
    // One wrong character (the check character itself) and one swap of two neighbours.
    std::string wrong_check = code;
    wrong_check[15] = kCrockford[(kCrockford.find(code[15]) + 1) % kCrockford.size()];
    std::string swapped = code;
    for (size_t i = 0; i + 1 < swapped.size(); ++i) {
        if (swapped[i] != swapped[i + 1]) {
            std::swap(swapped[i], swapped[i + 1]);
            break;
        }
    }
    ASSERT_NE(swapped, code);

    const std::string found =
        "expect_text " + Text("zh", "track.stage_now", {{"stage", Text("zh", "stage.queued")}});
    const std::string check_error = "expect_text " + Text("zh", "track.error_check");
    const std::string again = Steps({"tap common.home", "tap home.track", "expect_screen track"});
    const std::string s =
        kStart + Steps({"tap home.track", "expect_screen track"}) +
        Steps({"type " + sloppy, "tap track.lookup", found, "expect_text " + GroupsOfFour(code)}) +
        again + Steps({"type " + wrong_check, "tap track.lookup", check_error}) + again +
        Steps({"type " + GroupsOfFour(swapped), "tap track.lookup", check_error}) + again +
        Steps({
            // A USB scanner reading the receipt's QR: the URL, then Enter.
            "type http://127.0.0.1:8080/t/" + code,
            "key Return",
            found,
            "expect_text " + GroupsOfFour(code),
            "quit",
        });
    const KioskRun run = k.Run(s, RunOptions().Window("1280x720").NoScreenshots());
    EXPECT_EQ(run.exit_code, 0) << "codes tried: " << sloppy << " / " << wrong_check << " / "
                                << swapped << "\n"
                                << run.Describe();
}

TEST(Track, MalformedCodesSaySo) {
    Kiosk k;
    const std::string again = Steps({"tap common.home", "tap home.track"});
    const std::string s = kStart +
                          Steps({"tap home.track", "tap track.lookup",
                                 "expect_text " + Text("zh", "track.error_empty")}) +
                          again +
                          Steps({
                              "tap kb.7",
                              "tap kb.A",
                              "tap kb.backspace",
                              "tap track.lookup",
                              "expect_text " + Text("zh", "track.error_length"),
                          }) +
                          again +
                          Steps({
                              "type 0007 0000 1VA9 5C7#",
                              "tap track.lookup",
                              "expect_text " + Text("zh", "track.error_char"),
                              "quit",
                          });
    const KioskRun run = k.Run(s, RunOptions().Window("1280x720").NoScreenshots());
    EXPECT_EQ(run.exit_code, 0) << run.Describe();
}

}  // namespace
}  // namespace gk::uitest
