// Business rules for a request against its service (validation.h). Run by the wizard before
// review and by the server on upload, so both refuse the same things for the same reasons.
//
// i18n keys used here (also listed in tests/core/validation_i18n_keys.txt for the catalogue):
//   error.description_empty      nothing but spaces in the description
//   error.description_too_long   more than kMaxDescriptionChars code points
//   error.emoji                  code points outside the BMP (the kiosk font cannot draw them)
//   error.invalid_utf8           bytes that are not UTF-8 (a broken keyboard or peer)
//   error.building_required      the service needs a location and 楼栋 is empty
//   error.location_too_long      a 楼栋/单元/门牌 field over kMaxLocationFieldChars
//   error.phone_required         the service needs a call back and no phone was given
//   error.phone_bad_char         letters or symbols in the phone number
//   error.phone_bad_mobile       not a mainland mobile number
//   error.phone_bad_landline     landline without a valid area code
//   error.phone_bad_length       too many or too few digits
//   error.relation_required      亲友代办 without saying who the resident is to them
//   error.relation_too_long      relation over kMaxNameChars
//   error.name_too_long          name over kMaxNameChars
#include "core/validation.h"

#include "core/phone.h"
#include "core/utf8.h"

namespace gk {
namespace {

// True when text holds nothing but ASCII white space and ideographic spaces (U+3000).
bool IsBlank(std::string_view text) {
    bool blank = true;
    ForEachCodePoint(text, [&](char32_t cp) {
        const bool space = cp == U' ' || cp == U'\t' || cp == U'\r' || cp == U'\n' || cp == 0x3000;
        blank = blank && space;
    });
    return blank;
}

// Encoding, drawability and length of one free-text field. Returns false when the text is
// not UTF-8, so later checks (which count code points) are skipped for it.
bool CheckText(std::vector<FieldProblem>& problems, const char* field, std::string_view text,
               size_t max_chars, const char* too_long_key) {
    if (!IsValidUtf8(text)) {
        problems.push_back({field, "error.invalid_utf8"});
        return false;
    }
    if (CountCodePoints(text) > max_chars) problems.push_back({field, too_long_key});
    if (HasCodePointsOutsideBmp(text)) problems.push_back({field, "error.emoji"});
    return true;
}

const char* PhoneKey(const std::string& error_code) {
    if (error_code == "bad_char") return "error.phone_bad_char";
    if (error_code == "bad_mobile") return "error.phone_bad_mobile";
    if (error_code == "bad_landline") return "error.phone_bad_landline";
    return "error.phone_bad_length";
}

}  // namespace

std::vector<FieldProblem> ValidateRequest(const ServiceRequest& request, const Service& service) {
    std::vector<FieldProblem> problems;

    // Description. SQL- or HTML-looking text is fine: the store binds parameters and screens
    // draw text, so residents may write whatever they need to say.
    if (CheckText(problems, "description", request.description, kMaxDescriptionChars,
                  "error.description_too_long") &&
        IsBlank(request.description)) {
        problems.push_back({"description", "error.description_empty"});
    }

    // Location inside the grid; only 楼栋 can be required, unit and room depend on the place.
    if (CheckText(problems, "location.building", request.location.building, kMaxLocationFieldChars,
                  "error.location_too_long") &&
        service.attributes.location_required && IsBlank(request.location.building)) {
        problems.push_back({"location.building", "error.building_required"});
    }
    CheckText(problems, "location.unit", request.location.unit, kMaxLocationFieldChars,
              "error.location_too_long");
    CheckText(problems, "location.room", request.location.room, kMaxLocationFieldChars,
              "error.location_too_long");

    // Contact.
    CheckText(problems, "contact.name", request.contact.name, kMaxNameChars, "error.name_too_long");
    const bool phone_given = IsValidUtf8(request.contact.phone) && !IsBlank(request.contact.phone);
    if (!IsValidUtf8(request.contact.phone)) {
        problems.push_back({"contact.phone", "error.phone_bad_char"});
    } else if (phone_given) {
        const auto phone = NormalisePhone(request.contact.phone);
        if (!phone.ok()) problems.push_back({"contact.phone", PhoneKey(phone.error().code)});
    } else if (service.attributes.contact_required) {
        problems.push_back({"contact.phone", "error.phone_required"});
    }

    if (request.contact.by_proxy) {
        if (CheckText(problems, "contact.relation", request.contact.relation, kMaxNameChars,
                      "error.relation_too_long") &&
            IsBlank(request.contact.relation)) {
            problems.push_back({"contact.relation", "error.relation_required"});
        }
    }
    return problems;
}

}  // namespace gk
