#!/usr/bin/env bash
# Build the one-folder bundle (PyInstaller, pyinstaller.spec) and prove it starts (--selftest).
# Usage: scripts/build-bundle.sh [--no-selftest]      Output: dist/evalapp-<version>/
# Environment: BUILD_DIR (default build/), DIST_DIR (default dist/) to build elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-venv.sh requirements-dev.txt
build="${BUILD_DIR:-build}"
dist="${DIST_DIR:-dist}"
version="$(.venv/bin/python -c 'import evalapp; print(evalapp.__version__)')"
started=$(date +%s)
.venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN \
  --workpath "$build" --distpath "$dist" pyinstaller.spec
folder="$dist/evalapp-$version"
echo "built $folder in $(( $(date +%s) - started )) s, $(du -sm "$folder" | cut -f1) MB"
if [ "${1:-}" != "--no-selftest" ]; then
  QT_QPA_PLATFORM=offscreen "$folder/evalapp" --selftest
fi
