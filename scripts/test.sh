#!/usr/bin/env bash
# Set up everything and run the whole test suite (what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
export QTWEBENGINE_DISABLE_SANDBOX=1   # WebEngine refuses root otherwise; tests/CI only
export SITREP_REQUIRE_PG="${SITREP_REQUIRE_PG:-1}"  # no PostgreSQL: fail, never skip quietly
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
bash scripts/with-postgres.sh .venv/bin/python -m pytest -q --cov --cov-report= "$@"
echo "Line coverage of sitrep/ (least covered modules first):"
.venv/bin/coverage report --sort=cover --skip-covered --skip-empty | sed -n '3,17p'
echo "TOTAL line coverage: $(.venv/bin/coverage report --format=total)%"
