// The terminal program: opens everything in order (config, store, strings, window, fonts),
// then runs the event-driven loop, or the automation script, until told to stop.
#pragma once

#include <cstdint>
#include <string>

namespace gk {

struct TerminalOptions {
    std::string data_dir;                // --data-dir: everything the terminal writes
    std::string config_path;             // --config; empty: DATA_DIR/gridkiosk.toml if it exists
    int windowed_w = 0, windowed_h = 0;  // --windowed WxH; 0: fullscreen
    std::string lang;                    // --lang zh|en; empty: from config
    std::string script_path;             // --script
    std::string screenshot_dir;          // --screenshot-dir
    std::string layout_dump;             // --layout-dump
    int64_t script_start_unix_s = 0;     // --script-start; 0: now (reproducible screenshots)
};

// Exit codes (DESIGN.md §3.1): 0 normal, 1 a script expectation failed, 2 bad arguments or
// config, 3 cannot open or repair the database, 4 no display.
int RunTerminal(const TerminalOptions& options);

}  // namespace gk
