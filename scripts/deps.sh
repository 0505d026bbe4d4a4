#!/usr/bin/env bash
# Installs the Debian 12 packages that building, running and testing gridkiosk need.
# Idempotent: apt-get skips what is already there. Run as root (or with sudo available).
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config ninja-build
  # libraries (DESIGN.md §2)
  libsdl2-dev libx11-dev libimgui-dev libstb-dev libsqlite3-dev sqlite3 libqrencode-dev
  libcurl4-openssl-dev nlohmann-json3-dev libtomlplusplus-dev libcli11-dev libcpp-httplib-dev
  libsodium-dev libsystemd-dev libgtest-dev libgmock-dev libbenchmark-dev
  # fonts
  fonts-noto-cjk fonts-wqy-microhei
)
if [ "${1:-}" = "--test" ]; then
  packages+=(clang-format ccache xvfb xauth xdotool x11-utils libxtst-dev zbar-tools imagemagick chromium procps wrk curl python3)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
