// The terminal's state machine.
//
// [SECTION] Names
// [SECTION] Construction, time and the idle timer
// [SECTION] Actions
// [SECTION] Typing
// [SECTION] The request wizard
// [SECTION] Submit and track
#include "kiosk/app/app.h"

#include <algorithm>

#include "core/phone.h"
#include "core/receipt_code.h"
#include "core/utf8.h"
#include "kiosk/app/request_flow.h"
#include "kiosk/store/store.h"
#include "platform/log.h"

namespace gk {

// ---------------------------------------------------------------------------------------------
// [SECTION] Names
// ---------------------------------------------------------------------------------------------

std::string_view ScreenName(Screen screen) {
    switch (screen) {
        case Screen::kAttract:
            return "attract";
        case Screen::kHome:
            return "home";
        case Screen::kRequestGroup:
            return "request.group";
        case Screen::kRequestService:
            return "request.service";
        case Screen::kRequestDetails:
            return "request.details";
        case Screen::kRequestLocation:
            return "request.location";
        case Screen::kRequestContact:
            return "request.contact";
        case Screen::kRequestReview:
            return "request.review";
        case Screen::kReceipt:
            return "receipt";
        case Screen::kTrack:
            return "track";
        case Screen::kDisclosure:
            return "disclosure";
        case Screen::kDeliberation:
            return "deliberation";
        case Screen::kProjects:
            return "projects";
        case Screen::kGrid:
            return "grid";
    }
    return "attract";
}

std::string_view FieldName(Field field) {
    switch (field) {
        case Field::kNone:
            return "";
        case Field::kDescription:
            return "description";
        case Field::kBuilding:
            return "building";
        case Field::kUnit:
            return "unit";
        case Field::kRoom:
            return "room";
        case Field::kName:
            return "name";
        case Field::kPhone:
            return "phone";
        case Field::kRelation:
            return "relation";
        case Field::kTrackCode:
            return "code";
    }
    return "";
}

size_t FieldMaxChars(Field field) {
    switch (field) {
        case Field::kDescription:
            return kMaxDescriptionChars;
        case Field::kBuilding:
        case Field::kUnit:
        case Field::kRoom:
            return kMaxLocationFieldChars;
        case Field::kName:
        case Field::kRelation:
            return kMaxNameChars;
        case Field::kPhone:
            return 20;
        case Field::kTrackCode:
            return 120;  // a scanner may type a whole tracking URL
        case Field::kNone:
            return 0;
    }
    return 0;
}

Key ParseKeyName(std::string_view name) {
    if (name == "Return" || name == "Enter" || name == "KP_Enter") return Key::kEnter;
    if (name == "BackSpace" || name == "Backspace") return Key::kBackspace;
    if (name == "Escape") return Key::kEscape;
    if (name == "Tab") return Key::kTab;
    return Key::kOther;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Construction, time and the idle timer
// ---------------------------------------------------------------------------------------------

App::App(const KioskConfig& config, const Catalogue& catalogue, Store* store, Clock& clock)
    : config_(config), catalogue_(catalogue), store_(store), clock_(clock) {
    ParseLang(config.lang, default_lang_);
    state_.lang = default_lang_;
    state_.community = config.community;
    state_.grid_name = config.grid_name;
    state_.public_url = config.public_url;
    state_.server_configured = !config.server_url.empty();
    state_.now_ms = clock_.MonotonicMs();
    state_.wall_unix_ms = clock_.WallUnixMs();
    state_.last_input_ms = state_.now_ms;
    shown_minute_ = state_.wall_unix_ms / 60000;
    UpdateRequestsBlocked();
}

// Known before the resident starts: a terminal without a number cannot file (Store::Submit
// refuses), so home says so on the request tile instead of after six steps.
void App::UpdateRequestsBlocked() {
    state_.requests_blocked_key =
        store_ && store_->terminal_number() == 0 ? "error.not_provisioned" : "";
}

bool App::InSession() const { return state_.screen != Screen::kAttract; }

int App::TimeoutSeconds() const {
    return state_.screen == Screen::kReceipt ? config_.receipt_timeout_s : config_.idle_timeout_s;
}

void App::NoteInput() {
    state_.last_input_ms = clock_.MonotonicMs();
    state_.countdown_s = -1;
}

bool App::Tick() {
    state_.now_ms = clock_.MonotonicMs();
    state_.wall_unix_ms = clock_.WallUnixMs();
    bool changed = false;
    const int64_t minute = state_.wall_unix_ms / 60000;
    if (minute != shown_minute_) {
        shown_minute_ = minute;
        changed = true;
    }
    if (!InSession()) {
        if (state_.countdown_s != -1) changed = true;
        state_.countdown_s = -1;
        return changed;
    }
    const int64_t idle_ms = state_.now_ms - state_.last_input_ms;
    const int64_t timeout_ms = int64_t{TimeoutSeconds()} * 1000;
    if (idle_ms >= timeout_ms) {
        log::Info("session idle timeout: wiped");
        WipeSession();
        return true;
    }
    const int64_t left_ms = timeout_ms - idle_ms;
    const int countdown = left_ms <= int64_t{config_.countdown_s} * 1000
                              ? static_cast<int>((left_ms + 999) / 1000)
                              : -1;
    if (countdown != state_.countdown_s) {
        state_.countdown_s = countdown;
        changed = true;
    }
    return changed;
}

int64_t App::NextWakeMs() const {
    const int64_t now = state_.now_ms;
    const int64_t wall = state_.wall_unix_ms;
    int64_t wake = now + (60000 - wall % 60000);  // next minute of the wall clock
    if (InSession()) {
        const int64_t timeout_at = state_.last_input_ms + int64_t{TimeoutSeconds()} * 1000;
        const int64_t countdown_from = timeout_at - int64_t{config_.countdown_s} * 1000;
        if (now < countdown_from) {
            wake = std::min(wake, countdown_from);
        } else {
            // Each second of the countdown, aligned to the timeout.
            const int64_t left = timeout_at - now;
            wake =
                std::min(wake, now + std::max<int64_t>(1, left % 1000 == 0 ? 1000 : left % 1000));
        }
    }
    return wake;
}

void App::WipeSession() {
    state_.session = Session{};
    state_.lang = default_lang_;
    state_.countdown_s = -1;
    state_.screen = Screen::kAttract;
}

void App::Go(Screen screen) {
    state_.screen = screen;
    state_.session.problems.clear();
    state_.session.notice_key.clear();
    state_.session.composition.clear();
    state_.session.focus = DefaultFocus(screen, state_.session.draft);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Actions
// ---------------------------------------------------------------------------------------------

void App::Apply(const Action& a) {
    using K = Action::Kind;
    Session& s = state_.session;
    switch (a.kind) {
        case K::kNone:
            return;
        case K::kGoto:
            if (a.screen == Screen::kRequestGroup) {
                StartRequest();
            } else {
                if (a.screen == Screen::kTrack) {
                    s.track_input.clear();
                    s.track_result.reset();
                    s.track_error_key.clear();
                }
                Go(a.screen);
            }
            return;
        case K::kHome:
            Go(Screen::kHome);
            return;
        case K::kBack:
            Back();
            return;
        case K::kToggleLang:
            state_.lang = state_.lang == Lang::kZh ? Lang::kEn : Lang::kZh;
            return;
        case K::kMoreTime:
            NoteInput();
            return;
        case K::kSelectGroup:
            if (a.index >= 0 && a.index < static_cast<int>(catalogue_.groups.size())) {
                if (s.draft.group_index != a.index) s.draft.service_code.clear();
                s.draft.group_index = a.index;
                Go(Screen::kRequestService);
            }
            return;
        case K::kSelectService:
            if (catalogue_.FindService(a.text)) {
                if (s.draft.service_code != a.text) s.duplicate_acknowledged = false;
                s.draft.service_code = a.text;
                Go(Screen::kRequestDetails);
            }
            return;
        case K::kFocus:
            s.focus = a.field;
            s.composition.clear();
            return;
        case K::kText:
            OnText(a.text);
            return;
        case K::kBackspace:
            OnKey(Key::kBackspace);
            return;
        case K::kClearField:
            if (a.field != Field::kNone) {
                s.focus = a.field;
                if (std::string* text = FocusedText()) text->clear();
                s.notice_key.clear();
            }
            return;
        case K::kNext:
            Next();
            return;
        case K::kSetAnonymous:
            s.draft.anonymous = a.index != 0;
            s.focus = s.draft.anonymous ? Field::kNone : Field::kPhone;
            s.problems.clear();
            return;
        case K::kSetProxy:
            s.draft.by_proxy = a.index != 0;
            s.focus = s.draft.by_proxy ? Field::kRelation : s.focus;
            s.problems.clear();
            return;
        case K::kSetConsent:
            s.draft.consent = a.index != 0;
            return;
        case K::kAcknowledgeDuplicate:
            s.duplicate_acknowledged = true;
            return;
        case K::kSubmit:
            Submit();
            return;
        case K::kTrackLookup:
            LookUpTrack();
            return;
        case K::kTrackCode:
            Go(Screen::kTrack);
            s.track_input = a.text;
            LookUpTrack();
            return;
        case K::kDone:
            WipeSession();
            return;
    }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Typing
// ---------------------------------------------------------------------------------------------

std::string* App::FocusedText() {
    Draft& d = state_.session.draft;
    switch (state_.session.focus) {
        case Field::kDescription:
            return &d.description;
        case Field::kBuilding:
            return &d.building;
        case Field::kUnit:
            return &d.unit;
        case Field::kRoom:
            return &d.room;
        case Field::kName:
            return &d.name;
        case Field::kPhone:
            return &d.phone;
        case Field::kRelation:
            return &d.relation;
        case Field::kTrackCode:
            return &state_.session.track_input;
        case Field::kNone:
            return nullptr;
    }
    return nullptr;
}

void App::OnText(std::string_view utf8) {
    NoteInput();
    Session& s = state_.session;
    s.composition.clear();
    std::string* target = FocusedText();
    if (!target) return;
    // A hardware keyboard or scanner may send anything: keep only well-formed UTF-8 and drop
    // control characters; refuse emoji with a message (the font cannot draw them).
    const bool dropped_invalid = !IsValidUtf8(utf8);
    bool dropped_emoji = false;
    const std::string valid = SanitiseUtf8(utf8);
    std::string clean;
    size_t i = 0;
    while (i < valid.size()) {
        const size_t start = i;
        const char32_t cp = DecodeCodePoint(valid, i);
        if (cp > 0xFFFF) dropped_emoji = true;
        if (cp == 0xFFFD || cp < 0x20 || cp == 0x7F || cp > 0xFFFF) continue;
        clean.append(valid, start, i - start);
    }
    const size_t max = FieldMaxChars(s.focus);
    const size_t have = CountCodePoints(*target);
    const size_t room = have >= max ? 0 : max - have;
    const std::string_view fitted = TruncateCodePoints(clean, room);
    target->append(fitted);
    // The field is being corrected: its problem goes, the others stay until Next.
    const std::string_view field = ProblemField(s.focus);
    std::erase_if(s.problems,
                  [&](const FieldProblem& p) { return !field.empty() && p.field == field; });
    if (fitted.size() < clean.size()) {
        s.notice_key = "notice.text_too_long";
    } else if (dropped_emoji) {
        s.notice_key = "error.emoji";
    } else if (dropped_invalid) {
        s.notice_key = "error.invalid_utf8";
    } else {
        s.notice_key.clear();
    }
}

void App::OnComposition(std::string_view utf8) {
    NoteInput();
    state_.session.composition = SanitiseUtf8(utf8);
}

void App::OnKey(Key key) {
    NoteInput();
    Session& s = state_.session;
    switch (key) {
        case Key::kBackspace:
            if (std::string* text = FocusedText()) PopLastCodePoint(*text);
            s.notice_key.clear();
            std::erase_if(s.problems,
                          [&](const FieldProblem& p) { return p.field == ProblemField(s.focus); });
            return;
        case Key::kEnter:
            // A scanner ends its text with Enter; on the track screen that means "look up".
            if (state_.screen == Screen::kTrack) {
                LookUpTrack();
            } else if (state_.screen == Screen::kAttract) {
                Go(Screen::kHome);
            }
            return;
        case Key::kEscape:
        case Key::kTab:
        case Key::kOther:
            return;  // no key leaves the kiosk or skips a step
    }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] The request wizard
// ---------------------------------------------------------------------------------------------

void App::StartRequest() {
    if (!state_.requests_blocked_key.empty()) return;  // home shows why; nothing to fill in
    Session& s = state_.session;
    s.draft = Draft{};
    s.receipt.reset();
    s.duplicate_hint = false;
    s.duplicate_acknowledged = false;
    Go(Screen::kRequestGroup);
}

void App::Back() {
    // Back keeps everything typed: only the screen changes.
    Go(PreviousStep(state_.screen));
}

void App::Next() {
    Session& s = state_.session;
    const Service* service = catalogue_.FindService(s.draft.service_code);
    if (!service) {
        Go(Screen::kRequestGroup);
        return;
    }
    const ServiceRequest request = BuildRequest(s.draft, config_.grid_path, state_.lang);
    std::vector<FieldProblem> problems =
        ProblemsForStep(state_.screen, ValidateRequest(request, *service));
    if (state_.screen == Screen::kRequestContact && !s.draft.anonymous && s.draft.phone.empty() &&
        problems.empty()) {
        // Leaving a contact was chosen but none was typed: ask, rather than silently go anonymous.
        problems.push_back({"contact.phone", "error.phone_required"});
    }
    if (!problems.empty()) {
        s.problems = std::move(problems);
        // Put the cursor where the first problem is.
        for (Field f : {Field::kDescription, Field::kBuilding, Field::kUnit, Field::kRoom,
                        Field::kPhone, Field::kName, Field::kRelation}) {
            if (ProblemField(f) == s.problems.front().field) s.focus = f;
        }
        return;
    }
    switch (state_.screen) {
        case Screen::kRequestDetails:
            Go(Screen::kRequestLocation);
            return;
        case Screen::kRequestLocation:
            Go(Screen::kRequestContact);
            return;
        case Screen::kRequestContact: {
            s.duplicate_hint = false;
            if (store_ && config_.duplicate_hint_days > 0) {
                const int64_t since =
                    state_.wall_unix_ms / 1000 - int64_t{config_.duplicate_hint_days} * 86400;
                const auto similar =
                    store_->CountSimilarSince(s.draft.service_code, request.location, since);
                s.duplicate_hint = similar.ok() && *similar > 0;
            }
            Go(Screen::kRequestReview);
            return;
        }
        default:
            return;
    }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Submit and track
// ---------------------------------------------------------------------------------------------

namespace {

RequestView ViewOf(const StoredRequest& stored) {
    RequestView v;
    v.receipt_code = stored.request.receipt_code;
    v.service_code = stored.request.service_code;
    v.stage = stored.stage;
    v.received = stored.uploaded();
    v.created_at_unix = stored.request.created_at_unix;
    v.due_at_unix = stored.sla_due_at_unix;
    for (const auto& h : stored.history) v.history.push_back({h.stage, h.at_unix, h.note});
    return v;
}

}  // namespace

void App::Submit() {
    Session& s = state_.session;
    const Service* service = catalogue_.FindService(s.draft.service_code);
    if (!service || !store_) return;
    if (!s.draft.consent) {
        s.notice_key = "error.consent_required";
        return;
    }
    if (s.duplicate_hint && !s.duplicate_acknowledged) {
        s.notice_key = "error.duplicate_unacknowledged";
        return;
    }
    ServiceRequest request = BuildRequest(s.draft, config_.grid_path, state_.lang);
    const auto problems = ValidateRequest(request, *service);
    if (!problems.empty()) {
        // Cannot happen after the steps' checks, unless the catalogue changed mid-session:
        // send the resident to the step that owns the first problem.
        const std::string& f = problems.front().field;
        Go(f.rfind("location", 0) == 0  ? Screen::kRequestLocation
           : f.rfind("contact", 0) == 0 ? Screen::kRequestContact
                                        : Screen::kRequestDetails);
        s.problems = ProblemsForStep(state_.screen, problems);
        return;
    }
    auto stored = store_->Submit(std::move(request), service->sla_days);
    if (!stored) {
        const std::string& code = stored.error().code;
        log::Warn("submit refused: " + code);
        s.notice_key = code == "queue_full"           ? "error.queue_full"
                       : code == "disk_full"          ? "error.disk_full"
                       : code == "no_terminal_number" ? "error.not_provisioned"
                       : code == "no_grid_path"       ? "error.not_provisioned"
                                                      : "error.save_failed";
        return;
    }
    log::Info("request saved: service=" + stored->request.service_code);
    // The draft leaves memory with the submit: only the receipt stays for this session.
    s.draft = Draft{};
    s.receipt = ViewOf(*stored);
    Go(Screen::kReceipt);
    if (on_submitted_) on_submitted_();
}

void App::RefreshFromStore() {
    if (!store_) return;
    UpdateRequestsBlocked();
    Session& s = state_.session;
    for (std::optional<RequestView>* view : {&s.receipt, &s.track_result}) {
        if (!view->has_value()) continue;
        auto found = store_->FindByReceipt((*view)->receipt_code);
        if (found.ok() && found->has_value()) *view = ViewOf(**found);
    }
}

void App::LookUpTrack() {
    Session& s = state_.session;
    s.track_result.reset();
    s.track_error_key.clear();
    const auto code = NormaliseReceiptCode(s.track_input);
    if (!code) {
        const std::string& e = code.error().code;
        s.track_error_key = e == "bad_check"    ? "track.error_check"
                            : e == "empty"      ? "track.error_empty"
                            : e == "bad_length" ? "track.error_length"
                                                : "track.error_char";
        return;
    }
    s.track_input = FormatReceiptCode(*code);
    if (!store_) {
        s.track_error_key = "track.error_unknown";
        return;
    }
    auto found = store_->FindByReceipt(*code);
    if (!found.ok()) {
        s.track_error_key = "track.error_read";
        return;
    }
    if (!found->has_value()) {
        s.track_error_key = "track.error_unknown";
        return;
    }
    s.track_result = ViewOf(**found);
}

}  // namespace gk
