// The terminal's start-up and its two loops: the interactive, event-driven loop and the
// script runner (simulated time).
//
// [SECTION] Start-up
// [SECTION] Frames
// [SECTION] Interactive loop
// [SECTION] Script runner
#include "kiosk/terminal.h"

#include <SDL.h>
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/catalogue.h"
#include "core/i18n.h"
#include "core/server_url.h"
#include "kiosk/app/app.h"
#include "kiosk/app/config.h"
#include "kiosk/app/glyph_texts.h"
#include "kiosk/app/script.h"
#include "kiosk/store/store.h"
#include "kiosk/sync/sync_worker.h"
#include "kiosk/ui/layout.h"
#include "kiosk/ui/screens.h"
#include "platform/assets.h"
#include "platform/clock.h"
#include "platform/fonts.h"
#include "platform/input.h"
#include "platform/log.h"
#include "platform/stop_signals.h"
#include "platform/window.h"

namespace gk {
namespace {

// ---------------------------------------------------------------------------------------------
// [SECTION] Start-up
// ---------------------------------------------------------------------------------------------

Uint32 g_wake_event = 0;        // SDL user event: a worker or a signal wants the loop to look
SDL_sem* g_wake_sem = nullptr;  // posted with every wake event (see RunInteractive)

// Wakes the loop from any thread, never from a signal handler (SDL_PushEvent locks and may
// allocate): signals reach it through StopSignals' watcher thread.
void WakeLoop() {
    SDL_Event e{};
    e.type = g_wake_event;
    SDL_PushEvent(&e);  // fails only on a full queue, which wakes the loop anyway
    if (g_wake_sem) SDL_SemPost(g_wake_sem);
}

int Fail(int code, const std::string& reason) {
    std::fprintf(stderr, "gridkiosk: %s\n", reason.c_str());
    return code;
}

constexpr int kSettleFramesAfterChange = 3;  // frames drawn after any input or change

class Terminal {
  public:
    Terminal(const TerminalOptions& options, const KioskConfig& config, Clock& clock,
             SimulatedClock* simulated)
        : options_(options), config_(config), clock_(clock), simulated_(simulated) {}
    ~Terminal() {
        stop_signals_.Shutdown();  // its watcher wakes the loop: gone before the semaphore
        if (sync_) sync_->Stop();
        font_library_.Shutdown();
        if (g_wake_sem) SDL_DestroySemaphore(g_wake_sem);
        g_wake_sem = nullptr;
        window_.Shutdown();
        if (ImGui::GetCurrentContext()) ImGui::DestroyContext();
    }

    int Start();
    int RunInteractive();
    int RunScript(const std::vector<ScriptStep>& steps);

  private:
    void StartSync();
    Status BuildFonts();
    void EnsureGlyphsForScreen();
    void ReloadCatalogueIfNewer();
    void HandleEvent(const SDL_Event& e);
    void OnPointerActivity();
    Action BuildFrame();
    void RenderFrame(const std::string& screenshot_path = "");
    void Settle();
    bool ScriptFail(const ScriptStep& step, const std::string& why);

    const TerminalOptions& options_;
    KioskConfig config_;
    Clock& clock_;
    SimulatedClock* simulated_;  // non-null in script mode
    std::unique_ptr<Store> store_;
    Catalogue catalogue_;
    Strings strings_;
    Window window_;
    FontLibrary font_library_{window_};
    FontSet fonts_;
    PointerInput pointer_;
    std::unique_ptr<App> app_;
    SystemClock sync_clock_;
    std::unique_ptr<SyncWorker> sync_;  // null when no server is configured: records just queue
    FrameLayout layout_;
    StopSignals stop_signals_;
    long frame_ = 0;
    int frames_left_ = kSettleFramesAfterChange;
    int64_t last_frame_ms_ = 0;
    bool running_ = true;
    bool catalogue_check_pending_ = false;   // the worker changed the store; look when idle
    bool full_glyphs_pending_ = false;       // GB2312 to build once the first frame is shown
    uint64_t glyphs_failed_generation_ = 0;  // EnsureGlyphsForScreen failed for this Load
};

int Terminal::Start() {
    // Start-up phases, logged once (ms on the real monotonic clock) for the operator and bench.
    SystemClock phase_clock;
    const int64_t t0 = phase_clock.MonotonicMs();
    std::string phases;
    const auto phase = [&](const char* name) {
        phases += std::string(phases.empty() ? "" : " ") + name + "=" +
                  std::to_string(phase_clock.MonotonicMs() - t0);
    };
    // Store first: nothing is shown before we know records are safe.
    auto store = Store::Open(options_.data_dir, clock_, StoreOptions{config_.max_queue, 0});
    if (!store) {
        const std::string& code = store.error().code;
        return Fail(code == "data_dir" ? 2 : 3, "database: " + store.error().message);
    }
    store_ = std::move(*store);
    const OpenReport& report = store_->open_report();
    if (!report.recovered_from.empty()) {
        log::Warn("database was damaged (" + report.damage + "); moved to " +
                  report.recovered_from +
                  ", rows recovered=" + std::to_string(report.rows_recovered));
    }
    if (store_->terminal_number() == 0 && config_.terminal_number > 0) {
        if (auto st = store_->set_terminal_number(static_cast<uint32_t>(config_.terminal_number));
            !st) {
            return Fail(3, "database: " + st.error().message);
        }
    }
    if (store_->terminal_number() == 0) {
        log::Warn("terminal not provisioned (no terminal number): requests cannot be accepted");
    }
    // Provisioning (gridkiosk-provision enroll) wrote the grid and the server into the store.
    if (const std::string grid = store_->grid_path(); !grid.empty()) config_.grid_path = grid;
    FillPlaceNamesFromGrid(config_);
    if (config_.grid_path.empty()) {
        log::Warn("no grid (not enrolled, no [terminal] grid_path): requests cannot be accepted");
    }
    // The tracking base of receipts' QR codes: the config's, else the one enrollment delivered.
    // Without one the receipt says tracking is on this terminal: never a link no phone can open.
    if (config_.public_url.empty()) {
        if (auto v = store_->GetSetting("public_url"); v.ok() && v->has_value())
            config_.public_url = **v;
    }
    if (!config_.public_url.empty()) {
        auto checked = CheckServerUrl(config_.public_url, config_.allow_insecure_http);
        if (!checked) {
            log::Warn("public_url " + config_.public_url + " refused: " + checked.error().message);
            config_.public_url.clear();
        } else if (checked->insecure) {
            log::Warn("insecure: receipts link to plain http " + checked->url +
                      " (allow_insecure_http)");
        }
    }
    if (config_.public_url.empty())
        log::Warn("no public URL: receipts show no QR code; tracking is on this terminal only");

    const std::string assets = FindAssetsDir();
    if (auto st = strings_.LoadDir(assets + "/i18n"); !st)
        return Fail(2, "assets: " + st.error().message);
    // The catalogue the server last sent, else the one shipped with the terminal.
    if (auto cached = store_->LoadCatalogue()) {
        catalogue_ = std::move(*cached);
    } else {
        std::string text;
        if (!ReadTextFile(assets + "/catalogue.json", text)) {
            return Fail(2, "assets: cannot read " + assets + "/catalogue.json");
        }
        auto parsed = ParseCatalogueJson(text);
        if (!parsed) return Fail(2, "assets: catalogue.json: " + parsed.error().message);
        catalogue_ = std::move(*parsed);
        if (auto st = store_->SaveCatalogue(text); !st)
            log::Warn("cannot cache catalogue: " + st.error().message);
    }

    phase("store_assets");
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // nothing written outside --data-dir
    io.LogFilename = nullptr;
    io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;

    WindowOptions wo;
    wo.fullscreen = options_.windowed_w == 0;
    if (!wo.fullscreen) {
        wo.width = options_.windowed_w;
        wo.height = options_.windowed_h;
    }
    wo.renderer = config_.renderer;
    wo.damage_tracking = config_.damage_tracking;
    if (auto st = window_.Init(wo); !st) {
        return Fail(4, st.error().message);
    }
    g_wake_event = SDL_RegisterEvents(1);
    g_wake_sem = SDL_CreateSemaphore(0);
    if (auto st = stop_signals_.Init([] { WakeLoop(); }); !st) return Fail(2, st.error().message);

    phase("window");
    if (auto st = BuildFonts(); !st) return Fail(2, st.error().message);
    phase("fonts");

    KioskConfig effective = config_;
    if (!options_.lang.empty()) effective.lang = options_.lang;
    app_ = std::make_unique<App>(effective, catalogue_, store_.get(), clock_);
    StartSync();
    last_frame_ms_ = clock_.MonotonicMs();
    SDL_StartTextInput();  // hardware keyboards, IMEs and scanners type into the focused field
    phase("app");
    log::Info("startup ms: " + phases);
    return 0;
}

// Glyphs: GB2312 plus every character of the UI catalogue, the service catalogue and the
// hall's names, at sizes that follow the window's short side. Load returns with only what the
// attract screen draws (the first frame waits for nothing more); the rest comes after the first
// frame (RenderFrame) and before any other screen is drawn (EnsureGlyphsForScreen).
Status Terminal::BuildFonts() {
    FontOptions fo;
    fo.regular_path = config_.font;
    fo.base_px = std::round(30.0f * std::min(window_.width(), window_.height()) / 1080.0f);
    fo.base_px = std::clamp(fo.base_px, 14.0f, 60.0f);
    auto fonts = font_library_.Load(
        fo, AttractTexts(strings_, PlaceLine(config_.community, config_.grid_name)),
        GlyphTexts(strings_, catalogue_, {config_.community, config_.grid_name}),
        DisplayTexts(strings_));
    if (!fonts) return fonts.error();
    fonts_ = *fonts;
    // Interactive: the texts' glyphs, then GB2312, join in the background once the first frame
    // is shown (RenderFrame). Scripted: all at once before the first screen after attract
    // (EnsureGlyphsForScreen), so screenshots never depend on timing.
    full_glyphs_pending_ = !simulated_;
    log::Info("font=" + fonts_.regular_path + " glyphs=" + std::to_string(fonts_.glyph_count) +
              " atlas=" + std::to_string(fonts_.atlas_width) + "x" +
              std::to_string(fonts_.atlas_height));
    return Ok{};
}

// Before a frame: the first atlas holds only the attract screen's characters, so any other
// screen is drawn only once every text's glyphs are in. Interactive: the worker has been at
// it since the first frame (about 100 ms); wait for it, bounded (WaitForUiGlyphs builds them
// here if the worker is late). Scripted: everything, GB2312 too, at once.
void Terminal::EnsureGlyphsForScreen() {
    if (app_->state().screen == Screen::kAttract || fonts_.stage != FontStage::kFirst) return;
    if (glyphs_failed_generation_ == font_library_.generation()) return;  // logged once
    if (simulated_) {
        if (auto st = font_library_.BuildFullNow(fonts_); !st) {
            log::Error("fonts: " + st.error().message);
            glyphs_failed_generation_ = font_library_.generation();
        }
        return;
    }
    const int64_t t0 = clock_.MonotonicMs();
    auto installed = font_library_.WaitForUiGlyphs(fonts_, std::chrono::milliseconds(1000));
    if (!installed) {
        log::Error("fonts: " + installed.error().message);
        glyphs_failed_generation_ = font_library_.generation();
    } else if (*installed) {
        log::Info("glyphs=" + std::to_string(fonts_.glyph_count) + " (texts in, waited " +
                  std::to_string(clock_.MonotonicMs() - t0) + " ms)");
    }
}

// A catalogue from the feed replaces the one in use only between sessions, so nobody's
// half-filled request changes under them; its new characters join the font atlas.
void Terminal::ReloadCatalogueIfNewer() {
    if (!catalogue_check_pending_ || app_->state().screen != Screen::kAttract) return;
    catalogue_check_pending_ = false;
    // Every upload wakes the loop; only a new version is worth reading and parsing.
    if (store_->CatalogueVersion().value_or(catalogue_.version) == catalogue_.version) return;
    auto fresh = store_->LoadCatalogue();
    if (!fresh || fresh->version == catalogue_.version) return;
    log::Info("catalogue version " + std::to_string(catalogue_.version) + " -> " +
              std::to_string(fresh->version));
    catalogue_ = std::move(*fresh);
    if (auto st = BuildFonts(); !st) log::Error("font rebuild failed: " + st.error().message);
    frames_left_ = kSettleFramesAfterChange;
}

void Terminal::StartSync() {
    const auto setting = [&](const char* key) {
        auto v = store_->GetSetting(key);
        return v.ok() && v->has_value() ? **v : std::string();
    };
    SyncOptions so;
    so.server_url = config_.server_url.empty() ? setting("server_url") : config_.server_url;
    so.token = setting("sync_token");
    if (so.server_url.empty() || so.token.empty()) {
        log::Info("no server enrolled: requests queue on this terminal");
        return;
    }
    // The same rule as the config and gridkiosk-provision (core/server_url.h), also for a URL
    // that came from the database.
    auto checked = CheckServerUrl(so.server_url, config_.allow_insecure_http);
    if (!checked) {
        log::Error("server " + so.server_url + " refused: " + checked.error().message +
                   "; requests queue on this terminal");
        return;
    }
    if (checked->insecure)
        log::Warn("insecure: sync to plain http " + checked->url + " (allow_insecure_http)");
    so.server_url = checked->url;
    // The worker always runs on real time, also in script mode: its backoff and the server's
    // Retry-After are about the network, not about the resident's simulated session.
    sync_ = std::make_unique<SyncWorker>(so, *store_, sync_clock_, [] { WakeLoop(); });
    app_->SetOnSubmitted([this] { sync_->Wake(); });
    sync_->Start();
    log::Info("sync to " + so.server_url);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Frames
// ---------------------------------------------------------------------------------------------

// A touch is activity, except while the idle countdown shows: then only its own button
// ("I need more time") keeps the session, so the tap that hides the overlay cannot also land
// on the screen beneath it.
void Terminal::OnPointerActivity() {
    if (app_->state().countdown_s < 0) app_->NoteInput();
    frames_left_ = kSettleFramesAfterChange;
}

void Terminal::HandleEvent(const SDL_Event& e) {
    if (pointer_.ProcessEvent(e, window_.width(), window_.height())) {
        OnPointerActivity();
        return;
    }
    switch (e.type) {
        case SDL_QUIT:
            // In fullscreen nothing a resident does (Alt+F4, the window's close) quits; the
            // operator stops the service with SIGTERM.
            if (!window_.fullscreen()) running_ = false;
            return;
        case SDL_TEXTINPUT:
            app_->OnText(e.text.text);
            break;
        case SDL_TEXTEDITING:
            app_->OnComposition(e.edit.text);
            break;
        case SDL_KEYDOWN:
            switch (e.key.keysym.sym) {
                case SDLK_RETURN:
                case SDLK_KP_ENTER:
                    app_->OnKey(Key::kEnter);
                    break;
                case SDLK_BACKSPACE:
                    app_->OnKey(Key::kBackspace);
                    break;
                case SDLK_ESCAPE:
                    app_->OnKey(Key::kEscape);
                    break;
                default:
                    app_->NoteInput();
                    break;
            }
            break;
        case SDL_WINDOWEVENT:
            if (!window_.ProcessEvent(e)) return;  // nothing to draw again
            break;
        default:
            if (e.type == g_wake_event) {
                if (StopSignals::requested()) running_ = false;
                app_->RefreshFromStore();  // the worker changed something the screens show
                catalogue_check_pending_ = true;
                if (auto installed = font_library_.InstallIfReady(fonts_); !installed) {
                    log::Error("fonts: " + installed.error().message);
                } else if (*installed) {
                    log::Info("glyphs=" + std::to_string(fonts_.glyph_count) +
                              (fonts_.full() ? " (GB2312 in)" : " (texts in)"));
                }
                break;
            }
            return;  // nothing that changes the screen
    }
    frames_left_ = kSettleFramesAfterChange;
}

// Input → ImGui → the current screen's draw data; returns what the resident asked for.
Action Terminal::BuildFrame() {
    const int64_t now = clock_.MonotonicMs();
    const float dt = std::clamp((now - last_frame_ms_) / 1000.0f, 0.001f, 0.25f);
    last_frame_ms_ = now;
    app_->Tick();
    EnsureGlyphsForScreen();
    pointer_.NewFrame();
    window_.NewFrame(dt);
    ImGui::NewFrame();
    layout_.Begin(frame_, ScreenName(app_->state().screen), window_.width(), window_.height());
    Ui ui{app_->state(),
          strings_,
          catalogue_,
          fonts_,
          layout_,
          Theme{},
          std::min(window_.width(), window_.height()) / 1080.0f};
    const Action action = DrawCurrentScreen(ui);
    ImGui::Render();
    ++frame_;
    return action;
}

// Builds frames until one is worth showing, then draws what changed and shows it. A frame that
// asked for a change (a tap released on a button) is not shown: what it drew is already out of
// date. The change is applied and the frame that shows its result is built at once, so a tap
// costs two shown frames (the pressed button, then the new screen), not three.
void Terminal::RenderFrame(const std::string& screenshot_path) {
    constexpr int kMaxUnshownFrames = 2;  // a screen asking for something every frame still shows
    for (int unshown = 0;; ++unshown) {
        const Action action = BuildFrame();
        const bool show =
            action.empty() || unshown == kMaxUnshownFrames || !screenshot_path.empty();
        if (show) {
            window_.Render();
            if (!screenshot_path.empty()) {
                std::vector<uint8_t> rgba;
                int w = 0, h = 0;
                if (!window_.ReadPixels(rgba, w, h) || !WritePng(screenshot_path, rgba, w, h)) {
                    log::Warn("screenshot failed: " + screenshot_path);
                }
            }
            window_.Present();
            if (full_glyphs_pending_) {
                full_glyphs_pending_ = false;
                font_library_.BuildFullInBackground([] { WakeLoop(); });
            }
            if (!options_.layout_dump.empty() && !layout_.WriteAtomically(options_.layout_dump)) {
                log::Warn("cannot write layout dump " + options_.layout_dump);
            }
        }
        if (!action.empty()) {
            app_->Apply(action);
            frames_left_ = kSettleFramesAfterChange;
        }
        if (show) return;
    }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Interactive loop
// ---------------------------------------------------------------------------------------------

int Terminal::RunInteractive() {
    while (running_) {
        SDL_Event e;
        if (frames_left_ > 0 || pointer_.pending()) {
            while (SDL_PollEvent(&e)) HandleEvent(e);
        } else {
            // Idle: sleep until an event, the next countdown second or the clock's minute.
            const int64_t wait =
                std::clamp<int64_t>(app_->NextWakeMs() - clock_.MonotonicMs(), 1, 60000);
            if (window_.has_input_events()) {
                if (SDL_WaitEventTimeout(&e, static_cast<int>(wait))) {
                    HandleEvent(e);
                    while (SDL_PollEvent(&e)) HandleEvent(e);
                }
            } else {
                // SDL's dummy driver has no input to wait for, and its SDL_WaitEventTimeout
                // polls every millisecond; only our own wake-ups can come, so block on them.
                SDL_SemWaitTimeout(g_wake_sem, static_cast<Uint32>(wait));
                while (SDL_SemTryWait(g_wake_sem) == 0) {
                }
                while (SDL_PollEvent(&e)) HandleEvent(e);
            }
        }
        if (!running_) break;
        ReloadCatalogueIfNewer();
        if (app_->Tick()) frames_left_ = std::max(frames_left_, 1);
        if (frames_left_ > 0 || pointer_.pending()) {
            RenderFrame();
            frames_left_ = std::max(0, frames_left_ - 1);
        }
    }
    log::Info("stopping");
    return 0;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Script runner
// ---------------------------------------------------------------------------------------------

// Draws frames until input is consumed and the screen has stopped changing, with simulated
// time moving one 60 Hz frame per frame drawn.
void Terminal::Settle() {
    int guard = 0;
    while ((frames_left_ > 0 || pointer_.pending()) && guard++ < 200) {
        SDL_Event e;
        while (SDL_PollEvent(&e)) HandleEvent(e);
        simulated_->Advance(16);
        RenderFrame();
        frames_left_ = std::max(0, frames_left_ - 1);
    }
}

bool Terminal::ScriptFail(const ScriptStep& step, const std::string& why) {
    std::fprintf(stderr, "gridkiosk: script:%d: %s\n", step.line, why.c_str());
    return false;
}

int Terminal::RunScript(const std::vector<ScriptStep>& steps) {
    using K = ScriptStep::Kind;
    frames_left_ = kSettleFramesAfterChange;
    Settle();
    for (const ScriptStep& step : steps) {
        bool ok = true;
        switch (step.kind) {
            case K::kTap: {
                const WidgetInfo* w = layout_.Find(step.text);
                if (!w) {
                    ok = ScriptFail(
                        step, "no widget \"" + step.text + "\" on screen " + layout_.screen());
                    break;
                }
                if (!w->enabled) {
                    ok = ScriptFail(step, "widget \"" + step.text + "\" is disabled");
                    break;
                }
                const float x = w->x + w->w * 0.5f, y = w->y + w->h * 0.5f;
                pointer_.Press(x, y, true);
                pointer_.Release(x, y, true);
                OnPointerActivity();
                break;
            }
            case K::kTapAt:
                pointer_.Press(step.numbers[0], step.numbers[1], true);
                pointer_.Release(step.numbers[0], step.numbers[1], true);
                OnPointerActivity();
                break;
            case K::kDrag: {
                const float x1 = step.numbers[0], y1 = step.numbers[1];
                const float x2 = step.numbers[2], y2 = step.numbers[3];
                pointer_.Press(x1, y1, true);
                for (int i = 1; i <= 12; ++i) {
                    pointer_.MoveStep(x1 + (x2 - x1) * i / 12.0f, y1 + (y2 - y1) * i / 12.0f);
                }
                pointer_.Release(x2, y2, true);
                OnPointerActivity();
                break;
            }
            case K::kType:
                app_->OnText(step.text);
                frames_left_ = kSettleFramesAfterChange;
                break;
            case K::kKey:
                app_->OnKey(ParseKeyName(step.text));
                frames_left_ = kSettleFramesAfterChange;
                break;
            case K::kWait: {
                const int64_t target = clock_.MonotonicMs() + static_cast<int64_t>(step.numbers[0]);
                while (clock_.MonotonicMs() < target) {
                    const int64_t next =
                        std::min(target, std::max(app_->NextWakeMs(), clock_.MonotonicMs() + 1));
                    simulated_->Advance(next - clock_.MonotonicMs());
                    if (app_->Tick()) frames_left_ = std::max(frames_left_, 1);
                    Settle();
                }
                break;
            }
            case K::kExpectScreen: {
                const std::string_view now = ScreenName(app_->state().screen);
                if (now != step.text)
                    ok = ScriptFail(step,
                                    "expected screen " + step.text + ", on " + std::string(now));
                break;
            }
            case K::kExpectText:
                if (!layout_.ContainsText(step.text)) {
                    ok = ScriptFail(step,
                                    "text not on screen " + layout_.screen() + ": " + step.text);
                }
                break;
            case K::kScreenshot: {
                if (options_.screenshot_dir.empty()) {
                    ok = ScriptFail(step, "screenshot needs --screenshot-dir");
                    break;
                }
                std::filesystem::create_directories(options_.screenshot_dir);
                RenderFrame(options_.screenshot_dir + "/" + step.text + ".png");
                break;
            }
            case K::kQuit:
                return 0;
        }
        if (!ok) return 1;
        Settle();
    }
    return 0;
}

}  // namespace

int RunTerminal(const TerminalOptions& options) {
    log::SetProgramName("gridkiosk");
    namespace fs = std::filesystem;
    const std::string config_path = options.config_path.empty()
                                        ? (fs::path(options.data_dir) / "gridkiosk.toml").string()
                                        : options.config_path;
    auto config = LoadKioskConfig(config_path, /*required=*/!options.config_path.empty());
    if (!config) return Fail(2, config.error().message);

    std::vector<ScriptStep> steps;
    if (!options.script_path.empty()) {
        auto parsed = LoadScript(options.script_path);
        if (!parsed) return Fail(2, parsed.error().message);
        steps = std::move(*parsed);
    }
    SystemClock system_clock;
    SimulatedClock simulated_clock(options.script_start_unix_s > 0
                                       ? options.script_start_unix_s * 1000
                                       : system_clock.WallUnixMs());
    const bool scripted = !options.script_path.empty();
    Clock& clock = scripted ? static_cast<Clock&>(simulated_clock) : system_clock;

    Terminal terminal(options, *config, clock, scripted ? &simulated_clock : nullptr);
    if (const int rc = terminal.Start(); rc != 0) return rc;
    const int rc = scripted ? terminal.RunScript(steps) : terminal.RunInteractive();
    return rc;
}

}  // namespace gk
