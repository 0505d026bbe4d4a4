// Form pieces shared by the wizard and track screens: a tappable text field that shows what was
// typed (with the IME's composition and a caret), choice buttons that say which one is chosen
// in words and a tick, problem lines, the on-screen keyboard, and the wizard's step frame.
#pragma once

#include <string_view>

#include "kiosk/ui/widgets.h"

namespace gk {

// A field; tapping it focuses it. Shows hint when empty, the count "12/500" when max_chars > 0,
// and a problem (i18n key) beneath it in words, not only in red. Returns its full height.
float TextField(Ui& ui, Field field, std::string_view label, std::string_view value,
                std::string_view hint, const Rect& r, size_t max_chars, Action& action);

// A choice among several; the chosen one is filled and carries a tick.
bool Choice(Ui& ui, std::string_view id, std::string_view label, bool chosen, const Rect& r);

// The first problem for `field_prefix` ("description", "location.building"), or "".
std::string_view ProblemFor(const Ui& ui, std::string_view field_prefix);
// A problem line ("！ message") in the danger colour; returns its height.
float ProblemLine(Ui& ui, std::string_view i18n_key, ImVec2 pos, float wrap_width);

enum class KeyboardKind {
    kText,     // digits, Latin letters, space, a few signs
    kPhone,    // digits, dash, space
    kReceipt,  // digits and Crockford letters (no I, L, O, U)
};
// Keys are "kb.<key>" ("kb.q", "kb.7", "kb.space", "kb.backspace"). Returns kText/kBackspace.
Action Keyboard(Ui& ui, KeyboardKind kind, const Rect& r);
float KeyboardHeight(const Ui& ui, KeyboardKind kind);

// The frame of a wizard step: chrome, "step n of 6", the prompt, and Next (request.next) at
// the bottom right. Returns the content rectangle left for the step.
Rect WizardStep(Ui& ui, int step, std::string_view prompt, bool show_next, Action& action);

}  // namespace gk
