// Fonts: Noto Sans CJK SC (face 2 of Debian's .ttc) or WenQuanYi Micro Hei, found at run time.
//
// The body font covers ASCII, CJK punctuation, all of GB2312 and every character of the texts
// given (the i18n catalogue, the service catalogue), so no "?" box is ever drawn for them. The
// title and huge sizes cover only the given texts, to keep the atlas small.
//
// Rasterising GB2312 (7,400 glyphs) takes most of a start-up's CPU, so FontLibrary builds in two
// phases: a quick atlas of the given texts at once (everything the screens draw), and the full
// atlas on a worker thread, installed between frames when it is ready. The worker rasterises with
// stb_truetype (platform/glyph_raster.h) and never touches ImGui; the UI thread makes the
// ImFontAtlas from its result. Each font file is read once; the atlas keeps neither the files
// nor its CPU-side pixels once the texture is uploaded.
#pragma once

#include <atomic>
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
}

namespace gk {

struct FontSet {
    ImFont* body = nullptr;    // base size; GB2312 once the full atlas is in
    ImFont* title = nullptr;   // 1.6 × base, texts given + ASCII
    ImFont* huge = nullptr;    // 2.6 × base, ASCII and the display texts (receipt codes, the name)
    std::string regular_path;  // the file found, for logs
    int glyph_count = 0;       // glyphs in the body font
    int atlas_width = 0, atlas_height = 0;
    bool full = false;  // GB2312 included
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
    FontLibrary();
    ~FontLibrary();
    FontLibrary(const FontLibrary&) = delete;
    FontLibrary& operator=(const FontLibrary&) = delete;

    // Builds and installs the quick atlas into ImGui's current context (the SDL_Renderer
    // backend must be initialised). Starts a new generation: a full atlas still being built
    // from the previous texts is dropped when it is done, never installed. Never waits for a
    // worker. Error "font" names the missing file; "texture" when the renderer refused it.
    Result<FontSet> Load(const FontOptions& options, std::vector<std::string> texts,
                         std::vector<std::string> display_texts);
    // Then the full atlas (GB2312 too), from the sources Load read: on a worker thread
    // (on_ready is called from it when done; install with InstallIfReady), or right away into
    // `fonts` with BuildFullNow. The terminal starts it after its first frame is shown.
    // The worker rasterises with stb_truetype and touches no ImGui state (ImGui 1.86 counts
    // every IM_ALLOC in the current context, from any thread); Install makes the ImFontAtlas.
    void BuildFullInBackground(std::function<void()> on_ready);
    Status BuildFullNow(FontSet& fonts);
    // Between frames: installs the full atlas of the current generation if it is ready (true
    // when `fonts` changed). Does not block. An error ("texture") leaves the fonts in use.
    Result<bool> InstallIfReady(FontSet& fonts);
    // Before the ImGui context goes: waits for the workers, gives the context back its atlas.
    void Shutdown();
    uint64_t generation() const { return generation_; }   // Loads so far
    void SetWindow(Window* window) { window_ = window; }  // makes the atlas's texture

    struct Built;    // an atlas and whether it holds GB2312 (fonts.cpp)
    struct Sources;  // the font files and texts, read once by Load (fonts.cpp)
    struct Shared;   // what a worker hands back, under a mutex (fonts.cpp)

  private:
    Status Install(std::unique_ptr<Built> built, FontSet& fonts);
    void ReapFinishedWorkers();  // joins only workers that are done: never blocks

    Window* window_ = nullptr;

    ImFontAtlas* context_atlas_ = nullptr;  // the context's own (empty) atlas, restored at the end
    std::unique_ptr<ImFontAtlas> active_;
    std::shared_ptr<Sources> sources_;  // kept from Load until the full atlas is built
    uint64_t generation_ = 0;           // UI thread's copy of shared_->generation
    std::shared_ptr<Shared> shared_;
    struct Worker {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };
    std::vector<Worker> workers_;
};

}  // namespace gk
