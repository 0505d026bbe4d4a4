// The request life cycle of DESIGN.md §1, in zh-CN and English.
#include "server/stage_text.h"

namespace gk::server {

BilingualText StageText(Stage stage) {
    switch (stage) {
        case Stage::kQueued:
            return {"待上传", "Waiting to upload"};
        case Stage::kReceived:
            return {"已受理", "Received"};
        case Stage::kDispatched:
            return {"已派遣", "Dispatched"};
        case Stage::kInProgress:
            return {"处置中", "In progress"};
        case Stage::kResolved:
            return {"已办结", "Resolved"};
        case Stage::kClosed:
            return {"已结案", "Closed"};
        case Stage::kRated:
            return {"已评价", "Rated"};
        case Stage::kRejected:
            return {"不予受理", "Not accepted"};
        case Stage::kDuplicate:
            return {"重复", "Duplicate"};
        case Stage::kTransferred:
            return {"转办", "Transferred"};
        case Stage::kReopened:
            return {"重新办理", "Reopened"};
    }
    return {"", ""};
}

}  // namespace gk::server
