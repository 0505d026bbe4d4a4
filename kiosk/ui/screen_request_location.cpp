// Wizard step 4: where in the grid (楼栋 / 单元 / 门牌).
#include "kiosk/ui/form.h"
#include "kiosk/ui/screens.h"

namespace gk {

Action DrawRequestLocation(Ui& ui) {
    Action action;
    const Service* service = ui.catalogue.FindService(ui.state.session.draft.service_code);
    if (!service) return Action::Goto(Screen::kRequestGroup);
    const Draft& d = ui.state.session.draft;
    const Rect area =
        WizardStep(ui, 4, ui.T("request.location_prompt"), /*show_next=*/true, action);
    float y = area.y;
    if (!service->attributes.location_required) {
        y += Label(ui, ui.fonts.body, ui.T("request.location_optional"), ImVec2(area.x, y),
                   ui.theme.text_muted, area.w) +
             ui.px(16);
    }
    const float gap = ui.px(24);
    const bool stacked = ui.portrait();
    const float fw = stacked ? area.w : (area.w - 2 * gap) / 3;
    const float fh = ui.px(150);
    struct Spec {
        Field field;
        const char* label;
        const char* hint;
        const std::string& value;
        bool required;
    };
    const Spec specs[] = {
        {Field::kBuilding, "request.building", "request.building_hint", d.building,
         service->attributes.location_required},
        {Field::kUnit, "request.unit", "request.unit_hint", d.unit, false},
        {Field::kRoom, "request.room", "request.room_hint", d.room, false},
    };
    for (int i = 0; i < 3; ++i) {
        const Spec& s = specs[i];
        const std::string label =
            ui.T(s.label) + (s.required ? ui.T("common.required") : ui.T("common.optional"));
        const Rect r = stacked ? Rect{area.x, y + i * (fh + gap + ui.px(40)), fw, fh}
                               : Rect{area.x + i * (fw + gap), y, fw, fh};
        TextField(ui, s.field, label, s.value, ui.T(s.hint), r, kMaxLocationFieldChars, action);
    }
    const float kb_h = KeyboardHeight(ui, KeyboardKind::kText);
    if (!ui.state.session.notice_key.empty()) {
        ProblemLine(ui, ui.state.session.notice_key,
                    ImVec2(area.x, area.y + area.h - kb_h - ui.px(50)), area.w);
    }
    const Action key =
        Keyboard(ui, KeyboardKind::kText, Rect{area.x, area.y + area.h - kb_h, area.w, kb_h});
    if (!key.empty()) action = key;
    return action;
}

}  // namespace gk
