// Draws a QR code (platform/qr) as dark squares on a white quiet zone, crisp at any size.
#pragma once

#include <string_view>

#include "kiosk/ui/widgets.h"

namespace gk {

// Draws the code for `text` inside r (square, quiet zone included). Returns false if it
// could not be encoded.
bool DrawQr(std::string_view text, const Rect& r);

}  // namespace gk
