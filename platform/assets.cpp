// Locating the assets folder.
#include "platform/assets.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gk {

std::string FindAssetsDir() {
    namespace fs = std::filesystem;
    if (const char* env = std::getenv("GRIDKIOSK_ASSETS"); env && *env) return env;
#ifdef GK_SOURCE_ASSETS_DIR
    if (fs::exists(fs::path(GK_SOURCE_ASSETS_DIR) / "i18n")) return GK_SOURCE_ASSETS_DIR;
#endif
    return "/usr/share/gridkiosk/assets";
}

bool ReadTextFile(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::stringstream text;
    text << in.rdbuf();
    out = text.str();
    return true;
}

}  // namespace gk
