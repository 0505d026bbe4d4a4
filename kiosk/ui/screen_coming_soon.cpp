// Areas whose content arrives in later releases (disclosure boards, deliberations, projects,
// my grid). The screen says plainly what will be here and shows no made-up content.
#include "kiosk/ui/screens.h"
#include "kiosk/ui/widgets.h"

namespace gk {

Action DrawComingSoon(Ui& ui) {
    const std::string area(ScreenName(ui.state.screen));  // "disclosure", "projects", ...
    Action action;
    const Rect content = DrawChrome(ui, ui.T("home." + area), /*show_nav=*/true, action);
    const float pad = ui.px(60);
    const Rect card{content.x + pad, content.y + pad, content.w - 2 * pad,
                    std::min(content.h - 2 * pad, ui.px(560))};
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(card.min(), card.max(), ui.theme.card, ui.px(16));
    dl->AddRect(card.min(), card.max(), ui.theme.border, ui.px(16), 0, ui.px(2));
    float y = card.y + ui.px(48);
    const float wrap = card.w - ui.px(96);
    y += Label(ui, ui.fonts.title, ui.T("coming.title"), ImVec2(card.x + ui.px(48), y),
               ui.theme.text, wrap) +
         ui.px(28);
    y += Label(ui, ui.fonts.body, ui.T("coming." + area), ImVec2(card.x + ui.px(48), y),
               ui.theme.text, wrap) +
         ui.px(28);
    Label(ui, ui.fonts.body, ui.T("coming.meanwhile"), ImVec2(card.x + ui.px(48), y),
          ui.theme.text_muted, wrap);
    return action;
}

}  // namespace gk
