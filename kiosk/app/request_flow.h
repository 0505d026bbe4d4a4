// The request wizard's rules that need no state of their own: which field a step focuses,
// which problems belong to which step, and how a draft becomes a request.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/catalogue.h"
#include "core/request.h"
#include "core/validation.h"
#include "kiosk/app/state.h"

namespace gk {

// The field that takes typing when a screen opens.
Field DefaultFocus(Screen screen, const Draft& draft);

// The wizard step before this one (Home for the first step and for other areas).
Screen PreviousStep(Screen screen);

// The problem field a text field answers for ("description", "location.building", "contact.phone").
std::string_view ProblemField(Field field);

// The problems a step is responsible for ("description" on details, "location.*" on
// location, "contact.*" on contact).
std::vector<FieldProblem> ProblemsForStep(Screen step, const std::vector<FieldProblem>& all);

// The request as it will be stored. Phone numbers are normalised; anonymous drops contact.
ServiceRequest BuildRequest(const Draft& draft, const std::string& grid_path, Lang lang);

}  // namespace gk
