#!/usr/bin/env bash
# Builds gridkiosk and runs the demo: a local central server with demo content on 127.0.0.1,
# and a terminal enrolled to it. Installs its Debian packages first.
# Usage: scripts/demo.sh [--windowed WxH]   (fullscreen by default; Ctrl+C stops both)
# With no display (SSH, CI) the terminal runs on a virtual X display (Xvfb).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --test
build=${GK_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)"
exec bash scripts/run_demo.sh "$build" "$@"
