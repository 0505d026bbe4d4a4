// Fonts: Noto Sans CJK SC (face 2 of Debian's .ttc) or WenQuanYi Micro Hei, found at run time.
//
// The body font covers ASCII, CJK punctuation, all of GB2312 and every character of the texts
// given (the i18n catalogue, the service catalogue), so no "?" box is ever drawn for them. The
// title and huge sizes cover only the given texts, to keep the atlas small.
//
// Rasterising costs about 50 µs a glyph, so FontLibrary builds in three stages, each a whole
// atlas that replaces the one before between frames:
//   kFirst  what the first screen (attract) draws, at the sizes it draws it, plus ASCII: built
//           by Load, the only thing the first frame waits for (a few hundred glyphs);
//   kUi     every character of every text of both languages (what any screen draws);
//   kFull   kUi plus GB2312 in the body size (what a resident may type).
// kUi and kFull are built on one worker thread after the first frame (BuildFullInBackground);
// a screen other than the first one is drawn only once kUi is in (WaitForUiGlyphs). The
// worker rasterises with stb_truetype (platform/glyph_raster.h) and never touches ImGui; the
// UI thread makes the ImFontAtlas from its result. The font files are mapped read-only, not
// read: stb_truetype touches only the tables and glyphs it needs.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/result.h"

struct ImFont;
struct ImFontAtlas;

namespace gk {

class Window;

// Which glyphs an atlas holds (see the top of this file); later stages hold all earlier ones.
enum class FontStage { kFirst, kUi, kFull };

struct FontSet {
    ImFont* body = nullptr;    // base size; GB2312 once the full atlas is in
    ImFont* title = nullptr;   // 1.6 × base, texts given + ASCII
    ImFont* huge = nullptr;    // 2.6 × base, ASCII and the display texts (receipt codes, the name)
    std::string regular_path;  // the file found, for logs
    int glyph_count = 0;       // glyphs in the body font
    int atlas_width = 0, atlas_height = 0;
    FontStage stage = FontStage::kFirst;
    bool full() const { return stage == FontStage::kFull; }  // GB2312 included
};

// The texts the first screen draws, by the size it draws them in: the first atlas holds their
// characters (and ASCII) only. kiosk/app/glyph_texts.h says what they are for the attract
// screen.
struct FirstScreenTexts {
    std::vector<std::string> body, title, huge;
};

struct FontOptions {
    std::string regular_path;  // empty: search the known locations
    std::string bold_path;     // empty: search, else fall back to regular
    float base_px = 30.0f;     // body size in pixels
};

// Returns the first existing known CJK font, or "" when none is installed.
std::string FindCjkFont(bool bold);

// Every character of GB2312 (levels 1 and 2 and symbols), as code points.
std::vector<char32_t> Gb2312CodePoints();

// One per ImGui context, used from the UI thread; its workers never touch the context.
class FontLibrary {
  public:
    // The atlas's texture is made through `window` (Window::SetFontAtlas), which outlives this.
    explicit FontLibrary(Window& window);
    ~FontLibrary();
    FontLibrary(const FontLibrary&) = delete;
    FontLibrary& operator=(const FontLibrary&) = delete;

    // Builds and installs the first atlas (stage kFirst: ASCII and the characters of `first`)
    // into ImGui's current context through the window; `texts` (body and title sizes) and
    // `display_texts` (huge size) are what the kUi atlas will cover. Starts a new generation:
    // an atlas still being built from the previous texts is dropped when it is done, never
    // installed. Never waits for a worker. Error "font" names the missing file; "texture" when
    // the renderer refused it.
    Result<FontSet> Load(const FontOptions& options, FirstScreenTexts first,
                         std::vector<std::string> texts, std::vector<std::string> display_texts);
    // Then the kUi atlas and the kFull one (GB2312 too), from the sources Load mapped: on one
    // worker thread, one after the other (on_ready is called from it after each; install with
    // InstallIfReady), or the kFull one right away into `fonts` with BuildFullNow. The
    // terminal starts the worker after its first frame is shown. The worker rasterises with
    // stb_truetype and touches no ImGui state (ImGui 1.86 counts every IM_ALLOC in the current
    // context, from any thread); Install makes the ImFontAtlas.
    void BuildFullInBackground(std::function<void()> on_ready);
    Status BuildFullNow(FontSet& fonts);
    // Between frames: installs the newest atlas of the current generation if one is ready and
    // holds more than `fonts` (true when `fonts` changed). Does not block. An error
    // ("texture") leaves the fonts in use.
    Result<bool> InstallIfReady(FontSet& fonts);
    // Before a frame of a screen that the first atlas was not made for: makes sure `fonts` is
    // at least kUi. Waits for the worker at most `bound`; builds kUi here when the worker has
    // not started, has failed or is late. True when `fonts` changed.
    Result<bool> WaitForUiGlyphs(FontSet& fonts, std::chrono::milliseconds bound);
    // Before the ImGui context goes: waits for the workers, gives the context back its atlas.
    void Shutdown();
    uint64_t generation() const { return generation_; }  // Loads so far

    struct Built;    // an atlas and its stage (fonts.cpp)
    struct Sources;  // the mapped font files and texts, from Load (fonts.cpp)
    struct Shared;   // what a worker hands back, under a mutex (fonts.cpp)

  private:
    Status Install(std::unique_ptr<Built> built, FontSet& fonts);
    void ReapFinishedWorkers();  // joins only workers that are done: never blocks

    Window& window_;
    ImFontAtlas* context_atlas_ = nullptr;  // the context's own (empty) atlas, restored at the end
    std::unique_ptr<ImFontAtlas> active_;
    std::shared_ptr<Sources> sources_;  // kept from Load until the kFull atlas is in
    bool worker_started_ = false;       // for this generation
    uint64_t generation_ = 0;           // UI thread's copy of shared_->generation
    std::shared_ptr<Shared> shared_;
    struct Worker {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };
    std::vector<Worker> workers_;
};

}  // namespace gk
