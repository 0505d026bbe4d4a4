// Stage names and their Open311 status.
#include "core/request.h"

#include <array>

namespace gk {
namespace {

struct StageInfo {
    Stage stage;
    std::string_view name;
    std::string_view key;
    bool open;
};

constexpr std::array<StageInfo, 11> kStages = {{
    {Stage::kQueued, "queued", "stage.queued", true},
    {Stage::kReceived, "received", "stage.received", true},
    {Stage::kDispatched, "dispatched", "stage.dispatched", true},
    {Stage::kInProgress, "in_progress", "stage.in_progress", true},
    {Stage::kResolved, "resolved", "stage.resolved", true},
    {Stage::kClosed, "closed", "stage.closed", false},
    {Stage::kRated, "rated", "stage.rated", false},
    {Stage::kRejected, "rejected", "stage.rejected", false},
    {Stage::kDuplicate, "duplicate", "stage.duplicate", false},
    {Stage::kTransferred, "transferred", "stage.transferred", true},
    {Stage::kReopened, "reopened", "stage.reopened", true},
}};

const StageInfo& Info(Stage stage) {
    for (const auto& info : kStages) {
        if (info.stage == stage) return info;
    }
    return kStages[0];
}

}  // namespace

std::string_view StageName(Stage stage) { return Info(stage).name; }
std::string_view StageI18nKey(Stage stage) { return Info(stage).key; }
bool StageIsOpen(Stage stage) { return Info(stage).open; }

std::optional<Stage> ParseStage(std::string_view name) {
    for (const auto& info : kStages) {
        if (info.name == name) return info.stage;
    }
    return std::nullopt;
}

}  // namespace gk
