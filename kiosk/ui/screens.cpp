// Screen → draw function, and the countdown over it.
#include "kiosk/ui/screens.h"

#include "kiosk/ui/widgets.h"

namespace gk {

Action DrawCurrentScreen(Ui& ui) {
    BeginScreen(ui);
    Action action;
    switch (ui.state.screen) {
        case Screen::kAttract:
            action = DrawAttract(ui);
            break;
        case Screen::kHome:
            action = DrawHome(ui);
            break;
        case Screen::kRequestGroup:
            action = DrawRequestGroup(ui);
            break;
        case Screen::kRequestService:
            action = DrawRequestService(ui);
            break;
        case Screen::kRequestDetails:
            action = DrawRequestDetails(ui);
            break;
        case Screen::kRequestLocation:
            action = DrawRequestLocation(ui);
            break;
        case Screen::kRequestContact:
            action = DrawRequestContact(ui);
            break;
        case Screen::kRequestReview:
            action = DrawRequestReview(ui);
            break;
        case Screen::kReceipt:
            action = DrawReceipt(ui);
            break;
        case Screen::kTrack:
            action = DrawTrack(ui);
            break;
        case Screen::kDisclosure:
        case Screen::kDeliberation:
        case Screen::kProjects:
        case Screen::kGrid:
            action = DrawComingSoon(ui);
            break;
    }
    EndScreen();
    if (ui.state.countdown_s >= 0) {
        const Action overlay = DrawIdleCountdown(ui);
        // While the countdown shows, only its own button counts.
        action = overlay;
    }
    return action;
}

}  // namespace gk
