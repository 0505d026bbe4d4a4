// The automation script (DESIGN.md §3.2): one step a line, parsed up front so a typo fails
// before anything runs. Blank lines and lines starting with '#' are skipped.
//   tap ID | tap_at X Y | drag X1 Y1 X2 Y2 | type TEXT | key NAME | wait MS
//   expect_screen NAME | expect_text TEXT | screenshot NAME | quit
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace gk {

struct ScriptStep {
    enum class Kind {
        kTap,
        kTapAt,
        kDrag,
        kType,
        kKey,
        kWait,
        kExpectScreen,
        kExpectText,
        kScreenshot,
        kQuit
    };
    Kind kind;
    int line = 0;                     // 1-based line in the file, for failure messages
    std::string text;                 // id, text, key name, screen name or screenshot name
    float numbers[4] = {0, 0, 0, 0};  // coordinates (pixels) or the wait (ms)
};

// Error code "script" with "script:LINE: reason".
Result<std::vector<ScriptStep>> ParseScript(std::string_view text);
Result<std::vector<ScriptStep>> LoadScript(const std::string& path);

}  // namespace gk
