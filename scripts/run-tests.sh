#!/usr/bin/env bash
# Set up .venv if needed and run the whole test suite offscreen.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-venv.sh requirements-dev.txt
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
