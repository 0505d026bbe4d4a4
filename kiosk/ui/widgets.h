// Touch widgets: large buttons and tiles with visible press feedback, labels that record what
// they draw, drag-to-scroll regions, and the screen frame (header, footer with Back/Home).
// Every tappable widget goes into the frame's layout with its stable id. Long lists (boards of
// thousands of rows) are virtualised: ListRows draws only the rows in view.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "kiosk/app/action.h"
#include "kiosk/ui/ui.h"

namespace gk {

struct Rect {
    float x, y, w, h;
    ImVec2 min() const { return {x, y}; }
    ImVec2 max() const { return {x + w, y + h}; }
    Rect Inset(float d) const { return {x + d, y + d, w - 2 * d, h - 2 * d}; }
};

enum class ButtonKind { kPrimary, kSecondary, kCard, kDanger };

// A full-viewport, undecorated window with the theme's background.
void BeginScreen(Ui& ui);
void EndScreen();

// A button at `r`; true on the frame it was tapped (released over it, not dragged).
bool Button(Ui& ui, std::string_view id, std::string_view label, const Rect& r,
            ButtonKind kind = ButtonKind::kPrimary, bool enabled = true, ImFont* font = nullptr);

// A home tile: a large card with a coloured band, a title and a line of explanation. Disabled:
// grey, not tappable, and the line says why.
bool Tile(Ui& ui, std::string_view id, std::string_view title, std::string_view subtitle,
          const Rect& r, ImU32 accent, bool enabled = true);

// Draws text at pos (wrapped at wrap_width when > 0) and records it. Returns its height.
float Label(Ui& ui, ImFont* font, std::string_view text, ImVec2 pos, ImU32 color,
            float wrap_width = 0.0f);
// Centred in r (one line).
void LabelCentered(Ui& ui, ImFont* font, std::string_view text, const Rect& r, ImU32 color);
ImVec2 Measure(ImFont* font, std::string_view text, float wrap_width = 0.0f);

// A scrolling region that follows a finger (drag-to-scroll) as well as the wheel.
// Content is laid out with ImGui's cursor inside; returns the region's content width.
float BeginScroll(Ui& ui, const char* id, const Rect& r);
void EndScroll();

// One row of a ListRows list, as its draw callback gets it.
struct ListRow {
    int index;  // 0 .. count-1
    Rect rect;  // where the row is on the window this frame (scrolled), full content width
    bool held;  // pressed and not dragged: draw the pressed look
};

// A virtualised list of `count` rows, each `row_height` pixels tall and `gap` pixels apart, laid
// out from ImGui's cursor inside BeginScroll/EndScroll. Only the rows that show in the scroll
// region are drawn (draw_row is called for those alone), so a board of 10,000 rows costs a
// frame what a screenful costs. Each drawn row is tappable as a Button is (press and release
// over it; a drag scrolls and never taps) and is recorded in the layout as "<id>.<index>" with
// the label draw_row returns (what the row says, for scripts). Leaves the cursor below the
// last row. Returns the index of the row tapped this frame, or -1.
int ListRows(Ui& ui, std::string_view id, int count, float row_height, float gap,
             const std::function<std::string(const ListRow& row)>& draw_row);
// The card a list row sits on: white with a border, the pressed colour while held.
void RowCard(Ui& ui, const ListRow& row);

// Header with the screen title, clock and language toggle; footer with Back and Home.
// Returns the content rectangle between them. `action` is set when a chrome button was tapped.
Rect DrawChrome(Ui& ui, std::string_view title, bool show_nav, Action& action);

// "2026年11月27日 星期五 10:05" / "Fri 27 Nov 2026 10:05", Beijing time.
std::string FormatDateTime(int64_t wall_unix_ms, Lang lang);
std::string FormatDate(int64_t unix_seconds, Lang lang);

}  // namespace gk
