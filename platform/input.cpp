// Mouse and finger events → a queue of pointer transitions → ImGui io, one per frame.
#include "platform/input.h"

#include <SDL.h>
#include <imgui.h>

#include <cfloat>

namespace gk {

bool PointerInput::ProcessEvent(const SDL_Event& e, int w, int h) {
    switch (e.type) {
        case SDL_MOUSEMOTION:
            if (e.motion.which == SDL_TOUCH_MOUSEID) return true;
            Move(static_cast<float>(e.motion.x), static_cast<float>(e.motion.y));
            return true;
        case SDL_MOUSEBUTTONDOWN:
            if (e.button.which == SDL_TOUCH_MOUSEID || e.button.button != SDL_BUTTON_LEFT)
                return true;
            Press(static_cast<float>(e.button.x), static_cast<float>(e.button.y), false);
            return true;
        case SDL_MOUSEBUTTONUP:
            if (e.button.which == SDL_TOUCH_MOUSEID || e.button.button != SDL_BUTTON_LEFT)
                return true;
            Release(static_cast<float>(e.button.x), static_cast<float>(e.button.y), false);
            return true;
        case SDL_FINGERDOWN:
            Press(e.tfinger.x * w, e.tfinger.y * h, true);
            return true;
        case SDL_FINGERMOTION:
            Move(e.tfinger.x * w, e.tfinger.y * h);
            return true;
        case SDL_FINGERUP:
            Release(e.tfinger.x * w, e.tfinger.y * h, true);
            return true;
        default:
            return false;
    }
}

void PointerInput::Press(float x, float y, bool touch) {
    // A finger appears where it lands: move there first so the press frame hovers the target.
    if (touch) queue_.push_back({Step::kMove, x, y, touch});
    queue_.push_back({Step::kPress, x, y, touch});
}

void PointerInput::Move(float x, float y) {
    // Coalesce consecutive moves: only the latest position matters for the next frame.
    if (!queue_.empty() && queue_.back().kind == Step::kMove) {
        queue_.back().x = x;
        queue_.back().y = y;
        return;
    }
    queue_.push_back({Step::kMove, x, y, false});
}

void PointerInput::MoveStep(float x, float y) { queue_.push_back({Step::kMove, x, y, false}); }

void PointerInput::Release(float x, float y, bool touch) {
    queue_.push_back({Step::kRelease, x, y, touch});
}

void PointerInput::NewFrame() {
    ImGuiIO& io = ImGui::GetIO();
    if (queue_.empty()) {
        if (leave_next_frame_ && !down_) {
            x_ = y_ = -FLT_MAX;
            leave_next_frame_ = false;
        }
    } else {
        const Step step = queue_.front();
        queue_.pop_front();
        x_ = step.x;
        y_ = step.y;
        if (step.kind == Step::kPress) down_ = true;
        if (step.kind == Step::kRelease) {
            down_ = false;
            leave_next_frame_ = step.touch;
        }
    }
    io.MousePos = ImVec2(x_, y_);
    io.MouseDown[0] = down_;
}

}  // namespace gk
