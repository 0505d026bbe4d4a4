// What every screen draws with: the state, the strings, the fonts, the theme, the scale, and
// the frame's layout record. Sizes are given in "design pixels" of a 1080-pixel short side
// and scaled with px(), so 1920×1080 landscape and 1080×1920 portrait panels both look right.
#pragma once

#include <imgui.h>

#include <string>
#include <string_view>

#include "core/catalogue.h"
#include "core/i18n.h"
#include "kiosk/app/state.h"
#include "kiosk/ui/layout.h"
#include "platform/fonts.h"

namespace gk {

// Colours chosen for contrast ≥ 4.5:1 of text on its background (checked in tests/ui).
struct Theme {
    ImU32 background = IM_COL32(0xF2, 0xF4, 0xF7, 0xFF);
    ImU32 header = IM_COL32(0xA3, 0x1A, 0x1D, 0xFF);  // government red
    ImU32 on_header = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    ImU32 card = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    ImU32 card_pressed = IM_COL32(0xDD, 0xE6, 0xF3, 0xFF);
    ImU32 border = IM_COL32(0xC5, 0xCC, 0xD6, 0xFF);
    ImU32 text = IM_COL32(0x1B, 0x1F, 0x24, 0xFF);
    ImU32 text_muted = IM_COL32(0x4A, 0x52, 0x5C, 0xFF);  // 7.9:1 on white
    ImU32 primary = IM_COL32(0x0B, 0x4E, 0xA2, 0xFF);     // 7.6:1 with white text
    ImU32 primary_pressed = IM_COL32(0x08, 0x36, 0x70, 0xFF);
    ImU32 on_primary = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    ImU32 secondary = IM_COL32(0xE4, 0xE8, 0xEE, 0xFF);
    ImU32 secondary_pressed = IM_COL32(0xC9, 0xD0, 0xDA, 0xFF);
    ImU32 disabled = IM_COL32(0xD5, 0xD9, 0xDF, 0xFF);
    ImU32 on_disabled = IM_COL32(0x4F, 0x56, 0x60, 0xFF);  // 5.1:1 on disabled
    ImU32 danger = IM_COL32(0xB0, 0x1F, 0x24, 0xFF);       // red text/bars, 6.3:1 on white
    ImU32 danger_bg = IM_COL32(0xFD, 0xEC, 0xEC, 0xFF);
    ImU32 ok = IM_COL32(0x1E, 0x6B, 0x34, 0xFF);  // green text, 6.5:1 on white
    ImU32 ok_bg = IM_COL32(0xE7, 0xF4, 0xEA, 0xFF);
    ImU32 warn = IM_COL32(0x7A, 0x4D, 0x00, 0xFF);  // amber text, 6.9:1 on white
    ImU32 warn_bg = IM_COL32(0xFF, 0xF4, 0xD6, 0xFF);
    ImU32 focus = IM_COL32(0x0B, 0x4E, 0xA2, 0xFF);
};

struct Ui {
    const AppState& state;
    const Strings& strings;
    const Catalogue& catalogue;
    const FontSet& fonts;
    FrameLayout& layout;
    Theme theme;
    float scale = 1.0f;  // window short side / 1080

    const std::string& T(std::string_view key) const { return strings.Get(state.lang, key); }
    float px(float design) const { return design * scale; }
    bool portrait() const;
    ImVec2 size() const;  // the window, pixels
    std::string_view lang_code() const { return LangCode(state.lang); }
};

}  // namespace gk
