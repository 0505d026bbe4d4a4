// Pointer input: our own translation of SDL mouse and finger events into ImGui's pointer.
// ImGui 1.86's SDL backend polls the global mouse state and captures the mouse, which loses
// touches on Linux after the first tap; and 1.86 has no input queue, so a tap whose press and
// release arrive in one frame would be lost. Here every press and release is queued and
// applied one transition per frame; a release keeps the pointer where it was for that frame
// (so the widget under it sees the click), and a touch pointer leaves the screen on the next
// frame (so nothing stays "hovered" after a finger lifts).
#pragma once

#include <deque>

union SDL_Event;

namespace gk {

class PointerInput {
  public:
    // Takes the SDL events that move or press the pointer. Returns true when it used the event.
    // Finger coordinates are normalised 0..1 and scaled by the output size.
    bool ProcessEvent(const SDL_Event& event, int output_width, int output_height);

    // Synthetic input (the automation interface), through the same queue as real events.
    void Press(float x, float y, bool touch);
    void Move(float x, float y);      // coalesces with a queued move: only the latest counts
    void MoveStep(float x, float y);  // its own frame: the steps of a drag
    void Release(float x, float y, bool touch);

    // Applies the next queued transition to ImGui's io (call before ImGui::NewFrame).
    void NewFrame();
    // True while transitions are still queued: the loop must keep rendering frames.
    bool pending() const { return !queue_.empty() || leave_next_frame_; }

  private:
    struct Step {
        enum Kind { kPress, kMove, kRelease } kind;
        float x, y;
        bool touch;
    };
    std::deque<Step> queue_;
    bool leave_next_frame_ = false;  // touch lifted: pointer leaves on the next frame
    bool down_ = false;
    float x_ = -1, y_ = -1;
};

}  // namespace gk
