// One draw function per screen, each in its own file (screen_*.cpp). A screen draws from the
// state and returns what the resident asked for; it never touches the store or the network.
#pragma once

#include "kiosk/app/action.h"
#include "kiosk/ui/ui.h"

namespace gk {

Action DrawAttract(Ui& ui);
Action DrawHome(Ui& ui);
Action DrawComingSoon(Ui& ui);  // disclosure, deliberation, projects, grid until they land
Action DrawRequestGroup(Ui& ui);
Action DrawRequestService(Ui& ui);
Action DrawRequestDetails(Ui& ui);
Action DrawRequestLocation(Ui& ui);
Action DrawRequestContact(Ui& ui);
Action DrawRequestReview(Ui& ui);
Action DrawReceipt(Ui& ui);
Action DrawTrack(Ui& ui);
// Drawn over any screen while the idle countdown runs.
Action DrawIdleCountdown(Ui& ui);

// Draws the current screen and the countdown; the one place that maps Screen → draw function.
Action DrawCurrentScreen(Ui& ui);

}  // namespace gk
