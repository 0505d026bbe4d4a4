// The service request (诉求/报事) and its life cycle, as DESIGN.md §1 names them.
// Shared by the terminal, the server and the provisioning tool.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gk {

// Stage of a request. `queued` exists only on the terminal (not yet uploaded).
enum class Stage {
    kQueued,
    kReceived,
    kDispatched,
    kInProgress,
    kResolved,
    kClosed,
    kRated,
    kRejected,
    kDuplicate,
    kTransferred,
    kReopened,
};

std::string_view StageName(Stage stage);                 // "in_progress"
std::optional<Stage> ParseStage(std::string_view name);  // inverse of StageName
bool StageIsOpen(Stage stage);                           // Open311 status: open|closed
std::string_view StageI18nKey(Stage stage);              // "stage.in_progress"

// Where inside the grid (楼栋/单元/门牌). Empty fields are allowed where the service allows.
struct GridLocation {
    std::string building;  // 楼栋, e.g. "3号楼"
    std::string unit;      // 单元, e.g. "2单元"
    std::string room;      // 门牌, e.g. "501"
};

struct Contact {
    std::string name;       // optional, may be empty
    std::string phone;      // normalised digits (see phone.h), empty if anonymous
    bool by_proxy = false;  // 亲友代办: submitted for a relative
    std::string relation;   // when by_proxy: e.g. "子女"
};

// A request as the terminal writes it and the server stores it.
struct ServiceRequest {
    std::string uuid;          // fixed when written on the terminal; unique forever
    std::string receipt_code;  // 16 Crockford base32 characters, no separators
    std::string service_code;  // from the catalogue
    std::string description;   // UTF-8, at most kMaxDescriptionChars code points
    GridLocation location;
    Contact contact;
    std::string grid_path;  // "市/区/街道/社区/网格", routes up the chain of responsibility
    std::string lang;       // "zh" or "en": the resident's language at submit
    int64_t created_at_unix = 0;  // seconds, wall clock
};

constexpr int kMaxDescriptionChars = 500;  // code points
constexpr int kMaxLocationFieldChars = 20;
constexpr int kMaxNameChars = 20;

}  // namespace gk
