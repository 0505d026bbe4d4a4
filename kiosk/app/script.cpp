// Parsing automation scripts.
#include "kiosk/app/script.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace gk {
namespace {

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

bool ParseNumbers(std::string_view args, float* out, int count) {
    for (int i = 0; i < count; ++i) {
        args = Trim(args);
        const size_t end = args.find_first_of(" \t");
        const std::string_view token = args.substr(0, end);
        if (token.empty()) return false;
        const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), out[i]);
        if (ec != std::errc() || ptr != token.data() + token.size()) return false;
        args = end == std::string_view::npos ? std::string_view() : args.substr(end);
    }
    return Trim(args).empty();
}

}  // namespace

Result<std::vector<ScriptStep>> ParseScript(std::string_view text) {
    std::vector<ScriptStep> steps;
    int line_no = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
        const size_t nl = text.find('\n', pos);
        std::string_view raw =
            text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        ++line_no;
        const std::string_view line = Trim(raw);
        if (line.empty() || line.front() == '#') continue;
        const size_t space = line.find_first_of(" \t");
        const std::string_view verb = line.substr(0, space);
        const std::string_view args =
            space == std::string_view::npos ? "" : Trim(line.substr(space));
        ScriptStep step;
        step.line = line_no;
        const auto fail = [&](const std::string& why) {
            return Error{"script", "script:" + std::to_string(line_no) + ": " + why};
        };
        using K = ScriptStep::Kind;
        if (verb == "tap") {
            step.kind = K::kTap;
            if (args.empty()) return fail("tap needs a widget id");
            step.text = std::string(args);
        } else if (verb == "tap_at") {
            step.kind = K::kTapAt;
            if (!ParseNumbers(args, step.numbers, 2)) return fail("tap_at needs X Y");
        } else if (verb == "drag") {
            step.kind = K::kDrag;
            if (!ParseNumbers(args, step.numbers, 4)) return fail("drag needs X1 Y1 X2 Y2");
        } else if (verb == "type") {
            step.kind = K::kType;
            // The text is everything after one separator, so leading spaces can be typed too.
            step.text = space == std::string_view::npos ? "" : std::string(line.substr(space + 1));
            if (step.text.empty()) return fail("type needs text");
        } else if (verb == "key") {
            step.kind = K::kKey;
            if (args.empty()) return fail("key needs a name");
            step.text = std::string(args);
        } else if (verb == "wait") {
            step.kind = K::kWait;
            if (!ParseNumbers(args, step.numbers, 1) || step.numbers[0] < 0)
                return fail("wait needs MS >= 0");
        } else if (verb == "expect_screen") {
            step.kind = K::kExpectScreen;
            if (args.empty()) return fail("expect_screen needs a screen name");
            step.text = std::string(args);
        } else if (verb == "expect_text") {
            step.kind = K::kExpectText;
            if (args.empty()) return fail("expect_text needs text");
            step.text = std::string(args);
        } else if (verb == "screenshot") {
            step.kind = K::kScreenshot;
            if (args.empty() || args.find('/') != std::string_view::npos)
                return fail("screenshot needs a plain NAME");
            step.text = std::string(args);
        } else if (verb == "quit") {
            step.kind = K::kQuit;
        } else {
            return fail("unknown step \"" + std::string(verb) + "\"");
        }
        steps.push_back(std::move(step));
    }
    return steps;
}

Result<std::vector<ScriptStep>> LoadScript(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{"script", "script: cannot read " + path};
    std::stringstream text;
    text << in.rdbuf();
    return ParseScript(text.str());
}

}  // namespace gk
