// One pass: measure every glyph, pack the boxes, draw them into the alpha buffer.
#include "platform/glyph_raster.h"

#include <stb_rect_pack.h>
#include <stb_truetype.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace gk {

namespace {

// A glyph's outline, decoded once. For CFF outlines (Noto Sans CJK) stb_truetype's bitmap box
// runs the charstring program again, and MakeGlyphBitmap runs it twice more (shape and box);
// the box of a CFF glyph is the bounds of its points, control points included, which is what
// Bounds() computes from the shape, so the pixels are the same with one decoding instead of
// three. TrueType outlines keep stb's own path (their box is stored in the font).
struct Outline {
    const stbtt_fontinfo* info = nullptr;  // whose allocator freed the vertices
    stbtt_vertex* vertices = nullptr;
    int count = 0;
    Outline() = default;
    Outline(const Outline&) = delete;
    Outline& operator=(const Outline&) = delete;
    Outline(Outline&& o) noexcept : info(o.info), vertices(o.vertices), count(o.count) {
        o.vertices = nullptr;
    }
    Outline& operator=(Outline&& o) noexcept {
        if (this != &o) {
            Release();
            info = o.info;
            vertices = o.vertices;
            count = o.count;
            o.vertices = nullptr;
        }
        return *this;
    }
    ~Outline() { Release(); }
    void Release() {
        if (vertices) stbtt_FreeShape(info, vertices);
        vertices = nullptr;
        count = 0;
    }
};

// As stbtt_GetGlyphBitmapBox for a CFF glyph: the points' bounds in font units, scaled.
void CffBitmapBox(const Outline& o, float scale, int& x0, int& y0, int& x1, int& y1) {
    if (o.count == 0) {
        x0 = y0 = x1 = y1 = 0;
        return;
    }
    int min_x = o.vertices[0].x, max_x = min_x, min_y = o.vertices[0].y, max_y = min_y;
    const auto track = [&](int x, int y) {
        min_x = std::min(min_x, x);
        max_x = std::max(max_x, x);
        min_y = std::min(min_y, y);
        max_y = std::max(max_y, y);
    };
    for (int i = 0; i < o.count; ++i) {
        const stbtt_vertex& v = o.vertices[i];
        track(v.x, v.y);
        if (v.type == STBTT_vcubic) {
            track(v.cx, v.cy);
            track(v.cx1, v.cy1);
        }
    }
    x0 = static_cast<int>(std::floor(min_x * scale));
    y0 = static_cast<int>(std::floor(-max_y * scale));
    x1 = static_cast<int>(std::ceil(max_x * scale));
    y1 = static_cast<int>(std::ceil(-min_y * scale));
}

}  // namespace

Result<RasterAtlas> RasteriseAtlas(const std::vector<RasterFontRequest>& requests, int width) {
    constexpr int kPadding = 1;  // between glyphs, so bilinear sampling never bleeds
    constexpr int kMaxHeight = 32768;
    struct Item {
        size_t font;
        int glyph_index;
        int box_x0, box_y0, w, h;
        float advance;
        uint32_t code_point;
        Outline outline;  // CFF only: decoded while measuring, drawn from after packing
    };
    std::vector<stbtt_fontinfo> infos(requests.size());
    std::vector<float> scales(requests.size());
    std::vector<Item> items;
    std::vector<stbrp_rect> rects;
    size_t total = 0;
    for (const RasterFontRequest& req : requests) total += req.code_points.size();
    items.reserve(total);
    rects.reserve(total);
    RasterAtlas out;
    out.width = width;
    out.fonts.resize(requests.size());
    for (size_t f = 0; f < requests.size(); ++f) {
        const RasterFontRequest& req = requests[f];
        const int offset = req.data ? stbtt_GetFontOffsetForIndex(req.data, req.face) : -1;
        if (offset < 0 || static_cast<size_t>(offset) >= req.size ||
            !stbtt_InitFont(&infos[f], req.data, offset)) {
            return Error{"font", "cannot read face " + std::to_string(req.face)};
        }
        const bool cff = infos[f].cff.size != 0;
        const float scale = stbtt_ScaleForPixelHeight(&infos[f], req.size_px);
        scales[f] = scale;
        int ascent = 0, descent = 0, gap = 0;
        stbtt_GetFontVMetrics(&infos[f], &ascent, &descent, &gap);
        RasterFont& font = out.fonts[f];
        font.size_px = req.size_px;
        font.ascent = std::floor(ascent * scale + (ascent > 0 ? 1.0f : -1.0f));
        font.descent = std::floor(descent * scale + (descent > 0 ? 1.0f : -1.0f));
        font.glyphs.reserve(req.code_points.size());
        for (uint32_t cp : req.code_points) {
            const int gi = stbtt_FindGlyphIndex(&infos[f], static_cast<int>(cp));
            if (gi == 0) continue;
            int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
            Outline outline;
            if (cff) {
                outline.info = &infos[f];
                outline.count = stbtt_GetGlyphShape(&infos[f], gi, &outline.vertices);
                CffBitmapBox(outline, scale, x0, y0, x1, y1);
            } else {
                stbtt_GetGlyphBitmapBox(&infos[f], gi, scale, scale, &x0, &y0, &x1, &y1);
            }
            int advance = 0, lsb = 0;
            stbtt_GetGlyphHMetrics(&infos[f], gi, &advance, &lsb);
            items.push_back(
                Item{f, gi, x0, y0, x1 - x0, y1 - y0, advance * scale, cp, std::move(outline)});
            rects.push_back(stbrp_rect{static_cast<int>(items.size() - 1), x1 - x0 + kPadding,
                                       y1 - y0 + kPadding, 0, 0, 0});
        }
    }
    std::vector<stbrp_node> nodes(static_cast<size_t>(width));
    stbrp_context packer;
    stbrp_init_target(&packer, width, kMaxHeight, nodes.data(), width);
    if (!stbrp_pack_rects(&packer, rects.data(), static_cast<int>(rects.size()))) {
        return Error{"atlas", std::to_string(items.size()) + " glyphs do not fit " +
                                  std::to_string(width) + "x" + std::to_string(kMaxHeight)};
    }
    // The white pixels sit at the top-left corner, glyphs below them: SDL's software renderer
    // interpolates texture coordinates in fixed point, and a large filled shape sampling a
    // white pixel far into a 4096-wide texture overflows it (garbage reads, a crash).
    constexpr int kWhiteRows = 2 + kPadding;
    int height = 0;
    for (stbrp_rect& r : rects) {
        r.y += kWhiteRows;
        height = std::max(height, r.y + r.h);
    }
    height = std::max(height, kWhiteRows);
    height += 1;  // one spare row, as ImGui leaves
    out.height = height;
    out.alpha.assign(static_cast<size_t>(width) * height, 0);
    std::vector<uint8_t>& alpha = out.alpha;
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 2; ++x) alpha[y * size_t(width) + x] = 0xFF;
    out.white_u = 0.5f / width;  // the centre of the top-left white pixel
    out.white_v = 0.5f / height;
    for (const stbrp_rect& r : rects) {
        Item& it = items[static_cast<size_t>(r.id)];
        if (it.w > 0 && it.h > 0) {
            unsigned char* dst = &alpha[r.y * size_t(width) + r.x];
            const float scale = scales[it.font];
            if (it.outline.vertices) {
                stbtt__bitmap bitmap{it.w, it.h, width, dst};
                stbtt_Rasterize(&bitmap, 0.35f, it.outline.vertices, it.outline.count, scale, scale,
                                0.0f, 0.0f, it.box_x0, it.box_y0, 1, nullptr);
            } else {
                stbtt_MakeGlyphBitmap(&infos[it.font], dst, it.w, it.h, width, scale, scale,
                                      it.glyph_index);
            }
        }
        it.outline.Release();  // the vertices go as soon as they are drawn
        RasterFont& font = out.fonts[it.font];
        RasterGlyph g;
        g.code_point = it.code_point;
        g.x0 = static_cast<float>(it.box_x0);
        g.y0 = it.box_y0 + font.ascent;
        g.x1 = static_cast<float>(it.box_x0 + it.w);
        g.y1 = it.box_y0 + it.h + font.ascent;
        g.u0 = static_cast<float>(r.x) / width;
        g.v0 = static_cast<float>(r.y) / height;
        g.u1 = static_cast<float>(r.x + it.w) / width;
        g.v1 = static_cast<float>(r.y + it.h) / height;
        g.advance_x = it.advance;
        font.glyphs.push_back(g);
    }
    return out;
}

}  // namespace gk
