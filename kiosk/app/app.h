// The terminal's state machine: which screen, the resident's session, the language, the idle
// timer. Screens hand it Actions; the loop hands it typed text, keys and the time. It knows
// nothing of ImGui or SDL.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "core/catalogue.h"
#include "core/i18n.h"
#include "kiosk/app/action.h"
#include "kiosk/app/config.h"
#include "kiosk/app/state.h"
#include "platform/clock.h"

namespace gk {

class Store;

enum class Key { kEnter, kBackspace, kEscape, kTab, kOther };
Key ParseKeyName(std::string_view name);  // "Return"/"Enter", "BackSpace", "Escape", "Tab"

class App {
  public:
    // store may be null only in tests that never submit or look up.
    App(const KioskConfig& config, const Catalogue& catalogue, Store* store, Clock& clock);

    const AppState& state() const { return state_; }
    const Catalogue& catalogue() const { return catalogue_; }

    void Apply(const Action& action);
    // Text from the on-screen keyboard, a hardware keyboard, an IME or a scanner.
    void OnText(std::string_view utf8);
    void OnComposition(std::string_view utf8);
    void OnKey(Key key);
    // Any touch or key: the resident is still there.
    void NoteInput();
    // Called after a request is committed (the loop wakes the sync worker with it).
    void SetOnSubmitted(std::function<void()> callback) { on_submitted_ = std::move(callback); }
    // The store changed underneath (an upload was acknowledged, the feed brought a stage):
    // re-read what the receipt and track screens show.
    void RefreshFromStore();

    // Reads the clock; wipes the session when idle too long. Returns true when what is drawn
    // changed (screen, countdown, the minute of the clock).
    bool Tick();
    // Monotonic time (ms) at which Tick() next has something to do: the next countdown second,
    // the timeout, or the next minute of the wall clock.
    int64_t NextWakeMs() const;

  private:
    void Go(Screen screen);
    void WipeSession();
    void StartRequest();
    void UpdateRequestsBlocked();
    void Back();
    void Next();
    void Submit();
    void LookUpTrack();
    std::string* FocusedText();
    bool InSession() const;
    int TimeoutSeconds() const;

    KioskConfig config_;
    const Catalogue& catalogue_;
    Store* store_;
    Clock& clock_;
    AppState state_;
    Lang default_lang_ = Lang::kZh;
    int64_t shown_minute_ = -1;  // wall minute last drawn, for the clock's tick
    std::function<void()> on_submitted_;
};

}  // namespace gk
