// Fonts: Noto Sans CJK SC (face 2 of Debian's .ttc) or WenQuanYi Micro Hei, found at run time.
// The body font covers ASCII, CJK punctuation, all of GB2312 and every character of the texts
// given (the i18n catalogue, the service catalogue), so no "?" box is ever drawn for them.
// Larger sizes (titles, the receipt code) cover only the given texts, to keep the atlas small.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

struct ImFont;
struct SDL_Renderer;

namespace gk {

struct FontSet {
    ImFont* body = nullptr;    // base size, full glyph set
    ImFont* title = nullptr;   // 1.6 × base, texts given + ASCII
    ImFont* huge = nullptr;    // 2.6 × base, ASCII and the display texts (receipt codes, the name)
    std::string regular_path;  // the file found, for logs
    int glyph_count = 0;       // glyphs in the body font
    int atlas_width = 0, atlas_height = 0;
};

struct FontOptions {
    std::string regular_path;  // empty: search the known locations
    std::string bold_path;     // empty: search, else fall back to regular
    float base_px = 30.0f;     // body size in pixels
};

// Returns the first existing known CJK font, or "" when none is installed.
std::string FindCjkFont(bool bold);

// Builds the atlas into ImGui's current context, uploads it through the SDL_Renderer backend
// and frees the CPU-side copies. Error code "font" names the missing file.
// `display_texts` are the few texts also drawn in the huge size (the terminal's name).
Result<FontSet> LoadFonts(const FontOptions& options, const std::vector<std::string_view>& texts,
                          const std::vector<std::string_view>& display_texts);

// Every character of GB2312 (levels 1 and 2 and symbols), as code points.
std::vector<char32_t> Gb2312CodePoints();

}  // namespace gk
