// Where the read-only assets (i18n catalogue, default service catalogue) are: $GRIDKIOSK_ASSETS,
// else the source tree's assets/ (development builds), else /usr/share/gridkiosk/assets.
#pragma once

#include <string>

namespace gk {

std::string FindAssetsDir();
// Whole file as a string; empty optional-like: returns false when unreadable.
bool ReadTextFile(const std::string& path, std::string& out);

}  // namespace gk
