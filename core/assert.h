// GK_ASSERT(cond && "why"): programmer errors only, written as Dear ImGui writes IM_ASSERT.
// What a resident, the network or a file can get wrong is a Result, never an assert (STYLE.md).
// Active in every build type: a broken invariant in a public terminal must stop it (and the
// service manager restarts it) rather than go on with corrupt state.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace gk::detail {
[[noreturn]] inline void AssertFailed(const char* expr, const char* file, int line) {
    std::fprintf(stderr, "gridkiosk: assertion failed: %s (%s:%d)\n", expr, file, line);
    std::abort();
}
}  // namespace gk::detail

#define GK_ASSERT(cond) \
    ((cond) ? static_cast<void>(0) : ::gk::detail::AssertFailed(#cond, __FILE__, __LINE__))
