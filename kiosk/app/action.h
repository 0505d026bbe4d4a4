// What the resident asked for on a screen. Screens return one Action per frame; App applies it
// between frames, so a screen never changes state while it is being drawn.
#pragma once

#include <string>

#include "kiosk/app/state.h"

namespace gk {

struct Action {
    enum class Kind {
        kNone,
        kGoto,  // screen
        kBack,
        kHome,
        kToggleLang,
        kMoreTime,       // "I need more time"
        kSelectGroup,    // index
        kSelectService,  // text = service code
        kFocus,          // field
        kText,           // text typed into the focused field (on-screen key, phrase)
        kBackspace,
        kClearField,    // field
        kNext,          // validate this wizard step and go on
        kSetAnonymous,  // index 0/1
        kSetProxy,      // index 0/1
        kSetConsent,    // index 0/1
        kAcknowledgeDuplicate,
        kSubmit,
        kTrackLookup,
        kTrackCode,  // text = code (open a receipt from the receipt screen)
        kDone,       // leave receipt/track: wipe session, back to attract
    };
    Kind kind = Kind::kNone;
    Screen screen = Screen::kHome;
    Field field = Field::kNone;
    int index = 0;
    std::string text;

    static Action None() { return {}; }
    static Action Goto(Screen s) {
        Action a;
        a.kind = Kind::kGoto;
        a.screen = s;
        return a;
    }
    static Action Of(Kind k) {
        Action a;
        a.kind = k;
        return a;
    }
    static Action WithIndex(Kind k, int i) {
        Action a;
        a.kind = k;
        a.index = i;
        return a;
    }
    static Action WithText(Kind k, std::string t) {
        Action a;
        a.kind = k;
        a.text = std::move(t);
        return a;
    }
    static Action WithField(Kind k, Field f) {
        Action a;
        a.kind = k;
        a.field = f;
        return a;
    }
    bool empty() const { return kind == Kind::kNone; }
};

}  // namespace gk
