// Window and renderer: SDL2 window (fullscreen by default) and one of two ways to draw Dear
// ImGui's draw data, chosen at run time:
// - with a GPU, an accelerated SDL_Renderer and ImGui's SDL_Renderer backend;
// - without one, our own rasteriser (soft_raster.h) straight into the window surface.
// Both track damage: a frame that changes nothing is neither drawn nor shown; the software path
// also draws and shows only the changed rectangles.
// Verbs as at every seam: Init, NewFrame, ProcessEvent (see input.h), Render, Shutdown.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "platform/soft_raster.h"

struct SDL_Window;
struct SDL_Renderer;
struct SDL_Surface;
union SDL_Event;
struct ImFontAtlas;

namespace gk {

struct WindowOptions {
    bool fullscreen = true;  // SDL_WINDOW_FULLSCREEN_DESKTOP, cursor hidden
    int width = 1920;        // used when windowed
    int height = 1080;
    std::string renderer = "auto";  // "auto" | "software" | "accelerated"
    bool damage_tracking = true;    // false: every frame drawn and shown in full (diagnosis)
    std::string title = "网格服务站 gridkiosk";
};

class Window {
  public:
    // Error code "no_display" when SDL video cannot start (exit code 4), "renderer" otherwise.
    Status Init(const WindowOptions& options);
    void Shutdown();
    ~Window() { Shutdown(); }

    // Window events: after the window was uncovered, resized, shown or restored the screen
    // holds nothing we drew, so the next Render draws and shows everything. True when used.
    bool ProcessEvent(const SDL_Event& event);
    // Starts an ImGui frame: display size from the renderer's output, delta time given.
    void NewFrame(float delta_seconds);
    // Renders ImGui's draw data (only what changed since the last Render); Present() shows it.
    // Split so a screenshot can read the pixels in between.
    void Render();
    void Present();
    // The next Render draws and shows everything, changed or not.
    void InvalidateAll() { damage_.Invalidate(); }
    // Pixels drawn by the last Render (0: nothing changed, the frame is not shown).
    long last_damage_pixels() const { return last_damage_pixels_; }
    // Reads the current back buffer as tightly packed RGBA8 (call between Render and Present).
    bool ReadPixels(std::vector<uint8_t>& rgba, int& width, int& height);

    // The font atlas's texture (ImGui's TexID is set here). With our software rasteriser the
    // atlas's alpha pixels are read where they are, so the atlas must keep them
    // (keeps_atlas_pixels()); with SDL's renderer they are uploaded as RGBA, after which the
    // atlas may drop its CPU copies. False (SDL_GetError() says why) when the texture is refused.
    bool SetFontAtlas(ImFontAtlas* atlas);
    // Before an atlas set here is destroyed.
    void ReleaseFontAtlas();
    bool keeps_atlas_pixels() const { return software_; }

    int width() const;  // output pixels
    int height() const;
    bool fullscreen() const { return options_.fullscreen; }
    bool software() const { return software_; }
    // False for SDL's dummy video driver (headless tests): no input can arrive through it.
    bool has_input_events() const { return has_input_events_; }
    SDL_Renderer* renderer() { return renderer_; }
    SDL_Window* sdl_window() { return window_; }

  private:
    bool BindSurface();  // software: canvas on the current window surface

    WindowOptions options_;
    SDL_Window* window_ = nullptr;
    SDL_Renderer* renderer_ = nullptr;
    bool software_ = false;
    bool imgui_backend_ = false;
    bool has_input_events_ = true;
    bool fullscreen_pending_ = false;  // borderless over the display until the first Present
    // Software path.
    SDL_Surface* surface_ = nullptr;    // the window's, as last bound
    std::vector<uint32_t> own_pixels_;  // when the surface is not 32-bit: drawn here, converted
    Canvas canvas_;
    AlphaTexture font_texture_;
    std::vector<uint8_t> font_alpha_;  // a copy, only for an atlas that has RGBA pixels only
    std::vector<Primitive> primitives_;
    std::vector<PixelRect> to_show_;  // drawn by Render, shown by Present
    DamageTracker damage_;
    long last_damage_pixels_ = 0;
};

// Writes RGBA8 pixels as a PNG file (atomically: temp file + rename).
bool WritePng(const std::string& path, const std::vector<uint8_t>& rgba, int width, int height);

}  // namespace gk
