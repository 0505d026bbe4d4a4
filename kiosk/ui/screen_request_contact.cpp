// Wizard step 5: a contact (or anonymity), and whether this is for a relative (亲友代办).
// Row 1: the two choices; row 2: the fields (or the note on anonymity); the keyboard below.
#include "kiosk/ui/form.h"
#include "kiosk/ui/screens.h"

namespace gk {

Action DrawRequestContact(Ui& ui) {
    Action action;
    const Service* service = ui.catalogue.FindService(ui.state.session.draft.service_code);
    if (!service) return Action::Goto(Screen::kRequestGroup);
    const Draft& d = ui.state.session.draft;
    const bool contact_required = service->attributes.contact_required;
    const Rect area = WizardStep(ui, 5, ui.T("request.contact_prompt"), /*show_next=*/true, action);
    const float gap = ui.px(20);
    const float choice_h = ui.px(90);
    const float cw = (area.w - 3 * gap) / 4;
    float y = area.y;
    if (Choice(ui, "request.contact_leave", ui.T("request.contact_leave"), !d.anonymous,
               Rect{area.x, y, cw, choice_h})) {
        action = Action::WithIndex(Action::Kind::kSetAnonymous, 0);
    }
    if (!contact_required &&
        Choice(ui, "request.contact_anonymous", ui.T("request.contact_anonymous"), d.anonymous,
               Rect{area.x + cw + gap, y, cw, choice_h})) {
        action = Action::WithIndex(Action::Kind::kSetAnonymous, 1);
    }
    if (Choice(ui, "request.proxy_no", ui.T("request.proxy_no"), !d.by_proxy,
               Rect{area.x + 2 * (cw + gap), y, cw, choice_h})) {
        action = Action::WithIndex(Action::Kind::kSetProxy, 0);
    }
    if (Choice(ui, "request.proxy_yes", ui.T("request.proxy_yes"), d.by_proxy,
               Rect{area.x + 3 * (cw + gap), y, cw, choice_h})) {
        action = Action::WithIndex(Action::Kind::kSetProxy, 1);
    }
    y += choice_h + gap;

    const float fw = (area.w - 2 * gap) / 3;
    const float fh = ui.px(150);
    if (d.anonymous) {
        Label(ui, ui.fonts.body, ui.T("request.contact_anonymous_note"),
              ImVec2(area.x, y + ui.px(40)), ui.theme.text_muted, 2 * fw + gap);
    } else {
        TextField(ui, Field::kPhone,
                  ui.T("request.phone") + (contact_required ? ui.T("common.required") : ""),
                  d.phone, ui.T("request.phone_hint"), Rect{area.x, y, fw, fh}, 0, action);
        TextField(ui, Field::kName, ui.T("request.name") + ui.T("common.optional"), d.name,
                  ui.T("request.name_hint"), Rect{area.x + fw + gap, y, fw, fh}, kMaxNameChars,
                  action);
    }
    if (d.by_proxy) {
        TextField(ui, Field::kRelation, ui.T("request.relation"), d.relation,
                  ui.T("request.relation_hint"), Rect{area.x + 2 * (fw + gap), y, fw, fh},
                  kMaxNameChars, action);
    }
    if (contact_required) {
        Label(ui, ui.fonts.body, ui.T("request.contact_required_note"),
              ImVec2(area.x + cw + gap, area.y + ui.px(24)), ui.theme.text_muted, cw);
    }
    const KeyboardKind kind =
        ui.state.session.focus == Field::kPhone ? KeyboardKind::kPhone : KeyboardKind::kText;
    const float kb_h = KeyboardHeight(ui, kind);
    if (!ui.state.session.notice_key.empty()) {
        ProblemLine(ui, ui.state.session.notice_key,
                    ImVec2(area.x, area.y + area.h - kb_h - ui.px(50)), area.w);
    }
    if (ui.state.session.focus != Field::kNone) {
        const Action key = Keyboard(ui, kind, Rect{area.x, area.y + area.h - kb_h, area.w, kb_h});
        if (!key.empty()) action = key;
    }
    return action;
}

}  // namespace gk
