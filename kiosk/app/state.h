// What the terminal shows and what the resident has typed: the state every screen draws from.
// Screens read it (const); only App changes it, between frames.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/i18n.h"
#include "core/request.h"
#include "core/validation.h"

namespace gk {

enum class Screen {
    kAttract,
    kHome,
    kRequestGroup,     // request.group
    kRequestService,   // request.service
    kRequestDetails,   // request.details
    kRequestLocation,  // request.location
    kRequestContact,   // request.contact
    kRequestReview,    // request.review
    kReceipt,
    kTrack,
    kDisclosure,
    kDeliberation,
    kProjects,
    kGrid,
};

std::string_view ScreenName(Screen screen);  // "request.details": the automation name

// A text field the resident can type into (on-screen keyboard, hardware keyboard, IME, scanner).
enum class Field {
    kNone,
    kDescription,
    kBuilding,
    kUnit,
    kRoom,
    kName,
    kPhone,
    kRelation,
    kTrackCode
};

std::string_view FieldName(Field field);  // "description": also the field's widget-id stem
size_t FieldMaxChars(Field field);        // length limit, in code points

// The request being filled in. Wiped with the session; never written to the database until
// the resident submits.
struct Draft {
    int group_index = -1;
    std::string service_code;
    std::string description;
    std::string building, unit, room;
    bool anonymous = false;
    std::string name, phone;
    bool by_proxy = false;
    std::string relation;
    bool consent = false;
};

// A stage as shown on the receipt and track screens.
struct StageLine {
    Stage stage;
    int64_t at_unix;  // seconds
    std::string note;
};

// What the receipt and track screens show for one request.
struct RequestView {
    std::string receipt_code;  // canonical
    std::string service_code;
    Stage stage = Stage::kQueued;
    bool received = false;  // the server has acknowledged it
    int64_t created_at_unix = 0;
    int64_t due_at_unix = 0;  // from the service's SLA
    std::vector<StageLine> history;
};

struct Session {
    Draft draft;
    Field focus = Field::kNone;
    std::string composition;             // IME text being composed, not yet committed
    std::vector<FieldProblem> problems;  // shown on the current step
    std::string notice_key;              // one-line notice (i18n key), e.g. "notice.text_too_long"
    bool duplicate_hint = false;         // a similar request was filed recently
    bool duplicate_acknowledged = false;
    std::optional<RequestView> receipt;  // after submit
    std::string track_input;
    std::optional<RequestView> track_result;
    std::string track_error_key;
};

struct AppState {
    Screen screen = Screen::kAttract;
    Lang lang = Lang::kZh;
    Session session;
    int64_t now_ms = 0;         // monotonic, this frame
    int64_t wall_unix_ms = 0;   // wall clock, this frame
    int64_t last_input_ms = 0;  // monotonic time of the last touch or key
    int countdown_s = -1;       // seconds left before the session is wiped; -1 hidden
    std::string community;      // from config
    std::string grid_name;
    std::string public_url;  // tracking QR base
    bool server_configured = false;
    // Why this terminal cannot take requests now (i18n key), shown on home before any typing;
    // empty: it can.
    std::string requests_blocked_key;
};

}  // namespace gk
