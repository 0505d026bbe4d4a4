// Log to stderr in a journald-friendly form ("<6>gridkiosk: message"). Never personal data:
// callers log codes, counts and ids, not names, phones or descriptions.
#pragma once

#include <string_view>

namespace gk::log {

void SetProgramName(std::string_view name);
void Info(std::string_view message);
void Warn(std::string_view message);
void Error(std::string_view message);

}  // namespace gk::log
