// The idle countdown: in the last seconds before a session is wiped, a dimmed screen, the
// seconds left in large type and one big "I need more time" button.
#include <string>

#include "kiosk/ui/screens.h"
#include "kiosk/ui/widgets.h"

namespace gk {

Action DrawIdleCountdown(Ui& ui) {
    Action action;
    const ImVec2 size = ui.size();
    // Draw into a window of its own so its button sits above the screen's widgets.
    // What lies under the dimmed layer cannot be tapped now; say so in the layout.
    ui.layout.DisableAll();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(size);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0, 0, 0, 0.55f));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
    ImGui::Begin("##countdown", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoNav);
    const float w = std::min(size.x - ui.px(80), ui.px(1000));
    const float h = ui.px(520);
    const Rect card{(size.x - w) * 0.5f, (size.y - h) * 0.5f, w, h};
    ImDrawList* wdl = ImGui::GetWindowDrawList();
    wdl->AddRectFilled(card.min(), card.max(), ui.theme.card, ui.px(20));
    const std::string seconds = std::to_string(std::max(0, ui.state.countdown_s));
    LabelCentered(ui, ui.fonts.huge, seconds, Rect{card.x, card.y + ui.px(40), card.w, ui.px(110)},
                  ui.theme.danger);
    LabelCentered(ui, ui.fonts.body, Format(ui.T("idle.message"), {{"seconds", seconds}}),
                  Rect{card.x + ui.px(40), card.y + ui.px(170), card.w - ui.px(80), ui.px(100)},
                  ui.theme.text);
    if (Button(ui, "idle.more_time", ui.T("idle.more_time"),
               Rect{card.x + ui.px(60), card.y + h - ui.px(200), card.w - ui.px(120), ui.px(140)},
               ButtonKind::kPrimary, true, ui.fonts.title)) {
        action = Action::Of(Action::Kind::kMoreTime);
    }
    ImGui::End();
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor();
    return action;
}

}  // namespace gk
