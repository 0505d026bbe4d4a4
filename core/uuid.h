// Record identifiers: random (version 4) UUIDs, fixed when a record is written.
#pragma once

#include <string>
#include <string_view>

namespace gk {

std::string NewUuid();               // "3f2b...-....", lower case, 36 characters
bool IsUuid(std::string_view text);  // shape check: 8-4-4-4-12 lower-case hex

}  // namespace gk
