// Builds the terminal in-process the way kiosk/terminal.cpp's Terminal::Start() does.
#include "bench/kiosk_fixture.h"

#include <SDL.h>
#include <imgui.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "kiosk/app/glyph_texts.h"
#include "platform/assets.h"

namespace gk::bench {

KioskFixture::~KioskFixture() {
    app.reset();
    font_library.Shutdown();  // gives the context its own atlas back while the renderer lives
    window.Shutdown();
    if (ImGui::GetCurrentContext()) ImGui::DestroyContext();
    store.reset();
    if (!data_dir.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(data_dir, ec);
    }
}

std::string KioskFixture::OpenAllButFonts() {
    ::setenv("SDL_VIDEODRIVER", "dummy", /*overwrite=*/0);
    // Leave SIGINT and SIGTERM alone: nothing here reads SDL_QUIT, so SDL's handlers would make
    // the benchmark impossible to stop with Ctrl-C.
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    char pattern[] = "/tmp/gk-bench-kiosk-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) return "mkdtemp failed";
    data_dir = pattern;
    config.terminal_number = 7;
    config.grid_path =
        "西安市/碑林区/张家村街道/建东社区/第3网格";  // no default grid: a terminal needs one
    glyph_extra = {config.community, config.grid_name};

    auto opened = Store::Open(data_dir, clock, StoreOptions{config.max_queue, 0});
    if (!opened) return "store: " + opened.error().message;
    store = std::move(*opened);
    if (auto st = store->set_terminal_number(7); !st) return "store: " + st.error().message;

    const std::string assets = FindAssetsDir();
    if (auto st = strings.LoadDir(assets + "/i18n"); !st) return "strings: " + st.error().message;
    std::string text;
    if (!ReadTextFile(assets + "/catalogue.json", text)) return "cannot read catalogue.json";
    auto parsed = ParseCatalogueJson(text);
    if (!parsed) return "catalogue: " + parsed.error().message;
    catalogue = std::move(*parsed);
    if (auto st = store->SaveCatalogue(text); !st) return "store: " + st.error().message;

    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
    WindowOptions wo;
    wo.fullscreen = false;
    wo.width = window_width;
    wo.height = window_height;
    wo.renderer = config.renderer;
    if (auto st = window.Init(wo); !st) return "window: " + st.error().message;
    return "";
}

std::vector<std::string> KioskFixture::GlyphTexts() const {
    const auto views = gk::GlyphTexts(strings, catalogue, glyph_extra);
    return {views.begin(), views.end()};
}

FontOptions KioskFixture::Fonts() const {
    FontOptions fo;
    fo.regular_path = config.font;
    fo.base_px = std::round(30.0f * std::min(window.width(), window.height()) / 1080.0f);
    fo.base_px = std::clamp(fo.base_px, 14.0f, 60.0f);
    return fo;
}

FirstScreenTexts KioskFixture::FirstTexts() const {
    return gk::AttractTexts(strings, PlaceLine(config.community, config.grid_name));
}

std::vector<std::string> KioskFixture::DisplayTexts() const {
    const auto views = gk::DisplayTexts(strings);
    return {views.begin(), views.end()};
}

std::string KioskFixture::Open() {
    if (std::string error = OpenAllButFonts(); !error.empty()) return error;
    auto loaded = font_library.Load(Fonts(), FirstTexts(), GlyphTexts(), DisplayTexts());
    if (!loaded) return "fonts: " + loaded.error().message;
    fonts = *loaded;
    if (auto st = font_library.BuildFullNow(fonts); !st) return "fonts: " + st.error().message;
    app = std::make_unique<App>(config, catalogue, store.get(), clock);
    return "";
}

}  // namespace gk::bench
