// QR codes through libqrencode: text → a square matrix of modules.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.h"

namespace gk {

struct QrMatrix {
    int size = 0;               // modules per side (without quiet zone)
    std::vector<uint8_t> dark;  // size*size, 1 = dark module, row-major
    bool At(int x, int y) const { return dark[static_cast<size_t>(y) * size + x] != 0; }
};

// Error correction level M (15 %): survives a smudged screen or a crumpled print.
Result<QrMatrix> EncodeQr(std::string_view text);

}  // namespace gk
