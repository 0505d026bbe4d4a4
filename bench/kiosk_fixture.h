// The terminal as RunTerminal() builds it (store in a temp dir, strings, catalogue, an SDL
// window, the fonts through gk::FontLibrary with the full glyph set, the App), in-process, for
// the Google Benchmark benchmarks.
// Video: SDL's dummy driver unless SDL_VIDEODRIVER says otherwise; renderer as configured
// ("auto": the dummy driver has only the software renderer, as the terminal then uses).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/catalogue.h"
#include "core/i18n.h"
#include "kiosk/app/app.h"
#include "kiosk/app/config.h"
#include "kiosk/store/store.h"
#include "kiosk/ui/layout.h"
#include "platform/clock.h"
#include "platform/fonts.h"
#include "platform/window.h"

namespace gk::bench {

struct KioskFixture {
    std::string data_dir;  // under /tmp, removed by the destructor
    KioskConfig config;
    std::vector<std::string> glyph_extra;  // community and grid name, as the terminal adds them
    SimulatedClock clock{1795000000000};   // fixed time: no idle countdown starts mid-benchmark
    std::unique_ptr<Store> store;
    Strings strings;
    Catalogue catalogue;
    Window window;
    FontLibrary font_library{
        window};  // owns the installed atlas; shut down before the ImGui context goes
    FontSet fonts;
    std::unique_ptr<App> app;
    FrameLayout layout;
    long frame = 0;
    int window_width = 1920;  // the window Open() makes (windowed), output pixels
    int window_height = 1080;

    KioskFixture() = default;
    KioskFixture(const KioskFixture&) = delete;
    KioskFixture& operator=(const KioskFixture&) = delete;
    ~KioskFixture();

    // Store, strings, catalogue, ImGui context and window; "" or the reason it failed.
    std::string OpenAllButFonts();
    // The terminal's glyph texts (kiosk/app/glyph_texts.h), as FontLibrary::Load takes them.
    std::vector<std::string> GlyphTexts() const;
    FontOptions Fonts() const;  // the terminal's font options for this window
    // What the attract screen draws (kiosk/app/glyph_texts.h): the first atlas's texts.
    FirstScreenTexts FirstTexts() const;
    std::vector<std::string> DisplayTexts() const;
    // OpenAllButFonts, the fonts (FontLibrary::Load with background=false: GB2312 is in when
    // it returns, as in the terminal once the worker's atlas is installed) and the App;
    // "" or the reason it failed.
    std::string Open();
};

}  // namespace gk::bench
