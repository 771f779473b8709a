#!/usr/bin/env bash
# Set up .venv if needed and run the whole test suite offscreen.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-venv.sh requirements-dev.txt
export QT_QPA_PLATFORM=offscreen
# PostgreSQL tests (marker "postgres"): pytest starts a private cluster itself when the server
# is installed (tests/pg.py), or uses $EVALAPP_TEST_PG_URL (scripts/pg-test-cluster.sh start);
# otherwise they are skipped with the reason.
exec .venv/bin/python -m pytest "$@"
