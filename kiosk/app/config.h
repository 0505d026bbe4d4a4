// The terminal's configuration: a TOML file (default DIR/gridkiosk.toml) with documented
// defaults. Every key is optional; a bad value is an Error whose message names the key.
// docs/CONFIG.md lists every key; assets/gridkiosk.example.toml shows them all.
#pragma once

#include <string>

#include "core/result.h"

namespace gk {

struct KioskConfig {
    // [terminal]
    // Shown on the attract and home screens. Empty: the last two segments of the grid path
    // (社区 and 网格), so an enrolled terminal names its own hall with no extra setting.
    std::string community = "";
    std::string grid_name = "";
    std::string grid_path = "";  // 市/区/街道/社区/网格; enrollment's wins; empty: no requests
    int terminal_number = 0;     // from provisioning (1..1048575); 0: not provisioned, no requests
    // [ui]
    std::string lang = "zh";        // "zh" | "en": language after each wipe
    int idle_timeout_s = 90;        // seconds without input before the session is wiped
    int countdown_s = 15;           // last seconds shown as a countdown
    int receipt_timeout_s = 60;     // the receipt screen's own timeout
    std::string renderer = "auto";  // "auto" | "software" | "accelerated"
    bool damage_tracking = true;    // false: every frame drawn and shown in full (diagnosis)
    std::string font = "";          // CJK font file; empty: search known locations
    // [server]
    std::string server_url = "";  // central server; empty: the enrolled one (or queue only)
    // Tracking QR base: {public_url}/t/{code}. Empty: the one enrollment delivered; with none,
    // receipts show no QR (tracking is on the terminal only).
    std::string public_url = "";
    bool allow_insecure_http = false;  // http:// off loopback (warned in log and staff status)
    // [store]
    int max_queue = 100000;       // unsent records before new requests are refused
    int duplicate_hint_days = 3;  // look-back of the duplicate hint
};

// Fills community and grid_name, where the config left them empty, from the grid path's last
// two segments ("西安市/碑林区/长安路街道/书院门社区/第三网格" → 书院门社区, 第三网格).
void FillPlaceNamesFromGrid(KioskConfig& config);

// "community · grid", without the separator when either is missing; "" with neither.
std::string PlaceLine(const std::string& community, const std::string& grid_name);

// Reads a config file. When `required` is false a missing file yields the defaults.
// Error code "config" with a one-line message ("config: ui.idle_timeout_s: must be 20..3600").
Result<KioskConfig> LoadKioskConfig(const std::string& path, bool required);
Result<KioskConfig> ParseKioskConfig(std::string_view toml_text);

}  // namespace gk
