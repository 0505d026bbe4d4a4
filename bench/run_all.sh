#!/usr/bin/env bash
# Builds the benchmarks in Release and runs every one of them in turn (about 12 minutes on the
# 2-core machine), then prints the summary table: each figure with the baseline measured in
# the same run, the ratio, the target and whether it was met. docs/PERFORMANCE.md explains them.
#
# Usage: bench/run_all.sh [BUILD_DIR]     (default: build-bench at the top of the repository)
# Each benchmark's full output is kept in a folder under /tmp, named at the end.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build-bench}

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGK_BUILD_TESTS=OFF > /dev/null
ninja -C "$build" -j2 gridkiosk frame_bench startup_phases_bench submit_bench startup_bench memory_bench idle_bench scroll_bench tap_bench

out=$(mktemp -d /tmp/gk-bench-results-XXXXXX)
benches=()
run() {
    local name=$1
    shift
    benches+=("$name")
    echo
    echo "=== $name: $*"
    if ! "$@" > >(tee "$out/$name.txt") 2> "$out/$name.stderr"; then
        echo "FIGURE|$name FAILED (see $out/$name.stderr)|-|-|-|-|-|-" | tee -a "$out/$name.txt"
    fi
}

run frame_bench          "$build/bench/frame_bench"
run startup_phases_bench "$build/bench/startup_phases_bench"
run submit_bench         "$build/bench/submit_bench" --submits 1000
run startup_bench        "$build/bench/startup_bench" --runs 10
run memory_bench         "$build/bench/memory_bench" --runs 3
run idle_bench           "$build/bench/idle_bench" --seconds 30
run scroll_bench         "$build/bench/scroll_bench" --frames 300 --xvfb
run tap_bench            "$build/bench/tap_bench" --taps 40

echo
echo "=== summary ($(date '+%Y-%m-%d %H:%M'), nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg))"
{
    echo "figure|value|unit|baseline|ratio|target|verdict"
    for name in "${benches[@]}"; do
        grep -h '^FIGURE|' "$out/$name.txt" | cut -d'|' -f2-
    done
} | column -t -s '|'
echo
echo "outputs: $out"
