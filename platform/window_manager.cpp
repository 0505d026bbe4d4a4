// The X11 side of window_manager.h: the root window's _NET_SUPPORTING_WM_CHECK property is
// set by every EWMH window manager while it runs.
#include "platform/window_manager.h"

#include <SDL.h>
#include <SDL_syswm.h>
#include <X11/Xatom.h>
#include <X11/Xlib.h>

namespace gk {

bool HasWindowManager(SDL_Window* window) {
    SDL_SysWMinfo info;
    SDL_VERSION(&info.version);
    if (!SDL_GetWindowWMInfo(window, &info) || info.subsystem != SDL_SYSWM_X11) return true;
    Display* display = info.info.x11.display;
    const Atom check = XInternAtom(display, "_NET_SUPPORTING_WM_CHECK", True);
    if (check == None) return false;
    Atom type = None;
    int format = 0;
    unsigned long count = 0, after = 0;
    unsigned char* data = nullptr;
    const int rc = XGetWindowProperty(display, DefaultRootWindow(display), check, 0, 1, False,
                                      XA_WINDOW, &type, &format, &count, &after, &data);
    const bool found = rc == Success && data && count == 1;
    if (data) XFree(data);
    return found;
}

}  // namespace gk
