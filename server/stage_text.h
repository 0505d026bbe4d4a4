// Stage names in both languages for what the server shows people (the tracking page, Open311's
// extended attributes). The terminal takes its texts from the i18n catalogue; the server keeps
// this short table because it serves pages with no assets directory at hand.
#pragma once

#include <string_view>

#include "core/request.h"

namespace gk::server {

struct BilingualText {
    std::string_view zh;
    std::string_view en;
};

BilingualText StageText(Stage stage);

}  // namespace gk::server
