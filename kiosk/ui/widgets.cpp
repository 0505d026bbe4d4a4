// Touch widgets drawn with ImDrawList over invisible ImGui buttons.
//
// [SECTION] Screen window
// [SECTION] Buttons and tiles
// [SECTION] Text
// [SECTION] Scrolling (drag-to-scroll regions, virtualised lists)
// [SECTION] Chrome (header and footer)
// [SECTION] Dates
#include "kiosk/ui/widgets.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <string>

#include "core/assert.h"
#include "core/utf8.h"
#include "kiosk/app/config.h"
#include "platform/clock.h"

namespace gk {

bool Ui::portrait() const { return ImGui::GetIO().DisplaySize.y > ImGui::GetIO().DisplaySize.x; }
ImVec2 Ui::size() const { return ImGui::GetIO().DisplaySize; }

// ---------------------------------------------------------------------------------------------
// [SECTION] Screen window
// ---------------------------------------------------------------------------------------------

void BeginScreen(Ui& ui) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->Pos);
    ImGui::SetNextWindowSize(vp->Size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.0f);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(ui.theme.background));
    ImGui::Begin("##screen", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                     ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoNav);
}

void EndScreen() {
    ImGui::End();
    ImGui::PopStyleColor();
    ImGui::PopStyleVar(3);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Buttons and tiles
// ---------------------------------------------------------------------------------------------

namespace {

constexpr float kTapSlop = 24.0f;  // pixels a finger may wander and still tap

// A tap is a press and a release over the same widget without dragging; a drag that started
// on a button scrolls its list instead. The button's id is taken in the current ID scope.
bool TappedInScope(const Rect& r, bool enabled, bool& held) {
    ImGui::SetCursorScreenPos(r.min());
    const bool clicked = ImGui::InvisibleButton("##b", ImVec2(r.w, r.h));
    held = enabled && ImGui::IsItemActive();
    const bool dragged = ImGui::GetIO().MouseDragMaxDistanceSqr[0] > kTapSlop * kTapSlop;
    if (dragged) held = false;
    return enabled && clicked && !dragged;
}

bool Tapped(const char* id, const Rect& r, bool enabled, bool& held) {
    ImGui::PushID(id);
    const bool tapped = TappedInScope(r, enabled, held);
    ImGui::PopID();
    return tapped;
}

bool Visible(const Rect& r) {
    // Inside a scroll region only what shows is tappable and recorded.
    const ImRect clip(ImGui::GetWindowDrawList()->GetClipRectMin(),
                      ImGui::GetWindowDrawList()->GetClipRectMax());
    return clip.Overlaps(ImRect(r.min(), r.max()));
}

void Record(Ui& ui, std::string_view id, std::string_view label, const Rect& r, bool enabled) {
    if (!Visible(r)) return;
    // Record only the visible part, so a tap at the centre lands on the widget.
    const ImVec2 cmin = ImGui::GetWindowDrawList()->GetClipRectMin();
    const ImVec2 cmax = ImGui::GetWindowDrawList()->GetClipRectMax();
    const float x0 = std::max(r.x, cmin.x), y0 = std::max(r.y, cmin.y);
    const float x1 = std::min(r.x + r.w, cmax.x), y1 = std::min(r.y + r.h, cmax.y);
    ui.layout.AddWidget({std::string(id), std::string(label), x0, y0, x1 - x0, y1 - y0, enabled});
}

}  // namespace

bool Button(Ui& ui, std::string_view id, std::string_view label, const Rect& r, ButtonKind kind,
            bool enabled, ImFont* font) {
    const std::string id_s(id);
    bool held = false;
    const bool tapped = Tapped(id_s.c_str(), r, enabled, held);
    const Theme& t = ui.theme;
    ImU32 bg = t.primary, fg = t.on_primary, border = 0;
    switch (kind) {
        case ButtonKind::kPrimary:
            bg = held ? t.primary_pressed : t.primary;
            break;
        case ButtonKind::kSecondary:
            bg = held ? t.secondary_pressed : t.secondary;
            fg = t.text;
            border = t.border;
            break;
        case ButtonKind::kCard:
            bg = held ? t.card_pressed : t.card;
            fg = t.text;
            border = t.border;
            break;
        case ButtonKind::kDanger:
            bg = held ? t.primary_pressed : t.danger;
            break;
    }
    if (!enabled) {
        bg = t.disabled;
        fg = t.on_disabled;
    }
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float rounding = ui.px(12);
    // Pressed: the button sinks a little, so the finger sees it took the touch.
    const ImVec2 shift = held ? ImVec2(0, ui.px(3)) : ImVec2(0, 0);
    if (!held && enabled && kind != ButtonKind::kCard) {
        dl->AddRectFilled(ImVec2(r.x, r.y + ui.px(3)), ImVec2(r.x + r.w, r.y + r.h + ui.px(3)),
                          IM_COL32(0, 0, 0, 40), rounding);
    }
    dl->AddRectFilled(r.min() + shift, r.max() + shift, bg, rounding);
    if (border) dl->AddRect(r.min() + shift, r.max() + shift, border, rounding, 0, ui.px(2));
    ImFont* f = font ? font : ui.fonts.body;
    LabelCentered(ui, f, label, Rect{r.x + shift.x, r.y + shift.y, r.w, r.h}, fg);
    Record(ui, id, label, r, enabled);
    return tapped;
}

bool Tile(Ui& ui, std::string_view id, std::string_view title, std::string_view subtitle,
          const Rect& r, ImU32 accent, bool enabled) {
    const std::string id_s(id);
    bool held = false;
    const bool tapped = Tapped(id_s.c_str(), r, enabled, held);
    const Theme& t = ui.theme;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float rounding = ui.px(16);
    if (enabled) {
        dl->AddRectFilled(ImVec2(r.x, r.y + ui.px(4)), ImVec2(r.x + r.w, r.y + r.h + ui.px(4)),
                          IM_COL32(0, 0, 0, 30), rounding);
    }
    dl->AddRectFilled(r.min(), r.max(),
                      !enabled ? t.background
                      : held   ? t.card_pressed
                               : t.card,
                      rounding);
    dl->AddRect(r.min(), r.max(), held ? t.focus : t.border, rounding, 0, ui.px(held ? 4 : 2));
    // Accent band on the left: a cue beside the words, never instead of them.
    dl->AddRectFilled(r.min(), ImVec2(r.x + ui.px(18), r.y + r.h), enabled ? accent : t.disabled,
                      rounding, ImDrawFlags_RoundCornersLeft);
    const float pad = ui.px(44);
    const float text_w = r.w - pad - ui.px(24);
    const ImVec2 title_size = Measure(ui.fonts.title, title, text_w);
    const ImVec2 sub_size = Measure(ui.fonts.body, subtitle, text_w);
    const float gap = ui.px(14);
    float y = r.y + (r.h - title_size.y - gap - sub_size.y) * 0.5f;
    y += Label(ui, ui.fonts.title, title, ImVec2(r.x + pad, y), enabled ? t.text : t.text_muted,
               text_w) +
         gap;
    // The reason a disabled tile gives is for reading: full text colour, not muted.
    Label(ui, ui.fonts.body, subtitle, ImVec2(r.x + pad, y), enabled ? t.text_muted : t.text,
          text_w);
    Record(ui, id, title, r, enabled);
    return tapped;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Text
// ---------------------------------------------------------------------------------------------

ImVec2 Measure(ImFont* font, std::string_view text, float wrap_width) {
    return font->CalcTextSizeA(font->FontSize, FLT_MAX, wrap_width, text.data(),
                               text.data() + text.size());
}

float Label(Ui& ui, ImFont* font, std::string_view text, ImVec2 pos, ImU32 color,
            float wrap_width) {
    if (text.empty()) return 0.0f;
    ImGui::GetWindowDrawList()->AddText(font, font->FontSize, pos, color, text.data(),
                                        text.data() + text.size(), wrap_width);
    ui.layout.AddText(text);
    // ImGui draws a character missing from the atlas as its fallback "?": record it, so a test
    // sees a name drawn as "??门社区" without reading pixels.
    ForEachCodePoint(text, [&](char32_t cp) {
        if (cp < 0x20) return;  // line breaks and tabs are layout, not glyphs
        if (cp > 0xFFFF || !font->FindGlyphNoFallback(static_cast<ImWchar>(cp)))
            ui.layout.AddMissingGlyph(cp);
    });
    return Measure(font, text, wrap_width).y;
}

void LabelCentered(Ui& ui, ImFont* font, std::string_view text, const Rect& r, ImU32 color) {
    const ImVec2 size = Measure(font, text, r.w - ui.px(16));
    Label(ui, font, text, ImVec2(r.x + (r.w - size.x) * 0.5f, r.y + (r.h - size.y) * 0.5f), color,
          r.w - ui.px(16));
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Scrolling (drag-to-scroll regions, virtualised lists)
// ---------------------------------------------------------------------------------------------

float BeginScroll(Ui& ui, const char* id, const Rect& r) {
    ImGui::SetCursorScreenPos(r.min());
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0, 0, 0, 0));
    ImGui::PushStyleColor(ImGuiCol_ScrollbarBg, ImVec4(0, 0, 0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_ScrollbarSize, ui.px(14));
    ImGui::BeginChild(id, ImVec2(r.w, r.h), false, ImGuiWindowFlags_NoNav);
    // Follow the finger: while the pointer is held and moving over this region, scroll by its
    // movement (content moves with the finger), whatever widget the drag started on.
    ImGuiIO& io = ImGui::GetIO();
    if (io.MouseDown[0] && ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem) &&
        io.MouseDragMaxDistanceSqr[0] > kTapSlop * kTapSlop) {
        ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseDelta.y);
    }
    return ImGui::GetContentRegionAvail().x;
}

void EndScroll() {
    ImGui::EndChild();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor(2);
}

int ListRows(Ui& ui, std::string_view id, int count, float row_height, float gap,
             const std::function<std::string(const ListRow& row)>& draw_row) {
    GK_ASSERT(count >= 0 && "a list cannot have fewer than no rows");
    GK_ASSERT(row_height > 0.0f && gap >= 0.0f && "rows need a height and a gap of at least 0");
    const ImVec2 origin = ImGui::GetCursorScreenPos();  // the first row's top, scrolled
    const float width = ImGui::GetContentRegionAvail().x;
    const float pitch = row_height + gap;
    const float total_height = count > 0 ? count * pitch - gap : 0.0f;

    // The rows that can overlap the region's clip rectangle, from its top and bottom alone:
    // the cost of a frame does not grow with the rows above or below it.
    const ImDrawList* dl = ImGui::GetWindowDrawList();
    const float clip_top = dl->GetClipRectMin().y, clip_bottom = dl->GetClipRectMax().y;
    const float rows = static_cast<float>(count);
    const int first =
        static_cast<int>(std::clamp(std::floor((clip_top - origin.y) / pitch), 0.0f, rows));
    const int end =
        static_cast<int>(std::clamp(std::ceil((clip_bottom - origin.y) / pitch), 0.0f, rows));

    int tapped = -1;
    const std::string id_s(id);
    ImGui::PushID(id_s.c_str());
    for (int i = first; i < end; ++i) {
        const Rect r{origin.x, origin.y + i * pitch, width, row_height};
        if (r.y >= clip_bottom || r.y + r.h <= clip_top) continue;  // only its gap shows
        ImGui::PushID(i);
        bool held = false;
        if (TappedInScope(r, /*enabled=*/true, held)) tapped = i;
        ImGui::PopID();
        const std::string label = draw_row(ListRow{i, r, held});
        Record(ui, id_s + "." + std::to_string(i), label, r, /*enabled=*/true);
    }
    ImGui::PopID();

    // The whole list's extent, so the region scrolls as far as its last row and no further.
    ImGui::SetCursorScreenPos(origin);
    ImGui::Dummy(ImVec2(width, total_height));
    return tapped;
}

void RowCard(Ui& ui, const ListRow& row) {
    const Theme& t = ui.theme;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float rounding = ui.px(12);
    dl->AddRectFilled(row.rect.min(), row.rect.max(), row.held ? t.card_pressed : t.card, rounding);
    dl->AddRect(row.rect.min(), row.rect.max(), row.held ? t.focus : t.border, rounding, 0,
                ui.px(row.held ? 4 : 2));
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Chrome (header and footer)
// ---------------------------------------------------------------------------------------------

Rect DrawChrome(Ui& ui, std::string_view title, bool show_nav, Action& action) {
    const ImVec2 size = ui.size();
    const Theme& t = ui.theme;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float header_h = ui.px(120);
    dl->AddRectFilled(ImVec2(0, 0), ImVec2(size.x, header_h), t.header);
    const float pad = ui.px(32);
    // Title, then community and grid beneath it.
    Label(ui, ui.fonts.title, title, ImVec2(pad, ui.px(16)), t.on_header);
    const std::string place = PlaceLine(ui.state.community, ui.state.grid_name);
    Label(ui, ui.fonts.body, place, ImVec2(pad, ui.px(16) + ui.fonts.title->FontSize + ui.px(6)),
          t.on_header);

    // Language toggle at the top right: shows the language it switches to, in that language.
    const Rect lang_r{size.x - pad - ui.px(190), ui.px(22), ui.px(190), ui.px(76)};
    if (Button(ui, "common.lang", ui.T("common.switch_lang"), lang_r, ButtonKind::kSecondary)) {
        action = Action::Of(Action::Kind::kToggleLang);
    }
    const std::string clock = FormatDateTime(ui.state.wall_unix_ms, ui.state.lang);
    const ImVec2 clock_size = Measure(ui.fonts.body, clock);
    if (size.x - pad - ui.px(190) - ui.px(24) - clock_size.x >
        pad + Measure(ui.fonts.title, title).x) {
        Label(ui, ui.fonts.body, clock,
              ImVec2(lang_r.x - ui.px(24) - clock_size.x, (header_h - clock_size.y) * 0.5f),
              t.on_header);
    }

    float bottom = size.y;
    if (show_nav) {
        const float footer_h = ui.px(130);
        bottom = size.y - footer_h;
        dl->AddRectFilled(ImVec2(0, bottom), ImVec2(size.x, size.y), t.card);
        dl->AddLine(ImVec2(0, bottom), ImVec2(size.x, bottom), t.border, ui.px(2));
        const float bw = ui.px(260), bh = ui.px(96);
        const float by = bottom + (footer_h - bh) * 0.5f;
        if (Button(ui, "common.back", ui.T("common.back"), Rect{pad, by, bw, bh},
                   ButtonKind::kSecondary)) {
            action = Action::Of(Action::Kind::kBack);
        }
        if (Button(ui, "common.home", ui.T("common.home"), Rect{pad + bw + ui.px(24), by, bw, bh},
                   ButtonKind::kSecondary)) {
            action = Action::Of(Action::Kind::kHome);
        }
    }
    return Rect{0, header_h, size.x, bottom - header_h};
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Dates
// ---------------------------------------------------------------------------------------------

namespace {

std::tm ChinaTime(int64_t unix_seconds) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds + kChinaUtcOffsetSeconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm;
}

}  // namespace

std::string FormatDateTime(int64_t wall_unix_ms, Lang lang) {
    const std::tm tm = ChinaTime(wall_unix_ms / 1000);
    char buf[96];
    if (lang == Lang::kZh) {
        static const char* kWeek[] = {"日", "一", "二", "三", "四", "五", "六"};
        std::snprintf(buf, sizeof buf, "%d年%d月%d日 星期%s %02d:%02d", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, kWeek[tm.tm_wday], tm.tm_hour, tm.tm_min);
    } else {
        std::strftime(buf, sizeof buf, "%a %d %b %Y %H:%M", &tm);
    }
    return buf;
}

std::string FormatDate(int64_t unix_seconds, Lang lang) {
    const std::tm tm = ChinaTime(unix_seconds);
    char buf[64];
    if (lang == Lang::kZh) {
        std::snprintf(buf, sizeof buf, "%d年%d月%d日", tm.tm_year + 1900, tm.tm_mon + 1,
                      tm.tm_mday);
    } else {
        std::strftime(buf, sizeof buf, "%d %b %Y", &tm);
    }
    return buf;
}

}  // namespace gk
