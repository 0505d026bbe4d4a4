#!/usr/bin/env bash
# Runs the demo from an existing build: a central server on 127.0.0.1 with demo content, and a
# terminal enrolled to it. Called by scripts/demo.sh after building; usable on its own:
#   scripts/run_demo.sh BUILD_DIR [gridkiosk flags, e.g. --windowed 1280x720]
# With a display the terminal opens fullscreen (operators stop it with Ctrl+C here). Without one
# (SSH, CI) a scripted tour runs on a virtual display and leaves screenshots to look at.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: run_demo.sh BUILD_DIR [gridkiosk flags]}
shift
data=${GK_DEMO_DIR:-$PWD/demo-data}
port=${GK_DEMO_PORT:-8080}
url="http://127.0.0.1:$port"
server="$build/server/gridkiosk-server"
kiosk="$build/kiosk/gridkiosk"
provision="$build/provisioning/gridkiosk-provision"
grid="西安市/碑林区/长安路街道/书院门社区/第三网格"
mkdir -p "$data/terminal"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# 1. The central server, with the default catalogue as its demo content.
if [ ! -f "$data/server.db" ]; then
  "$server" init --db "$data/server.db" --catalogue assets/catalogue.json > "$data/admin-token.txt"
  echo "server initialised; admin token saved in $data/admin-token.txt"
fi
"$server" serve --listen "127.0.0.1:$port" --db "$data/server.db" --public-url "$url" > "$data/server.out" 2> "$data/server.log" &
pids+=($!)
for _ in $(seq 50); do grep -q "^listening on" "$data/server.out" 2>/dev/null && break; sleep 0.1; done
grep -q "^listening on" "$data/server.out" || { echo "server did not start; see $data/server.log" >&2; exit 1; }
echo "central server: $url  (log: $data/server.log)"

# 2. The terminal: configured for its hall, and enrolled once with a one-time code. Enrollment
# gives it its grid and the server's public URL (the demo server's is $url); the demo values
# live here, never in the terminal's defaults.
cat > "$data/terminal/gridkiosk.toml" <<TOML
[terminal]
community = "书院门社区"
grid_name = "第三网格"
grid_path = "$grid"
[server]
public_url = "$url"
TOML
if ! "$provision" status --data-dir "$data/terminal" | grep -q '"server": "http'; then
  code=$("$server" enroll-code --db "$data/server.db" --kiosk-id hall-01 --grid "$grid" | tail -n 1)
  "$provision" enroll --data-dir "$data/terminal" --server "$url" --code "$code"
fi

# 3. Run it.
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "terminal: fullscreen (Ctrl+C here to stop)"
  "$kiosk" --data-dir "$data/terminal" "$@"
else
  shots="$data/screenshots"
  mkdir -p "$shots"
  echo "no display: running a scripted tour on a virtual display; screenshots in $shots"
  # Each tour files its request for another building: the same request twice would (rightly)
  # stop at the "similar request" hint, which the scripted tour does not answer.
  runs=$(( $(cat "$data/tour_runs" 2>/dev/null || echo 0) + 1 ))
  echo "$runs" > "$data/tour_runs"
  tour="$data/demo_tour.txt"
  sed "s/^type 3号楼\$/type $((runs + 2))号楼/" scripts/demo_tour.txt > "$tour"
  xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" \
    "$kiosk" --data-dir "$data/terminal" --windowed 1920x1080 --script "$tour" --screenshot-dir "$shots"
  # Staff move the request on; the terminal's track screen shows it from the feed.
  sleep 1
  code=$("$server" request list --db "$data/server.db" | awk 'NR>1 {print $1}' | tail -n 1 || true)
  if [ -n "$code" ]; then
    "$server" request set-stage --db "$data/server.db" "$code" dispatched --note "已派维修班组 Repair crew assigned" >/dev/null
    echo "tracking page for the demo request: $url/t/$code"
  fi
  ls "$shots"
fi
