// Log to stderr in a journald-friendly form ("<6>gridkiosk: message"). Never personal data:
// callers log codes, counts and ids, not names, phones or descriptions.
//
// Messages carry outside data (paths, addresses, header values), so every message is escaped
// on its way out: one message is always exactly one line, and nothing in it can move a
// terminal's cursor, recolour it or reorder the text (EscapeForLog).
#pragma once

#include <string>
#include <string_view>

namespace gk::log {

void SetProgramName(std::string_view name);
void Info(std::string_view message);
void Warn(std::string_view message);
void Error(std::string_view message);

// The text as one safe line: control characters (C0, DEL, C1), line and paragraph separators
// and bidirectional overrides become "\u{XXXX}"; bytes that are not UTF-8 become "\xNN".
// Well-formed printable UTF-8 (Chinese included) is kept as it is.
std::string EscapeForLog(std::string_view text);

}  // namespace gk::log
