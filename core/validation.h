// Business rules for a request against its service: what the wizard checks before review and
// what the server checks again on upload. Each problem names a field and an i18n key, so the
// terminal shows it in the resident's language and the server returns it as a reason.
#pragma once

#include <string>
#include <vector>

#include "core/catalogue.h"
#include "core/request.h"

namespace gk {

struct FieldProblem {
    std::string field;     // "description", "location.building", "contact.phone", ...
    std::string i18n_key;  // "error.description_empty", "error.phone_bad_char", ...
};

// Empty result means the request may be submitted.
// Checks: description non-empty, ≤ kMaxDescriptionChars, valid UTF-8, no code points outside
// the BMP (emoji); location fields ≤ kMaxLocationFieldChars and building present when the
// service requires a location; phone valid (NormalisePhone) when given, present when the
// service requires contact; relation given when by_proxy.
std::vector<FieldProblem> ValidateRequest(const ServiceRequest& request, const Service& service);

}  // namespace gk
