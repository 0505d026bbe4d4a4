// Wizard rules: focus, step order, problems per step, draft → request.
#include "kiosk/app/request_flow.h"

#include "core/phone.h"

namespace gk {

Field DefaultFocus(Screen screen, const Draft& draft) {
    switch (screen) {
        case Screen::kRequestDetails:
            return Field::kDescription;
        case Screen::kRequestLocation:
            return Field::kBuilding;
        case Screen::kRequestContact:
            return draft.anonymous ? Field::kNone : Field::kPhone;
        case Screen::kTrack:
            return Field::kTrackCode;
        default:
            return Field::kNone;
    }
}

Screen PreviousStep(Screen screen) {
    switch (screen) {
        case Screen::kRequestService:
            return Screen::kRequestGroup;
        case Screen::kRequestDetails:
            return Screen::kRequestService;
        case Screen::kRequestLocation:
            return Screen::kRequestDetails;
        case Screen::kRequestContact:
            return Screen::kRequestLocation;
        case Screen::kRequestReview:
            return Screen::kRequestContact;
        default:
            return Screen::kHome;
    }
}

std::string_view ProblemField(Field field) {
    switch (field) {
        case Field::kDescription:
            return "description";
        case Field::kBuilding:
            return "location.building";
        case Field::kUnit:
            return "location.unit";
        case Field::kRoom:
            return "location.room";
        case Field::kName:
            return "contact.name";
        case Field::kPhone:
            return "contact.phone";
        case Field::kRelation:
            return "contact.relation";
        case Field::kTrackCode:
        case Field::kNone:
            return "";
    }
    return "";
}

std::vector<FieldProblem> ProblemsForStep(Screen step, const std::vector<FieldProblem>& all) {
    std::string prefix;
    switch (step) {
        case Screen::kRequestDetails:
            prefix = "description";
            break;
        case Screen::kRequestLocation:
            prefix = "location";
            break;
        case Screen::kRequestContact:
            prefix = "contact";
            break;
        default:
            return all;
    }
    std::vector<FieldProblem> out;
    for (const auto& p : all) {
        if (p.field.rfind(prefix, 0) == 0) out.push_back(p);
    }
    return out;
}

ServiceRequest BuildRequest(const Draft& d, const std::string& grid_path, Lang lang) {
    ServiceRequest r;
    r.service_code = d.service_code;
    r.description = d.description;
    r.location = {d.building, d.unit, d.room};
    if (!d.anonymous) {
        r.contact.name = d.name;
        const auto phone = NormalisePhone(d.phone);
        // An invalid phone is kept as typed so validation can name the problem.
        r.contact.phone = phone ? *phone : d.phone;
    }
    r.contact.by_proxy = d.by_proxy;
    r.contact.relation = d.by_proxy ? d.relation : std::string();
    r.grid_path = grid_path;
    r.lang = std::string(LangCode(lang));
    return r;
}

}  // namespace gk
