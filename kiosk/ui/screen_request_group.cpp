// Wizard step 1: the category (one tile per catalogue group).
#include "kiosk/ui/form.h"
#include "kiosk/ui/screens.h"

namespace gk {

Action DrawRequestGroup(Ui& ui) {
    Action action;
    const Rect area = WizardStep(ui, 1, ui.T("request.group_prompt"), /*show_next=*/false, action);
    const auto& groups = ui.catalogue.groups;
    const int cols = ui.portrait() ? 2 : 4;
    const int rows = (static_cast<int>(groups.size()) + cols - 1) / cols;
    const float gap = ui.px(24);
    const float tw = (area.w - gap * (cols - 1)) / cols;
    const float th =
        std::max(ui.px(110), std::min(ui.px(200), (area.h - gap * (rows - 1)) / std::max(rows, 1)));
    BeginScroll(ui, "##groups", area);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const std::string lang(ui.lang_code());
    for (size_t i = 0; i < groups.size(); ++i) {
        const auto& g = groups[i];
        const Rect r{origin.x + (i % cols) * (tw + gap), origin.y + (i / cols) * (th + gap), tw,
                     th};
        const std::string subtitle =
            Format(ui.T("request.group_count"), {{"n", std::to_string(g.services.size())}});
        if (Tile(ui, "request.group." + g.code, g.name.In(lang), subtitle, r, ui.theme.primary)) {
            action = Action::WithIndex(Action::Kind::kSelectGroup, static_cast<int>(i));
        }
    }
    ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + rows * (th + gap)));
    ImGui::Dummy(ImVec2(1, 1));
    EndScroll();
    return action;
}

}  // namespace gk
