// CPU rasteriser for ImGui draw lists and the tile damage tracker (see soft_raster.h).
//
// [SECTION] Primitives
// [SECTION] Pixels
// [SECTION] Quads
// [SECTION] Triangles
// [SECTION] Damage
#include "platform/soft_raster.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/assert.h"

namespace gk {
namespace {

// ---------------------------------------------------------------------------------------------
// [SECTION] Primitives
// ---------------------------------------------------------------------------------------------

// Pixel (px, py) is covered by an area when its centre (px + 0.5, py + 0.5) is inside; for a
// span [lo, hi) of coordinates that is px in [ceil(lo - 0.5), ceil(hi - 0.5)).
// Positions beyond this (or not numbers at all) are nothing a screen draws: a primitive with one
// is dropped, and clip rects are clamped, rather than let a conversion to integers overflow.
constexpr float kMaxCoordinate = 1 << 20;

int FirstPixel(float lo) {
    const float f = std::ceil(lo - 0.5f);
    if (!(f >= -kMaxCoordinate)) return -static_cast<int>(kMaxCoordinate);
    return f <= kMaxCoordinate ? static_cast<int>(f) : static_cast<int>(kMaxCoordinate);
}

PixelRect Intersect(const PixelRect& a, const PixelRect& b) {
    return {std::max(a.x0, b.x0), std::max(a.y0, b.y0), std::min(a.x1, b.x1), std::min(a.y1, b.y1)};
}

bool IsAxisAlignedQuad(const ImDrawVert& a, const ImDrawVert& b, const ImDrawVert& c,
                       const ImDrawVert& d) {
    return a.pos.y == b.pos.y && b.pos.x == c.pos.x && c.pos.y == d.pos.y && d.pos.x == a.pos.x &&
           a.uv.y == b.uv.y && b.uv.x == c.uv.x && c.uv.y == d.uv.y && d.uv.x == a.uv.x &&
           a.col == b.col && a.col == c.col && a.col == d.col;
}

bool Drawable(const Primitive& p) {
    for (int i = 0; i < p.count; ++i) {
        const ImVec2 v = p.v[i]->pos;
        if (!(std::fabs(v.x) <= kMaxCoordinate && std::fabs(v.y) <= kMaxCoordinate)) return false;
    }
    return true;
}

// floor(t · size) as an index into [0, size): NaN and anything outside clamp to the edges.
int TexelIndex(float t, int size) {
    const float f = std::floor(t * static_cast<float>(size));
    if (!(f >= 0)) return 0;
    return f < static_cast<float>(size) ? static_cast<int>(f) : size - 1;
}

PixelRect Bounds(const Primitive& p) {
    float x0 = p.v[0]->pos.x, x1 = x0, y0 = p.v[0]->pos.y, y1 = y0;
    for (int i = 1; i < p.count; ++i) {
        x0 = std::min(x0, p.v[i]->pos.x);
        x1 = std::max(x1, p.v[i]->pos.x);
        y0 = std::min(y0, p.v[i]->pos.y);
        y1 = std::max(y1, p.v[i]->pos.y);
    }
    // One pixel of margin each side: rounding to the fixed-point grid never escapes it.
    const PixelRect r{static_cast<int>(std::floor(x0)) - 1, static_cast<int>(std::floor(y0)) - 1,
                      static_cast<int>(std::ceil(x1)) + 1, static_cast<int>(std::ceil(y1)) + 1};
    return Intersect(r, p.clip);
}

}  // namespace

void CollectPrimitives(const ImDrawData& data, int width, int height, std::vector<Primitive>& out) {
    GK_ASSERT(data.DisplayPos.x == 0 && data.DisplayPos.y == 0 &&
              "the rasteriser draws the main viewport at the origin");
    GK_ASSERT(data.FramebufferScale.x == 1 && data.FramebufferScale.y == 1 &&
              "the rasteriser draws one pixel per ImGui unit");
    out.clear();
    const PixelRect screen{0, 0, width, height};
    for (int l = 0; l < data.CmdListsCount; ++l) {
        const ImDrawList* list = data.CmdLists[l];
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback) continue;  // none of our screens draws through callbacks
            Primitive p;
            p.clip = Intersect({FirstPixel(cmd.ClipRect.x), FirstPixel(cmd.ClipRect.y),
                                FirstPixel(cmd.ClipRect.z), FirstPixel(cmd.ClipRect.w)},
                               screen);
            if (p.clip.empty()) continue;
            p.texture = static_cast<const AlphaTexture*>(cmd.TextureId);
            const ImDrawVert* vtx = list->VtxBuffer.Data + cmd.VtxOffset;
            const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
            const unsigned n = cmd.ElemCount;
            for (unsigned i = 0; i + 3 <= n;) {
                if (i + 6 <= n && idx[i + 3] == idx[i] && idx[i + 4] == idx[i + 2] &&
                    IsAxisAlignedQuad(vtx[idx[i]], vtx[idx[i + 1]], vtx[idx[i + 2]],
                                      vtx[idx[i + 5]])) {
                    p.count = 4;
                    p.v[0] = &vtx[idx[i]];
                    p.v[1] = &vtx[idx[i + 1]];
                    p.v[2] = &vtx[idx[i + 2]];
                    p.v[3] = &vtx[idx[i + 5]];
                    i += 6;
                } else {
                    p.count = 3;
                    p.v[0] = &vtx[idx[i]];
                    p.v[1] = &vtx[idx[i + 1]];
                    p.v[2] = &vtx[idx[i + 2]];
                    p.v[3] = nullptr;
                    i += 3;
                }
                if (!Drawable(p)) continue;
                p.bounds = Bounds(p);
                if (!p.bounds.empty()) out.push_back(p);
            }
        }
    }
}

namespace {

// ---------------------------------------------------------------------------------------------
// [SECTION] Pixels
// ---------------------------------------------------------------------------------------------

// x * a / 255, rounded, exact for 0..255 × 0..255.
inline uint32_t MulDiv255(uint32_t x, uint32_t a) {
    const uint32_t t = x * a + 128;
    return (t + (t >> 8)) >> 8;
}

// A colour in the canvas's layout, with its alpha apart.
struct Colour {
    uint32_t r = 0, g = 0, b = 0, a = 0;
};

Colour FromImGui(ImU32 c) { return {c & 0xFF, (c >> 8) & 0xFF, (c >> 16) & 0xFF, c >> 24}; }

// Writes into a canvas whose green is at bit 8 and red and blue at bits 0 and 16 (either way
// round: blending does not care which is which, only the packing of a colour does).
class PixelWriter {
  public:
    explicit PixelWriter(Canvas& canvas) : c_(canvas) {
        GK_ASSERT(canvas.g_shift == 8 &&
                  ((canvas.r_shift == 16 && canvas.b_shift == 0) ||
                   (canvas.r_shift == 0 && canvas.b_shift == 16)) &&
                  "the window gives the rasteriser an XRGB or XBGR canvas");
    }

    uint32_t Pack(const Colour& col) const {
        return 0xFF000000u | (col.r << c_.r_shift) | (col.g << c_.g_shift) | (col.b << c_.b_shift);
    }
    uint32_t* Row(int y) const { return c_.pixels + static_cast<size_t>(y) * c_.stride; }

    // Source-over of the packed colour `src` at coverage `a` (0..255, its alpha folded in):
    // (src·a + dst·(255−a)) / 255 rounded, per channel, two channels per multiply.
    static void Blend(uint32_t* px, uint32_t src, uint32_t a) {
        if (a == 0) return;
        if (a == 255) {
            *px = src;
            return;
        }
        const uint32_t d = *px, inv = 255 - a;
        uint32_t rb = (src & 0xFF00FFu) * a + (d & 0xFF00FFu) * inv + 0x800080u;
        rb = ((rb + ((rb >> 8) & 0xFF00FFu)) >> 8) & 0xFF00FFu;
        uint32_t g = (src & 0x00FF00u) * a + (d & 0x00FF00u) * inv + 0x008000u;
        g = ((g + ((g >> 8) & 0x00FF00u)) >> 8) & 0x00FF00u;
        *px = 0xFF000000u | rb | g;
    }

    // A run of one colour at one coverage.
    void Span(int y, int x0, int x1, uint32_t src, uint32_t a) const {
        if (x1 <= x0 || a == 0) return;
        uint32_t* row = Row(y);
        if (a == 255) {
            std::fill(row + x0, row + x1, src);
            return;
        }
        for (int x = x0; x < x1; ++x) Blend(row + x, src, a);
    }

  private:
    Canvas& c_;
};

uint8_t Texel(const AlphaTexture* t, float u, float v) {
    if (!t || !t->pixels) return 255;  // no texture: a plain fill
    return t->pixels[static_cast<size_t>(TexelIndex(v, t->height)) * t->width +
                     TexelIndex(u, t->width)];
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Quads
// ---------------------------------------------------------------------------------------------

void DrawQuad(const Primitive& p, const PixelWriter& out, const PixelRect& clip) {
    const ImDrawVert &a = *p.v[0], &c = *p.v[2];
    const float left = std::min(a.pos.x, c.pos.x), right = std::max(a.pos.x, c.pos.x);
    const float top = std::min(a.pos.y, c.pos.y), bottom = std::max(a.pos.y, c.pos.y);
    const PixelRect r =
        Intersect({FirstPixel(left), FirstPixel(top), FirstPixel(right), FirstPixel(bottom)}, clip);
    if (r.empty()) return;
    const Colour col = FromImGui(a.col);
    if (col.a == 0) return;
    const uint32_t src = out.Pack(col);
    const bool textured = p.texture && p.texture->pixels && (a.uv.x != c.uv.x || a.uv.y != c.uv.y);
    if (!textured) {
        const uint32_t alpha = MulDiv255(col.a, Texel(p.texture, a.uv.x, a.uv.y));
        for (int y = r.y0; y < r.y1; ++y) out.Span(y, r.x0, r.x1, src, alpha);
        return;
    }
    // Texel column of every pixel column, and texel row of every pixel row (nearest, at the
    // pixel centre along the linear mapping of the quad).
    const AlphaTexture& t = *p.texture;
    const float du = (c.uv.x - a.uv.x) / (c.pos.x - a.pos.x);
    const float dv = (c.uv.y - a.uv.y) / (c.pos.y - a.pos.y);
    thread_local std::vector<int> columns;
    columns.resize(static_cast<size_t>(r.x1 - r.x0));
    for (int x = r.x0; x < r.x1; ++x) {
        const float u = a.uv.x + ((x + 0.5f) - a.pos.x) * du;
        columns[x - r.x0] = TexelIndex(u, t.width);
    }
    for (int y = r.y0; y < r.y1; ++y) {
        const float v = a.uv.y + ((y + 0.5f) - a.pos.y) * dv;
        const int ty = TexelIndex(v, t.height);
        const uint8_t* texels = t.pixels + static_cast<size_t>(ty) * t.width;
        uint32_t* row = out.Row(y);
        for (int x = r.x0; x < r.x1; ++x) {
            const uint32_t cover = texels[columns[x - r.x0]];
            if (cover) PixelWriter::Blend(row + x, src, MulDiv255(col.a, cover));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Triangles
// ---------------------------------------------------------------------------------------------

constexpr int kSubBits = 8;  // fixed point: 1/256 pixel
constexpr int64_t kOne = int64_t{1} << kSubBits;

int64_t Fixed(float v) { return static_cast<int64_t>(std::floor(v * kOne + 0.5f)); }

int64_t FloorDiv(int64_t a, int64_t b) {  // b > 0
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

// One edge a→b of a triangle with positive area: E(p) > 0 inside. A pixel exactly on an edge
// belongs to the triangle only for "top-left" edges, so two triangles sharing an edge (which
// they walk in opposite directions) never both draw its pixels.
struct Edge {
    int64_t dx = 0, dy = 0, ax = 0, ay = 0, bias = 0;
    Edge(int64_t x0, int64_t y0, int64_t x1, int64_t y1)
        : dx(x1 - x0), dy(y1 - y0), ax(x0), ay(y0) {
        const bool top_left = dy < 0 || (dy == 0 && dx > 0);
        bias = top_left ? 0 : -1;
    }
    int64_t At(int64_t px, int64_t py) const { return dx * (py - ay) - dy * (px - ax); }
    int64_t step() const { return -dy * kOne; }  // change of E per pixel to the right
};

// Narrows [k0, k1) (pixel offsets from the row's first pixel, whose E is e) to where the edge
// test passes.
void NarrowSpan(const Edge& edge, int64_t e, int64_t& k0, int64_t& k1) {
    const int64_t s = edge.step(), v = e + edge.bias;
    if (s == 0) {
        if (v < 0) k1 = k0;
    } else if (s > 0) {
        k0 = std::max(k0, -FloorDiv(v, s));  // smallest k with v + k·s ≥ 0
    } else {
        k1 = std::min(k1, FloorDiv(v, -s) + 1);  // largest k with v + k·s ≥ 0, plus one
    }
}

void DrawTriangle(const Primitive& p, const PixelWriter& out, const PixelRect& clip) {
    const ImDrawVert* v0 = p.v[0];
    const ImDrawVert* v1 = p.v[1];
    const ImDrawVert* v2 = p.v[2];
    int64_t x0 = Fixed(v0->pos.x), y0 = Fixed(v0->pos.y);
    int64_t x1 = Fixed(v1->pos.x), y1 = Fixed(v1->pos.y);
    int64_t x2 = Fixed(v2->pos.x), y2 = Fixed(v2->pos.y);
    int64_t area = (x1 - x0) * (y2 - y0) - (y1 - y0) * (x2 - x0);
    if (area == 0) return;
    if (area < 0) {
        std::swap(v1, v2);
        std::swap(x1, x2);
        std::swap(y1, y2);
        area = -area;
    }
    const PixelRect r = Intersect(p.bounds, clip);
    if (r.empty()) return;
    const Edge e12(x1, y1, x2, y2), e20(x2, y2, x0, y0), e01(x0, y0, x1, y1);

    const bool flat_colour = v0->col == v1->col && v0->col == v2->col;
    const bool flat_uv = v0->uv.x == v1->uv.x && v0->uv.x == v2->uv.x && v0->uv.y == v1->uv.y &&
                         v0->uv.y == v2->uv.y;
    const Colour c0 = FromImGui(v0->col), c1 = FromImGui(v1->col), c2 = FromImGui(v2->col);
    const uint32_t flat_texel = Texel(p.texture, v0->uv.x, v0->uv.y);
    const uint32_t flat_alpha = MulDiv255(c0.a, flat_texel);
    const uint32_t flat_src = out.Pack(c0);
    const float inv_area = 1.0f / static_cast<float>(area);

    for (int y = r.y0; y < r.y1; ++y) {
        const int64_t py = y * kOne + kOne / 2, px = r.x0 * kOne + kOne / 2;
        const int64_t a12 = e12.At(px, py), a20 = e20.At(px, py), a01 = e01.At(px, py);
        int64_t k0 = 0, k1 = r.x1 - r.x0;
        NarrowSpan(e12, a12, k0, k1);
        NarrowSpan(e20, a20, k0, k1);
        NarrowSpan(e01, a01, k0, k1);
        if (k1 <= k0) continue;
        if (flat_colour && flat_uv) {
            out.Span(y, r.x0 + static_cast<int>(k0), r.x0 + static_cast<int>(k1), flat_src,
                     flat_alpha);
            continue;
        }
        uint32_t* row = out.Row(y);
        for (int64_t k = k0; k < k1; ++k) {
            // Barycentric weights from the exact edge values at this pixel's centre.
            const float w0 = static_cast<float>(a12 + k * e12.step()) * inv_area;
            const float w1 = static_cast<float>(a20 + k * e20.step()) * inv_area;
            const float w2 = static_cast<float>(a01 + k * e01.step()) * inv_area;
            Colour col = c0;
            if (!flat_colour) {
                const auto mix = [&](uint32_t a, uint32_t b, uint32_t c) {
                    const float m = a * w0 + b * w1 + c * w2;
                    return static_cast<uint32_t>(std::clamp(m + 0.5f, 0.0f, 255.0f));
                };
                col = {mix(c0.r, c1.r, c2.r), mix(c0.g, c1.g, c2.g), mix(c0.b, c1.b, c2.b),
                       mix(c0.a, c1.a, c2.a)};
            }
            uint32_t alpha;
            if (flat_uv) {
                alpha = flat_colour ? flat_alpha : MulDiv255(col.a, flat_texel);
            } else {
                const float u = v0->uv.x * w0 + v1->uv.x * w1 + v2->uv.x * w2;
                const float v = v0->uv.y * w0 + v1->uv.y * w1 + v2->uv.y * w2;
                alpha = MulDiv255(col.a, Texel(p.texture, u, v));
            }
            PixelWriter::Blend(row + r.x0 + k, flat_colour ? flat_src : out.Pack(col), alpha);
        }
    }
}

}  // namespace

namespace {

// Whether the quad paints every pixel of `area` opaquely (then nothing drawn before it shows).
bool CoversOpaquely(const Primitive& p, const PixelRect& area) {
    if (p.count != 4) return false;
    const ImDrawVert &a = *p.v[0], &c = *p.v[2];
    if ((a.col >> 24) != 255 || a.uv.x != c.uv.x || a.uv.y != c.uv.y) return false;
    if (Texel(p.texture, a.uv.x, a.uv.y) != 255) return false;
    const PixelRect r =
        Intersect({FirstPixel(std::min(a.pos.x, c.pos.x)), FirstPixel(std::min(a.pos.y, c.pos.y)),
                   FirstPixel(std::max(a.pos.x, c.pos.x)), FirstPixel(std::max(a.pos.y, c.pos.y))},
                  p.clip);
    return r.x0 <= area.x0 && r.y0 <= area.y0 && r.x1 >= area.x1 && r.y1 >= area.y1;
}

}  // namespace

void Rasterise(const std::vector<Primitive>& primitives, Canvas& canvas, const PixelRect& clip) {
    const PixelRect area = Intersect(clip, {0, 0, canvas.width, canvas.height});
    if (area.empty()) return;
    const PixelWriter out(canvas);
    // Start at the last opaque quad over the whole area (a screen's background): whatever comes
    // before it, the black clear included, is hidden, and each pixel is written once less.
    size_t first = primitives.size();
    while (first > 0 && !CoversOpaquely(primitives[first - 1], area)) --first;
    if (first == 0) {
        const uint32_t black = out.Pack(Colour{0, 0, 0, 255});
        for (int y = area.y0; y < area.y1; ++y) out.Span(y, area.x0, area.x1, black, 255);
    } else {
        --first;
    }
    for (size_t i = first; i < primitives.size(); ++i) {
        const Primitive& p = primitives[i];
        const PixelRect r = Intersect(p.bounds, area);
        if (r.empty()) continue;
        if (p.count == 4) {
            DrawQuad(p, out, r);
        } else {
            DrawTriangle(p, out, r);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Damage
// ---------------------------------------------------------------------------------------------

namespace {

inline uint64_t Mix(uint64_t h, uint64_t w) {
    h ^= w * 0x9E3779B97F4A7C15ull;
    h = (h << 27) | (h >> 37);
    return h * 0xBF58476D1CE4E5B9ull + 0x94D049BB133111EBull;
}

uint64_t HashOf(const Primitive& p) {
    uint64_t h = Mix(0x51ED270B27D2F1A3ull, static_cast<uint64_t>(p.count));
    h = Mix(h, reinterpret_cast<uintptr_t>(p.texture));
    h = Mix(h, (static_cast<uint64_t>(static_cast<uint32_t>(p.clip.x0)) << 32) |
                   static_cast<uint32_t>(p.clip.y0));
    h = Mix(h, (static_cast<uint64_t>(static_cast<uint32_t>(p.clip.x1)) << 32) |
                   static_cast<uint32_t>(p.clip.y1));
    for (int i = 0; i < p.count; ++i) {
        uint32_t words[5];
        static_assert(sizeof(ImDrawVert) == sizeof(words), "ImDrawVert: pos, uv, col");
        std::memcpy(words, p.v[i], sizeof(words));
        h = Mix(h, (static_cast<uint64_t>(words[0]) << 32) | words[1]);
        h = Mix(h, (static_cast<uint64_t>(words[2]) << 32) | words[3]);
        h = Mix(h, words[4]);
    }
    return h;
}

}  // namespace

const std::vector<PixelRect>& DamageTracker::Update(const std::vector<Primitive>& primitives,
                                                    int width, int height) {
    damage_.clear();
    if (width <= 0 || height <= 0) return damage_;
    if (width != width_ || height != height_) {
        width_ = width;
        height_ = height;
        columns_ = (width + kTile - 1) / kTile;
        rows_ = (height + kTile - 1) / kTile;
        valid_ = false;
    }
    hashes_.assign(static_cast<size_t>(columns_) * rows_, 0x2545F4914F6CDD1Dull);
    for (const Primitive& p : primitives) {
        const uint64_t h = HashOf(p);
        const int tx0 = p.bounds.x0 / kTile, tx1 = (p.bounds.x1 - 1) / kTile;
        const int ty0 = p.bounds.y0 / kTile, ty1 = (p.bounds.y1 - 1) / kTile;
        for (int ty = ty0; ty <= ty1; ++ty) {
            uint64_t* row = hashes_.data() + static_cast<size_t>(ty) * columns_;
            for (int tx = tx0; tx <= tx1; ++tx) row[tx] = Mix(row[tx], h);
        }
    }
    if (!valid_ || previous_.size() != hashes_.size()) {
        damage_.push_back({0, 0, width, height});
    } else {
        // Runs of changed tiles per tile row, merged downwards while the run is the same.
        std::vector<PixelRect> open;  // in tiles; y1 is the row after the last
        for (int ty = 0; ty < rows_; ++ty) {
            std::vector<PixelRect> runs;
            for (int tx = 0; tx < columns_;) {
                const size_t i = static_cast<size_t>(ty) * columns_ + tx;
                if (hashes_[i] == previous_[i]) {
                    ++tx;
                    continue;
                }
                int end = tx + 1;
                while (end < columns_ && hashes_[static_cast<size_t>(ty) * columns_ + end] !=
                                             previous_[static_cast<size_t>(ty) * columns_ + end])
                    ++end;
                runs.push_back({tx, ty, end, ty + 1});
                tx = end;
            }
            std::vector<PixelRect> still_open;
            for (PixelRect& o : open) {
                auto same = std::find_if(runs.begin(), runs.end(), [&](const PixelRect& r) {
                    return r.x0 == o.x0 && r.x1 == o.x1;
                });
                if (same != runs.end()) {
                    o.y1 = ty + 1;
                    still_open.push_back(o);
                    runs.erase(same);
                } else {
                    damage_.push_back(o);
                }
            }
            still_open.insert(still_open.end(), runs.begin(), runs.end());
            open = std::move(still_open);
        }
        damage_.insert(damage_.end(), open.begin(), open.end());
        for (PixelRect& r : damage_) {
            r = {r.x0 * kTile, r.y0 * kTile, std::min(r.x1 * kTile, width),
                 std::min(r.y1 * kTile, height)};
        }
        // Many scattered pieces cost more in per-piece overhead than one box around them.
        constexpr size_t kMaxPieces = 48;
        if (damage_.size() > kMaxPieces) {
            PixelRect box = damage_.front();
            for (const PixelRect& r : damage_) {
                box = {std::min(box.x0, r.x0), std::min(box.y0, r.y0), std::max(box.x1, r.x1),
                       std::max(box.y1, r.y1)};
            }
            damage_.assign(1, box);
        }
    }
    previous_.swap(hashes_);
    valid_ = true;
    return damage_;
}

}  // namespace gk
