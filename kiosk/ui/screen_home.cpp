// The home screen: one large tile for every area of the terminal.
#include "kiosk/ui/screens.h"
#include "kiosk/ui/widgets.h"

namespace gk {

Action DrawHome(Ui& ui) {
    Action action;
    const Rect content = DrawChrome(ui, ui.T("home.title"), /*show_nav=*/false, action);
    struct TileSpec {
        const char* id;
        const char* title_key;
        const char* subtitle_key;
        Screen target;
        ImU32 accent;
    };
    const TileSpec tiles[] = {
        {"home.request", "home.request", "home.request_sub", Screen::kRequestGroup,
         IM_COL32(0xA3, 0x1A, 0x1D, 0xFF)},
        {"home.track", "home.track", "home.track_sub", Screen::kTrack,
         IM_COL32(0x0B, 0x4E, 0xA2, 0xFF)},
        {"home.disclosure", "home.disclosure", "home.disclosure_sub", Screen::kDisclosure,
         IM_COL32(0x8A, 0x5A, 0x00, 0xFF)},
        {"home.deliberation", "home.deliberation", "home.deliberation_sub", Screen::kDeliberation,
         IM_COL32(0x5B, 0x2C, 0x83, 0xFF)},
        {"home.projects", "home.projects", "home.projects_sub", Screen::kProjects,
         IM_COL32(0x1E, 0x6B, 0x34, 0xFF)},
        {"home.grid", "home.grid", "home.grid_sub", Screen::kGrid,
         IM_COL32(0x00, 0x6D, 0x77, 0xFF)},
    };
    const int cols = ui.portrait() ? 2 : 3;
    const int rows = (static_cast<int>(std::size(tiles)) + cols - 1) / cols;
    const float pad = ui.px(40), gap = ui.px(32);
    const float footer_h = ui.px(120);
    const Rect area{content.x + pad, content.y + pad, content.w - 2 * pad,
                    content.h - 2 * pad - footer_h};
    const float tw = (area.w - gap * (cols - 1)) / cols;
    const float th = (area.h - gap * (rows - 1)) / rows;
    for (int i = 0; i < static_cast<int>(std::size(tiles)); ++i) {
        const TileSpec& s = tiles[i];
        const Rect r{area.x + (i % cols) * (tw + gap), area.y + (i / cols) * (th + gap), tw, th};
        // A terminal that cannot take requests says so here, before anyone starts typing.
        const bool blocked =
            s.target == Screen::kRequestGroup && !ui.state.requests_blocked_key.empty();
        const std::string_view subtitle =
            blocked ? ui.T(ui.state.requests_blocked_key) : ui.T(s.subtitle_key);
        if (Tile(ui, s.id, ui.T(s.title_key), subtitle, r, s.accent, !blocked)) {
            action = Action::Goto(s.target);
        }
    }
    // Leaving: wipes the session at once instead of waiting for the idle timeout.
    const float by = content.y + content.h - footer_h;
    if (Button(ui, "home.exit", ui.T("home.exit"),
               Rect{content.x + content.w - pad - ui.px(320), by, ui.px(320), ui.px(96)},
               ButtonKind::kSecondary)) {
        action = Action::Of(Action::Kind::kDone);
    }
    Label(ui, ui.fonts.body, ui.T("home.help"), ImVec2(content.x + pad, by + ui.px(28)),
          ui.theme.text_muted, content.w - 2 * pad - ui.px(360));
    return action;
}

}  // namespace gk
