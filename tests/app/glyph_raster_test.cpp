// RasteriseAtlas decodes a CFF glyph (Noto Sans CJK) once and takes its bitmap box from the
// outline's points; these tests hold it to stb_truetype's own path (stbtt_GetGlyphBitmapBox
// and stbtt_MakeGlyphBitmap, which decode it three times): the same boxes and the same pixels.
#include "platform/glyph_raster.h"

#include <gtest/gtest.h>
#include <stb_truetype.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <vector>

#include "platform/fonts.h"

namespace gk {
namespace {

std::vector<unsigned char> ReadAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(GlyphRaster, CffGlyphsMatchStbTruetypesOwnBoxesAndPixels) {
    const std::string path = FindCjkFont(/*bold=*/false);
    if (path.find("NotoSansCJK") == std::string::npos) GTEST_SKIP() << "no Noto Sans CJK (CFF)";
    const std::vector<unsigned char> file = ReadAll(path);
    ASSERT_FALSE(file.empty());
    std::vector<uint32_t> cps;
    for (uint32_t cp = 0x20; cp <= 0x7E; ++cp) cps.push_back(cp);
    for (char32_t cp : std::u32string(U"网格服务站书院门社区轻触屏幕开始使用鑫龘…，。（）"))
        cps.push_back(cp);
    std::sort(cps.begin(), cps.end());
    cps.erase(std::unique(cps.begin(), cps.end()), cps.end());
    const float px = 30.0f;
    std::vector<RasterFontRequest> requests = {{file.data(), file.size(), 2, px, cps}};
    auto atlas = RasteriseAtlas(requests, 1024);
    ASSERT_TRUE(atlas.ok()) << atlas.error().message;
    ASSERT_EQ(atlas->fonts.size(), 1u);

    stbtt_fontinfo info;
    ASSERT_TRUE(stbtt_InitFont(&info, file.data(), stbtt_GetFontOffsetForIndex(file.data(), 2)));
    ASSERT_NE(info.cff.size, 0) << "face 2 of Noto Sans CJK is CFF";
    const float scale = stbtt_ScaleForPixelHeight(&info, px);
    const RasterFont& font = atlas->fonts[0];
    ASSERT_GT(font.glyphs.size(), 100u);
    int compared_pixels = 0;
    for (const RasterGlyph& g : font.glyphs) {
        SCOPED_TRACE(testing::Message() << "U+" << std::hex << g.code_point);
        const int gi = stbtt_FindGlyphIndex(&info, static_cast<int>(g.code_point));
        int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
        stbtt_GetGlyphBitmapBox(&info, gi, scale, scale, &x0, &y0, &x1, &y1);
        ASSERT_EQ(g.x0, static_cast<float>(x0));
        ASSERT_EQ(g.x1, static_cast<float>(x1));
        ASSERT_EQ(g.y0, y0 + font.ascent);
        ASSERT_EQ(g.y1, y1 + font.ascent);
        const int w = x1 - x0, h = y1 - y0;
        if (w <= 0 || h <= 0) continue;
        std::vector<unsigned char> expected(static_cast<size_t>(w) * h, 0);
        stbtt_MakeGlyphBitmap(&info, expected.data(), w, h, w, scale, scale, gi);
        const int ax = static_cast<int>(std::lround(g.u0 * atlas->width));
        const int ay = static_cast<int>(std::lround(g.v0 * atlas->height));
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                ASSERT_EQ(atlas->alpha[static_cast<size_t>(ay + y) * atlas->width + ax + x],
                          expected[static_cast<size_t>(y) * w + x])
                    << "at " << x << "," << y;
                ++compared_pixels;
            }
        }
    }
    EXPECT_GT(compared_pixels, 10000);
}

TEST(GlyphRaster, NotAFontIsAnError) {
    const std::vector<unsigned char> junk(4096, 0x5A);
    std::vector<RasterFontRequest> requests = {{junk.data(), junk.size(), 0, 20.0f, {0x41}}};
    auto atlas = RasteriseAtlas(requests, 256);
    ASSERT_FALSE(atlas.ok());
    EXPECT_EQ(atlas.error().code, "font");
}

}  // namespace
}  // namespace gk
