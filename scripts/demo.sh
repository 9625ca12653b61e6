#!/usr/bin/env bash
# Set up everything, build the demo project (Kachin State scenario) and open the app on it.
# On a machine without a display the app renders its main window offscreen to
# out/main-window.png and prints the project summary instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
DEMO="out/kachin-demo.sitrep"
if [ ! -f "$DEMO" ]; then
  .venv/bin/sitrep demo "$DEMO"
else
  .venv/bin/sitrep info "$DEMO"
fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = Linux ]; then
  echo "No display: rendering the main window offscreen to out/main-window.png"
  if [ "$(id -u)" = 0 ]; then
    # Qt WebEngine (the map) refuses to run as root, and the app never switches its
    # sandbox off: render as an unprivileged system user instead, like with-postgres.sh.
    bash scripts/render-as-user.sh "$DEMO" out/main-window.png
  else
    QT_QPA_PLATFORM=offscreen .venv/bin/sitrep gui "$DEMO" --screenshot out/main-window.png
  fi
else
  exec .venv/bin/sitrep "$DEMO"
fi
