// Structured log lines for the server: "event=request_accepted id=12 terminal=3". Values are
// codes, counts and ids only — never descriptions, names or phones (DESIGN.md §4).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "platform/log.h"

namespace gk::server {

class LogLine {
  public:
    explicit LogLine(std::string_view event) { Add("event", event); }

    LogLine& Add(std::string_view key, std::string_view value) {
        if (!text_.empty()) text_ += ' ';
        text_.append(key);
        text_ += '=';
        // Quote values that would break key=value parsing.
        if (value.empty() || value.find_first_of(" \"=\t\n") != std::string_view::npos) {
            text_ += '"';
            for (char c : value) {
                if (c == '"' || c == '\\') text_ += '\\';
                text_ += (c == '\n' || c == '\t') ? ' ' : c;
            }
            text_ += '"';
        } else {
            text_.append(value);
        }
        return *this;
    }
    LogLine& Add(std::string_view key, const char* value) {
        return Add(key, std::string_view(value));
    }
    LogLine& Add(std::string_view key, const std::string& value) {
        return Add(key, std::string_view(value));
    }
    LogLine& Add(std::string_view key, int64_t value) { return Add(key, std::to_string(value)); }
    LogLine& Add(std::string_view key, int value) { return Add(key, std::to_string(value)); }
    LogLine& Add(std::string_view key, size_t value) { return Add(key, std::to_string(value)); }

    void Info() const { log::Info(text_); }
    void Warn() const { log::Warn(text_); }
    void Error() const { log::Error(text_); }
    const std::string& text() const { return text_; }

  private:
    std::string text_;
};

}  // namespace gk::server
