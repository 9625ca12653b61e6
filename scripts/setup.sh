#!/usr/bin/env bash
# Set up a development environment: system packages (only when missing) and .venv.
# Used by scripts/demo.sh and scripts/test.sh; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests and report rendering need. Installed only when missing.
APT_PACKAGES=(
  libreoffice-writer-nogui  # DOCX -> PDF, to check generated sitreps as pages
  poppler-utils             # pdftotext / pdftoppm
  acl                       # setfacl: demo.sh as root renders as an unprivileged user
  locales                   # locale sources: tests compile a French locale (dates)
  fonts-noto-core           # Noto Sans Myanmar and a wide Latin font
  fonts-sil-padauk          # Padauk, the classic Burmese font
  libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3  # Qt offscreen
  libnss3 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libasound2 libxkbfile1  # WebEngine
)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# PostgreSQL server and client tools (initdb, pg_ctl, pg_dump) for the tests that run the
# storage, query, import, merge and report suites on both databases (scripts/with-postgres.sh
# looks in the same places); Debian's package, installed only when no initdb is found.
has_initdb=""
for dir in /usr/lib/postgresql/*/bin /usr/local/bin /usr/bin; do
  if [ -x "$dir/initdb" ]; then has_initdb=1; break; fi
done
[ -n "$has_initdb" ] || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
# pinned versions (constraints.txt; re-pin on purpose with scripts/update-constraints.sh)
.venv/bin/python -m pip install -q -c constraints.txt -e ".[test]"
