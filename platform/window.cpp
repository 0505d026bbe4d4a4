// SDL2 window + SDL_Renderer + Dear ImGui's SDL_Renderer backend (compiled from libimgui-dev).
#include "platform/window.h"

#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdlrenderer.h>
#include <stb_image_write.h>

#include <cstdio>
#include <filesystem>

#include "platform/log.h"

namespace gk {

Status Window::Init(const WindowOptions& options) {
    options_ = options;
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER | SDL_INIT_EVENTS) != 0) {
        return Error{"no_display", std::string("cannot start video: ") + SDL_GetError()};
    }
    // With no display SDL quietly falls back to its invisible "offscreen" driver; a terminal
    // nobody can see must say so (exit 4) unless that driver was asked for.
    const char* driver = SDL_GetCurrentVideoDriver();
    has_input_events_ =
        !(driver && (std::string(driver) == "dummy" || std::string(driver) == "offscreen"));
    const char* wanted = SDL_getenv("SDL_VIDEODRIVER");
    if (driver && std::string(driver) == "offscreen" &&
        !(wanted && std::string(wanted) == "offscreen")) {
        SDL_Quit();
        return Error{"no_display",
                     "no display (DISPLAY is not set and no video driver was chosen)"};
    }
    // Touch panels send finger events; we translate them ourselves (input.cpp), so SDL must
    // not also synthesise mouse events from touches, nor touches from the mouse.
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    SDL_SetHint(SDL_HINT_IME_SHOW_UI, "1");

    Uint32 flags = SDL_WINDOW_SHOWN | SDL_WINDOW_ALLOW_HIGHDPI;
    if (options.fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    window_ = SDL_CreateWindow(options.title.c_str(), SDL_WINDOWPOS_CENTERED,
                               SDL_WINDOWPOS_CENTERED, options.width, options.height, flags);
    if (!window_)
        return Error{"no_display", std::string("cannot open a window: ") + SDL_GetError()};

    // "auto" without a GPU render node (a VM, Xvfb) goes straight to SDL's software renderer:
    // a software OpenGL (llvmpipe) would draw the same pixels slower, start slower and cost
    // about 70 MB more.
    const bool has_gpu = std::filesystem::exists("/dev/dri/renderD128");
    const bool want_software =
        options.renderer == "software" || (options.renderer == "auto" && !has_gpu);
    if (!want_software) {
        renderer_ = SDL_CreateRenderer(window_, -1, SDL_RENDERER_ACCELERATED);
        if (!renderer_ && options.renderer == "accelerated") {
            return Error{"renderer", std::string("no accelerated renderer: ") + SDL_GetError()};
        }
    }
    if (!renderer_) {
        // The software path draws straight into the window surface: no GL framebuffer needed.
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        renderer_ = SDL_CreateRenderer(window_, -1, SDL_RENDERER_SOFTWARE);
        software_ = true;
    }
    if (!renderer_)
        return Error{"renderer", std::string("cannot create a renderer: ") + SDL_GetError()};
    SDL_RendererInfo info{};
    SDL_GetRendererInfo(renderer_, &info);
    software_ = (info.flags & SDL_RENDERER_SOFTWARE) != 0;
    log::Info(std::string("renderer=") + info.name + " video=" + SDL_GetCurrentVideoDriver());

    if (options.fullscreen) SDL_ShowCursor(SDL_DISABLE);
    ImGui_ImplSDLRenderer_Init(renderer_);
    imgui_backend_ = true;
    return Ok{};
}

void Window::Shutdown() {
    if (imgui_backend_) ImGui_ImplSDLRenderer_Shutdown();
    imgui_backend_ = false;
    if (renderer_) SDL_DestroyRenderer(renderer_);
    if (window_) SDL_DestroyWindow(window_);
    if (renderer_ || window_) SDL_Quit();
    renderer_ = nullptr;
    window_ = nullptr;
}

int Window::width() const {
    int w = 0, h = 0;
    SDL_GetRendererOutputSize(renderer_, &w, &h);
    return w;
}

int Window::height() const {
    int w = 0, h = 0;
    SDL_GetRendererOutputSize(renderer_, &w, &h);
    return h;
}

void Window::NewFrame(float delta_seconds) {
    ImGuiIO& io = ImGui::GetIO();
    int w = 0, h = 0;
    SDL_GetRendererOutputSize(renderer_, &w, &h);
    io.DisplaySize = ImVec2(static_cast<float>(w), static_cast<float>(h));
    io.DisplayFramebufferScale = ImVec2(1, 1);
    io.DeltaTime = delta_seconds > 0 ? delta_seconds : 1.0f / 60.0f;
    ImGui_ImplSDLRenderer_NewFrame();
}

void Window::Render() {
    SDL_SetRenderDrawColor(renderer_, 0, 0, 0, 255);
    SDL_RenderClear(renderer_);
    ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
}

bool Window::SetFontAtlas(ImFontAtlas* atlas) {
    ImGui_ImplSDLRenderer_DestroyFontsTexture();
    ImGui::GetIO().Fonts = atlas;
    return ImGui_ImplSDLRenderer_CreateFontsTexture();
}

void Window::ReleaseFontAtlas() { ImGui_ImplSDLRenderer_DestroyFontsTexture(); }


void Window::Present() { SDL_RenderPresent(renderer_); }

bool Window::ReadPixels(std::vector<uint8_t>& rgba, int& width, int& height) {
    SDL_GetRendererOutputSize(renderer_, &width, &height);
    rgba.resize(static_cast<size_t>(width) * height * 4);
    return SDL_RenderReadPixels(renderer_, nullptr, SDL_PIXELFORMAT_ABGR8888, rgba.data(),
                                width * 4) == 0;
}

bool WritePng(const std::string& path, const std::vector<uint8_t>& rgba, int width, int height) {
    const std::string tmp = path + ".tmp";
    if (!stbi_write_png(tmp.c_str(), width, height, 4, rgba.data(), width * 4)) return false;
    return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace gk
