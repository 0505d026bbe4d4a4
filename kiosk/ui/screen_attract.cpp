// The attract screen: community name, date and time, and "touch to start" over the whole
// screen, so any touch anywhere begins a session.
#include "kiosk/app/config.h"
#include "kiosk/ui/screens.h"
#include "kiosk/ui/widgets.h"

namespace gk {

Action DrawAttract(Ui& ui) {
    const ImVec2 size = ui.size();
    const Theme& t = ui.theme;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(ImVec2(0, 0), size, t.header);

    const float cx = size.x * 0.5f;
    float y = size.y * (ui.portrait() ? 0.22f : 0.16f);
    const auto centred = [&](ImFont* font, const std::string& text, ImU32 color, float gap) {
        const ImVec2 s = Measure(font, text, size.x - ui.px(80));
        Label(ui, font, text, ImVec2(cx - s.x * 0.5f, y), color, size.x - ui.px(80));
        y += s.y + gap;
    };
    centred(ui.fonts.huge, ui.T("app.name"), t.on_header, ui.px(24));
    centred(ui.fonts.title, PlaceLine(ui.state.community, ui.state.grid_name), t.on_header,
            ui.px(16));
    centred(ui.fonts.body, FormatDateTime(ui.state.wall_unix_ms, ui.state.lang), t.on_header,
            ui.px(60));

    // What can be done here, one line each, so a passer-by knows before touching.
    for (const char* key : {"attract.offer_request", "attract.offer_track", "attract.offer_boards",
                            "attract.offer_projects"}) {
        centred(ui.fonts.body, ui.T(key), t.on_header, ui.px(14));
    }

    // The start button is the whole screen; its label sits in a white band near the bottom.
    const Rect band{ui.px(120), size.y - ui.px(300), size.x - ui.px(240), ui.px(150)};
    dl->AddRectFilled(band.min(), band.max(), t.card, ui.px(75));
    LabelCentered(ui, ui.fonts.title, ui.T("attract.touch_to_start"), band, t.header);

    Action action;
    ImGui::SetCursorScreenPos(ImVec2(0, 0));
    if (ImGui::InvisibleButton("##attract", size)) action = Action::Goto(Screen::kHome);
    ui.layout.AddWidget(
        {"attract.start", ui.T("attract.touch_to_start"), band.x, band.y, band.w, band.h, true});
    return action;
}

}  // namespace gk
