// The software rasteriser and its damage tracker on real ImGui draw data (a real context, its
// default font, shapes of every kind the screens use): drawn in pieces equals drawn whole,
// shared edges are drawn once, coverage follows pixel centres, and the tracker finds exactly
// what changed.
#include "platform/soft_raster.h"

#include <gtest/gtest.h>
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <vector>

namespace gk {
namespace {

constexpr int kW = 640, kH = 400;

// One ImGui context with its default font as an alpha texture, for the whole test.
class SoftRasterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = ImVec2(kW, kH);
        io.DeltaTime = 1.0f / 60.0f;
        io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);
        texture_ = {pixels, w, h};
        io.Fonts->SetTexID(&texture_);
    }
    void TearDown() override { ImGui::DestroyContext(); }

    // Builds one frame whose window draws `scene`, and collects its primitives.
    std::vector<Primitive> Frame(const std::function<void(ImDrawList*)>& scene) {
        ImGui::NewFrame();
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(kW, kH));
        ImGui::Begin("scene", nullptr, ImGuiWindowFlags_NoDecoration);
        scene(ImGui::GetWindowDrawList());
        ImGui::End();
        ImGui::Render();
        std::vector<Primitive> out;
        CollectPrimitives(*ImGui::GetDrawData(), kW, kH, out);
        return out;
    }

    static Canvas CanvasOn(std::vector<uint32_t>& pixels) {
        pixels.assign(static_cast<size_t>(kW) * kH, 0xDEADBEEF);  // garbage: all must be drawn
        Canvas c;
        c.pixels = pixels.data();
        c.width = kW;
        c.height = kH;
        c.stride = kW;
        return c;
    }

    AlphaTexture texture_;
};

// Everything the screens draw: rounded and square fills, borders, circles, lines at odd
// angles, translucent layers, text, clipped content.
void BusyScene(ImDrawList* dl, float shift) {
    dl->AddRectFilled(ImVec2(0, 0), ImVec2(kW, kH), IM_COL32(240, 242, 245, 255));
    dl->AddRectFilled(ImVec2(20.3f + shift, 15.7f), ImVec2(300.5f, 180.2f),
                      IM_COL32(255, 255, 255, 255), 14.0f);
    dl->AddRect(ImVec2(20.3f + shift, 15.7f), ImVec2(300.5f, 180.2f), IM_COL32(200, 205, 215, 255),
                14.0f, 0, 2.0f);
    dl->AddRectFilled(ImVec2(330, 20), ImVec2(620, 120), IM_COL32(170, 25, 30, 200), 30.0f);
    dl->AddCircleFilled(ImVec2(450 + shift, 260), 70.5f, IM_COL32(20, 110, 60, 160), 48);
    dl->AddCircle(ImVec2(150, 290), 60.0f, IM_COL32(10, 60, 160, 255), 0, 3.5f);
    dl->AddLine(ImVec2(10, 390), ImVec2(630, 210.5f + shift), IM_COL32(0, 0, 0, 255), 2.5f);
    dl->AddTriangleFilled(ImVec2(500, 300), ImVec2(630.7f, 395), ImVec2(340, 380),
                          IM_COL32(90, 40, 120, 128));
    dl->AddText(ImVec2(40 + shift, 60), IM_COL32(20, 20, 20, 255), "Grid service 123 ABC xyz");
    dl->AddText(nullptr, 26.0f, ImVec2(40, 100), IM_COL32(30, 30, 200, 230), "scaled text");
    dl->PushClipRect(ImVec2(350, 140), ImVec2(420.5f, 200));
    dl->AddRectFilled(ImVec2(300, 100), ImVec2(500, 260), IM_COL32(250, 200, 0, 255), 8.0f);
    dl->AddText(ImVec2(340, 150), IM_COL32(0, 0, 0, 255), "clipped clipped clipped");
    dl->PopClipRect();
}

TEST_F(SoftRasterTest, DrawnInPiecesIsIdenticalToDrawnWhole) {
    const std::vector<Primitive> prims = Frame([](ImDrawList* dl) { BusyScene(dl, 0); });
    ASSERT_GT(prims.size(), 200u);
    std::vector<uint32_t> whole_px, piece_px;
    Canvas whole = CanvasOn(whole_px), pieces = CanvasOn(piece_px);
    Rasterise(prims, whole, {0, 0, kW, kH});
    // Odd-sized pieces in a shuffled order, so piece edges cut through every kind of shape.
    std::vector<PixelRect> rects;
    for (int y = 0; y < kH; y += 37)
        for (int x = 0; x < kW; x += 29)
            rects.push_back({x, y, std::min(x + 29, kW), std::min(y + 37, kH)});
    std::shuffle(rects.begin(), rects.end(), std::mt19937(7));
    for (const PixelRect& r : rects) Rasterise(prims, pieces, r);
    long differ = 0;
    for (size_t i = 0; i < whole_px.size(); ++i) differ += whole_px[i] != piece_px[i];
    EXPECT_EQ(differ, 0) << "pixels that depend on where a redraw starts";
    // And the scene really is drawn: not one flat colour.
    std::vector<uint32_t> distinct(whole_px);
    std::sort(distinct.begin(), distinct.end());
    EXPECT_GT(std::unique(distinct.begin(), distinct.end()) - distinct.begin(), 50);
}

// Two triangles sharing a diagonal edge, translucent white over black: a pixel on the edge
// blended twice would come out brighter than the rest.
TEST_F(SoftRasterTest, SharedEdgesAreDrawnOnce) {
    const std::vector<Primitive> prims = Frame([](ImDrawList* dl) {
        dl->AddRectFilled(ImVec2(0, 0), ImVec2(kW, kH), IM_COL32(0, 0, 0, 255));
        dl->Flags &= ~ImDrawListFlags_AntiAliasedFill;  // no fringes: only the triangles meet
        const ImU32 half = IM_COL32(255, 255, 255, 128);
        // A rotated square and a fan: shared edges at many slopes, on vertices at pixel centres
        // so that the edges run through pixel centres (where the tie rule decides).
        dl->AddTriangleFilled(ImVec2(200.5f, 50.5f), ImVec2(350.5f, 200.5f), ImVec2(50.5f, 200.5f),
                              half);
        dl->AddTriangleFilled(ImVec2(50.5f, 200.5f), ImVec2(350.5f, 200.5f), ImVec2(200.5f, 350.5f),
                              half);
        const ImVec2 c(480.5f, 200.5f);
        for (int i = 0; i < 12; ++i) {
            const float a0 = i * 0.5236f, a1 = (i + 1) * 0.5236f;
            dl->AddTriangleFilled(c, ImVec2(c.x + 120 * std::cos(a0), c.y + 120 * std::sin(a0)),
                                  ImVec2(c.x + 120 * std::cos(a1), c.y + 120 * std::sin(a1)), half);
        }
    });
    std::vector<uint32_t> px;
    Canvas canvas = CanvasOn(px);
    Rasterise(prims, canvas, {0, 0, kW, kH});
    long once = 0, twice = 0;
    for (uint32_t p : px) {
        const uint32_t g = (p >> 8) & 0xFF;
        once += g == 128;
        twice += g > 128;
    }
    EXPECT_GT(once, 50000);
    EXPECT_EQ(twice, 0) << "pixels on a shared edge drawn by both triangles";
}

// A pixel belongs to a rectangle when its centre is inside: [10.4, 20.5) covers columns 10..19.
TEST_F(SoftRasterTest, RectangleCoverageFollowsPixelCentres) {
    const std::vector<Primitive> prims = Frame([](ImDrawList* dl) {
        dl->AddRectFilled(ImVec2(0, 0), ImVec2(kW, kH), IM_COL32(0, 0, 0, 255));
        dl->AddRectFilled(ImVec2(10.4f, 10.6f), ImVec2(20.5f, 20.5f), IM_COL32(255, 255, 255, 255));
    });
    std::vector<uint32_t> px;
    Canvas canvas = CanvasOn(px);
    Rasterise(prims, canvas, {0, 0, kW, kH});
    for (int y = 8; y < 23; ++y) {
        for (int x = 8; x < 23; ++x) {
            const bool inside = x >= 10 && x < 20 && y >= 11 && y < 20;
            EXPECT_EQ(px[y * kW + x] & 0xFFFFFF, inside ? 0xFFFFFFu : 0u) << x << "," << y;
        }
    }
}

TEST_F(SoftRasterTest, TrackerRedrawsOnlyWhatChangedAndTheResultMatchesAFullDraw) {
    DamageTracker tracker;
    std::vector<uint32_t> incremental_px, full_px;
    Canvas incremental = CanvasOn(incremental_px), full = CanvasOn(full_px);
    const auto frame = [&](float shift, ImU32 button) {
        return Frame([&](ImDrawList* dl) {
            BusyScene(dl, shift);
            dl->AddRectFilled(ImVec2(500, 340), ImVec2(600, 380), button, 6.0f);  // a button
        });
    };
    const ImU32 up = IM_COL32(225, 230, 238, 255), down = IM_COL32(180, 190, 205, 255);

    std::vector<Primitive> prims = frame(0, up);
    const std::vector<PixelRect>* damage = &tracker.Update(prims, kW, kH);
    ASSERT_EQ(damage->size(), 1u);  // the first frame: everything
    EXPECT_EQ((*damage)[0].area(), long{kW} * kH);
    for (const PixelRect& r : *damage) Rasterise(prims, incremental, r);

    prims = frame(0, up);  // the same again
    EXPECT_TRUE(tracker.Update(prims, kW, kH).empty());

    prims = frame(0, down);  // the button is pressed
    damage = &tracker.Update(prims, kW, kH);
    long area = 0;
    for (const PixelRect& r : *damage) {
        area += r.area();
        // Within a tile of the button.
        EXPECT_TRUE(r.x1 > 500 - 32 && r.x0 < 600 + 32 && r.y1 > 340 - 32 && r.y0 < 380 + 32)
            << "damage far from the button: " << r.x0 << "," << r.y0 << " " << r.x1 << "," << r.y1;
    }
    EXPECT_GT(area, 0);
    EXPECT_LT(area, long{kW} * kH / 10) << "a button press redraws a tenth of the screen";
    for (const PixelRect& r : *damage) Rasterise(prims, incremental, r);
    Rasterise(prims, full, {0, 0, kW, kH});
    EXPECT_EQ(incremental_px, full_px);

    prims = frame(3.5f, up);  // several shapes move
    for (const PixelRect& r : tracker.Update(prims, kW, kH)) Rasterise(prims, incremental, r);
    Rasterise(prims, full, {0, 0, kW, kH});
    EXPECT_EQ(incremental_px, full_px);

    tracker.Invalidate();  // a new texture or surface: everything again
    damage = &tracker.Update(prims, kW, kH);
    ASSERT_EQ(damage->size(), 1u);
    EXPECT_EQ((*damage)[0].area(), long{kW} * kH);
}

// Geometry no screen should make (NaN, infinities, coordinates far off screen, a clip rect of
// FLT_MAX, NaN texture coordinates) is dropped or clamped: no crash, nothing undefined (the
// sanitizer pass runs this too), and the rest of the frame is drawn.
TEST_F(SoftRasterTest, NonsenseGeometryIsDroppedAndTheRestDrawn) {
    const float nan = std::nanf(""), inf = std::numeric_limits<float>::infinity();
    const std::vector<Primitive> prims = Frame([&](ImDrawList* dl) {
        dl->AddRectFilled(ImVec2(0, 0), ImVec2(kW, kH), IM_COL32(0, 0, 0, 255));
        dl->AddTriangleFilled(ImVec2(nan, 10), ImVec2(50, 50), ImVec2(10, 90),
                              IM_COL32(255, 0, 0, 255));
        dl->AddRectFilled(ImVec2(-inf, -inf), ImVec2(inf, inf), IM_COL32(255, 0, 0, 255));
        dl->AddTriangleFilled(ImVec2(-3e9f, 0), ImVec2(3e9f, 5), ImVec2(0, 4e9f),
                              IM_COL32(255, 0, 0, 255));
        dl->PushClipRect(ImVec2(-FLT_MAX, -FLT_MAX), ImVec2(FLT_MAX, FLT_MAX));
        dl->PrimReserve(6, 4);
        dl->PrimRectUV(ImVec2(100, 100), ImVec2(140, 140), ImVec2(nan, nan), ImVec2(nan, 1.0f),
                       IM_COL32(0, 0, 255, 255));
        dl->PopClipRect();
        dl->AddRectFilled(ImVec2(200, 200), ImVec2(220, 220), IM_COL32(0, 255, 0, 255));
    });
    std::vector<uint32_t> px;
    Canvas canvas = CanvasOn(px);
    Rasterise(prims, canvas, {0, 0, kW, kH});
    EXPECT_EQ(px[210 * kW + 210] & 0xFFFFFF, 0x00FF00u) << "the sane rectangle after them";
    EXPECT_EQ(px[5 * kW + 630] & 0xFFFFFF, 0u) << "an infinite rectangle painted the screen";
}

}  // namespace
}  // namespace gk
