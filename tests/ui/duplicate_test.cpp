// The duplicate hint: a second request for the same service at the same place within the
// look-back shows a note, and submit stays disabled until the resident acknowledges it.
#include "kiosk_runner.h"

namespace gk::uitest {
namespace {

TEST(Duplicate, SecondRequestAtTheSamePlaceNeedsAcknowledging) {
    Kiosk k;
    WizardInput first;
    first.description = "5号楼门口路灯不亮";
    first.building = "5号楼";
    first.unit = "";
    WizardInput second = first;
    second.description = "路灯还是不亮";
    second.submit = false;
    const std::string note = "expect_text " + Text("zh", "request.duplicate");

    // The first request goes through; the second stops on review with the note, consent ticked.
    const KioskRun run1 =
        k.Run(kStart + WizardSteps(first) + Steps({"tap receipt.done", "expect_screen attract"}) +
                  kStart + WizardSteps(second) + Steps({note, "quit"}),
              RunOptions().Window("1280x720").NoScreenshots());
    ASSERT_EQ(run1.exit_code, 0) << run1.Describe();
    ASSERT_EQ(run1.screen(), "request.review");
    const Json* submit = run1.widget("request.submit");
    ASSERT_NE(submit, nullptr) << run1.layout.dump();
    EXPECT_FALSE(submit->value("enabled", true))
        << "submit is enabled before the duplicate note is acknowledged";
    const Json* ok = run1.widget("request.duplicate_ok");
    ASSERT_NE(ok, nullptr) << run1.layout.dump();
    EXPECT_TRUE(ok->value("enabled", false));
    {
        Db db(k.db_path());
        EXPECT_EQ(db.Int("SELECT count(*) FROM requests"), 1);
    }

    // A new session, the same place written with a space: acknowledge, then submit works.
    second.building = "5 号楼";
    const KioskRun run2 = k.Run(kStart + WizardSteps(second) +
                                    Steps({
                                        note,
                                        "tap request.duplicate_ok",
                                        "tap request.submit",
                                        "expect_screen receipt",
                                        "quit",
                                    }),
                                RunOptions().Window("1280x720").NoScreenshots());
    ASSERT_EQ(run2.exit_code, 0) << run2.Describe();
    Db db(k.db_path());
    EXPECT_EQ(db.Int("SELECT count(*) FROM requests"), 2);
}

TEST(Duplicate, NoNoteForAnotherPlace) {
    Kiosk k;
    WizardInput first;
    first.building = "5号楼";
    WizardInput other = first;
    other.building = "6号楼";
    other.submit = false;
    const KioskRun run = k.Run(kStart + WizardSteps(first) + Steps({"tap receipt.done"}) + kStart +
                                   WizardSteps(other) + Steps({"quit"}),
                               RunOptions().Window("1280x720").NoScreenshots());
    ASSERT_EQ(run.exit_code, 0) << run.Describe();
    ASSERT_EQ(run.screen(), "request.review");
    EXPECT_EQ(run.widget("request.duplicate_ok"), nullptr);
    const Json* submit = run.widget("request.submit");
    ASSERT_NE(submit, nullptr);
    EXPECT_TRUE(submit->value("enabled", false));
}

}  // namespace
}  // namespace gk::uitest
