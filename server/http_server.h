// `gridkiosk-server serve`: the HTTP server. Returns the process exit code (0 after a clean
// stop on SIGTERM/SIGINT, 2 bad config, missing or broken assets/i18n, or cannot bind;
// 3 database).
#pragma once

#include "server/config.h"

namespace gk::server {

int RunServer(const ServerConfig& config);

}  // namespace gk::server
