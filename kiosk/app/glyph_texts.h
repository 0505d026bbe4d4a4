// The texts whose characters the font atlas must hold beyond GB2312: the UI catalogue, the
// service catalogue and the hall's own names. Kept in one place so the terminal and the
// benchmarks build the same atlas.
#pragma once

#include <string>
#include <vector>

#include "core/catalogue.h"
#include "core/i18n.h"
#include "platform/fonts.h"

namespace gk {

// Copies, not views: the font library keeps them past this call (and the caller's `extra` is
// often a temporary that dies at the end of the statement).
std::vector<std::string> GlyphTexts(const Strings& strings, const Catalogue& catalogue,
                                    const std::vector<std::string>& extra);
// The few texts drawn in the huge display size (the terminal's name in both languages).
std::vector<std::string> DisplayTexts(const Strings& strings);
// What the attract screen (kiosk/ui/screen_attract.cpp) draws, in both languages, by size:
// the first font atlas holds only these (and ASCII), so the first frame waits for a few hundred
// glyphs instead of every text's. `place_line` is PlaceLine(community, grid name). Every other
// screen waits for the texts' atlas (FontLibrary::WaitForUiGlyphs).
FirstScreenTexts AttractTexts(const Strings& strings, const std::string& place_line);
// Every character FormatDateTime (kiosk/ui/widgets.h) draws beyond ASCII, for any date.
extern const char* const kDateTimeCharacters;

}  // namespace gk
