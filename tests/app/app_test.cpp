// The terminal's state machine with a simulated clock, the shipped catalogue and a real store:
// the idle timer and its countdown, the wizard's steps, typing rules, submit and track.
#include "kiosk/app/app.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/receipt_code.h"
#include "kiosk/store/store.h"

namespace gk {
namespace {

constexpr int64_t kWallStart = 1795000000000;  // ms

Catalogue ShippedCatalogue() {
    std::ifstream in(std::string(GK_ASSETS_DIR) + "/catalogue.json");
    std::stringstream text;
    text << in.rdbuf();
    auto c = ParseCatalogueJson(text.str());
    EXPECT_TRUE(c.ok());
    return c.ok() ? *c : Catalogue{};
}

class AppTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char pattern[] = "/tmp/gk-app-test-XXXXXX";
        dir_ = ::mkdtemp(pattern);
        auto store = Store::Open(dir_, clock_);
        ASSERT_TRUE(store.ok()) << store.error().message;
        store_ = std::move(*store);
        ASSERT_TRUE(store_->set_terminal_number(7).ok());
        // Provisioned as enrollment leaves it: a number and a grid (there is no default grid).
        ASSERT_TRUE(store_->set_grid_path("西安市/碑林区/张家村街道/建东社区/第3网格").ok());
        catalogue_ = ShippedCatalogue();
        app_ = std::make_unique<App>(config_, catalogue_, store_.get(), clock_);
    }
    void TearDown() override {
        app_.reset();
        store_.reset();
        std::filesystem::remove_all(dir_);
    }
    void Do(Action a) { app_->Apply(a); }
    void Advance(int64_t ms) {
        clock_.Advance(ms);
        app_->Tick();
    }
    const AppState& S() const { return app_->state(); }
    // Walks the wizard to the review step for a streetlight at building 3.
    void FillToReview(const std::string& description = "路灯不亮") {
        Do(Action::Goto(Screen::kHome));
        Do(Action::Goto(Screen::kRequestGroup));
        Do(Action::WithText(Action::Kind::kSelectService, "repair.streetlight"));
        app_->OnText(description);
        Do(Action::Of(Action::Kind::kNext));
        app_->OnText("3号楼");
        Do(Action::Of(Action::Kind::kNext));
        Do(Action::WithIndex(Action::Kind::kSetAnonymous, 1));
        Do(Action::Of(Action::Kind::kNext));
        ASSERT_EQ(S().screen, Screen::kRequestReview);
    }

    std::string dir_;
    SimulatedClock clock_{kWallStart};
    KioskConfig config_;
    Catalogue catalogue_;
    std::unique_ptr<Store> store_;
    std::unique_ptr<App> app_;
};

TEST_F(AppTest, IdleCountdownThenWipe) {
    Do(Action::Goto(Screen::kHome));
    Do(Action::Of(Action::Kind::kToggleLang));
    app_->NoteInput();
    Advance(74'000);
    EXPECT_EQ(S().countdown_s, -1);
    Advance(1'000);  // 75 s: the last 15 s start
    EXPECT_EQ(S().countdown_s, 15);
    Advance(14'500);
    EXPECT_EQ(S().countdown_s, 1);
    Advance(500);
    EXPECT_EQ(S().screen, Screen::kAttract);
    EXPECT_EQ(S().lang, Lang::kZh) << "a wipe restores the default language";
    EXPECT_EQ(S().countdown_s, -1);
}

TEST_F(AppTest, MoreTimeRestartsTheTimer) {
    Do(Action::Goto(Screen::kHome));
    app_->NoteInput();
    Advance(80'000);
    ASSERT_GT(S().countdown_s, 0);
    Do(Action::Of(Action::Kind::kMoreTime));
    Advance(1);
    EXPECT_EQ(S().countdown_s, -1);
    Advance(80'000);
    EXPECT_EQ(S().screen, Screen::kHome);
}

TEST_F(AppTest, NextWakeIsTheMinuteOrTheCountdown) {
    // On attract: the next wall-clock minute, nothing sooner.
    app_->Tick();
    const int64_t to_minute = 60'000 - kWallStart % 60'000;
    EXPECT_EQ(app_->NextWakeMs() - S().now_ms, to_minute);
    // In a session: no later than the start of the countdown.
    Do(Action::Goto(Screen::kHome));
    app_->NoteInput();
    app_->Tick();
    EXPECT_LE(app_->NextWakeMs() - S().now_ms, 75'000);
    // During the countdown: every second.
    Advance(76'000);
    EXPECT_LE(app_->NextWakeMs() - S().now_ms, 1'000);
}

TEST_F(AppTest, EmptyDescriptionStaysOnStepWithProblem) {
    Do(Action::Goto(Screen::kRequestGroup));
    Do(Action::WithText(Action::Kind::kSelectService, "repair.streetlight"));
    Do(Action::Of(Action::Kind::kNext));
    EXPECT_EQ(S().screen, Screen::kRequestDetails);
    ASSERT_FALSE(S().session.problems.empty());
    EXPECT_EQ(S().session.problems[0].i18n_key, "error.description_empty");
}

TEST_F(AppTest, BackKeepsWhatWasTyped) {
    Do(Action::Goto(Screen::kRequestGroup));
    Do(Action::WithText(Action::Kind::kSelectService, "repair.streetlight"));
    app_->OnText("路灯不亮");
    Do(Action::Of(Action::Kind::kNext));
    app_->OnText("3号楼");
    Do(Action::Of(Action::Kind::kBack));
    EXPECT_EQ(S().screen, Screen::kRequestDetails);
    EXPECT_EQ(S().session.draft.description, "路灯不亮");
    Do(Action::Of(Action::Kind::kBack));
    Do(Action::Of(Action::Kind::kBack));
    EXPECT_EQ(S().screen, Screen::kRequestGroup);
    EXPECT_EQ(S().session.draft.building, "3号楼");
}

TEST_F(AppTest, TypingRules) {
    Do(Action::Goto(Screen::kRequestGroup));
    Do(Action::WithText(Action::Kind::kSelectService, "repair.streetlight"));
    app_->OnText("ok\xff\xfe");
    EXPECT_EQ(S().session.draft.description, "ok");
    EXPECT_EQ(S().session.notice_key, "error.invalid_utf8");
    app_->OnText("\xF0\x9F\x98\x80");  // 😀
    EXPECT_EQ(S().session.draft.description, "ok");
    EXPECT_EQ(S().session.notice_key, "error.emoji");
    app_->OnText(std::string(5000, 'x'));
    EXPECT_EQ(S().session.draft.description.size(), static_cast<size_t>(kMaxDescriptionChars));
    EXPECT_EQ(S().session.notice_key, "notice.text_too_long");
    app_->OnKey(Key::kBackspace);
    EXPECT_EQ(S().session.draft.description.size(), static_cast<size_t>(kMaxDescriptionChars - 1));
    // Backspace removes a whole Chinese character, never half of one.
    Do(Action::WithField(Action::Kind::kClearField, Field::kDescription));
    app_->OnText("路灯");
    app_->OnKey(Key::kBackspace);
    EXPECT_EQ(S().session.draft.description, "路");
}

TEST_F(AppTest, SubmitWritesAndShowsTheReceipt) {
    FillToReview();
    Do(Action::Of(Action::Kind::kSubmit));
    EXPECT_EQ(S().screen, Screen::kRequestReview) << "no consent yet";
    EXPECT_EQ(S().session.notice_key, "error.consent_required");
    Do(Action::WithIndex(Action::Kind::kSetConsent, 1));
    Do(Action::Of(Action::Kind::kSubmit));
    ASSERT_EQ(S().screen, Screen::kReceipt);
    ASSERT_TRUE(S().session.receipt.has_value());
    const std::string code = S().session.receipt->receipt_code;
    EXPECT_TRUE(ReceiptCheckOk(code));
    EXPECT_TRUE(S().session.draft.description.empty()) << "the draft leaves memory with the submit";
    auto stored = store_->FindByReceipt(code);
    ASSERT_TRUE(stored.ok() && stored->has_value());
    EXPECT_EQ((*stored)->request.description, "路灯不亮");
    EXPECT_EQ((*stored)->request.location.building, "3号楼");
    // The receipt's due date follows the service's SLA.
    const Service* s = catalogue_.FindService("repair.streetlight");
    EXPECT_EQ(S().session.receipt->due_at_unix,
              (*stored)->request.created_at_unix + int64_t{s->sla_days} * 86400);
}

TEST_F(AppTest, DuplicateHintNeedsAcknowledgement) {
    FillToReview();
    EXPECT_FALSE(S().session.duplicate_hint);
    Do(Action::WithIndex(Action::Kind::kSetConsent, 1));
    Do(Action::Of(Action::Kind::kSubmit));
    ASSERT_EQ(S().screen, Screen::kReceipt);
    Do(Action::Of(Action::Kind::kDone));
    FillToReview("又不亮了");
    EXPECT_TRUE(S().session.duplicate_hint);
    Do(Action::WithIndex(Action::Kind::kSetConsent, 1));
    Do(Action::Of(Action::Kind::kSubmit));
    EXPECT_EQ(S().screen, Screen::kRequestReview);
    EXPECT_EQ(S().session.notice_key, "error.duplicate_unacknowledged");
    Do(Action::Of(Action::Kind::kAcknowledgeDuplicate));
    Do(Action::Of(Action::Kind::kSubmit));
    EXPECT_EQ(S().screen, Screen::kReceipt);
}

TEST_F(AppTest, TrackFindsTypedAndScannedCodes) {
    FillToReview();
    Do(Action::WithIndex(Action::Kind::kSetConsent, 1));
    Do(Action::Of(Action::Kind::kSubmit));
    const std::string code = S().session.receipt->receipt_code;
    Do(Action::Of(Action::Kind::kDone));
    Do(Action::Goto(Screen::kHome));
    Do(Action::Goto(Screen::kTrack));
    ASSERT_EQ(S().session.focus, Field::kTrackCode);
    // Lower case with dashes, as a resident might type it.
    std::string typed;
    for (size_t i = 0; i < code.size(); ++i) {
        if (i && i % 4 == 0) typed += '-';
        typed += static_cast<char>(std::tolower(static_cast<unsigned char>(code[i])));
    }
    app_->OnText(typed);
    Do(Action::Of(Action::Kind::kTrackLookup));
    ASSERT_TRUE(S().session.track_result.has_value()) << S().session.track_error_key;
    EXPECT_EQ(S().session.track_result->receipt_code, code);
    EXPECT_EQ(S().session.track_result->history.size(), 1u);
    // A scanner types the whole URL and ends with Enter.
    Do(Action::WithField(Action::Kind::kClearField, Field::kTrackCode));
    app_->OnText("HTTP://127.0.0.1:8080/T/" + code);
    app_->OnKey(Key::kEnter);
    ASSERT_TRUE(S().session.track_result.has_value()) << S().session.track_error_key;
    // One wrong character: caught by the check before any lookup.
    std::string wrong = code;
    wrong[5] = wrong[5] == '7' ? '8' : '7';
    Do(Action::WithField(Action::Kind::kClearField, Field::kTrackCode));
    app_->OnText(wrong);
    app_->OnKey(Key::kEnter);
    EXPECT_FALSE(S().session.track_result.has_value());
    EXPECT_EQ(S().session.track_error_key, "track.error_check");
}

// Said on home before anyone starts: the request area does not open at all.
TEST_F(AppTest, UnprovisionedTerminalSaysSoBeforeTheFirstStep) {
    char pattern[] = "/tmp/gk-app-test-XXXXXX";
    const std::string dir = ::mkdtemp(pattern);
    {
        auto store = Store::Open(dir, clock_);
        ASSERT_TRUE(store.ok());
        App a(config_, catalogue_, store->get(), clock_);
        EXPECT_EQ(a.state().requests_blocked_key, "error.not_provisioned");
        a.Apply(Action::Goto(Screen::kHome));
        a.Apply(Action::Goto(Screen::kRequestGroup));
        EXPECT_EQ(a.state().screen, Screen::kHome);
        // Numbered later (provisioning): the next look at the store opens the area.
        ASSERT_TRUE((*store)->set_terminal_number(9).ok());
        a.RefreshFromStore();
        EXPECT_EQ(a.state().requests_blocked_key, "");
        a.Apply(Action::Goto(Screen::kRequestGroup));
        EXPECT_EQ(a.state().screen, Screen::kRequestGroup);
    }
    std::filesystem::remove_all(dir);
}

TEST_F(AppTest, NumberedTerminalTakesRequests) { EXPECT_EQ(S().requests_blocked_key, ""); }

}  // namespace
}  // namespace gk
