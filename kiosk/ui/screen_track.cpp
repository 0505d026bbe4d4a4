// Track a request: a big keypad for the receipt code (a USB scanner types into it too), then the
// request's stage history from this terminal's store.
#include "core/receipt_code.h"
#include "kiosk/ui/form.h"
#include "kiosk/ui/screens.h"

namespace gk {

Action DrawTrack(Ui& ui) {
    Action action;
    const Session& s = ui.state.session;
    const Rect content = DrawChrome(ui, ui.T("track.title"), /*show_nav=*/true, action);
    const float pad = ui.px(40);
    const float gap = ui.px(32);
    const bool stacked = ui.portrait();
    const Rect left =
        stacked
            ? Rect{content.x + pad, content.y + pad, content.w - 2 * pad, content.h * 0.5f}
            : Rect{content.x + pad, content.y + pad, content.w * 0.5f - pad, content.h - 2 * pad};
    const Rect right =
        stacked ? Rect{content.x + pad, left.y + left.h + gap, left.w,
                       content.h - left.h - 2 * pad - gap}
                : Rect{left.x + left.w + gap, left.y, content.w - left.w - 2 * pad - gap, left.h};
    float y = left.y;
    y += Label(ui, ui.fonts.body, ui.T("track.prompt"), ImVec2(left.x, y), ui.theme.text, left.w) +
         ui.px(16);
    const float field_h = ui.px(110);
    TextField(ui, Field::kTrackCode, "", s.track_input, "XXXX XXXX XXXX XXXX",
              Rect{left.x, y, left.w - ui.px(220), field_h}, 0, action);
    if (Button(ui, "track.lookup", ui.T("track.lookup"),
               Rect{left.x + left.w - ui.px(200), y, ui.px(200), field_h}, ButtonKind::kPrimary,
               true, ui.fonts.title)) {
        action = Action::Of(Action::Kind::kTrackLookup);
    }
    y += field_h + ui.px(16);
    if (!s.track_error_key.empty())
        y += ProblemLine(ui, s.track_error_key, ImVec2(left.x, y), left.w) + ui.px(12);
    const float kb_h = KeyboardHeight(ui, KeyboardKind::kReceipt);
    const Action key =
        Keyboard(ui, KeyboardKind::kReceipt, Rect{left.x, left.y + left.h - kb_h, left.w, kb_h});
    if (!key.empty()) action = key;

    if (!s.track_result) return action;
    const RequestView& r = *s.track_result;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(right.min(), right.max(), ui.theme.card, ui.px(14));
    dl->AddRect(right.min(), right.max(), ui.theme.border, ui.px(14), 0, ui.px(2));
    const float ip = ui.px(28);
    const float w = right.w - 2 * ip;
    y = right.y + ip;
    const std::string lang(ui.lang_code());
    if (const Service* service = ui.catalogue.FindService(r.service_code)) {
        y += Label(ui, ui.fonts.title, service->name.In(lang), ImVec2(right.x + ip, y),
                   ui.theme.text, w) +
             ui.px(10);
    }
    y += Label(ui, ui.fonts.body, FormatReceiptCode(r.receipt_code), ImVec2(right.x + ip, y),
               ui.theme.text_muted) +
         ui.px(14);
    y += Label(ui, ui.fonts.title,
               Format(ui.T("track.stage_now"), {{"stage", ui.T(StageI18nKey(r.stage))}}),
               ImVec2(right.x + ip, y), ui.theme.primary, w) +
         ui.px(10);
    const bool overdue =
        StageIsOpen(r.stage) && r.due_at_unix > 0 && ui.state.wall_unix_ms / 1000 > r.due_at_unix;
    y += Label(ui, ui.fonts.body,
               Format(ui.T("track.expected"), {{"date", FormatDate(r.due_at_unix, ui.state.lang)}}),
               ImVec2(right.x + ip, y), ui.theme.text, w) +
         ui.px(8);
    if (overdue)
        y += Label(ui, ui.fonts.body, "！ " + ui.T("track.overdue"), ImVec2(right.x + ip, y),
                   ui.theme.danger, w) +
             ui.px(8);
    y += ui.px(12);
    y += Label(ui, ui.fonts.body, ui.T("track.history"), ImVec2(right.x + ip, y),
               ui.theme.text_muted) +
         ui.px(10);
    // Newest first, each with its date and note.
    for (auto it = r.history.rbegin(); it != r.history.rend() && y < right.y + right.h - ui.px(60);
         ++it) {
        const std::string line = FormatDateTime(it->at_unix * 1000, ui.state.lang) + "  " +
                                 ui.T(StageI18nKey(it->stage)) +
                                 (it->note.empty() ? "" : "：" + it->note);
        dl->AddCircleFilled(ImVec2(right.x + ip + ui.px(8), y + ui.fonts.body->FontSize * 0.5f),
                            ui.px(7), ui.theme.primary);
        y += Label(ui, ui.fonts.body, line, ImVec2(right.x + ip + ui.px(28), y), ui.theme.text,
                   w - ui.px(28)) +
             ui.px(10);
    }
    return action;
}

}  // namespace gk
