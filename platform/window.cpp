// SDL2 window + SDL_Renderer + Dear ImGui's SDL_Renderer backend (compiled from libimgui-dev).
#include "platform/window.h"

#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdlrenderer.h>
#include <stb_image_write.h>

#include <cstdio>
#include <filesystem>

#include "platform/log.h"
#include "platform/window_manager.h"

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

    // Fullscreen is a borderless window over the whole display. SDL 2.26 on X11 waits up to
    // 100 ms for a window manager to answer a fullscreen request, and a kiosk X session often
    // has none: then the borderless window is all there is to it. With a window manager (or on
    // Wayland) the window asks to become fullscreen after the first frame is shown (Present).
    Uint32 flags = SDL_WINDOW_SHOWN | SDL_WINDOW_ALLOW_HIGHDPI;
    int x = SDL_WINDOWPOS_CENTERED, y = SDL_WINDOWPOS_CENTERED;
    int w = options.width, h = options.height;
    if (options.fullscreen) {
        SDL_Rect bounds{};
        if (SDL_GetDisplayBounds(0, &bounds) == 0 && bounds.w > 0 && bounds.h > 0) {
            x = bounds.x;
            y = bounds.y;
            w = bounds.w;
            h = bounds.h;
            flags |= SDL_WINDOW_BORDERLESS;
        } else {
            flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
        }
    }
    window_ = SDL_CreateWindow(options.title.c_str(), x, y, w, h, flags);
    if (!window_)
        return Error{"no_display", std::string("cannot open a window: ") + SDL_GetError()};
    fullscreen_pending_ = (flags & SDL_WINDOW_BORDERLESS) && HasWindowManager(window_);

    // "auto" without a GPU render node (a VM, Xvfb) goes straight to our own rasteriser: a
    // software OpenGL (llvmpipe) would draw the same pixels slower, start slower and cost
    // about 70 MB more, and SDL's software renderer takes ~90 ms for a home screen.
    const bool has_gpu = std::filesystem::exists("/dev/dri/renderD128");
    const bool want_software =
        options.renderer == "software" || (options.renderer == "auto" && !has_gpu);
    if (!want_software) {
        renderer_ = SDL_CreateRenderer(window_, -1, SDL_RENDERER_ACCELERATED);
        if (!renderer_ && options.renderer == "accelerated") {
            return Error{"renderer", std::string("no accelerated renderer: ") + SDL_GetError()};
        }
    }
    if (options.fullscreen) SDL_ShowCursor(SDL_DISABLE);
    ImGuiIO& io = ImGui::GetIO();
    if (renderer_) {
        SDL_RendererInfo info{};
        SDL_GetRendererInfo(renderer_, &info);
        log::Info(std::string("renderer=") + info.name + " video=" + SDL_GetCurrentVideoDriver());
        ImGui_ImplSDLRenderer_Init(renderer_);
        imgui_backend_ = true;
        return Ok{};
    }
    // No GPU: our rasteriser draws into the window surface (no SDL_Renderer on this window),
    // the video driver's own framebuffer (X11: shared memory), not a texture of a renderer.
    software_ = true;
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (!BindSurface()) {
        return Error{"renderer", std::string("cannot get the window surface: ") + SDL_GetError()};
    }
    io.BackendRendererName = "gridkiosk_soft_raster";
    io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
    log::Info(std::string("renderer=soft_raster video=") + SDL_GetCurrentVideoDriver() +
              (options.damage_tracking ? "" : " damage_tracking=off"));
    return Ok{};
}

// The window surface is SDL's (its pixels live in shared memory with the X server); it is
// replaced when the window changes size, and then everything is drawn again.
bool Window::BindSurface() {
    SDL_Surface* surface = SDL_GetWindowSurface(window_);
    if (!surface) return false;
    if (surface == surface_ && canvas_.width == surface->w && canvas_.height == surface->h)
        return true;
    surface_ = surface;
    const SDL_PixelFormat* f = surface->format;
    canvas_.width = surface->w;
    canvas_.height = surface->h;
    // Drawn in place when it is XRGB or XBGR (X11, the dummy driver), else converted.
    const bool rgb32 = f->BytesPerPixel == 4 && f->Gmask == 0x00FF00u &&
                       ((f->Rmask == 0xFF0000u && f->Bmask == 0x0000FFu) ||
                        (f->Rmask == 0x0000FFu && f->Bmask == 0xFF0000u));
    if (rgb32) {
        own_pixels_ = {};
        canvas_.pixels = static_cast<uint32_t*>(surface->pixels);
        canvas_.stride = surface->pitch / 4;
        canvas_.r_shift = f->Rshift;
        canvas_.g_shift = f->Gshift;
        canvas_.b_shift = f->Bshift;
    } else {
        own_pixels_.assign(static_cast<size_t>(surface->w) * surface->h, 0);
        canvas_.pixels = own_pixels_.data();
        canvas_.stride = surface->w;
        canvas_.r_shift = 16;
        canvas_.g_shift = 8;
        canvas_.b_shift = 0;
    }
    damage_.Invalidate();
    return true;
}

void Window::Shutdown() {
    if (imgui_backend_) ImGui_ImplSDLRenderer_Shutdown();
    imgui_backend_ = false;
    if (renderer_) SDL_DestroyRenderer(renderer_);
    if (window_) SDL_DestroyWindow(window_);
    if (renderer_ || window_) SDL_Quit();
    renderer_ = nullptr;
    window_ = nullptr;
    surface_ = nullptr;
    canvas_ = Canvas{};
}

int Window::width() const {
    int w = 0, h = 0;
    if (renderer_) {
        SDL_GetRendererOutputSize(renderer_, &w, &h);
    } else if (window_) {
        SDL_GetWindowSizeInPixels(window_, &w, &h);
    }
    return w;
}

int Window::height() const {
    int w = 0, h = 0;
    if (renderer_) {
        SDL_GetRendererOutputSize(renderer_, &w, &h);
    } else if (window_) {
        SDL_GetWindowSizeInPixels(window_, &w, &h);
    }
    return h;
}

bool Window::ProcessEvent(const SDL_Event& event) {
    if (event.type != SDL_WINDOWEVENT) return false;
    switch (event.window.event) {
        case SDL_WINDOWEVENT_EXPOSED:
        case SDL_WINDOWEVENT_SHOWN:
        case SDL_WINDOWEVENT_RESTORED:
        case SDL_WINDOWEVENT_MAXIMIZED:
        case SDL_WINDOWEVENT_SIZE_CHANGED:
        case SDL_WINDOWEVENT_RESIZED:
            damage_.Invalidate();
            return true;
        default:
            return false;
    }
}

void Window::NewFrame(float delta_seconds) {
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(static_cast<float>(width()), static_cast<float>(height()));
    io.DisplayFramebufferScale = ImVec2(1, 1);
    io.DeltaTime = delta_seconds > 0 ? delta_seconds : 1.0f / 60.0f;
    if (imgui_backend_) ImGui_ImplSDLRenderer_NewFrame();
}

void Window::Render() {
    const ImDrawData* data = ImGui::GetDrawData();
    to_show_.clear();
    last_damage_pixels_ = 0;
    if (!data) return;
    if (!software_) {
        // A GPU redraws the whole back buffer, but only when something changed.
        CollectPrimitives(*data, width(), height(), primitives_);
        if (!options_.damage_tracking) damage_.Invalidate();
        if (damage_.Update(primitives_, width(), height()).empty()) return;
        SDL_SetRenderDrawColor(renderer_, 0, 0, 0, 255);
        SDL_RenderClear(renderer_);
        ImGui_ImplSDLRenderer_RenderDrawData(const_cast<ImDrawData*>(data));
        to_show_.push_back({0, 0, width(), height()});
        last_damage_pixels_ = to_show_.back().area();
        return;
    }
    if (!BindSurface()) {
        log::Error(std::string("window surface lost: ") + SDL_GetError());
        return;
    }
    CollectPrimitives(*data, canvas_.width, canvas_.height, primitives_);
    if (!options_.damage_tracking) damage_.Invalidate();
    const std::vector<PixelRect>& damage =
        damage_.Update(primitives_, canvas_.width, canvas_.height);
    const bool locked = SDL_MUSTLOCK(surface_) ? SDL_LockSurface(surface_) == 0 : true;
    for (const PixelRect& r : damage) {
        Rasterise(primitives_, canvas_, r);
        if (!own_pixels_.empty() && locked) {
            // Not a 32-bit RGB surface: convert the piece into it.
            auto* dst = static_cast<uint8_t*>(surface_->pixels) +
                        static_cast<size_t>(r.y0) * surface_->pitch +
                        static_cast<size_t>(r.x0) * surface_->format->BytesPerPixel;
            const uint32_t* src =
                own_pixels_.data() + static_cast<size_t>(r.y0) * canvas_.stride + r.x0;
            if (SDL_ConvertPixels(r.x1 - r.x0, r.y1 - r.y0, SDL_PIXELFORMAT_ARGB8888, src,
                                  canvas_.stride * 4, surface_->format->format, dst,
                                  surface_->pitch) != 0) {
                damage_.Invalidate();
            }
        }
        to_show_.push_back(r);
        last_damage_pixels_ += r.area();
    }
    if (SDL_MUSTLOCK(surface_) && locked) SDL_UnlockSurface(surface_);
}

void Window::Present() {
    if (!to_show_.empty()) {
        if (software_) {
            std::vector<SDL_Rect> rects;
            rects.reserve(to_show_.size());
            for (const PixelRect& r : to_show_)
                rects.push_back({r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0});
            if (SDL_UpdateWindowSurfaceRects(window_, rects.data(),
                                             static_cast<int>(rects.size())) != 0)
                damage_.Invalidate();  // shown nothing: show everything next time
        } else {
            SDL_RenderPresent(renderer_);
        }
        to_show_.clear();
    }
    if (fullscreen_pending_) {
        // After the first frame is on the screen (see Init): a window manager that honours it
        // puts the window above its panels; without one it is already over the whole display.
        fullscreen_pending_ = false;
        SDL_SetWindowFullscreen(window_, SDL_WINDOW_FULLSCREEN_DESKTOP);
    }
}

bool Window::SetFontAtlas(ImFontAtlas* atlas) {
    ImGuiIO& io = ImGui::GetIO();
    damage_.Invalidate();
    if (!software_) {
        ImGui_ImplSDLRenderer_DestroyFontsTexture();
        io.Fonts = atlas;
        return ImGui_ImplSDLRenderer_CreateFontsTexture();
    }
    io.Fonts = atlas;
    font_alpha_ = {};
    if (atlas->TexPixelsAlpha8) {
        font_texture_ = {atlas->TexPixelsAlpha8, atlas->TexWidth, atlas->TexHeight};
    } else if (atlas->TexPixelsRGBA32) {
        // Only the coverage is read: keep the alpha channel.
        const size_t n = static_cast<size_t>(atlas->TexWidth) * atlas->TexHeight;
        font_alpha_.resize(n);
        for (size_t i = 0; i < n; ++i)
            font_alpha_[i] = static_cast<uint8_t>(atlas->TexPixelsRGBA32[i] >> 24);
        font_texture_ = {font_alpha_.data(), atlas->TexWidth, atlas->TexHeight};
    } else {
        SDL_SetError("font atlas has no pixels");
        return false;
    }
    atlas->SetTexID(static_cast<ImTextureID>(&font_texture_));
    return true;
}

void Window::ReleaseFontAtlas() {
    if (!software_) {
        ImGui_ImplSDLRenderer_DestroyFontsTexture();
        return;
    }
    font_texture_ = {};
    font_alpha_ = {};
    damage_.Invalidate();
}

bool Window::ReadPixels(std::vector<uint8_t>& rgba, int& width, int& height) {
    if (!software_) {
        if (to_show_.empty()) {
            // Nothing changed, so nothing was drawn: the back buffer holds an older frame.
            SDL_SetRenderDrawColor(renderer_, 0, 0, 0, 255);
            SDL_RenderClear(renderer_);
            if (ImDrawData* data = ImGui::GetDrawData()) ImGui_ImplSDLRenderer_RenderDrawData(data);
            to_show_.push_back({0, 0, this->width(), this->height()});
        }
        SDL_GetRendererOutputSize(renderer_, &width, &height);
        rgba.resize(static_cast<size_t>(width) * height * 4);
        return SDL_RenderReadPixels(renderer_, nullptr, SDL_PIXELFORMAT_ABGR8888, rgba.data(),
                                    width * 4) == 0;
    }
    width = canvas_.width;
    height = canvas_.height;
    if (!canvas_.pixels) return false;
    rgba.resize(static_cast<size_t>(width) * height * 4);
    for (int y = 0; y < height; ++y) {
        const uint32_t* row = canvas_.pixels + static_cast<size_t>(y) * canvas_.stride;
        uint8_t* out = rgba.data() + static_cast<size_t>(y) * width * 4;
        for (int x = 0; x < width; ++x) {
            out[x * 4 + 0] = static_cast<uint8_t>(row[x] >> canvas_.r_shift);
            out[x * 4 + 1] = static_cast<uint8_t>(row[x] >> canvas_.g_shift);
            out[x * 4 + 2] = static_cast<uint8_t>(row[x] >> canvas_.b_shift);
            out[x * 4 + 3] = 255;
        }
    }
    return true;
}

bool WritePng(const std::string& path, const std::vector<uint8_t>& rgba, int width, int height) {
    const std::string tmp = path + ".tmp";
    if (!stbi_write_png(tmp.c_str(), width, height, 4, rgba.data(), width * 4)) return false;
    return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace gk
