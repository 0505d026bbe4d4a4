// Locating CJK fonts and building the ImGui font atlas with the glyphs the kiosk needs.
#include "platform/fonts.h"

#include <iconv.h>
#include <imgui.h>
#include <imgui_impl_sdlrenderer.h>

#include <filesystem>

#include "core/utf8.h"

namespace gk {
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
    for (const auto& c : kRegular) if (path == c.path) return c.face;
    for (const auto& c : kBold) if (path == c.path) return c.face;
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
        for (const auto& c : kBold) if (std::filesystem::exists(c.path)) return c.path;
        return "";
    }
    for (const auto& c : kRegular) if (std::filesystem::exists(c.path)) return c.path;
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

Result<FontSet> LoadFonts(const FontOptions& options, const std::vector<std::string_view>& texts,
                          const std::vector<std::string_view>& display_texts) {
    FontSet set;
    set.regular_path = options.regular_path.empty() ? FindCjkFont(false) : options.regular_path;
    if (set.regular_path.empty() || !std::filesystem::exists(set.regular_path)) {
        return Error{"font", "no CJK font found (install fonts-noto-cjk or fonts-wqy-microhei)" +
                                 (options.regular_path.empty() ? std::string()
                                                               : ": " + options.regular_path)};
    }
    std::string bold_path = options.bold_path.empty() ? FindCjkFont(true) : options.bold_path;
    if (bold_path.empty() || !std::filesystem::exists(bold_path)) bold_path = set.regular_path;

    ImGuiIO& io = ImGui::GetIO();
    ImFontAtlas* atlas = io.Fonts;
    ImGui_ImplSDLRenderer_DestroyFontsTexture();  // a rebuild (new catalogue) replaces the old one
    atlas->Clear();
    atlas->TexDesiredWidth = 4096;
    atlas->Flags |= ImFontAtlasFlags_NoMouseCursors;

    // Ranges must outlive the atlas build: keep them in statics owned by this module.
    static ImVector<ImWchar> body_ranges, title_ranges, huge_ranges;
    {
        ImFontGlyphRangesBuilder b;
        b.AddRanges(atlas->GetGlyphRangesDefault());
        for (char32_t cp : Gb2312CodePoints()) b.AddChar(static_cast<ImWchar>(cp));
        for (auto t : texts) AddText(b, t);
        b.AddText("·—…“”‘’、。，：；！？（）《》【】￥×←→↑↓✓");
        body_ranges.clear();
        b.BuildRanges(&body_ranges);
    }
    {
        ImFontGlyphRangesBuilder b;
        b.AddRanges(atlas->GetGlyphRangesDefault());
        for (auto t : texts) AddText(b, t);
        b.AddText("·—…“”‘’、。，：；！？（）《》【】←→✓");
        title_ranges.clear();
        b.BuildRanges(&title_ranges);
    }
    {
        ImFontGlyphRangesBuilder b;
        b.AddRanges(atlas->GetGlyphRangesDefault());
        for (auto t : display_texts) AddText(b, t);
        huge_ranges.clear();
        b.BuildRanges(&huge_ranges);
    }

    ImFontConfig cfg;
    cfg.OversampleH = 1;  // CJK glyphs are dense; horizontal oversampling only grows the atlas
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    cfg.FontNo = FaceFor(set.regular_path);
    set.body = atlas->AddFontFromFileTTF(set.regular_path.c_str(), options.base_px, &cfg,
                                         body_ranges.Data);
    ImFontConfig bold_cfg = cfg;
    bold_cfg.FontNo = FaceFor(bold_path);
    set.title = atlas->AddFontFromFileTTF(bold_path.c_str(), options.base_px * 1.6f, &bold_cfg,
                                          title_ranges.Data);
    set.huge = atlas->AddFontFromFileTTF(bold_path.c_str(), options.base_px * 2.6f, &bold_cfg,
                                         huge_ranges.Data);
    if (!set.body || !set.title || !set.huge || !atlas->Build()) {
        return Error{"font", "cannot load font " + set.regular_path};
    }
    set.glyph_count = set.body->Glyphs.Size;
    set.atlas_width = atlas->TexWidth;
    set.atlas_height = atlas->TexHeight;
    io.FontDefault = set.body;

    // Upload now and drop the CPU copies (alpha and RGBA): the texture is all we need.
    ImGui_ImplSDLRenderer_CreateFontsTexture();
    atlas->ClearTexData();
    return set;
}

}  // namespace gk
