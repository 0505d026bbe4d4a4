// Locating CJK fonts and building ImGui font atlases with the glyphs the kiosk needs.
//
// [SECTION] Finding fonts and GB2312
// [SECTION] Building an atlas (no ImGui on the worker: see glyph_raster.h)
// [SECTION] FontLibrary
#include "platform/fonts.h"

#include <SDL.h>
#include <iconv.h>
#include <imgui.h>
#include <malloc.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/assert.h"
#include "core/utf8.h"
#include "platform/glyph_raster.h"
#include "platform/window.h"

namespace gk {

// ---------------------------------------------------------------------------------------------
// [SECTION] Finding fonts and GB2312
// ---------------------------------------------------------------------------------------------

namespace {

struct Candidate {
    const char* path;
    int face;  // index inside a .ttc collection
};

// Noto's .ttc holds JP, KR, SC, TC, HK in that order: face 2 is Simplified Chinese.
constexpr Candidate kRegular[] = {
    {"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2},
    {"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0},
};
constexpr Candidate kBold[] = {
    {"/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2},
    {"/usr/share/fonts/opentype/noto/NotoSansCJK-Medium.ttc", 2},
};

int FaceFor(const std::string& path) {
    for (const auto& c : kRegular)
        if (path == c.path) return c.face;
    for (const auto& c : kBold)
        if (path == c.path) return c.face;
    return path.find("NotoSansCJK") != std::string::npos ? 2 : 0;
}

}  // namespace

std::string FindCjkFont(bool bold) {
    if (bold) {
        for (const auto& c : kBold)
            if (std::filesystem::exists(c.path)) return c.path;
        return "";
    }
    for (const auto& c : kRegular)
        if (std::filesystem::exists(c.path)) return c.path;
    return "";
}

std::vector<char32_t> Gb2312CodePoints() {
    std::vector<char32_t> out;
    iconv_t cd = iconv_open("UTF-32LE", "GB2312");
    if (cd == reinterpret_cast<iconv_t>(-1)) return out;
    // GB2312 in EUC-CN: rows 0xA1..0xF7, cells 0xA1..0xFE.
    for (int row = 0xA1; row <= 0xF7; ++row) {
        for (int cell = 0xA1; cell <= 0xFE; ++cell) {
            char in[2] = {static_cast<char>(row), static_cast<char>(cell)};
            char32_t cp = 0;
            char* in_p = in;
            size_t in_left = 2;
            char* out_p = reinterpret_cast<char*>(&cp);
            size_t out_left = sizeof(cp);
            if (iconv(cd, &in_p, &in_left, &out_p, &out_left) != static_cast<size_t>(-1) &&
                out_left == 0) {
                out.push_back(cp);
            }
            iconv(cd, nullptr, nullptr, nullptr, nullptr);  // reset after errors
        }
    }
    iconv_close(cd);
    return out;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Building an atlas (no ImGui on the worker: see glyph_raster.h)
// ---------------------------------------------------------------------------------------------

// What one build needs, shared by the quick and the full build: each file is read once.
struct FontLibrary::Sources {
    FontOptions options;
    std::string regular_path, bold_path;
    std::vector<char> regular, bold;  // whole font files
    std::vector<std::string> texts, display_texts;
};

// A build's result: the rasterised atlas (made on any thread, no ImGui) until Install turns it
// into an ImFontAtlas on the UI thread.
struct FontLibrary::Built {
    RasterAtlas raster;
    bool full = false;
};

namespace {

bool ReadFile(const std::string& path, std::vector<char>& out) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return false;
    out.resize(static_cast<size_t>(in.tellg()));
    in.seekg(0);
    return static_cast<bool>(in.read(out.data(), static_cast<std::streamsize>(out.size())));
}

// A set of BMP code points, as the sorted list RasteriseAtlas takes.
class CodePointSet {
  public:
    CodePointSet() : in_(0x10000, false) {
        for (uint32_t cp = 0x20; cp <= 0xFF; ++cp) in_[cp] = true;  // Latin-1, as ImGui's default
    }
    void Add(char32_t cp) {
        if (cp <= 0xFFFF) in_[cp] = true;
    }
    void AddText(std::string_view text) {
        ForEachCodePoint(text, [&](char32_t cp) { Add(cp); });
    }
    std::vector<uint32_t> Sorted() const {
        std::vector<uint32_t> out;
        for (uint32_t cp = 0; cp < in_.size(); ++cp)
            if (in_[cp]) out.push_back(cp);
        return out;
    }

  private:
    std::vector<bool> in_;
};

// Builds the three sizes; `full` adds GB2312 to the body font. Touches no ImGui state, so it
// runs on the worker as well as on the UI thread.
std::unique_ptr<FontLibrary::Built> BuildAtlas(const FontLibrary::Sources& src, bool full) {
    const char* kPunctuation = "·—…“”‘’、。，：；！？（）《》【】￥×←→↑↓✓○●！";
    CodePointSet body, title, huge;
    if (full) {
        for (char32_t cp : Gb2312CodePoints()) body.Add(cp);
    }
    for (const auto& t : src.texts) {
        body.AddText(t);
        title.AddText(t);
    }
    body.AddText(kPunctuation);
    title.AddText(kPunctuation);
    for (const auto& t : src.display_texts) huge.AddText(t);
    const float px = src.options.base_px;
    const int regular_face = FaceFor(src.regular_path), bold_face = FaceFor(src.bold_path);
    std::vector<RasterFontRequest> requests = {
        {&src.regular, regular_face, px, body.Sorted()},
        {&src.bold, bold_face, px * 1.6f, title.Sorted()},
        {&src.bold, bold_face, px * 2.6f, huge.Sorted()},
    };
    auto raster = RasteriseAtlas(requests, 4096);
    if (!raster) return nullptr;
    auto built = std::make_unique<FontLibrary::Built>();
    built->raster = std::move(*raster);
    built->full = full;
    return built;
}

// UI thread: the rasterised glyphs become an ImFontAtlas with three fonts and RGBA pixels
// ready for upload. No rasterising here, only bookkeeping and one copy of the pixels.
std::unique_ptr<ImFontAtlas> MakeImFontAtlas(RasterAtlas& raster) {
    auto atlas = std::make_unique<ImFontAtlas>();
    // No mouse cursors, no baked lines: this atlas has neither (ImGui draws lines as polygons).
    atlas->Flags |= ImFontAtlasFlags_NoMouseCursors | ImFontAtlasFlags_NoPowerOfTwoHeight |
                    ImFontAtlasFlags_NoBakedLines;
    atlas->TexWidth = raster.width;
    atlas->TexHeight = raster.height;
    atlas->TexUvScale = ImVec2(1.0f / raster.width, 1.0f / raster.height);
    atlas->TexUvWhitePixel = ImVec2(raster.white_u, raster.white_v);
    const size_t bytes = raster.rgba.size() * sizeof(uint32_t);
    atlas->TexPixelsRGBA32 = static_cast<unsigned int*>(IM_ALLOC(bytes));
    std::memcpy(atlas->TexPixelsRGBA32, raster.rgba.data(), bytes);
    raster.rgba = {};
    ImFontConfig snap;  // only what AddGlyph reads: whole-pixel advances, as before
    snap.PixelSnapH = true;
    for (RasterFont& rf : raster.fonts) {
        ImFont* font = IM_NEW(ImFont)();
        atlas->Fonts.push_back(font);
        font->FontSize = rf.size_px;
        font->Ascent = rf.ascent;
        font->Descent = rf.descent;
        font->ContainerAtlas = atlas.get();
        font->Glyphs.reserve(static_cast<int>(rf.glyphs.size()));
        for (const RasterGlyph& g : rf.glyphs) {
            font->AddGlyph(&snap, static_cast<ImWchar>(g.code_point), g.x0, g.y0, g.x1, g.y1, g.u0,
                           g.v0, g.u1, g.v1, g.advance_x);
        }
        font->BuildLookupTable();
        if (font->FindGlyphNoFallback(0x2026)) font->EllipsisChar = 0x2026;
    }
    atlas->TexReady = true;
    return atlas;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// [SECTION] FontLibrary
// ---------------------------------------------------------------------------------------------

// What the UI thread and the workers share. A worker's atlas is kept only when its generation
// is still the current one when it is done.
struct FontLibrary::Shared {
    std::atomic<uint64_t> generation{0};
    std::mutex mutex;
    std::unique_ptr<Built> ready;   // guarded by mutex: finished, waiting to be installed
    uint64_t ready_generation = 0;  // guarded by mutex
};

FontLibrary::FontLibrary() : shared_(std::make_shared<Shared>()) {}
FontLibrary::~FontLibrary() {
    shared_->generation.fetch_add(1);  // whatever is still building is dropped
    for (Worker& w : workers_) w.thread.join();
}

void FontLibrary::ReapFinishedWorkers() {
    std::erase_if(workers_, [](Worker& w) {
        if (!w.done->load()) return false;
        w.thread.join();  // done: it has returned or is returning, nothing left to wait for
        return true;
    });
}

Result<FontSet> FontLibrary::Load(const FontOptions& options, std::vector<std::string> texts,
                                  std::vector<std::string> display_texts) {
    generation_ = shared_->generation.fetch_add(1) + 1;
    ReapFinishedWorkers();
    {
        std::lock_guard lock(shared_->mutex);
        shared_->ready.reset();  // built from the previous texts
    }
    auto src = std::make_shared<Sources>();
    src->options = options;
    src->regular_path = options.regular_path.empty() ? FindCjkFont(false) : options.regular_path;
    if (src->regular_path.empty() || !ReadFile(src->regular_path, src->regular)) {
        return Error{"font", "no CJK font found (install fonts-noto-cjk or fonts-wqy-microhei)" +
                                 (options.regular_path.empty() ? std::string()
                                                               : ": " + options.regular_path)};
    }
    src->bold_path = options.bold_path.empty() ? FindCjkFont(true) : options.bold_path;
    if (src->bold_path.empty() || !ReadFile(src->bold_path, src->bold)) {
        src->bold_path = src->regular_path;
        src->bold = src->regular;
    }
    src->texts = std::move(texts);
    src->display_texts = std::move(display_texts);

    auto quick = BuildAtlas(*src, /*full=*/false);
    if (!quick) return Error{"font", "cannot build fonts from " + src->regular_path};
    FontSet set;
    set.regular_path = src->regular_path;
    if (auto st = Install(std::move(quick), set); !st) return st.error();
    sources_ = std::move(src);
    return set;
}

Status FontLibrary::BuildFullNow(FontSet& fonts) {
    if (!sources_) return Error{"font", "fonts not loaded"};
    auto full = BuildAtlas(*sources_, /*full=*/true);
    sources_.reset();
    if (!full) return Error{"font", "cannot build the full glyph set"};
    return Install(std::move(full), fonts);
}

void FontLibrary::BuildFullInBackground(std::function<void()> on_ready) {
    if (!sources_) return;
    ReapFinishedWorkers();
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::thread thread([shared = shared_, generation = generation_, src = std::move(sources_),
                        on_ready = std::move(on_ready), done]() mutable {
        auto full = BuildAtlas(*src, /*full=*/true);
        src.reset();  // the 40 MB of font files go before the atlas is uploaded
        malloc_trim(0);
        if (full && shared->generation.load() == generation) {
            {
                std::lock_guard lock(shared->mutex);
                shared->ready = std::move(full);
                shared->ready_generation = generation;
            }
            if (on_ready) on_ready();
        }
        full.reset();  // a stale build goes here, on the worker
        done->store(true);
    });
    workers_.push_back(Worker{std::move(thread), std::move(done)});
}

Result<bool> FontLibrary::InstallIfReady(FontSet& fonts) {
    std::unique_ptr<Built> ready;
    {
        std::lock_guard lock(shared_->mutex);
        if (shared_->ready_generation == generation_) ready = std::move(shared_->ready);
        shared_->ready.reset();  // stale, if anything is left
    }
    ReapFinishedWorkers();
    if (!ready) return false;
    if (auto st = Install(std::move(ready), fonts); !st) return st.error();
    return true;
}

// A renderer that refuses the texture (too large for the GPU, out of memory) is an error the
// caller logs, never a crash.
Status FontLibrary::Install(std::unique_ptr<Built> built, FontSet& fonts) {
    ImGuiIO& io = ImGui::GetIO();
    if (!context_atlas_) context_atlas_ = io.Fonts;
    auto made = MakeImFontAtlas(built->raster);
    ImFontAtlas* atlas = made.get();
    // The backend holds one font texture: the old one goes, then the new one is made. The old
    // atlas kept no pixels, so a failure cannot go back to it: the new atlas keeps its pixels
    // instead, and the backend retries.
    GK_ASSERT(window_ && "FontLibrary::SetWindow before Load");
    window_->ReleaseFontAtlas();
    const bool uploaded = window_->SetFontAtlas(atlas);
    io.FontDefault = atlas->Fonts[0];
    fonts.body = atlas->Fonts[0];
    fonts.title = atlas->Fonts[1];
    fonts.huge = atlas->Fonts[2];
    fonts.glyph_count = fonts.body->Glyphs.Size;
    fonts.atlas_width = atlas->TexWidth;
    fonts.atlas_height = atlas->TexHeight;
    fonts.full = built->full;
    active_ = std::move(made);  // the previous atlas goes only now, after the swap
    if (!uploaded) {
        // Its CPU pixels stay, so the backend tries again at the next frame (NewFrame makes the
        // texture when it has none); until then text is not drawn, and the log says why.
        return Error{"texture", "cannot create a " + std::to_string(fonts.atlas_width) + "x" +
                                    std::to_string(fonts.atlas_height) +
                                    " font texture: " + SDL_GetError()};
    }
    if (!window_->keeps_atlas_pixels()) atlas->ClearTexData();  // uploaded: drop the CPU copies
    malloc_trim(0);  // hand the build's scratch memory back to the system
    return Ok{};
}

void FontLibrary::Shutdown() {
    shared_->generation.fetch_add(1);  // whatever is still building is dropped
    for (Worker& w : workers_) w.thread.join();
    workers_.clear();
    if (context_atlas_ && ImGui::GetCurrentContext()) {
        if (window_) window_->ReleaseFontAtlas();
        ImGui::GetIO().Fonts = context_atlas_;  // the context deletes its own, we delete ours
        ImGui::GetIO().FontDefault = nullptr;
    }
    context_atlas_ = nullptr;
    active_.reset();
    sources_.reset();
    std::lock_guard lock(shared_->mutex);
    shared_->ready.reset();
}

}  // namespace gk
