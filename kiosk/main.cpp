// gridkiosk: the community hall terminal. Parses the command line and hands over to
// RunTerminal(); exit codes are listed in terminal.h.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <regex>
#include <string_view>

#include "kiosk/terminal.h"

int main(int argc, char** argv) {
    // `--version`: "NAME VERSION" (CMake's project version), exit 0, before anything else.
    if (argc == 2 && std::string_view(argv[1]) == "--version") {
        std::printf("gridkiosk %s\n", GK_VERSION);
        return 0;
    }
    // Large buffers (font files, atlas pixels) are freed after start-up; a fixed mmap threshold
    // keeps glibc from raising it past them, so their memory goes back to the system instead of
    // staying in the heap for the months the terminal runs.
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    gk::TerminalOptions o;
    std::string windowed;
    CLI::App cli{"gridkiosk: 网格服务站 community hall terminal"};
    cli.add_option("--data-dir", o.data_dir, "folder for the database and caches")->required();
    cli.add_option("--config", o.config_path, "TOML config (default DATA_DIR/gridkiosk.toml)");
    cli.add_option("--windowed", windowed, "run in a window of WxH pixels instead of fullscreen");
    cli.add_option("--lang", o.lang, "start language")->check(CLI::IsMember({"zh", "en"}));
    cli.add_option("--script", o.script_path, "drive the UI from a script (simulated time)");
    cli.add_option("--screenshot-dir", o.screenshot_dir, "where the script's screenshots go");
    cli.add_option("--layout-dump", o.layout_dump, "write the tappable widgets after each frame");
    cli.add_option("--script-start", o.script_start_unix_s,
                   "with --script: simulated time starts at this Unix time (default: now)")
        ->check(CLI::Range(int64_t{946684800}, int64_t{4102444800}));
    try {
        cli.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return cli.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return cli.exit(e);
    } catch (const CLI::ParseError& e) {
        // One line: the reason, then exit 2.
        std::fprintf(stderr, "gridkiosk: %s (see --help)\n", e.what());
        return 2;
    }
    if (!windowed.empty()) {
        std::smatch m;
        if (!std::regex_match(windowed, m, std::regex(R"((\d{3,5})x(\d{3,5}))"))) {
            std::fprintf(stderr, "gridkiosk: --windowed: expected WxH, e.g. 1920x1080\n");
            return 2;
        }
        o.windowed_w = std::stoi(m[1]);
        o.windowed_h = std::stoi(m[2]);
        if (o.windowed_w < 320 || o.windowed_h < 320 || o.windowed_w > 8192 ||
            o.windowed_h > 8192) {
            std::fprintf(stderr, "gridkiosk: --windowed: each side must be 320..8192\n");
            return 2;
        }
    }
    return gk::RunTerminal(o);
}
