"""Screenshot of the demo project's map over an offline MBTiles basemap.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot_basemap.py \\
        [OUT.png] [KACHIN.mbtiles]

Builds the demo in a temporary folder, draws the Kachin basemap beside it with
``scripts/kachin_mbtiles.py`` (unless an MBTiles file is given), registers it as the
project's basemap and saves the map pane zoomed on central Kachin.
(Running as root needs QTWEBENGINE_DISABLE_SANDBOX=1 in the shell.)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

ROOT = Path(__file__).resolve().parent.parent


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_signal(signal: object, timeout_ms: int = 30000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def main() -> int:
    default = ROOT / "docs" / "screenshots" / "map-mbtiles.png"
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    from sitrep.ui.app import make_application

    app = make_application()
    from sitrep.demo import build_demo
    from sitrep.places import basemaps
    from sitrep.ui.map_view import MapView

    tmp = tempfile.TemporaryDirectory()
    folder = Path(tmp.name)
    project = build_demo(folder / "demo.sitrep")
    mbtiles = Path(sys.argv[2]) if len(sys.argv) > 2 else folder / "maps" / "kachin.mbtiles"
    if not mbtiles.exists():
        mbtiles.parent.mkdir(parents=True, exist_ok=True)
        script = ROOT / "scripts" / "kachin_mbtiles.py"
        subprocess.run([sys.executable, str(script), str(mbtiles)], check=True)
    with project.session() as s:
        basemaps.add(s, mbtiles, basemaps.project_folder(project), "Kachin (offline MBTiles)")
    view = MapView(project)
    view.setWindowTitle("Sitrep — map over an offline MBTiles basemap")
    view.resize(1100, 760)
    view.show()
    wait_signal(view.dataShown)
    view.bridge.zoomRequested.emit(json.dumps([96.0, 24.9, 97.9, 26.3]))  # Hpakant–Myitkyina
    wait_signal(view.dataShown)
    # the layer control opened, as a user hovering it sees the basemaps listed
    view.page.runJavaScript(
        "document.querySelector('.leaflet-control-layers')"
        ".classList.add('leaflet-control-layers-expanded')"
    )
    wait(2500)  # tiles arrive through the scheme after the data
    view.grab().save(str(out))
    print(f"{out}: {view.content.requests['tile']} tiles served through sitrep-map:")
    view.close()
    project.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
