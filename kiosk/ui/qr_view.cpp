// QR drawing with whole-pixel modules so scanners (and zbarimg) read it from a screenshot.
#include "kiosk/ui/qr_view.h"

#include <cmath>
#include <string>

#include "platform/qr.h"

namespace gk {

bool DrawQr(std::string_view text, const Rect& r) {
    // Encoded once per distinct text: a frame must not pay for encoding.
    static std::string cached_text;
    static Result<QrMatrix> cached = Error{"qr", "none"};
    if (cached_text != text || !cached.ok()) {
        cached_text = std::string(text);
        cached = EncodeQr(text);
    }
    if (!cached) return false;
    const QrMatrix& m = *cached;
    constexpr int kQuiet = 4;  // modules of white border the standard asks for
    const int total = m.size + 2 * kQuiet;
    const float module = std::floor(std::min(r.w, r.h) / total);
    if (module < 1) return false;
    const float side = module * total;
    const float x0 = std::floor(r.x + (r.w - side) * 0.5f),
                y0 = std::floor(r.y + (r.h - side) * 0.5f);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x0 + side, y0 + side), IM_COL32_WHITE);
    for (int y = 0; y < m.size; ++y) {
        for (int x = 0; x < m.size; ++x) {
            if (!m.At(x, y)) continue;
            const float px = x0 + (x + kQuiet) * module, py = y0 + (y + kQuiet) * module;
            dl->AddRectFilled(ImVec2(px, py), ImVec2(px + module, py + module), IM_COL32_BLACK);
        }
    }
    return true;
}

}  // namespace gk
