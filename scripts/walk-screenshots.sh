#!/usr/bin/env bash
# Photograph the meeting day at three screen sizes under Xvfb + openbox (issue 13).
# Usage: scripts/walk-screenshots.sh [display number] [out folder]
set -euo pipefail
cd "$(dirname "$0")/.."
display="${1:-92}"
out="${2:-docs/screenshots}"
mkdir -p "$out"
for size in 1024x768 1366x768 1920x1080; do
  Xvfb ":$display" -screen 0 "${size}x24" -nolisten tcp &
  xvfb=$!
  sleep 1
  DISPLAY=":$display" openbox &
  wm=$!
  sleep 1
  DISPLAY=":$display" QT_QPA_PLATFORM=xcb .venv/bin/python scripts/walk_screenshots.py "$out" || true
  kill "$wm" "$xvfb" 2>/dev/null || true
  wait "$wm" "$xvfb" 2>/dev/null || true
done
# smaller files: 256-colour PNGs are plenty for screens of text
for f in "$out"/*.png; do /usr/bin/convert "$f" -colors 256 "PNG8:$f"; done
