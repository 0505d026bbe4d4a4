// stderr logging with syslog priority prefixes that journald understands.
#include "platform/log.h"

#include <cstdio>
#include <mutex>
#include <string>

namespace gk::log {
namespace {

std::mutex g_mutex;
std::string g_program = "gridkiosk";

void Write(int priority, std::string_view message) {
    std::lock_guard lock(g_mutex);
    std::fprintf(stderr, "<%d>%s: %.*s\n", priority, g_program.c_str(),
                 static_cast<int>(message.size()), message.data());
}

}  // namespace

void SetProgramName(std::string_view name) {
    std::lock_guard lock(g_mutex);
    g_program = std::string(name);
}
void Info(std::string_view message) { Write(6, message); }
void Warn(std::string_view message) { Write(4, message); }
void Error(std::string_view message) { Write(3, message); }

}  // namespace gk::log
