// The texts whose characters the font atlas must hold beyond GB2312: the UI catalogue, the
// service catalogue and the hall's own names. Kept in one place so the terminal and the
// benchmarks build the same atlas.
#pragma once

#include <string>
#include <vector>

#include "core/catalogue.h"
#include "core/i18n.h"

namespace gk {

// Copies, not views: the font library keeps them past this call (and the caller's `extra` is
// often a temporary that dies at the end of the statement).
std::vector<std::string> GlyphTexts(const Strings& strings, const Catalogue& catalogue,
                                    const std::vector<std::string>& extra);
// The few texts drawn in the huge display size (the terminal's name in both languages).
std::vector<std::string> DisplayTexts(const Strings& strings);

}  // namespace gk
