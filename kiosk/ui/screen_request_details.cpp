// Wizard step 3: the description, from quick phrases and the keyboard.
#include "kiosk/ui/form.h"
#include "kiosk/ui/screens.h"

namespace gk {

Action DrawRequestDetails(Ui& ui) {
    Action action;
    const Service* service = ui.catalogue.FindService(ui.state.session.draft.service_code);
    if (!service) return Action::Goto(Screen::kRequestGroup);
    const std::string lang(ui.lang_code());
    const Rect area =
        WizardStep(ui, 3, service->name.In(lang) + " · " + ui.T("request.details_prompt"),
                   /*show_next=*/true, action);
    float y = area.y;
    // Quick phrases: tap to add to the description.
    Label(ui, ui.fonts.body, ui.T("request.details_phrases"), ImVec2(area.x, y),
          ui.theme.text_muted);
    y += ui.fonts.body->FontSize + ui.px(10);
    float x = area.x;
    const float chip_h = ui.px(76);
    for (size_t i = 0; i < service->quick_phrases.size(); ++i) {
        const std::string& phrase = service->quick_phrases[i].In(lang);
        const float w = Measure(ui.fonts.body, phrase).x + ui.px(48);
        if (x + w > area.x + area.w) {
            x = area.x;
            y += chip_h + ui.px(12);
        }
        if (Button(ui, "request.phrase." + std::to_string(i), phrase, Rect{x, y, w, chip_h},
                   ButtonKind::kCard)) {
            const std::string& current = ui.state.session.draft.description;
            const bool needs_sep = !current.empty() && current.back() != ' ';
            action = Action::WithText(Action::Kind::kText,
                                      (needs_sep ? (lang == "en" ? "; " : "，") : "") + phrase);
        }
        x += w + ui.px(12);
    }
    y += chip_h + ui.px(20);
    const float kb_h = KeyboardHeight(ui, KeyboardKind::kText);
    const float field_h = std::max(ui.px(150), area.y + area.h - y - kb_h - ui.px(90));
    y += TextField(ui, Field::kDescription, "", ui.state.session.draft.description,
                   ui.T("request.details_placeholder"), Rect{area.x, y, area.w, field_h},
                   kMaxDescriptionChars, action);
    if (!ui.state.session.notice_key.empty()) {
        ProblemLine(ui, ui.state.session.notice_key, ImVec2(area.x, y + ui.px(6)), area.w);
    }
    const Action key =
        Keyboard(ui, KeyboardKind::kText, Rect{area.x, area.y + area.h - kb_h, area.w, kb_h});
    if (!key.empty()) action = key;
    return action;
}

}  // namespace gk
