// Wizard step 2: the matter within the chosen category, with its expected time to close.
#include "kiosk/ui/form.h"
#include "kiosk/ui/screens.h"

namespace gk {

Action DrawRequestService(Ui& ui) {
    Action action;
    const int gi = ui.state.session.draft.group_index;
    if (gi < 0 || gi >= static_cast<int>(ui.catalogue.groups.size()))
        return Action::Goto(Screen::kRequestGroup);
    const ServiceGroup& group = ui.catalogue.groups[gi];
    const std::string lang(ui.lang_code());
    const Rect area =
        WizardStep(ui, 2, group.name.In(lang) + " · " + ui.T("request.service_prompt"),
                   /*show_next=*/false, action);
    const int cols = ui.portrait() ? 1 : 2;
    const float gap = ui.px(20);
    const float tw = (area.w - gap * (cols - 1)) / cols;
    const float th = ui.px(150);
    BeginScroll(ui, "##services", area);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    for (size_t i = 0; i < group.services.size(); ++i) {
        const Service& s = group.services[i];
        const Rect r{origin.x + (i % cols) * (tw + gap), origin.y + (i / cols) * (th + gap), tw,
                     th};
        const std::string sub =
            Format(ui.T("request.review_sla"), {{"days", std::to_string(s.sla_days)}}) + " · " +
            s.description.In(lang);
        if (Tile(
                ui, "request.service." + s.code, s.name.In(lang), sub, r,
                s.code == ui.state.session.draft.service_code ? ui.theme.focus : ui.theme.border)) {
            action = Action::WithText(Action::Kind::kSelectService, s.code);
        }
    }
    const int rows = (static_cast<int>(group.services.size()) + cols - 1) / cols;
    ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + rows * (th + gap)));
    ImGui::Dummy(ImVec2(1, 1));
    EndScroll();
    return action;
}

}  // namespace gk
