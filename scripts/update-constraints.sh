#!/usr/bin/env bash
# Re-pin what setup.sh (and so CI) installs: constraints.txt, on purpose only.
#
# Run after changing dependencies in pyproject.toml, or to take newer releases on purpose:
#   bash scripts/update-constraints.sh && bash scripts/test.sh && git diff constraints.txt
# It installs the project with its test and postgres extras into a throw-away venv, with
# no constraints (the newest releases pyproject.toml allows), and freezes the result.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$PYTHON" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q --upgrade pip
"$tmp/venv/bin/python" -m pip install -q ".[test,postgres]"
{
  echo "# What setup.sh and CI install, pinned (pip's -c). Do not edit by hand:"
  echo "# regenerate with 'bash scripts/update-constraints.sh' (see README, Development)."
  "$tmp/venv/bin/python" -m pip freeze --exclude sitrep
} >constraints.txt
echo "constraints.txt: $(grep -vc '^#' constraints.txt) pins"
