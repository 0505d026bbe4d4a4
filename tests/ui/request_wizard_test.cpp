// The request wizard end to end: the receipt's QR code and code against what the database
// holds, English and a configured public URL, no QR without a public URL, no request without a
// grid, Back keeping what was typed, and the idle wipe forgetting the draft.
#include <regex>

#include "kiosk_runner.h"

namespace gk::uitest {
namespace {

const std::regex kCanonicalCode("[0-9A-HJKMNP-TV-Z]{16}");  // Crockford base32, no I L O U

std::string OnlyReceiptCode(Db& db) {
    const auto rows = db.Rows("SELECT receipt_code FROM requests");
    return rows.size() == 1 ? rows[0][0] : std::string();
}

TEST(RequestWizard, ChineseReceiptQrMatchesTheStoredCode) {
    Kiosk k;
    const WizardInput in;
    const KioskRun run = k.Run(kStart + WizardSteps(in) +
                               Steps({
                                   "expect_text " + Text("zh", "receipt.title"),
                                   "expect_text " + Text("zh", "receipt.code_label"),
                                   "screenshot receipt",
                                   "quit",
                               }));
    ASSERT_EQ(run.exit_code, 0) << run.Describe();
    ASSERT_EQ(run.screen(), "receipt");

    Db db(k.db_path());
    ASSERT_TRUE(db.ok()) << db.error();
    const std::string code = OnlyReceiptCode(db);
    ASSERT_TRUE(std::regex_match(code, kCanonicalCode)) << "stored code: " << code;
    EXPECT_EQ(DecodeQr(k.shot("receipt")), "http://127.0.0.1:8080/t/" + code);

    // What was typed is what was stored, and the record waits in the outbox.
    const auto rows = db.Rows(
        "SELECT service_code, description, building, unit, contact_phone, lang, stage "
        "FROM requests");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0][0], in.service);
    EXPECT_EQ(rows[0][1], in.description);
    EXPECT_EQ(rows[0][2], in.building);
    EXPECT_EQ(rows[0][3], in.unit);
    EXPECT_EQ(rows[0][4], in.phone);
    EXPECT_EQ(rows[0][5], "zh");
    EXPECT_EQ(rows[0][6], "queued");
    EXPECT_EQ(db.Int("SELECT count(*) FROM outbox"), 1);
}

// The code is only known once a receipt exists, yet expect_text must name it in the script.
// Receipt codes are (terminal, counter, secret) by construction (core/receipt_code.h), so a
// copy of a freshly initialised data folder is the same terminal: its first request gets the
// same code. Run the wizard on the original, then on the copy with the code in the script.
TEST(RequestWizard, EnglishReceiptShowsTheStoredCodeAndQrFollowsPublicUrl) {
    Kiosk original, copy;
    const KioskRun init = original.Run("quit\n", RunOptions().Window("640x480").NoLayoutDump());
    ASSERT_EQ(init.exit_code, 0) << init.Describe();
    fs::copy(original.data_dir(), copy.data_dir(),
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    copy.WriteConfig(kTestTerminalToml +
                     "[server]\npublic_url = \"https://grid.example.cn/kiosk/\"\n");

    WizardInput in;
    in.description = "Streetlight out by gate 2";
    in.building = "Building 3";
    in.unit = "Unit 2";
    const KioskRun first =
        original.Run(kStart + WizardSteps(in) + Steps({"screenshot receipt", "quit"}),
                     RunOptions().Window("1280x720").Lang("en"));
    ASSERT_EQ(first.exit_code, 0) << first.Describe();
    Db db1(original.db_path());
    const std::string code = OnlyReceiptCode(db1);
    ASSERT_TRUE(std::regex_match(code, kCanonicalCode)) << "stored code: " << code;
    EXPECT_EQ(DecodeQr(original.shot("receipt")), "http://127.0.0.1:8080/t/" + code);
    EXPECT_EQ(db1.Text("SELECT lang FROM requests"), "en");

    // On the copy: English through the toggle this time, and the code looked for on screen.
    const KioskRun second = copy.Run(
        kStart + Steps({"tap common.lang", "expect_text Make a request"}) + WizardSteps(in) +
            Steps({
                "expect_text " + Text("en", "receipt.title"),
                "expect_text " + GroupsOfFour(code),
                "screenshot receipt",
                "quit",
            }),
        RunOptions().Window("1280x720"));
    ASSERT_EQ(second.exit_code, 0) << "the receipt does not show " << GroupsOfFour(code)
                                   << " (or the copy made another code)\n"
                                   << second.Describe();
    Db db2(copy.db_path());
    EXPECT_EQ(OnlyReceiptCode(db2), code);
    EXPECT_EQ(DecodeQr(copy.shot("receipt")), "https://grid.example.cn/kiosk/t/" + code);
}

// A terminal with no public URL (none configured, none from enrollment) never prints a QR that
// no phone can open: the receipt says tracking is on this terminal, in both languages.
TEST(RequestWizard, WithoutPublicUrlTheReceiptHasNoQrAndSaysTrackingIsHere) {
    for (const char* lang : {"zh", "en"}) {
        Kiosk k;
        k.WriteConfig(kTestTerminalToml + "[ui]\nlang = \"" + lang + "\"\n");
        const WizardInput in;
        const KioskRun run = k.Run(kStart + WizardSteps(in) +
                                   Steps({
                                       "expect_text " + Text(lang, "receipt.title"),
                                       "expect_text " + Text(lang, "receipt.track_here"),
                                       "screenshot receipt",
                                       "quit",
                                   }));
        ASSERT_EQ(run.exit_code, 0) << lang << ": " << run.Describe();
        EXPECT_EQ(DecodeQr(k.shot("receipt")), "") << lang << ": no QR without a public URL";
    }
}

// With no grid (none configured, not enrolled) the terminal takes no request: nothing is filed
// under a made-up grid.
TEST(RequestWizard, WithoutGridNoRequestIsStored) {
    Kiosk k;
    k.WriteConfig("[terminal]\nnumber = 7\n");
    WizardInput in;
    in.submit = false;
    const KioskRun run =
        k.Run(kStart + WizardSteps(in) +
              Steps({"tap request.submit", "expect_screen request.review",
                     "expect_text " + Text("zh", "error.not_provisioned"), "quit"}));
    ASSERT_EQ(run.exit_code, 0) << run.Describe();
    Db db(k.db_path());
    ASSERT_TRUE(db.ok()) << db.error();
    EXPECT_EQ(db.Int("SELECT count(*) FROM requests"), 0);
}

TEST(RequestWizard, BackAndForthKeepsWhatWasTyped) {
    Kiosk k;
    const std::string description = "灯杆歪了 pole leaning";
    const std::string building = "12号楼";
    const std::string s = kStart + Steps({
                                       "tap home.request",
                                       "tap request.group.repair",
                                       "tap request.service.repair.streetlight",
                                       "type " + description,
                                       "tap request.next",
                                       "expect_screen request.location",
                                       "type " + building,
                                       "tap common.back",
                                       "expect_screen request.details",
                                       "expect_text " + description,
                                       "tap common.back",
                                       "expect_screen request.service",
                                       "tap common.back",
                                       "expect_screen request.group",
                                       "tap request.group.repair",
                                       "tap request.service.repair.streetlight",
                                       "expect_screen request.details",
                                       "expect_text " + description,
                                       "tap request.next",
                                       "expect_screen request.location",
                                       "expect_text " + building,
                                       "quit",
                                   });
    const KioskRun run = k.Run(s, RunOptions().Window("1280x720").NoScreenshots());
    ASSERT_EQ(run.exit_code, 0) << run.Describe();
    // Nothing is stored before submit, and the layout dump carries labels, never typed data.
    Db db(k.db_path());
    EXPECT_EQ(db.Int("SELECT count(*) FROM requests"), 0);
    const std::string dump = ReadFile(k.layout_path());
    EXPECT_EQ(dump.find(building), std::string::npos) << dump;
    EXPECT_EQ(dump.find("pole leaning"), std::string::npos) << dump;
}

TEST(RequestWizard, IdleWipeForgetsTheDraft) {
    Kiosk k;
    const std::string marker = "wipe-marker-qzxjv";
    const std::string to_details = Steps({
        "tap home.request",
        "tap request.group.repair",
        "tap request.service.repair.streetlight",
        "expect_screen request.details",
    });
    const std::string s =
        kStart + to_details +
        Steps({
            "screenshot fresh",
            "type " + marker + " 描述",
            "tap request.next",
            "expect_screen request.location",
            "type 88号楼",
            "wait 91000",
            "expect_screen attract",
        }) +
        kStart + to_details +
        Steps({
            "expect_text " + Text("zh", "common.chars", {{"count", "0"}, {"max", "500"}}),
            "screenshot after",
            // The building is gone too: the required field is reported empty.
            "type x",
            "tap request.next",
            "expect_screen request.location",
            "tap request.next",
            "expect_screen request.location",
            "expect_text " + Text("zh", "error.building_required"),
            "quit",
        });
    const KioskRun run = k.Run(s, RunOptions().Window("1280x720"));
    ASSERT_EQ(run.exit_code, 0) << run.Describe();

    // The details step after the wipe looks exactly like a fresh one (below the header's clock).
    const Image fresh(k.shot("fresh")), after(k.shot("after"));
    ASSERT_TRUE(fresh.ok() && after.ok());
    ASSERT_EQ(fresh.width(), after.width());
    long differing = 0;
    for (int y = 82; y < fresh.height(); ++y) {
        for (int x = 0; x < fresh.width(); ++x)
            differing += fresh.At(x, y).Near(after.At(x, y), 0) ? 0 : 1;
    }
    EXPECT_EQ(differing, 0) << "the details step still shows something of the wiped session";

    Db db(k.db_path());
    ASSERT_TRUE(db.ok()) << db.error();
    EXPECT_EQ(db.Int("SELECT count(*) FROM requests"), 0);
    EXPECT_EQ(db.Int("SELECT count(*) FROM outbox"), 0);
    // No draft anywhere in the data folder (database, WAL, caches).
    for (const auto& entry : fs::recursive_directory_iterator(k.data_dir())) {
        if (!entry.is_regular_file()) continue;
        EXPECT_EQ(ReadFile(entry.path()).find(marker), std::string::npos) << entry.path();
    }
}

}  // namespace
}  // namespace gk::uitest
