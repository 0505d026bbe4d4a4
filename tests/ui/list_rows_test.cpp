// ListRows (kiosk/ui/widgets.h), the virtualised list the boards use, in a real ImGui context
// with the real BeginScreen/BeginScroll and gk::PointerInput (the queue real touches go
// through): only the rows in view are drawn and recorded, a tap after scrolling lands on the
// row under the finger, a drag never taps, and the list scrolls to its last row and no further.
// Headless without SDL: ImGui's default font and a display size; no pixels are drawn.
#include <gtest/gtest.h>
#include <imgui.h>

#include <map>
#include <string>
#include <vector>

#include "core/catalogue.h"
#include "core/i18n.h"
#include "kiosk/app/state.h"
#include "kiosk/ui/layout.h"
#include "kiosk/ui/widgets.h"
#include "platform/fonts.h"
#include "platform/input.h"

namespace gk {
namespace {

constexpr float kWidth = 1080, kHeight = 1920;
constexpr Rect kArea{0, 100, kWidth, 1000};  // the scroll region
constexpr float kRowHeight = 100, kGap = 10, kPitch = kRowHeight + kGap;

class ListRowsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.LogFilename = nullptr;
        io.DisplaySize = ImVec2(kWidth, kHeight);
        io.DeltaTime = 1.0f / 60.0f;
        ImFont* font = io.Fonts->AddFontDefault();
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);
        fonts_.body = fonts_.title = fonts_.huge = font;
    }
    void TearDown() override { ImGui::DestroyContext(); }

    // One frame of a screen holding the list; returns the row tapped, or -1.
    int Frame() {
        input_.NewFrame();
        ImGui::NewFrame();
        layout_.Begin(frame_++, "test.list", static_cast<int>(kWidth), static_cast<int>(kHeight));
        Ui ui{state_, strings_, catalogue_, fonts_, layout_, Theme{}, 1.0f};
        drawn_.clear();
        held_.clear();
        rects_.clear();
        BeginScreen(ui);
        BeginScroll(ui, "##list", kArea);
        if (scroll_to_end_) ImGui::SetScrollY(ImGui::GetScrollMaxY());
        scroll_y_ = ImGui::GetScrollY();
        const int tapped = ListRows(ui, "board", rows_, kRowHeight, kGap, [&](const ListRow& row) {
            drawn_.push_back(row.index);
            if (row.held) held_.push_back(row.index);
            rects_[row.index] = row.rect;
            RowCard(ui, row);
            const std::string title = "row " + std::to_string(row.index);
            Label(ui, fonts_.body, title, row.rect.min(), ui.theme.text);
            return title;
        });
        EndScroll();
        EndScreen();
        ImGui::Render();
        return tapped;
    }

    // Frames until the queued input is spent and two more (SetScrollY lands a frame late);
    // every row tapped on the way.
    std::vector<int> RunInput() {
        std::vector<int> taps;
        for (int i = 0; i < 1000 && input_.pending(); ++i) {
            if (const int t = Frame(); t >= 0) taps.push_back(t);
        }
        EXPECT_FALSE(input_.pending()) << "input still queued after 1000 frames";
        for (int i = 0; i < 2; ++i) {
            if (const int t = Frame(); t >= 0) taps.push_back(t);
        }
        return taps;
    }

    std::vector<std::string> WidgetIds() const {
        std::vector<std::string> ids;
        for (const auto& w : layout_.widgets()) ids.push_back(w.id);
        return ids;
    }

    static std::vector<int> Range(int from, int to) {  // [from, to)
        std::vector<int> v;
        for (int i = from; i < to; ++i) v.push_back(i);
        return v;
    }
    static std::vector<std::string> Ids(const std::vector<int>& rows) {
        std::vector<std::string> ids;
        for (int i : rows) ids.push_back("board." + std::to_string(i));
        return ids;
    }

    AppState state_;
    Strings strings_;
    Catalogue catalogue_;
    FontSet fonts_;
    FrameLayout layout_;
    PointerInput input_;
    long frame_ = 0;
    int rows_ = 10000;
    bool scroll_to_end_ = false;
    float scroll_y_ = 0;
    std::vector<int> drawn_, held_;
    std::map<int, Rect> rects_;  // this frame's rows
};

TEST_F(ListRowsTest, TenThousandRowsDrawAndRecordOnlyTheRowsInView) {
    for (int i = 0; i < 3; ++i) Frame();
    // 1000 px of region at a 110 px pitch: rows 0..9 show (row 9 from 990 to 1090).
    EXPECT_EQ(drawn_, Range(0, 10));
    EXPECT_EQ(WidgetIds(), Ids(Range(0, 10)));
    EXPECT_TRUE(layout_.ContainsText("row 9"));
    EXPECT_FALSE(layout_.ContainsText("row 10"));
    const int vertices_10000 = ImGui::GetDrawData()->TotalVtxCount;

    // The same list of 20 rows: the same rows drawn, the same geometry.
    rows_ = 20;
    for (int i = 0; i < 3; ++i) Frame();
    EXPECT_EQ(drawn_, Range(0, 10));
    EXPECT_EQ(ImGui::GetDrawData()->TotalVtxCount, vertices_10000);
}

TEST_F(ListRowsTest, TapAfterDragScrollingHitsTheRowUnderTheFinger) {
    for (int i = 0; i < 3; ++i) Frame();
    // A finger drags the list up 600 px in 20 px steps; scrolling starts once it has moved
    // past the tap slop (24 px), so the content follows for 580 px.
    input_.Press(540, 900, /*touch=*/true);
    for (int step = 1; step <= 30; ++step) input_.MoveStep(540, 900 - 20.0f * step);
    input_.Release(540, 300, /*touch=*/true);
    // The content followed the finger, so it lifts over the row it pressed (row 7: 800 px into
    // the list at the press, 780 at the release): still no tap.
    EXPECT_TRUE(RunInput().empty()) << "a drag tapped a row";
    ASSERT_FLOAT_EQ(scroll_y_, 580);

    // Rows 5..14 show now (row 5 from 550 to 650 scrolled by 580): only those are recorded.
    EXPECT_EQ(drawn_, Range(5, 15));
    EXPECT_EQ(WidgetIds(), Ids(Range(5, 15)));

    // Row 8 sits at 100 + 8 × 110 − 580 = 400 on the window; tap its middle.
    const float row8_mid = kArea.y + 8 * kPitch - 580 + kRowHeight / 2;
    input_.Press(300, row8_mid, /*touch=*/true);
    input_.Release(300, row8_mid, /*touch=*/true);
    EXPECT_EQ(RunInput(), std::vector<int>{8});
    const WidgetInfo* w = layout_.Find("board.8");
    ASSERT_NE(w, nullptr);
    EXPECT_FLOAT_EQ(w->y, 400);
    EXPECT_EQ(w->label, "row 8");

    // A tap on the gap between rows 8 and 9 taps neither.
    const float gap_mid = kArea.y + 9 * kPitch - 580 - kGap / 2;
    input_.Press(300, gap_mid, /*touch=*/true);
    input_.Release(300, gap_mid, /*touch=*/true);
    EXPECT_TRUE(RunInput().empty());
}

TEST_F(ListRowsTest, PressShowsOnTheRowAndADragBackToItDoesNotTapIt) {
    for (int i = 0; i < 3; ++i) Frame();
    const float row3_mid = kArea.y + 3 * kPitch + kRowHeight / 2;
    input_.Press(540, row3_mid, /*touch=*/true);
    Frame();  // the finger arrives
    Frame();  // the press
    EXPECT_EQ(held_, std::vector<int>{3}) << "the pressed look on the first frame of the press";

    // Sideways 60 px and back (the list does not scroll): released over the row it was
    // pressed on, but it was a drag.
    for (int step = 1; step <= 3; ++step) input_.MoveStep(540 + 20.0f * step, row3_mid);
    for (int step = 2; step >= 0; --step) input_.MoveStep(540 + 20.0f * step, row3_mid);
    std::vector<int> held_while_dragging;
    for (int i = 0; i < 6; ++i) {
        EXPECT_EQ(Frame(), -1);
        if (i >= 1)
            held_while_dragging.insert(held_while_dragging.end(), held_.begin(), held_.end());
    }
    EXPECT_TRUE(held_while_dragging.empty()) << "a row kept its pressed look during a drag";
    input_.Release(540, row3_mid, /*touch=*/true);
    EXPECT_TRUE(RunInput().empty()) << "a drag back to where it started tapped the row";
    EXPECT_FLOAT_EQ(scroll_y_, 0);

    // A plain tap on the same row still taps it.
    input_.Press(540, row3_mid, /*touch=*/true);
    input_.Release(540, row3_mid, /*touch=*/true);
    EXPECT_EQ(RunInput(), std::vector<int>{3});
}

TEST_F(ListRowsTest, ScrollsToTheLastRowAndNoFurther) {
    for (int i = 0; i < 3; ++i) Frame();
    scroll_to_end_ = true;
    for (int i = 0; i < 3; ++i) Frame();
    // 10,000 rows are 1,099,990 px; the region shows the last 1000 of them.
    EXPECT_FLOAT_EQ(scroll_y_, 10000 * kPitch - kGap - kArea.h);
    ASSERT_FALSE(drawn_.empty());
    EXPECT_EQ(drawn_.back(), 9999);
    EXPECT_EQ(drawn_.front(), 9990);  // 9990 ends 10 px into view, 9989 ends above it
    const Rect last = rects_.at(9999);
    EXPECT_NEAR(last.y + last.h, kArea.y + kArea.h, 0.5f);
}

}  // namespace
}  // namespace gk
