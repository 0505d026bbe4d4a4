// Rasterising glyphs into one alpha atlas with stb_truetype and stb_rect_pack, without Dear
// ImGui: its allocator counts every allocation in the current context (ImGui 1.86
// MemAlloc → GImGui->IO.MetricsActiveAllocations), so ImFontAtlas must not be built on a
// thread while the UI thread runs ImGui. This file includes no ImGui header; fonts.cpp turns
// the result into an ImFontAtlas on the UI thread (cheap: no rasterising left).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/result.h"

namespace gk {

struct RasterGlyph {
    uint32_t code_point = 0;
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // quad, pixels from the pen position (top of the line)
    float u0 = 0, v0 = 0, u1 = 0, v1 = 0;  // texture coordinates
    float advance_x = 0;                   // pixels
};

struct RasterFont {
    float size_px = 0;
    float ascent = 0, descent = 0;  // pixels, rounded as ImGui rounds them
    std::vector<RasterGlyph> glyphs;
};

struct RasterFontRequest {
    const unsigned char* data = nullptr;  // whole .ttf/.ttc (mapped), outlives the call
    size_t size = 0;
    int face = 0;  // index inside a collection
    float size_px = 0;
    std::vector<uint32_t> code_points;  // sorted, distinct, BMP
};

struct RasterAtlas {
    int width = 0, height = 0;
    std::vector<uint8_t> alpha;      // the glyphs' coverage, one byte a pixel (ImGui's Alpha8)
    float white_u = 0, white_v = 0;  // a fully opaque pixel, for filled shapes
    std::vector<RasterFont> fonts;   // in request order
};

// Error "font" when a file is not a font; "atlas" when the glyphs do not fit `width` × 32768.
Result<RasterAtlas> RasteriseAtlas(const std::vector<RasterFontRequest>& requests, int width);

}  // namespace gk
