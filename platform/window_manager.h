// Whether a window manager would answer a fullscreen request (window.cpp asks only then).
// Apart from window.cpp because Xlib's headers define macros (Status, None) that clash with ours.
#pragma once

struct SDL_Window;

namespace gk {

// SDL 2.26 on X11 waits up to 100 ms for a window manager to answer a fullscreen request; a
// kiosk X session without one never answers. False only on X11 with no window manager; other
// video drivers (Wayland: the compositor answers) say true.
bool HasWindowManager(SDL_Window* window);

}  // namespace gk
