// The X side of tap_bench: one Xvfb's root window (full grabs, read-backs of a few rows, XTest
// clicks) and the probe rows that tell the terminal's two screens apart. Header-only, for
// tap_bench.cpp alone; Xlib comes last, as its macros (Success, None, Status, Bool) would break
// headers included after it.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

// clang-format off
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XTest.h>
// clang-format on

namespace gk::bench {

inline void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// ---------------------------------------------------------------------------------------------
// [SECTION] X screen
// ---------------------------------------------------------------------------------------------

inline int IgnoreXError(Display*, XErrorEvent*) { return 0; }  // a read-back may race a resize

// The root window of one Xvfb: full grabs, reads of a few rows, and XTest clicks.
class XScreen {
  public:
    XScreen() = default;
    XScreen(const XScreen&) = delete;
    XScreen& operator=(const XScreen&) = delete;
    ~XScreen() {
        if (rows_image_) XDestroyImage(rows_image_);
        if (display_) XCloseDisplay(display_);
    }

    bool Open(const std::string& name, std::string& error) {
        display_ = XOpenDisplay(name.c_str());
        if (!display_) {
            error = "cannot open display " + name;
            return false;
        }
        XSetErrorHandler(IgnoreXError);
        int event = 0, err = 0, major = 0, minor = 0;
        if (!XTestQueryExtension(display_, &event, &err, &major, &minor)) {
            error = "the X server has no XTEST extension";
            return false;
        }
        root_ = DefaultRootWindow(display_);
        width_ = DisplayWidth(display_, DefaultScreen(display_));
        height_ = DisplayHeight(display_, DefaultScreen(display_));
        return true;
    }
    int width() const { return width_; }
    int height() const { return height_; }

    // The whole screen, 0xRRGGBB per pixel, row after row; empty when the read fails.
    std::vector<uint32_t> Grab() {
        std::vector<uint32_t> pixels;
        XImage* img = XGetImage(display_, root_, 0, 0, static_cast<unsigned>(width_),
                                static_cast<unsigned>(height_), AllPlanes, ZPixmap);
        if (!img) return pixels;
        if (img->bits_per_pixel == 32) {
            pixels.resize(static_cast<size_t>(width_) * static_cast<size_t>(height_));
            for (int y = 0; y < height_; ++y) {
                const auto* row =
                    reinterpret_cast<const uint32_t*>(img->data + y * img->bytes_per_line);
                for (int x = 0; x < width_; ++x)
                    pixels[static_cast<size_t>(y) * static_cast<size_t>(width_) +
                           static_cast<size_t>(x)] = row[x] & 0xFFFFFF;
            }
        }
        XDestroyImage(img);
        return pixels;
    }

    // The rows that later ReadRows() calls fetch.
    bool SetRows(std::vector<int> rows) {
        rows_ = std::move(rows);
        if (rows_image_) XDestroyImage(rows_image_);
        rows_image_ = nullptr;
        const int n = static_cast<int>(rows_.size());
        Visual* visual = DefaultVisual(display_, DefaultScreen(display_));
        const int depth = DefaultDepth(display_, DefaultScreen(display_));
        char* data = static_cast<char*>(std::calloc(static_cast<size_t>(width_) * n, 4));
        rows_image_ = XCreateImage(display_, visual, static_cast<unsigned>(depth), ZPixmap, 0, data,
                                   static_cast<unsigned>(width_), static_cast<unsigned>(n), 32, 0);
        return rows_image_ && rows_image_->bits_per_pixel == 32;
    }
    // One X request per row: false when one fails.
    bool ReadRows() {
        bool ok = true;
        for (size_t i = 0; i < rows_.size(); ++i) ok = ReadRow(i) && ok;
        return ok;
    }
    bool ReadRow(size_t i) {
        ++row_reads_;
        return XGetSubImage(display_, root_, 0, rows_[i], static_cast<unsigned>(width_), 1,
                            AllPlanes, ZPixmap, rows_image_, 0, static_cast<int>(i)) != nullptr;
    }
    uint32_t RowPixel(size_t row_index, int x) const {
        const auto* row = reinterpret_cast<const uint32_t*>(
            rows_image_->data + static_cast<long>(row_index) * rows_image_->bytes_per_line);
        return row[x] & 0xFFFFFF;
    }
    const std::vector<int>& rows() const { return rows_; }
    long row_reads() const { return row_reads_; }  // X requests made by ReadRow(s) so far

    void Move(int x, int y) {
        XTestFakeMotionEvent(display_, DefaultScreen(display_), x, y, CurrentTime);
        XSync(display_, False);
    }
    void Button(bool press) {
        XTestFakeButtonEvent(display_, 1, press ? True : False, CurrentTime);
        XSync(display_, False);  // returns once the server has handled the event
    }

  private:
    Display* display_ = nullptr;
    Window root_ = 0;
    int width_ = 0, height_ = 0;
    std::vector<int> rows_;
    XImage* rows_image_ = nullptr;
    long row_reads_ = 0;
};

// ---------------------------------------------------------------------------------------------
// [SECTION] References and probe rows
// ---------------------------------------------------------------------------------------------

enum ScreenId { kHome = 0, kArea = 1, kNeither = -1 };

// The sampled pixels that tell the two screens apart: in each of a few horizontal bands, the
// full-width row where home and the area screen differ most. The row with the most of them
// leads: polling reads it alone, and all rows only once it shows the new screen (a read-back
// costs the X server, which the programs under test need too).
struct Probe {
    struct Pixel {
        uint32_t row_index;  // into XScreen::rows()
        int x;
        uint32_t value[2];  // on kHome, on kArea
    };
    std::vector<Pixel> pixels;
    size_t lead_row = 0;  // index into XScreen::rows()

    // Picks the rows from the two full references and gives them to `x`.
    bool Build(XScreen& x, const std::vector<uint32_t>& home, const std::vector<uint32_t>& area,
               std::string& error) {
        const int w = x.width(), h = x.height();
        constexpr int kBands = 8;
        std::vector<int> rows;
        for (int band = 0; band < kBands; ++band) {
            int best_row = -1, best = 0;
            for (int y = band * h / kBands; y < (band + 1) * h / kBands; ++y) {
                int differ = 0;
                for (int px = 0; px < w; ++px) {
                    const size_t i = static_cast<size_t>(y) * w + px;
                    differ += home[i] != area[i];
                }
                if (differ > best) {
                    best = differ;
                    best_row = y;
                }
            }
            if (best_row >= 0 && best >= w / 50) rows.push_back(best_row);
        }
        pixels.clear();
        size_t lead_count = 0;
        for (size_t r = 0; r < rows.size(); ++r) {
            const size_t before = pixels.size();
            for (int px = 0; px < w; ++px) {
                const size_t i = static_cast<size_t>(rows[r]) * w + px;
                if (home[i] != area[i])
                    pixels.push_back({static_cast<uint32_t>(r), px, {home[i], area[i]}});
            }
            if (pixels.size() - before > lead_count) {
                lead_count = pixels.size() - before;
                lead_row = r;
            }
        }
        if (rows.size() < 3 || pixels.size() < 500) {
            error = "the two screens hardly differ (" + std::to_string(rows.size()) + " rows, " +
                    std::to_string(pixels.size()) + " pixels): wrong screens?";
            return false;
        }
        if (!x.SetRows(rows)) {
            error = "cannot make the read-back image (not 32 bits per pixel?)";
            return false;
        }
        return true;
    }

    // Share of the probe pixels that show `screen` as last read back; of the lead row's alone
    // when `lead_only`.
    double Match(const XScreen& x, ScreenId screen, bool lead_only = false) const {
        size_t same = 0, n = 0;
        for (const Pixel& p : pixels) {
            if (lead_only && p.row_index != lead_row) continue;
            same += x.RowPixel(p.row_index, p.x) == p.value[screen];
            ++n;
        }
        return n == 0 ? 0.0 : static_cast<double>(same) / static_cast<double>(n);
    }
};

// Binary PPM, for looking at what the bench compared (--shots).
inline void WritePpm(const std::string& path, const std::vector<uint32_t>& pixels, int w, int h) {
    std::ofstream out(path, std::ios::binary);
    out << "P6\n" << w << " " << h << "\n255\n";
    for (size_t i = 0; i < pixels.size() && i < static_cast<size_t>(w) * h; ++i) {
        const char rgb[3] = {static_cast<char>(pixels[i] >> 16), static_cast<char>(pixels[i] >> 8),
                             static_cast<char>(pixels[i])};
        out.write(rgb, 3);
    }
}

// Share of pixels that differ between two full grabs (every 4th pixel of every 4th row).
inline double DifferingShare(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b, int w,
                             int h) {
    if (a.size() != b.size() || a.empty()) return 1.0;
    size_t n = 0, differ = 0;
    for (int y = 0; y < h; y += 4) {
        for (int x = 0; x < w; x += 4) {
            const size_t i = static_cast<size_t>(y) * w + x;
            differ += a[i] != b[i];
            ++n;
        }
    }
    return static_cast<double>(differ) / static_cast<double>(n);
}

}  // namespace gk::bench
