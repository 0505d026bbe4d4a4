// Contact phone numbers: mainland China mobile and landline numbers.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace gk {

// Accepts "138 0013 8000", "+86 13800138000", "0086-138...", "010-12345678", "(0755)8765 4321",
// "02912345678". Returns the canonical form: 11 mobile digits ("13800138000") or a landline
// as "AREA-NUMBER" ("010-12345678"). Errors (code): "empty", "bad_char" (letters or other
// symbols), "bad_mobile", "bad_landline", "bad_length".
Result<std::string> NormalisePhone(std::string_view typed);

// "138****8000": what may be shown back on screen or a receipt.
std::string MaskPhone(std::string_view canonical);

}  // namespace gk
