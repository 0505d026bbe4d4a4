// Our own CPU rasteriser for Dear ImGui's draw lists, and the damage tracking that lets a frame
// redraw and show only the part of the screen that changed.
//
// SDL's software renderer draws every triangle through a generic path (about 90 ms for a home
// screen at 1920×1080); here the shapes ImGui actually makes take fast paths: axis-aligned
// quads (filled rectangles, glyphs, QR modules) become span fills and blits, everything else
// (rounded corners, anti-aliased fringes) goes through an exact fixed-point triangle
// rasteriser. Every pixel's value depends only on the primitives that cover it, in order, never
// on the rectangle being redrawn, so a frame drawn in damaged pieces is identical to the same
// frame drawn in full (tests/platform/soft_raster_test.cpp and the screens' pixel tests).
#pragma once

#include <cstdint>
#include <vector>

struct ImDrawData;
struct ImDrawVert;

namespace gk {

// Half-open pixel rectangle [x0, x1) × [y0, y1).
struct PixelRect {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    bool empty() const { return x1 <= x0 || y1 <= y0; }
    long area() const { return empty() ? 0 : static_cast<long>(x1 - x0) * (y1 - y0); }
};

// A 32-bit pixel buffer owned by someone else (the window surface): three 8-bit channels at
// the given shifts; the fourth byte is written as 0xFF.
struct Canvas {
    uint32_t* pixels = nullptr;
    int width = 0, height = 0;
    int stride = 0;  // pixels per row
    int r_shift = 16, g_shift = 8, b_shift = 0;
};

// What an ImTextureID points at: coverage only (the font atlas: white glyphs, alpha as coverage;
// its white pixel makes filled shapes). The pixels belong to the atlas.
struct AlphaTexture {
    const uint8_t* pixels = nullptr;
    int width = 0, height = 0;
};

// One triangle, or an axis-aligned quad (two triangles a-b-c, a-c-d with one colour and an
// axis-aligned texture mapping: what ImGui's PrimRect and PrimRectUV make), with the clip rect
// of its draw command and the pixels it may touch.
struct Primitive {
    const ImDrawVert* v[4] = {};
    int count = 3;  // 3: triangle v[0..2]; 4: quad, v[0] and v[2] opposite corners
    const AlphaTexture* texture = nullptr;
    PixelRect clip;    // the draw command's clip rect ∩ the screen
    PixelRect bounds;  // conservative: every pixel it may cover, ∩ clip
};

// The primitives of a frame, in drawing order. The draw data must use no display offset and a
// framebuffer scale of 1 (the window sets both) and outlive the result.
void CollectPrimitives(const ImDrawData& data, int width, int height, std::vector<Primitive>& out);

// Draws the primitives into `canvas` inside `clip` only: clears that rectangle to black, then
// draws every primitive in order (source-over blending, nearest texel at pixel centres).
void Rasterise(const std::vector<Primitive>& primitives, Canvas& canvas, const PixelRect& clip);

// Which parts of the screen differ from the last frame: the screen in tiles, each with a hash
// of every primitive that may touch it (vertices, texture, clip), in drawing order. A tile whose
// hash changed is redrawn. Conservative: a primitive marks every tile its bounds touch.
class DamageTracker {
  public:
    static constexpr int kTile = 32;  // pixels

    // The rectangles to redraw this frame (merged runs of changed tiles, clipped to the
    // screen); the whole screen after Invalidate() or a size change; none when nothing changed.
    const std::vector<PixelRect>& Update(const std::vector<Primitive>& primitives, int width,
                                         int height);
    // The next Update redraws everything (a new texture, a new surface).
    void Invalidate() { valid_ = false; }

  private:
    std::vector<uint64_t> hashes_, previous_;
    std::vector<PixelRect> damage_;
    int width_ = 0, height_ = 0, columns_ = 0, rows_ = 0;
    bool valid_ = false;
};

}  // namespace gk
