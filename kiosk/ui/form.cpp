// Text fields, choices, problem lines, the on-screen keyboard and the wizard step frame.
//
// [SECTION] Fields and choices
// [SECTION] Keyboard
// [SECTION] Wizard step
#include "kiosk/ui/form.h"

#include <string>
#include <vector>

#include "core/utf8.h"
#include "kiosk/app/request_flow.h"

namespace gk {

// ---------------------------------------------------------------------------------------------
// [SECTION] Fields and choices
// ---------------------------------------------------------------------------------------------

std::string_view ProblemFor(const Ui& ui, std::string_view field_prefix) {
    for (const auto& p : ui.state.session.problems) {
        if (p.field.rfind(field_prefix, 0) == 0) return p.i18n_key;
    }
    return {};
}

float ProblemLine(Ui& ui, std::string_view key, ImVec2 pos, float wrap_width) {
    if (key.empty()) return 0.0f;
    const std::string line = "！ " + ui.T(key);
    return Label(ui, ui.fonts.body, line, pos, ui.theme.danger, wrap_width);
}

float TextField(Ui& ui, Field field, std::string_view label, std::string_view value,
                std::string_view hint, const Rect& r, size_t max_chars, Action& action) {
    const Session& s = ui.state.session;
    const bool focused = s.focus == field;
    const std::string id =
        std::string(ScreenName(ui.state.screen)) + ".field." + std::string(FieldName(field));
    const std::string_view problem =
        field == Field::kTrackCode ? std::string_view() : ProblemFor(ui, ProblemField(field));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const Theme& t = ui.theme;

    const float label_h = label.empty() ? 0.0f : ui.fonts.body->FontSize + ui.px(8);
    if (!label.empty()) Label(ui, ui.fonts.body, label, ImVec2(r.x, r.y), t.text);
    const Rect box{r.x, r.y + label_h, r.w, r.h - label_h};
    ImGui::SetCursorScreenPos(box.min());
    ImGui::PushID(id.c_str());
    if (ImGui::InvisibleButton("##f", ImVec2(box.w, box.h)))
        action = Action::WithField(Action::Kind::kFocus, field);
    ImGui::PopID();
    dl->AddRectFilled(box.min(), box.max(), t.card, ui.px(10));
    const ImU32 border = !problem.empty() ? t.danger : focused ? t.focus : t.border;
    dl->AddRect(box.min(), box.max(), border, ui.px(10), 0,
                ui.px(focused || !problem.empty() ? 4 : 2));
    const float pad = ui.px(18);
    const float wrap = box.w - 2 * pad;
    const ImVec2 text_pos(box.x + pad, box.y + pad * 0.7f);
    ImGui::PushClipRect(box.min(), box.max(), true);
    if (value.empty() && s.composition.empty()) {
        Label(ui, ui.fonts.body, hint, text_pos, t.text_muted, wrap);
    } else {
        // Long text: show its end, which is where the resident is typing.
        std::string shown(value);
        if (focused && !s.composition.empty()) shown += s.composition;
        ImVec2 size = Measure(ui.fonts.body, shown, wrap);
        const float room = box.h - pad * 1.4f;
        ImVec2 pos = text_pos;
        if (size.y > room) pos.y -= size.y - room;
        Label(ui, ui.fonts.body, shown, pos, t.text, wrap);
        if (focused && !s.composition.empty()) {
            // Underline the composition so it reads as not yet committed.
            const ImVec2 before = Measure(ui.fonts.body, value, wrap);
            const ImVec2 comp = Measure(ui.fonts.body, s.composition);
            const float y = pos.y + before.y;
            dl->AddLine(
                ImVec2(pos.x + (before.y > ui.fonts.body->FontSize * 1.5f ? 0 : before.x), y),
                ImVec2(pos.x + before.x + comp.x, y), t.focus, ui.px(2));
        }
    }
    if (focused) {
        // A caret after the last character (a block, so it shows on any background).
        std::string all(value);
        all += s.composition;
        const float line_h = ui.fonts.body->FontSize;
        const ImVec2 size = Measure(ui.fonts.body, all, wrap);
        // The end of the last line: measure the text after the last wrap by re-measuring lines.
        const char* end = all.c_str() + all.size();
        const char* line_start = all.c_str();
        float y = text_pos.y;
        while (line_start < end) {
            const char* wrap_at = ui.fonts.body->CalcWordWrapPositionA(1.0f, line_start, end, wrap);
            if (wrap_at >= end || wrap_at == line_start) break;
            line_start = wrap_at;
            while (line_start < end && (*line_start == ' ' || *line_start == '\n')) ++line_start;
            y += line_h;
        }
        const float x =
            text_pos.x + Measure(ui.fonts.body, std::string_view(line_start, end - line_start)).x;
        const float room = box.h - pad * 1.4f;
        if (size.y > room) y -= size.y - room;
        dl->AddRectFilled(ImVec2(x + ui.px(2), y + ui.px(2)), ImVec2(x + ui.px(5), y + line_h),
                          t.focus);
    }
    ImGui::PopClipRect();
    if (max_chars > 0) {
        const std::string count =
            Format(ui.T("common.chars"), {{"count", std::to_string(CountCodePoints(value))},
                                          {"max", std::to_string(max_chars)}});
        const ImVec2 cs = Measure(ui.fonts.body, count);
        Label(ui, ui.fonts.body, count,
              ImVec2(box.x + box.w - cs.x - pad, box.y + box.h - cs.y - ui.px(8)), t.text_muted);
    }
    ui.layout.AddWidget(
        {id, std::string(label.empty() ? hint : label), box.x, box.y, box.w, box.h, true});
    float h = r.h;
    if (!problem.empty())
        h += ui.px(8) + ProblemLine(ui, problem, ImVec2(r.x, r.y + r.h + ui.px(8)), r.w);
    return h;
}

bool Choice(Ui& ui, std::string_view id, std::string_view label, bool chosen, const Rect& r) {
    // The state is in the words too (a tick or an empty circle), not only in the colour.
    const std::string text = (chosen ? "✓ " : "○ ") + std::string(label);
    return Button(ui, id, text, r, chosen ? ButtonKind::kPrimary : ButtonKind::kCard);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Keyboard
// ---------------------------------------------------------------------------------------------

namespace {

std::vector<std::vector<std::string>> Rows(KeyboardKind kind) {
    switch (kind) {
        case KeyboardKind::kText:
            return {{"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "-"},
                    {"q", "w", "e", "r", "t", "y", "u", "i", "o", "p", "#"},
                    {"a", "s", "d", "f", "g", "h", "j", "k", "l", "/", "backspace"},
                    {"z", "x", "c", "v", "b", "n", "m", ",", ".", "space"}};
        case KeyboardKind::kPhone:
            return {{"1", "2", "3"}, {"4", "5", "6"}, {"7", "8", "9"}, {"-", "0", "backspace"}};
        case KeyboardKind::kReceipt:
            return {{"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"},
                    {"A", "B", "C", "D", "E", "F", "G", "H", "J", "K"},
                    {"M", "N", "P", "Q", "R", "S", "T", "V", "W", "X"},
                    {"Y", "Z", "backspace"}};
    }
    return {};
}

}  // namespace

float KeyboardHeight(const Ui& ui, KeyboardKind kind) {
    const float key_h = kind == KeyboardKind::kPhone ? ui.px(84) : ui.px(80);
    return static_cast<float>(Rows(kind).size()) * (key_h + ui.px(10));
}

Action Keyboard(Ui& ui, KeyboardKind kind, const Rect& r) {
    Action action;
    const auto rows = Rows(kind);
    const float gap = ui.px(10);
    const float key_h = kind == KeyboardKind::kPhone ? ui.px(84) : ui.px(80);
    size_t max_cols = 0;
    for (const auto& row : rows) max_cols = std::max(max_cols, row.size());
    const float unit = std::min((r.w - gap * (max_cols - 1)) / max_cols,
                                kind == KeyboardKind::kPhone ? ui.px(220) : ui.px(150));
    const float total_w = unit * max_cols + gap * (max_cols - 1);
    const float x0 = r.x + (r.w - total_w) * 0.5f;
    float y = r.y;
    for (const auto& row : rows) {
        float x = x0;
        for (size_t i = 0; i < row.size(); ++i) {
            const std::string& key = row[i];
            // The last key of a short row stretches to the row's end (space, delete).
            float w = unit;
            if (i + 1 == row.size() && row.size() < max_cols) w = x0 + total_w - x;
            const bool is_space = key == "space", is_back = key == "backspace";
            const std::string label = is_space  ? ui.T("keyboard.space")
                                      : is_back ? ui.T("keyboard.backspace")
                                                : key;
            if (Button(ui, "kb." + key, label, Rect{x, y, w, key_h},
                       is_back ? ButtonKind::kSecondary : ButtonKind::kCard)) {
                if (is_back) {
                    action = Action::Of(Action::Kind::kBackspace);
                } else {
                    action = Action::WithText(Action::Kind::kText, is_space ? " " : key);
                }
            }
            x += w + gap;
        }
        y += key_h + gap;
    }
    return action;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Wizard step
// ---------------------------------------------------------------------------------------------

Rect WizardStep(Ui& ui, int step, std::string_view prompt, bool show_next, Action& action) {
    Rect content = DrawChrome(ui, ui.T("request.title"), /*show_nav=*/true, action);
    const float pad = ui.px(40);
    const std::string step_text =
        Format(ui.T("request.step"), {{"n", std::to_string(step)}, {"total", "6"}});
    const float y = content.y + ui.px(20);
    const ImVec2 step_size = Measure(ui.fonts.body, step_text);
    Label(ui, ui.fonts.body, step_text,
          ImVec2(content.x + content.w - pad - step_size.x, y + ui.px(14)), ui.theme.text_muted);
    Label(ui, ui.fonts.title, prompt, ImVec2(content.x + pad, y), ui.theme.text,
          content.w - 2 * pad - step_size.x - ui.px(40));
    // Progress: six segments, filled up to this step.
    const float seg_gap = ui.px(8);
    const float seg_w = (content.w - 2 * pad - 5 * seg_gap) / 6;
    const float seg_y = y + ui.fonts.title->FontSize + ui.px(14);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    for (int i = 0; i < 6; ++i) {
        const float x = content.x + pad + i * (seg_w + seg_gap);
        dl->AddRectFilled(ImVec2(x, seg_y), ImVec2(x + seg_w, seg_y + ui.px(8)),
                          i < step ? ui.theme.primary : ui.theme.disabled, ui.px(4));
    }
    if (show_next) {
        const ImVec2 size = ui.size();
        const float bw = ui.px(340), bh = ui.px(96);
        const Rect next{size.x - pad - bw, content.y + content.h + (ui.px(130) - bh) * 0.5f, bw,
                        bh};
        if (Button(ui, "request.next", ui.T("common.next"), next, ButtonKind::kPrimary, true,
                   ui.fonts.title)) {
            action = Action::Of(Action::Kind::kNext);
        }
    }
    const float top = seg_y + ui.px(28);
    return Rect{content.x + pad, top, content.w - 2 * pad, content.y + content.h - top - ui.px(16)};
}

}  // namespace gk
