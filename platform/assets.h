// Where the read-only assets (i18n catalogue, default service catalogue) are: $GRIDKIOSK_ASSETS,
// else the source tree's assets/ (development builds), else /usr/share/gridkiosk/assets.
// Used by the terminal and the server alike.
#pragma once

#include <string>

namespace gk {

std::string FindAssetsDir();
// Whole file as a string; returns false when unreadable.
bool ReadTextFile(const std::string& path, std::string& out);

}  // namespace gk
