#!/usr/bin/env bash
# Render PROJECT's main window offscreen to PNG as an unprivileged user (run as root).
#
#   bash scripts/render-as-user.sh PROJECT OUTPUT.png
#
# Qt WebEngine, which draws the map, refuses to run as root with its sandbox on, and
# Sitrep never switches the sandbox off itself. So root renders as the system user
# sitrep-render (created if missing): it reads .venv and the sources, renders a copy of
# the project in a private folder, and root copies the picture to OUTPUT.
set -euo pipefail
if [ $# -ne 2 ]; then echo "usage: $0 PROJECT OUTPUT.png" >&2; exit 2; fi
PROJECT="$(realpath -m -- "$1")"  # as given, before moving to the checkout
OUTPUT="$(realpath -m -- "$2")"
cd "$(dirname "$0")/.."
RENDER_USER="${SITREP_RENDER_USER:-sitrep-render}"
if [ "$(id -u)" != 0 ]; then
  exec env QT_QPA_PLATFORM=offscreen .venv/bin/sitrep gui "$PROJECT" --screenshot "$OUTPUT"
fi
id "$RENDER_USER" >/dev/null 2>&1 \
  || useradd --system --no-create-home --shell /usr/sbin/nologin "$RENDER_USER"
as_user() { runuser -u "$RENDER_USER" -- "$@"; }
# The user must reach the checkout and the Python the venv was made from (pyenv, say,
# lives under /root, which only root may enter). Where a folder on the way is closed,
# let this one user pass through it (an ACL entry: x only, no listing), and read a tree
# only if its own files are closed too. Nothing else changes.
grant() {  # grant TREE FILE-INSIDE-IT
  local tree="$1" probe="$2" dir="" part
  as_user test -r "$probe" && return 0
  if ! command -v setfacl >/dev/null; then
    echo "$RENDER_USER cannot read $tree and setfacl is missing: install the acl" \
      "package (scripts/setup.sh does), or run demo.sh as an ordinary user." >&2
    exit 1
  fi
  IFS=/ read -ra parts <<<"${tree#/}"
  for part in "${parts[@]}"; do
    dir="$dir/$part"
    as_user test -x "$dir" || setfacl -m "u:$RENDER_USER:x" "$dir"
  done
  as_user test -r "$probe" || setfacl -R -m "u:$RENDER_USER:rX" "$tree"
}
BASE="$(.venv/bin/python -c 'import sys; print(sys.base_prefix)')"
grant "$BASE" "$(readlink -f .venv/bin/python)"
grant "$(pwd)" "$(pwd)/sitrep/__init__.py"
WORK="$(mktemp -d /tmp/sitrep-render.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cp "$PROJECT" "$WORK/project.sitrep"
if [ -f "$PROJECT-wal" ]; then cp "$PROJECT-wal" "$WORK/project.sitrep-wal"; fi  # not yet merged in
mkdir -m 700 "$WORK/run"
chown -R "$RENDER_USER" "$WORK"
# a home, runtime and cache folder of its own (the user has none); no display
as_user env -i PATH=/usr/bin:/bin HOME="$WORK" XDG_RUNTIME_DIR="$WORK/run" \
  XDG_CACHE_HOME="$WORK/cache" XDG_CONFIG_HOME="$WORK/config" LANG="${LANG:-C.UTF-8}" \
  QT_QPA_PLATFORM=offscreen \
  .venv/bin/sitrep gui "$WORK/project.sitrep" --screenshot "$WORK/main-window.png" \
  | sed "s|$WORK/main-window.png|$OUTPUT|"
cp "$WORK/main-window.png" "$OUTPUT"
