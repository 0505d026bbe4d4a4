// Wizard step 6: everything entered, the privacy notice and consent, the duplicate hint, and
// the submit button.
#include "core/phone.h"
#include "kiosk/ui/form.h"
#include "kiosk/ui/screens.h"

namespace gk {

Action DrawRequestReview(Ui& ui) {
    Action action;
    const Session& s = ui.state.session;
    const Draft& d = s.draft;
    const Service* service = ui.catalogue.FindService(d.service_code);
    if (!service) return Action::Goto(Screen::kRequestGroup);
    const std::string lang(ui.lang_code());
    const Rect area = WizardStep(ui, 6, ui.T("request.review_prompt"), /*show_next=*/false, action);

    // Summary card on the left; privacy, consent and submit on the right (stacked in portrait).
    const float gap = ui.px(32);
    const bool stacked = ui.portrait();
    const Rect left = stacked ? Rect{area.x, area.y, area.w, area.h * 0.5f}
                              : Rect{area.x, area.y, area.w * 0.55f, area.h};
    const Rect right = stacked
                           ? Rect{area.x, area.y + area.h * 0.5f + gap, area.w, area.h * 0.5f - gap}
                           : Rect{area.x + left.w + gap, area.y, area.w - left.w - gap, area.h};
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(left.min(), left.max(), ui.theme.card, ui.px(14));
    dl->AddRect(left.min(), left.max(), ui.theme.border, ui.px(14), 0, ui.px(2));
    const float pad = ui.px(28);
    const float key_w = ui.px(170);
    float y = left.y + pad;
    const auto row = [&](const char* key, const std::string& value) {
        Label(ui, ui.fonts.body, ui.T(key), ImVec2(left.x + pad, y), ui.theme.text_muted);
        const float h =
            Label(ui, ui.fonts.body, value.empty() ? ui.T("request.review_none") : value,
                  ImVec2(left.x + pad + key_w, y), ui.theme.text, left.w - 2 * pad - key_w);
        y += std::max(h, ui.fonts.body->FontSize) + ui.px(18);
    };
    row("request.review_service",
        Format(ui.T("request.review_service_line"),
               {{"name", service->name.In(lang)},
                {"sla", Format(ui.T("request.review_sla"),
                               {{"days", std::to_string(service->sla_days)}})}}));
    ImGui::PushClipRect(left.min(), ImVec2(left.x + left.w, left.y + left.h * 0.62f), true);
    row("request.review_description", d.description);
    ImGui::PopClipRect();
    y = std::min(y, left.y + left.h * 0.62f + ui.px(10));
    std::string place = d.building;
    if (!d.unit.empty()) place += (place.empty() ? "" : " ") + d.unit;
    if (!d.room.empty()) place += (place.empty() ? "" : " ") + d.room;
    row("request.review_location", place);
    std::string contact;
    if (d.anonymous) {
        contact = ui.T("request.review_anonymous");
    } else {
        const auto phone = NormalisePhone(d.phone);
        contact = (d.name.empty() ? "" : d.name + " ") + (phone ? MaskPhone(*phone) : d.phone);
    }
    if (d.by_proxy)
        contact += "  " + Format(ui.T("request.review_proxy"), {{"relation", d.relation}});
    row("request.review_contact", contact);

    // Right side.
    y = right.y;
    y += Label(ui, ui.fonts.body, ui.T("request.privacy"), ImVec2(right.x, y), ui.theme.text,
               right.w) +
         ui.px(18);
    const float bh = ui.px(96);
    if (Choice(ui, "request.consent", ui.T("request.consent"), d.consent,
               Rect{right.x, y, right.w, bh})) {
        action = Action::WithIndex(Action::Kind::kSetConsent, d.consent ? 0 : 1);
    }
    y += bh + ui.px(20);
    if (s.duplicate_hint) {
        const float h = Measure(ui.fonts.body, ui.T("request.duplicate"), right.w - ui.px(32)).y;
        dl->AddRectFilled(ImVec2(right.x, y), ImVec2(right.x + right.w, y + h + ui.px(32)),
                          ui.theme.warn_bg, ui.px(10));
        Label(ui, ui.fonts.body, ui.T("request.duplicate"),
              ImVec2(right.x + ui.px(16), y + ui.px(16)), ui.theme.warn, right.w - ui.px(32));
        y += h + ui.px(44);
        if (Choice(ui, "request.duplicate_ok", ui.T("request.duplicate_ok"),
                   s.duplicate_acknowledged, Rect{right.x, y, right.w, bh})) {
            action = Action::Of(Action::Kind::kAcknowledgeDuplicate);
        }
        y += bh + ui.px(20);
    }
    if (!s.notice_key.empty())
        y += ProblemLine(ui, s.notice_key, ImVec2(right.x, y), right.w) + ui.px(12);
    const bool ready = d.consent && (!s.duplicate_hint || s.duplicate_acknowledged);
    const float submit_y = std::max(y, right.y + right.h - ui.px(120));
    if (Button(ui, "request.submit", ui.T("request.submit"),
               Rect{right.x, submit_y, right.w, ui.px(120)}, ButtonKind::kPrimary, ready,
               ui.fonts.title)) {
        action = Action::Of(Action::Kind::kSubmit);
    }
    return action;
}

}  // namespace gk
