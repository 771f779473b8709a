#!/usr/bin/env bash
# Set up .venv if needed and start the app (an empty database gets the demo evaluations).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-venv.sh requirements.txt
exec .venv/bin/python main.py --demo-if-empty "$@"
