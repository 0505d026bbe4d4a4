#!/usr/bin/env bash
# Builds gridkiosk and runs every test through CTest: the whole suite in a normal build, the
# whole suite again under ASan + UBSan, and the threaded parts (store, sync, app) under TSan.
# Checks clang-format first. Installs its Debian packages before anything else.
#
# Usage: scripts/test.sh            everything (what .ci/run runs)
#        scripts/test.sh --quick    format check + normal build only, for local runs
# Build dirs: build/, build-asan/, build-tsan/ (GK_BUILD_DIR overrides the first).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1

bash scripts/deps.sh --test
jobs=$(nproc)
launcher=()
if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
    # Paths relative to the checkout, so another clone of the same sources hits the cache.
    export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
fi
summary=()

echo "== clang-format"
git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run -Werror

# run_pass NAME DIR LABEL_REGEX TARGET CMAKE_ARGS...: configure, build TARGET, run the tests
# (those labelled LABEL_REGEX, or all when empty); remembers ctest's summary line.
run_pass() {
    local name=$1 dir=$2 labels=$3 target=$4
    shift 4
    echo "== $name"
    cmake -S . -B "$dir" -G Ninja "${launcher[@]}" "$@" >/dev/null
    cmake --build "$dir" -j "$jobs" --target "$target"
    local args=(--output-on-failure -j "$jobs" --timeout 900)
    [ -n "$labels" ] && args+=(-L "$labels")
    local log
    log=$(mktemp)
    # A failing pass stops the script here (set -e with pipefail): ctest's output says why.
    (cd "$dir" && ctest "${args[@]}") 2>&1 | tee "$log"
    summary+=("$name: $(grep -E 'tests passed|tests failed' "$log" | tail -1)")
    rm -f "$log"
}

run_pass "normal build" "${GK_BUILD_DIR:-build}" "" all -DCMAKE_BUILD_TYPE=RelWithDebInfo

if [ "$quick" -eq 0 ]; then
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
    export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/sanitizers/tsan.supp"
    sanitizer_flags=(-DCMAKE_BUILD_TYPE=None "-DCMAKE_CXX_FLAGS=-O1 -g1" "-DCMAKE_C_FLAGS=-O1 -g1"
                     -DGK_BUILD_BENCH=OFF)
    run_pass "ASan+UBSan" build-asan "" all "${sanitizer_flags[@]}" -DGK_SANITIZE=address,undefined
    run_pass "TSan (store, sync, app)" build-tsan "store|sync|app" threaded_tests \
        "${sanitizer_flags[@]}" -DGK_SANITIZE=thread
fi

echo "== summary"
printf '%s\n' "${summary[@]}"
