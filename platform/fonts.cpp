// Locating CJK fonts and building ImGui font atlases with the glyphs the kiosk needs.
//
// [SECTION] Finding fonts and GB2312
// [SECTION] Building an atlas (no ImGui on the worker: see glyph_raster.h)
// [SECTION] FontLibrary
#include "platform/fonts.h"

#include <SDL.h>
#include <fcntl.h>
#include <iconv.h>
#include <imgui.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <filesystem>

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

namespace {

// A font file mapped read-only (MAP_PRIVATE): a 20 MB collection costs no read and no heap,
// and stb_truetype's page faults bring in only the tables and glyphs it reads.
class MappedFile {
  public:
    MappedFile() = default;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile() {
        if (data_) ::munmap(data_, size_);
    }
    // False when the file cannot be opened, is empty or cannot be mapped.
    bool Open(const std::string& path) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return false;
        struct stat st {};
        void* data = MAP_FAILED;
        if (::fstat(fd, &st) == 0 && st.st_size > 0) {
            data = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
        }
        ::close(fd);  // the mapping keeps the file
        if (data == MAP_FAILED) return false;
        data_ = data;
        size_ = static_cast<size_t>(st.st_size);
        return true;
    }
    const unsigned char* data() const { return static_cast<const unsigned char*>(data_); }
    size_t size() const { return size_; }

  private:
    void* data_ = nullptr;
    size_t size_ = 0;
};

}  // namespace

// What every stage's build needs: each file is mapped once, shared by the UI thread and the
// worker (read-only), unmapped when the last of them lets go.
struct FontLibrary::Sources {
    FontOptions options;
    std::string regular_path, bold_path;
    std::shared_ptr<const MappedFile> regular, bold;  // bold may be the regular one
    FirstScreenTexts first;
    std::vector<std::string> texts, display_texts;
};

// A build's result: the rasterised atlas (made on any thread, no ImGui) until Install turns it
// into an ImFontAtlas on the UI thread.
struct FontLibrary::Built {
    RasterAtlas raster;
    FontStage stage = FontStage::kFirst;
};

namespace {

// A set of BMP code points, as the sorted list RasteriseAtlas takes.
class CodePointSet {
  public:
    void Add(char32_t cp) {
        if (cp <= 0xFFFF) cps_.push_back(static_cast<uint32_t>(cp));
    }
    void AddRange(char32_t first, char32_t last) {
        for (char32_t cp = first; cp <= last; ++cp) Add(cp);
    }
    void AddText(std::string_view text) {
        ForEachCodePoint(text, [&](char32_t cp) { Add(cp); });
    }
    std::vector<uint32_t> Sorted() {
        std::sort(cps_.begin(), cps_.end());
        cps_.erase(std::unique(cps_.begin(), cps_.end()), cps_.end());
        return std::move(cps_);
    }

  private:
    std::vector<uint32_t> cps_;
};

// CJK punctuation and the symbols the screens draw outside the texts.
constexpr const char* kPunctuation = "·—…“”‘’、。，：；！？（）《》【】￥×←→↑↓✓○●！";

// Builds the three sizes of a stage. Touches no ImGui state, so it runs on the worker as well
// as on the UI thread.
std::unique_ptr<FontLibrary::Built> BuildAtlas(const FontLibrary::Sources& src, FontStage stage) {
    CodePointSet body, title, huge;
    if (stage == FontStage::kFirst) {
        // ASCII in every size (digits of the clock, names typed in Latin letters, ImGui's "?"
        // fallback), the ellipsis ImGui clips with, and what the first screen draws.
        for (CodePointSet* set : {&body, &title, &huge}) {
            set->AddRange(0x20, 0x7E);
            set->Add(0x2026);
        }
        for (const auto& t : src.first.body) body.AddText(t);
        for (const auto& t : src.first.title) title.AddText(t);
        for (const auto& t : src.first.huge) huge.AddText(t);
    } else {
        for (CodePointSet* set : {&body, &title, &huge}) set->AddRange(0x20, 0xFF);  // Latin-1
        if (stage == FontStage::kFull) {
            for (char32_t cp : Gb2312CodePoints()) body.Add(cp);
        }
        for (const auto& t : src.texts) {
            body.AddText(t);
            title.AddText(t);
        }
        body.AddText(kPunctuation);
        title.AddText(kPunctuation);
        // The first screen's texts too: a later stage never loses a glyph an earlier one had.
        for (const auto& t : src.first.body) body.AddText(t);
        for (const auto& t : src.first.title) title.AddText(t);
        for (const auto& t : src.first.huge) huge.AddText(t);
        for (const auto& t : src.display_texts) huge.AddText(t);
    }
    const float px = src.options.base_px;
    const int regular_face = FaceFor(src.regular_path), bold_face = FaceFor(src.bold_path);
    std::vector<RasterFontRequest> requests = {
        {src.regular->data(), src.regular->size(), regular_face, px, body.Sorted()},
        {src.bold->data(), src.bold->size(), bold_face, px * 1.6f, title.Sorted()},
        {src.bold->data(), src.bold->size(), bold_face, px * 2.6f, huge.Sorted()},
    };
    auto raster = RasteriseAtlas(requests, 4096);
    if (!raster) return nullptr;
    auto built = std::make_unique<FontLibrary::Built>();
    built->raster = std::move(*raster);
    built->stage = stage;
    return built;
}

// UI thread: the rasterised glyphs become an ImFontAtlas with three fonts and its Alpha8
// pixels (ImGui makes RGBA32 from them when the SDL renderer backend asks). No rasterising
// here, only bookkeeping and one copy of the pixels.
std::unique_ptr<ImFontAtlas> MakeImFontAtlas(RasterAtlas& raster) {
    auto atlas = std::make_unique<ImFontAtlas>();
    // No mouse cursors, no baked lines: this atlas has neither (ImGui draws lines as polygons).
    atlas->Flags |= ImFontAtlasFlags_NoMouseCursors | ImFontAtlasFlags_NoPowerOfTwoHeight |
                    ImFontAtlasFlags_NoBakedLines;
    atlas->TexWidth = raster.width;
    atlas->TexHeight = raster.height;
    atlas->TexUvScale = ImVec2(1.0f / raster.width, 1.0f / raster.height);
    atlas->TexUvWhitePixel = ImVec2(raster.white_u, raster.white_v);
    // Copied into ImGui's allocator, which ClearTexData frees with.
    atlas->TexPixelsAlpha8 = static_cast<unsigned char*>(IM_ALLOC(raster.alpha.size()));
    std::memcpy(atlas->TexPixelsAlpha8, raster.alpha.data(), raster.alpha.size());
    raster.alpha = {};
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
    std::condition_variable changed;   // a worker published an atlas or finished
    std::unique_ptr<Built> ready;      // guarded by mutex: finished, waiting to be installed
    uint64_t ready_generation = 0;     // guarded by mutex
    uint64_t finished_generation = 0;  // guarded by mutex: the last worker that returned
};

FontLibrary::FontLibrary(Window& window) : window_(window), shared_(std::make_shared<Shared>()) {}
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

Result<FontSet> FontLibrary::Load(const FontOptions& options, FirstScreenTexts first,
                                  std::vector<std::string> texts,
                                  std::vector<std::string> display_texts) {
    generation_ = shared_->generation.fetch_add(1) + 1;
    worker_started_ = false;
    ReapFinishedWorkers();
    {
        std::lock_guard lock(shared_->mutex);
        shared_->ready.reset();  // built from the previous texts
    }
    auto src = std::make_shared<Sources>();
    src->options = options;
    src->regular_path = options.regular_path.empty() ? FindCjkFont(false) : options.regular_path;
    auto regular = std::make_shared<MappedFile>();
    if (src->regular_path.empty() || !regular->Open(src->regular_path)) {
        return Error{"font", "no CJK font found (install fonts-noto-cjk or fonts-wqy-microhei)" +
                                 (options.regular_path.empty() ? std::string()
                                                               : ": " + options.regular_path)};
    }
    src->regular = regular;
    src->bold_path = options.bold_path.empty() ? FindCjkFont(true) : options.bold_path;
    auto bold = std::make_shared<MappedFile>();
    if (!src->bold_path.empty() && bold->Open(src->bold_path)) {
        src->bold = std::move(bold);
    } else {
        src->bold_path = src->regular_path;
        src->bold = src->regular;
    }
    src->first = std::move(first);
    src->texts = std::move(texts);
    src->display_texts = std::move(display_texts);

    auto first_atlas = BuildAtlas(*src, FontStage::kFirst);
    if (!first_atlas) return Error{"font", "cannot build fonts from " + src->regular_path};
    FontSet set;
    set.regular_path = src->regular_path;
    if (auto st = Install(std::move(first_atlas), set); !st) return st.error();
    sources_ = std::move(src);
    return set;
}

Status FontLibrary::BuildFullNow(FontSet& fonts) {
    if (!sources_) return Error{"font", "fonts not loaded"};
    auto full = BuildAtlas(*sources_, FontStage::kFull);
    if (!full) return Error{"font", "cannot build the full glyph set"};
    {
        std::lock_guard lock(shared_->mutex);
        shared_->ready.reset();  // a worker's kUi atlas would hold less than this
    }
    sources_.reset();
    return Install(std::move(full), fonts);
}

void FontLibrary::BuildFullInBackground(std::function<void()> on_ready) {
    if (!sources_ || worker_started_) return;
    worker_started_ = true;
    ReapFinishedWorkers();
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::thread thread([shared = shared_, generation = generation_, src = sources_,
                        on_ready = std::move(on_ready), done]() mutable {
        const auto current = [&] { return shared->generation.load() == generation; };
        // Hands an atlas over unless a newer generation began; false when this one is stale.
        const auto publish = [&](std::unique_ptr<Built> built) {
            {
                std::lock_guard lock(shared->mutex);
                if (!current()) return false;
                shared->ready = std::move(built);  // a kUi still waiting is replaced by kFull
                shared->ready_generation = generation;
            }
            shared->changed.notify_all();
            if (on_ready) on_ready();
            return true;
        };
        if (current()) {
            auto ui = BuildAtlas(*src, FontStage::kUi);
            if (ui && publish(std::move(ui)) && current()) {
                auto full = BuildAtlas(*src, FontStage::kFull);
                src.reset();  // this thread's hold on the mapped files
                if (full) publish(std::move(full));
            }
        }
        src.reset();
        malloc_trim(0);  // the build's scratch memory goes back to the system
        {
            std::lock_guard lock(shared->mutex);
            shared->finished_generation = std::max(shared->finished_generation, generation);
        }
        shared->changed.notify_all();
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
    if (!ready || ready->stage <= fonts.stage) return false;
    const bool full = ready->stage == FontStage::kFull;
    if (auto st = Install(std::move(ready), fonts); !st) return st.error();
    if (full) sources_.reset();  // nothing left to build from the files
    return true;
}

Result<bool> FontLibrary::WaitForUiGlyphs(FontSet& fonts, std::chrono::milliseconds bound) {
    if (fonts.stage >= FontStage::kUi) return false;
    if (!sources_) return Error{"font", "fonts not loaded"};
    bool changed = false;
    if (worker_started_) {
        const uint64_t generation = generation_;
        std::unique_lock lock(shared_->mutex);
        shared_->changed.wait_for(lock, bound, [&] {
            return (shared_->ready && shared_->ready_generation == generation) ||
                   shared_->finished_generation >= generation;
        });
        lock.unlock();
        auto installed = InstallIfReady(fonts);
        if (!installed) return installed.error();
        changed = *installed;
        if (fonts.stage >= FontStage::kUi) return changed;
    }
    // No worker yet, or it failed or is late: this thread builds kUi (the worker's kFull still
    // comes, and replaces it).
    auto ui = BuildAtlas(*sources_, FontStage::kUi);
    if (!ui) return Error{"font", "cannot build the texts' glyphs"};
    if (auto st = Install(std::move(ui), fonts); !st) return st.error();
    return true;
}

// A renderer that refuses the texture (too large for the GPU, out of memory) is an error the
// caller logs, never a crash.
Status FontLibrary::Install(std::unique_ptr<Built> built, FontSet& fonts) {
    ImGuiIO& io = ImGui::GetIO();
    if (!context_atlas_) context_atlas_ = io.Fonts;
    auto made = MakeImFontAtlas(built->raster);
    ImFontAtlas* atlas = made.get();
    // The window holds one font texture: the old one goes, then the new one is made. The old
    // atlas may keep no pixels, so a failure cannot go back to it: the new atlas keeps its
    // pixels instead, and the renderer retries.
    io.Fonts = atlas;
    io.FontDefault = atlas->Fonts[0];
    const bool uploaded = window_.SetFontAtlas(atlas);
    fonts.body = atlas->Fonts[0];
    fonts.title = atlas->Fonts[1];
    fonts.huge = atlas->Fonts[2];
    fonts.glyph_count = fonts.body->Glyphs.Size;
    fonts.atlas_width = atlas->TexWidth;
    fonts.atlas_height = atlas->TexHeight;
    fonts.stage = built->stage;
    active_ = std::move(made);  // the previous atlas goes only now, after the swap
    built.reset();
    if (!uploaded) {
        // Its CPU pixels stay, so the renderer tries again at the next frame (NewFrame makes
        // the texture when it has none); until then text is not drawn, and the log says why.
        return Error{"texture", "cannot create a " + std::to_string(fonts.atlas_width) + "x" +
                                    std::to_string(fonts.atlas_height) +
                                    " font texture: " + SDL_GetError()};
    }
    // Our software rasteriser reads the Alpha8 pixels where they are; SDL's renderer has its
    // copy now, so the CPU pixels (Alpha8 and the RGBA32 ImGui made for it) can go.
    if (!window_.keeps_atlas_pixels()) atlas->ClearTexData();
    if (fonts.stage != FontStage::kFirst) malloc_trim(0);  // the build's scratch memory
    return Ok{};
}

void FontLibrary::Shutdown() {
    shared_->generation.fetch_add(1);  // whatever is still building is dropped
    for (Worker& w : workers_) w.thread.join();
    workers_.clear();
    if (context_atlas_ && ImGui::GetCurrentContext()) {
        window_.ReleaseFontAtlas();
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
