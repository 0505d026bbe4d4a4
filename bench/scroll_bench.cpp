// Drag-scrolling a long list (issue 8: "a board of 10,000 items at ≥ 30 frames/s in software"),
// in-process on the terminal's real libraries (bench/kiosk_fixture.h: store, strings, the fonts
// with the full glyph set, Window, App). A board screen as the disclosure boards will draw it
// (BeginScreen, DrawChrome, BeginScroll, ListRows, rows of Chinese titles and dates) is scrolled
// by a finger drag fed through gk::PointerInput, the queue real touches go through: one press,
// then a step every frame of 3..40 px, up and down, then the release. Every frame is timed in
// full: pointer NewFrame → Window::NewFrame → ImGui::NewFrame → draw → ImGui::Render →
// Window::Render → Window::Present, so the figure is whatever Window's renderer costs.
// Baseline in the same run, interleaved pass by pass: the same drag over a board of 20 items,
// so the ratio shows what the other 9,980 items cost (nothing, when only the rows in view are
// drawn). The scroll offset moved is printed, so the list visibly scrolled. The frame build
// (up to ImGui::Render) is printed apart: it is what the list itself costs. SDL's renderer
// queues its drawing and rasterises it in SDL_RenderPresent, so with it Window::Present holds
// nearly all the rest.
//
// Sizes 1920×1080 and 1080×1920; SDL's dummy video driver always, and X11 as well when DISPLAY
// is set, or with --xvfb (an Xvfb of its own).
//
// Usage: scroll_bench [--frames 300] [--xvfb]
#include <SDL.h>
#include <imgui.h>
#include <stdlib.h>
#include <time.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>
#include <vector>

#include "bench/kiosk_fixture.h"
#include "bench/process_probe.h"
#include "kiosk/ui/widgets.h"
#include "platform/input.h"

namespace gk::bench {
namespace {

// ---------------------------------------------------------------------------------------------
// The board: made-up rows, the same every run
// ---------------------------------------------------------------------------------------------

struct BoardItem {
    std::string tag;    // which of the six disclosures
    std::string title;  // one or two lines
    std::string meta;   // date and number
};

std::vector<BoardItem> MakeBoard(int count) {
    static const char* kTags[] = {"政务", "事务", "财务", "服务", "决议", "结果"};
    static const char* kPlaces[] = {"建东社区", "张家村街道", "第3网格", "东关南街", "和平门社区"};
    std::vector<BoardItem> board;
    board.reserve(count);
    const int64_t newest = 1795000000;  // seconds; one item every 7 hours back from here
    for (int i = 0; i < count; ++i) {
        const int n = count - i;  // newest first
        const std::string place = kPlaces[(i * 7) % 5];
        const int year = 2026 - (i / 1250), month = 12 - (i / 104) % 12, q = 4 - (i / 312) % 4;
        std::string title;
        switch (i % 8) {
            case 0:
                title = place + std::to_string(year) + "年第" + std::to_string(q) +
                        "季度低保资金发放情况公示";
                break;
            case 1:
                title =
                    "关于" + place + std::to_string(i % 40 + 1) + "号楼加装电梯意见征集结果的公示";
                break;
            case 2:
                title = place + std::to_string(month) + "月份党费收缴情况公开";
                break;
            case 3:
                title = "关于调整" + place + "居民议事会成员的决议公告";
                break;
            case 4:
                title = std::to_string(year) + "年" + std::to_string(month) +
                        "月社区办公经费收支明细表";
                break;
            case 5:
                title =
                    "关于" + std::to_string(i % 30 + 1) + "号院雨污管网改造工程竣工验收结果的公示";
                break;
            case 6:
                title = place + "临时救助对象名单公示（第" + std::to_string(i % 12 + 1) + "批）";
                break;
            default:
                title = "关于开展" + std::to_string(month) + "月份“社区清洁日”志愿服务活动的通知";
                break;
        }
        board.push_back({kTags[(i * 5) % 6], std::move(title),
                         FormatDate(newest - int64_t{i} * 7 * 3600, Lang::kZh) + " · 第" +
                             std::to_string(n) + "号"});
    }
    return board;
}

// ---------------------------------------------------------------------------------------------
// One frame
// ---------------------------------------------------------------------------------------------

struct FrameTimes {
    double total_ms, build_ms, render_ms, present_ms, cpu_ms;
};

double CpuNowMs() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

class BoardScreen {
  public:
    BoardScreen(KioskFixture& k, const std::vector<BoardItem>& items, const char* scroll_id)
        : k_(k), items_(items), scroll_id_(scroll_id) {}

    void ScrollToOnNextFrame(float y) { pending_scroll_ = y; }
    const Rect& list_rect() const { return list_rect_; }
    float scroll_y() const { return scroll_y_; }
    int first_row() const { return first_row_; }  // the topmost row drawn last frame
    int rows_drawn() const { return rows_drawn_; }
    int taps() const { return taps_; }

    FrameTimes Frame(PointerInput& input) {
        const auto t0 = SteadyClock::now();
        const double cpu0 = CpuNowMs();
        input.NewFrame();
        k_.window.NewFrame(1.0f / 60.0f);
        ImGui::NewFrame();
        const int w = k_.window.width(), h = k_.window.height();
        k_.layout.Begin(k_.frame++, "bench.board", w, h);
        Ui ui{k_.app->state(),         k_.strings, k_.catalogue, k_.fonts, k_.layout, Theme{},
              std::min(w, h) / 1080.0f};
        Draw(ui);
        ImGui::Render();
        const auto t1 = SteadyClock::now();
        k_.window.Render();
        const auto t2 = SteadyClock::now();
        k_.window.Present();
        const auto t3 = SteadyClock::now();
        return {MsBetween(t0, t3), MsBetween(t0, t1), MsBetween(t1, t2), MsBetween(t2, t3),
                CpuNowMs() - cpu0};
    }

  private:
    void Draw(Ui& ui) {
        BeginScreen(ui);
        Action action;
        const Rect area = DrawChrome(ui, ui.T("home.disclosure"), /*show_nav=*/true, action);
        const float pad = ui.px(24);
        list_rect_ = Rect{area.x + pad, area.y + pad, area.w - 2 * pad, area.h - 2 * pad};
        BeginScroll(ui, scroll_id_, list_rect_);
        if (pending_scroll_ >= 0) {
            ImGui::SetScrollY(pending_scroll_);
            pending_scroll_ = -1;
        }
        scroll_y_ = ImGui::GetScrollY();
        rows_drawn_ = 0;
        first_row_ = -1;
        const int tapped = ListRows(ui, "board.row", static_cast<int>(items_.size()), ui.px(150),
                                    ui.px(16), [&](const ListRow& row) {
                                        if (rows_drawn_++ == 0) first_row_ = row.index;
                                        return DrawRow(ui, row, items_[row.index]);
                                    });
        if (tapped >= 0) ++taps_;
        EndScroll();
        EndScreen();
    }

    static std::string DrawRow(Ui& ui, const ListRow& row, const BoardItem& item) {
        const Theme& t = ui.theme;
        RowCard(ui, row);
        const Rect& r = row.rect;
        const float pad = ui.px(24);
        // The disclosure's kind, as a pill at the left.
        const Rect pill{r.x + pad, r.y + pad, ui.px(96), ui.px(48)};
        ImGui::GetWindowDrawList()->AddRectFilled(pill.min(), pill.max(), t.primary, ui.px(10));
        LabelCentered(ui, ui.fonts.body, item.tag, pill, t.on_primary);
        const float text_x = pill.x + pill.w + pad;
        Label(ui, ui.fonts.body, item.title, ImVec2(text_x, r.y + pad), t.text,
              r.x + r.w - pad - text_x);
        Label(ui, ui.fonts.body, item.meta,
              ImVec2(text_x, r.y + r.h - pad - ui.fonts.body->FontSize), t.text_muted);
        return item.title;
    }

    KioskFixture& k_;
    const std::vector<BoardItem>& items_;
    const char* scroll_id_;  // each board keeps its own scroll offset
    Rect list_rect_{};
    float pending_scroll_ = -1;
    float scroll_y_ = 0;
    int first_row_ = -1;
    int rows_drawn_ = 0;
    int taps_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The drag
// ---------------------------------------------------------------------------------------------

// A finger that goes up and down the list, 3..40 px a frame (speed rising and falling over 50
// frames), turning at the list's edges: a continuous scroll both ways that stays within the
// 20-item board's range, so both boards move the same.
class FingerPath {
  public:
    explicit FingerPath(const Rect& list)
        : x_(list.x + list.w * 0.5f),
          y_(list.y + list.h * 0.8f),
          top_(list.y + list.h * 0.15f),
          bottom_(list.y + list.h * 0.85f) {}
    float x() const { return x_; }
    float y() const { return y_; }
    void Step() {
        const double phase = 2.0 * std::numbers::pi * step_++ / 50.0;
        const float speed = static_cast<float>(3.0 + 37.0 * (0.5 - 0.5 * std::cos(phase)));
        y_ += direction_ * speed;
        if (y_ < top_) {
            y_ = top_ + (top_ - y_);
            direction_ = 1;
        } else if (y_ > bottom_) {
            y_ = bottom_ - (y_ - bottom_);
            direction_ = -1;
        }
    }

  private:
    float x_, y_, top_, bottom_;
    float direction_ = -1;  // up first: the content follows the finger, the list scrolls down
    int step_ = 0;
};

struct PassStats {
    std::vector<FrameTimes> frames;
    double scroll_moved_px = 0;  // sum of |Δ scroll offset| over the frames
    float scroll_start = 0, scroll_end = 0;
    int first_row_start = -1, first_row_end = -1;
    int rows_drawn_max = 0;
};

// One drag of `frames` frames from scroll offset `start_scroll`: press, frames-4 steps,
// release, the frame the finger leaves.
void DragPass(BoardScreen& screen, float start_scroll, int frames, PassStats& stats) {
    PointerInput input;
    screen.ScrollToOnNextFrame(start_scroll);
    for (int i = 0; i < 2; ++i) screen.Frame(input);  // untimed: SetScrollY lands a frame late
    FingerPath finger(screen.list_rect());
    input.Press(finger.x(), finger.y(), /*touch=*/true);
    for (int i = 0; i < frames - 4; ++i) {
        finger.Step();
        input.MoveStep(finger.x(), finger.y());
    }
    input.Release(finger.x(), finger.y(), /*touch=*/true);
    float last_scroll = screen.scroll_y();
    stats.scroll_start = last_scroll;
    stats.first_row_start = screen.first_row();
    for (int i = 0; i < frames + 10 && input.pending(); ++i) {
        // Events are drained outside the timed frame (an X server sends expose and focus).
        SDL_Event e;
        while (SDL_PollEvent(&e)) {
        }
        stats.frames.push_back(screen.Frame(input));
        stats.scroll_moved_px += std::fabs(screen.scroll_y() - last_scroll);
        last_scroll = screen.scroll_y();
        stats.rows_drawn_max = std::max(stats.rows_drawn_max, screen.rows_drawn());
    }
    // SetScrollY lands on the next frame: one more, untimed, to read where the drag left it.
    screen.Frame(input);
    stats.scroll_moved_px += std::fabs(screen.scroll_y() - last_scroll);
    stats.scroll_end = screen.scroll_y();
    stats.first_row_end = screen.first_row();
}

// ---------------------------------------------------------------------------------------------
// One configuration: a video driver and a window size
// ---------------------------------------------------------------------------------------------

struct Summary {
    double median_ms = 0, p90_ms = 0;
    double build_median_ms = 0;  // pointer NewFrame .. ImGui::Render: what the list itself costs
    double fps_median() const { return median_ms > 0 ? 1000.0 / median_ms : 0; }
    double fps_p90() const { return p90_ms > 0 ? 1000.0 / p90_ms : 0; }
};

Summary PrintRow(const char* list, const std::vector<PassStats>& passes) {
    std::vector<double> total, build, render, present, cpu;
    double moved = 0;
    int rows_max = 0;
    for (const auto& p : passes) {
        for (const auto& f : p.frames) {
            total.push_back(f.total_ms);
            build.push_back(f.build_ms);
            render.push_back(f.render_ms);
            present.push_back(f.present_ms);
            cpu.push_back(f.cpu_ms);
        }
        moved += p.scroll_moved_px;
        rows_max = std::max(rows_max, p.rows_drawn_max);
    }
    Summary s{Median(total), Percentile(total, 90), Median(build)};
    std::printf(
        "  %-12s frames %4zu  median %7.2f ms  p90 %7.2f ms  = %5.1f / %5.1f frames/s  "
        "(build %.2f, Window::Render %.2f, Window::Present %.2f ms; CPU %.2f ms)  "
        "rows drawn <= %d  "
        "scrolled %.0f px\n",
        list, total.size(), s.median_ms, s.p90_ms, s.fps_median(), s.fps_p90(), Median(build),
        Median(render), Median(present), Median(cpu), rows_max, moved);
    for (size_t i = 0; i < passes.size(); ++i) {
        const auto& p = passes[i];
        std::printf("      pass %zu: scroll %.0f -> %.0f px, top row %d -> %d\n", i + 1,
                    p.scroll_start, p.scroll_end, p.first_row_start, p.first_row_end);
    }
    return s;
}

// "" or why it could not run.
std::string RunConfiguration(const std::string& driver, int width, int height, int frames,
                             const std::vector<BoardItem>& big,
                             const std::vector<BoardItem>& small) {
    ::setenv("SDL_VIDEODRIVER", driver.c_str(), /*overwrite=*/1);
    KioskFixture k;
    k.window_width = width;
    k.window_height = height;
    if (std::string error = k.Open(); !error.empty()) return error;
    BoardScreen board_big(k, big, "##board_big");
    BoardScreen board_small(k, small, "##board_small");
    PointerInput idle;
    // Settle: ImGui creates the windows on the first frames.
    for (int i = 0; i < 3; ++i) board_small.Frame(idle);
    for (int i = 0; i < 3; ++i) board_big.Frame(idle);
    // Each drag starts from the same offset: the big board half-way down (row 5,000: where a
    // frame is drawn must not matter), the small one at row 3, so the drag's way back up never
    // meets the top.
    const float pitch = (150.0f + 16.0f) * std::min(width, height) / 1080.0f;
    const float big_start = pitch * static_cast<float>(big.size() / 2);
    const float small_start = pitch * 3;

    // Interleaved, pass by pass, so a change in the machine's load hits both boards alike.
    std::vector<PassStats> small_passes(2), big_passes(2);
    const int per_pass = std::max(frames / 2, 10);
    for (int pass = 0; pass < 2; ++pass) {
        DragPass(board_small, small_start, per_pass, small_passes[pass]);
        DragPass(board_big, big_start, per_pass, big_passes[pass]);
    }

    std::printf("\n%s %dx%d, window %dx%d software=%d, glyphs=%d, missing glyphs this frame %zu\n",
                driver.c_str(), width, height, k.window.width(), k.window.height(),
                k.window.software() ? 1 : 0, k.fonts.glyph_count, k.layout.missing_glyphs().size());
    const Summary s_small = PrintRow("20 items", small_passes);
    const Summary s_big = PrintRow("10,000 items", big_passes);
    if (board_small.taps() + board_big.taps() > 0)
        std::printf("  WARNING: the drag tapped a row %d times\n",
                    board_small.taps() + board_big.taps());

    const std::string where = std::to_string(width) + "x" + std::to_string(height) + " " + driver;
    PrintFigure("drag-scroll 10,000-item board " + where + ", frames/s at the median frame",
                s_big.fps_median(), "frames/s", s_small.fps_median(), ">= 30",
                s_big.fps_median() >= 30 ? "met" : "MISSED");
    PrintFigure("  the same, frames/s at the p90 frame", s_big.fps_p90(), "frames/s",
                s_small.fps_p90(), ">= 30", s_big.fps_p90() >= 30 ? "met" : "MISSED");
    PrintFigure("  frame build pointer NewFrame->ImGui::Render, 10,000 items (median ms)",
                s_big.build_median_ms, "ms", s_small.build_median_ms, "", "");
    return "";
}

}  // namespace
}  // namespace gk::bench

int main(int argc, char** argv) {
    using namespace gk::bench;
    CLI::App cli{"Drag-scroll frame rate of a 10,000-item board against a 20-item one"};
    int frames = 300;
    bool xvfb_wanted = false;
    cli.add_option("--frames", frames, "frames per board and configuration (two drags)")
        ->check(CLI::Range(20, 100000));
    cli.add_flag("--xvfb", xvfb_wanted, "also under an Xvfb of its own when DISPLAY is not set");
    CLI11_PARSE(cli, argc, argv);

    std::printf("scroll_bench: %s\n", MachineLine().c_str());
    Xvfb xvfb;
    std::vector<std::string> drivers = {"dummy"};
    const char* display = std::getenv("DISPLAY");
    if (display && *display) {
        drivers.push_back("x11");
    } else if (xvfb_wanted) {
        std::string error;
        // Square, so both orientations fit; no window manager, so windows sit where SDL puts them.
        if (xvfb.Start(1920, 1920, error)) {
            ::setenv("DISPLAY", xvfb.display().c_str(), 1);
            drivers.push_back("x11");
        } else {
            std::fprintf(stderr, "scroll_bench: %s; X11 skipped\n", error.c_str());
        }
    }
    std::printf(
        "%d frames per board per configuration, in 2 drags of 3..40 px a frame; "
        "frame = pointer NewFrame .. Window::Present\n",
        frames);

    const std::vector<BoardItem> big = MakeBoard(10000);
    const std::vector<BoardItem> small = MakeBoard(20);
    int failed = 0;
    for (const std::string& driver : drivers) {
        for (const auto& [w, h] : {std::pair{1920, 1080}, std::pair{1080, 1920}}) {
            if (std::string error = RunConfiguration(driver, w, h, frames, big, small);
                !error.empty()) {
                std::fprintf(stderr, "scroll_bench: %s %dx%d: %s\n", driver.c_str(), w, h,
                             error.c_str());
                ++failed;
            }
        }
    }
    return failed == 0 ? 0 : 1;
}
