// Locating CJK fonts and building ImGui font atlases with the glyphs the kiosk needs.
//
// [SECTION] Finding fonts and GB2312
// [SECTION] Building an atlas (no ImGui context needed; see BuildFullInBackground on threads)
// [SECTION] FontLibrary
#include "platform/fonts.h"

#include <SDL.h>
#include <iconv.h>
#include <imgui.h>
#include <imgui_impl_sdlrenderer.h>
#include <malloc.h>

#include <filesystem>
#include <fstream>

#include "core/utf8.h"

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

void AddText(ImFontGlyphRangesBuilder& b, std::string_view text) {
    ForEachCodePoint(text, [&](char32_t cp) {
        if (cp <= 0xFFFF) b.AddChar(static_cast<ImWchar>(cp));
    });
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
// [SECTION] Building an atlas (no ImGui context needed; see BuildFullInBackground on threads)
// ---------------------------------------------------------------------------------------------

// What one build needs, shared by the quick and the full build: each file is read once.
struct FontLibrary::Sources {
    FontOptions options;
    std::string regular_path, bold_path;
    std::vector<char> regular, bold;  // whole font files
    std::vector<std::string> texts, display_texts;
};

struct FontLibrary::Built {
    std::unique_ptr<ImFontAtlas> atlas;
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

// Builds the three sizes. `full` adds GB2312 to the body font.
std::unique_ptr<FontLibrary::Built> BuildAtlas(const FontLibrary::Sources& src, bool full);

}  // namespace

namespace {

std::unique_ptr<FontLibrary::Built> BuildAtlas(const FontLibrary::Sources& src, bool full) {
    auto built = std::make_unique<FontLibrary::Built>();
    built->full = full;
    built->atlas = std::make_unique<ImFontAtlas>();
    ImFontAtlas* atlas = built->atlas.get();
    atlas->TexDesiredWidth = 4096;
    // No power-of-two height: SDL textures need none, and the unused rows would cost ~8 MB.
    atlas->Flags |= ImFontAtlasFlags_NoMouseCursors | ImFontAtlasFlags_NoPowerOfTwoHeight;

    ImVector<ImWchar> body_ranges, title_ranges, huge_ranges;  // must outlive Build()
    const char* kPunctuation = "·—…“”‘’、。，：；！？（）《》【】￥×←→↑↓✓○●！";
    {
        ImFontGlyphRangesBuilder b;
        b.AddRanges(atlas->GetGlyphRangesDefault());
        if (full) {
            for (char32_t cp : Gb2312CodePoints()) b.AddChar(static_cast<ImWchar>(cp));
        }
        for (const auto& t : src.texts) AddText(b, t);
        b.AddText(kPunctuation);
        b.BuildRanges(&body_ranges);
    }
    {
        ImFontGlyphRangesBuilder b;
        b.AddRanges(atlas->GetGlyphRangesDefault());
        for (const auto& t : src.texts) AddText(b, t);
        b.AddText(kPunctuation);
        b.BuildRanges(&title_ranges);
    }
    {
        ImFontGlyphRangesBuilder b;
        b.AddRanges(atlas->GetGlyphRangesDefault());
        for (const auto& t : src.display_texts) AddText(b, t);
        b.BuildRanges(&huge_ranges);
    }
    ImFontConfig cfg;
    // "Owned" while adding, so ImGui 1.86 does not copy 20 MB per size; disowned right after,
    // so the atlas never frees the buffers FontLibrary::Sources keeps (read once, shared by both
    // builds).
    cfg.FontDataOwnedByAtlas = true;
    cfg.OversampleH = 1;  // CJK glyphs are dense; horizontal oversampling only grows the atlas
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    cfg.FontNo = FaceFor(src.regular_path);
    const float px = src.options.base_px;
    auto* regular = const_cast<char*>(src.regular.data());
    auto* bold = const_cast<char*>(src.bold.data());
    const int regular_size = static_cast<int>(src.regular.size());
    const int bold_size = static_cast<int>(src.bold.size());
    atlas->AddFontFromMemoryTTF(regular, regular_size, px, &cfg, body_ranges.Data);
    ImFontConfig bold_cfg = cfg;
    bold_cfg.FontNo = FaceFor(src.bold_path);
    atlas->AddFontFromMemoryTTF(bold, bold_size, px * 1.6f, &bold_cfg, title_ranges.Data);
    atlas->AddFontFromMemoryTTF(bold, bold_size, px * 2.6f, &bold_cfg, huge_ranges.Data);
    for (ImFontConfig& c : atlas->ConfigData) c.FontDataOwnedByAtlas = false;
    if (atlas->Fonts.Size != 3 || !atlas->Build()) return nullptr;
    // The glyphs are in the fonts and the pixels in the atlas: the sources can go.
    atlas->ClearInputData();
    return built;
}

// The SDL_Renderer backend uploads RGBA: convert before installing (off the UI thread when the
// worker built it) and drop the alpha copy at once. Called once the font files are freed, so the
// peak never holds files, alpha, RGBA and texture together.
void PrepareUpload(FontLibrary::Built& built) {
    unsigned char* rgba = nullptr;
    int w = 0, h = 0;
    built.atlas->GetTexDataAsRGBA32(&rgba, &w, &h);
    IM_FREE(built.atlas->TexPixelsAlpha8);
    built.atlas->TexPixelsAlpha8 = nullptr;
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
    PrepareUpload(*full);
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
            PrepareUpload(*full);  // the quick atlas stays: every text the screens draw is in it
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
    ImFontAtlas* atlas = built->atlas.get();
    // The backend holds one font texture: the old one goes, then the new one is made. The old
    // atlas kept no pixels, so a failure cannot go back to it: the new atlas keeps its pixels
    // instead, and the backend retries.
    ImGui_ImplSDLRenderer_DestroyFontsTexture();
    io.Fonts = atlas;
    io.FontDefault = atlas->Fonts[0];
    const bool uploaded = ImGui_ImplSDLRenderer_CreateFontsTexture();
    fonts.body = atlas->Fonts[0];
    fonts.title = atlas->Fonts[1];
    fonts.huge = atlas->Fonts[2];
    fonts.glyph_count = fonts.body->Glyphs.Size;
    fonts.atlas_width = atlas->TexWidth;
    fonts.atlas_height = atlas->TexHeight;
    fonts.full = built->full;
    active_ = std::move(built);  // the previous atlas goes only now, after the swap
    if (!uploaded) {
        // Its CPU pixels stay, so the backend tries again at the next frame (NewFrame makes the
        // texture when it has none); until then text is not drawn, and the log says why.
        return Error{"texture", "cannot create a " + std::to_string(fonts.atlas_width) + "x" +
                                    std::to_string(fonts.atlas_height) +
                                    " font texture: " + SDL_GetError()};
    }
    atlas->ClearTexData();  // uploaded: drop the CPU copies (alpha and RGBA)
    malloc_trim(0);         // hand the build's scratch memory back to the system
    return Ok{};
}

void FontLibrary::Shutdown() {
    shared_->generation.fetch_add(1);  // whatever is still building is dropped
    for (Worker& w : workers_) w.thread.join();
    workers_.clear();
    if (context_atlas_ && ImGui::GetCurrentContext()) {
        ImGui_ImplSDLRenderer_DestroyFontsTexture();
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
