// One pass: measure every glyph, pack the boxes, draw them into an alpha buffer, expand to RGBA.
#include "platform/glyph_raster.h"

#include <stb_rect_pack.h>
#include <stb_truetype.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace gk {

Result<RasterAtlas> RasteriseAtlas(const std::vector<RasterFontRequest>& requests, int width) {
    constexpr int kPadding = 1;  // between glyphs, so bilinear sampling never bleeds
    constexpr int kMaxHeight = 32768;
    struct Item {
        size_t font;
        int glyph_index;
        int box_x0, box_y0, w, h;
        float advance;
        uint32_t code_point;
    };
    std::vector<stbtt_fontinfo> infos(requests.size());
    std::vector<float> scales(requests.size());
    std::vector<Item> items;
    std::vector<stbrp_rect> rects;
    RasterAtlas out;
    out.width = width;
    out.fonts.resize(requests.size());
    for (size_t f = 0; f < requests.size(); ++f) {
        const RasterFontRequest& req = requests[f];
        const auto* data = reinterpret_cast<const unsigned char*>(req.file->data());
        const int offset = stbtt_GetFontOffsetForIndex(data, req.face);
        if (offset < 0 || !stbtt_InitFont(&infos[f], data, offset)) {
            return Error{"font", "cannot read face " + std::to_string(req.face)};
        }
        const float scale = stbtt_ScaleForPixelHeight(&infos[f], req.size_px);
        scales[f] = scale;
        int ascent = 0, descent = 0, gap = 0;
        stbtt_GetFontVMetrics(&infos[f], &ascent, &descent, &gap);
        RasterFont& font = out.fonts[f];
        font.size_px = req.size_px;
        font.ascent = std::floor(ascent * scale + (ascent > 0 ? 1.0f : -1.0f));
        font.descent = std::floor(descent * scale + (descent > 0 ? 1.0f : -1.0f));
        for (uint32_t cp : req.code_points) {
            const int gi = stbtt_FindGlyphIndex(&infos[f], static_cast<int>(cp));
            if (gi == 0) continue;
            int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
            stbtt_GetGlyphBitmapBox(&infos[f], gi, scale, scale, &x0, &y0, &x1, &y1);
            int advance = 0, lsb = 0;
            stbtt_GetGlyphHMetrics(&infos[f], gi, &advance, &lsb);
            items.push_back(Item{f, gi, x0, y0, x1 - x0, y1 - y0, advance * scale, cp});
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
    height += 1;  // one spare row, as ImGui leaves
    out.height = height;
    std::vector<unsigned char> alpha(static_cast<size_t>(width) * height, 0);
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 2; ++x) alpha[y * size_t(width) + x] = 0xFF;
    out.white_u = 0.5f / width;  // the centre of the top-left white pixel
    out.white_v = 0.5f / height;
    for (const stbrp_rect& r : rects) {
        const Item& it = items[static_cast<size_t>(r.id)];
        if (it.w > 0 && it.h > 0) {
            stbtt_MakeGlyphBitmap(&infos[it.font], &alpha[r.y * size_t(width) + r.x], it.w, it.h,
                                  width, scales[it.font], scales[it.font], it.glyph_index);
        }
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
    // RGBA as the SDL_Renderer backend uploads it (white, coverage in alpha), built here so the
    // UI thread only copies.
    out.rgba.resize(alpha.size());
    for (size_t i = 0; i < alpha.size(); ++i) out.rgba[i] = 0x00FFFFFFu | uint32_t{alpha[i]} << 24;
    return out;
}

}  // namespace gk
