#!/usr/bin/env bash
# Idle CPU of the editor window: CPU seconds (user + system) the plaatwerk process
# uses over 30 seconds in which nobody touches it, while editing and while
# presenting (audience window open), under Xvfb. Prints a table.
#
#   scripts/bench-idle.sh [path/to/plaatwerk] [seconds]
#
# Needs Xvfb and xdotool (scripts/setup.sh installs them). Without a GPU, wgpu draws
# with llvmpipe on the CPU, so every frame shows up here: a window that redraws
# when idle costs a large share of a core.
set -euo pipefail
bin=${1:-target/release/plaatwerk}
[ -x "$bin" ] || bin=target/debug/plaatwerk
secs=${2:-30}
plate=plates/casusregie.plate
export DISPLAY=:$((90 + RANDOM % 9))
tmp=$(mktemp -d)
export XDG_RUNTIME_DIR=$tmp PLAATWERK_CONFIG_DIR=$tmp/config PLAATWERK_DATA_DIR=$tmp/data
Xvfb "$DISPLAY" -screen 0 1920x1080x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $pid $xvfb 2>/dev/null; rm -rf "$tmp"' EXIT
sleep 1
"$bin" edit "$plate" >"$tmp/editor.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  win=$(xdotool search --name casusregie.plate 2>/dev/null | head -1 || true)
  [ -n "$win" ] && break
  sleep 0.5
done
[ -n "$win" ] || { echo "no editor window; log:"; cat "$tmp/editor.log"; exit 1; }
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
measure() {
  sleep 5 # first frames, fonts, the audience window settling
  local a b
  a=$(ticks)
  sleep "$secs"
  b=$(ticks)
  awk -v d=$((b - a)) -v hz="$hz" -v s="$secs" 'BEGIN { printf "%.2f|%.1f", d / hz, 100 * d / hz / s }'
}
xdotool mousemove 700 500
editing=$(measure)
xdotool windowfocus --sync "$win" key F5
for _ in $(seq 1 60); do
  audience=$(xdotool search --name 'audience|publiek' 2>/dev/null | head -1 || true)
  [ -n "$audience" ] && break
  sleep 0.5
done
[ -n "$audience" ] || { echo "F5 opened no audience window; log:"; cat "$tmp/editor.log"; exit 1; }
presenting=$(measure)
echo "| $(basename "$bin") ($(basename "$(dirname "$bin")")) | CPU seconds in ${secs} s | share of one core |"
echo "|---|---|---|"
echo "| editing, idle | ${editing%|*} | ${editing#*|} % |"
echo "| presenting, idle | ${presenting%|*} | ${presenting#*|} % |"
