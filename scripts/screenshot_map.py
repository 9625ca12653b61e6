"""Screenshots of the map and timeline panes with the demo project (docs/screenshots/).

    QT_QPA_PLATFORM=offscreen python scripts/screenshot_map.py [OUTDIR]

Builds the demo project in a temporary folder, shows the two panes in a small window wired
the way the main window wires them (timeline period -> shared filter -> map), and saves
what is on screen. (Running as root needs QTWEBENGINE_DISABLE_SANDBOX=1 in the shell.)
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401  (before QApplication)
from PySide6.QtWidgets import QSplitter


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_signal(signal: object, timeout_ms: int = 20000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


class MapAndTimeline(QSplitter):
    """Map above timeline, connected as the main window connects its two panes."""

    def __init__(self, map_view: Any, timeline: Any) -> None:
        super().__init__(Qt.Orientation.Vertical)
        self.map, self.timeline = map_view, timeline
        self.addWidget(map_view)
        self.addWidget(timeline)
        self.setSizes([620, 230])
        self.periodSelected = timeline.periodSelected
        map_view.incidentSelected.connect(timeline.select_incident)

    def set_filter(self, flt: Any) -> None:
        self.map.set_filter(flt)
        self.timeline.set_filter(flt)

    def select_incident(self, incident_id: Any) -> None:
        self.map.select_incident(incident_id)
        self.timeline.select_incident(incident_id)


def run_js(view: Any, code: str) -> Any:
    import json

    answer: list[Any] = []
    loop = QEventLoop()

    def done(value: Any) -> None:
        answer.append(value)
        loop.quit()

    view.page.runJavaScript(f"JSON.stringify(({code}))", 0, done)
    QTimer.singleShot(5000, loop.quit)
    loop.exec()
    return json.loads(answer[0]) if answer and answer[0] else None


def hpakant_labels(map_view: Any, path: Path) -> None:
    """Zoomed on Hpakant with no network: the names of the shipped gazetteer and of the
    project's own places (Lone Khin), the legend opened."""
    from sitrep.mapping.labels import gazetteer_ready

    for _ in range(100):  # the shipped names are read in the background once
        if gazetteer_ready():
            break
        wait(100)
    before = run_js(map_view, "SitrepMap.stats().labelGeneration")
    run_js(map_view, "SitrepMap.leaflet().setView([25.64, 96.33], 10, {animate: false}) && 1")
    run_js(map_view, "SitrepMap.setLegendOpen(true) && 1")
    for _ in range(100):
        wait(100)
        s = run_js(map_view, "SitrepMap.stats()")
        if s["labelGeneration"] > before and not s["pending"] and not s["labelsPending"]:
            break
    wait(800)
    map_view.window().grab().save(str(path))
    run_js(map_view, "SitrepMap.setLegendOpen(false) && 1")
    map_view.zoom_to_data()
    wait_signal(map_view.dataShown)


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    from sitrep.ui.app import make_application  # registers the map's URL scheme first

    app = make_application()
    from sitrep.demo import build_demo
    from sitrep.store.queries import IncidentFilter
    from sitrep.ui.map_view import MapView
    from sitrep.ui.timeline import TimelineView

    tmp = tempfile.TemporaryDirectory()
    project = build_demo(Path(tmp.name) / "demo.sitrep")
    pane = MapAndTimeline(MapView(project.session), TimelineView(project.session))
    pane.setWindowTitle("Sitrep — map and timeline (demo project)")
    flt = IncidentFilter()

    def on_period(start: dt.date | None, end: dt.date | None) -> None:
        nonlocal flt
        flt = flt.with_period(start, end)  # None, None: any time
        pane.set_filter(flt)

    pane.periodSelected.connect(on_period)
    pane.resize(1200, 850)
    pane.show()
    pane.set_filter(flt)
    wait_signal(pane.map.dataShown)
    wait(1500)
    pane.grab().save(str(out / "map-timeline-overview.png"))
    hpakant_labels(pane.map, out / "map-hpakant-labels.png")

    # zoomed into Hpakant with the popup of a scenario incident open
    from sqlalchemy import select

    from sitrep.model import Incident

    with project.session() as s:
        inc = s.scalars(
            select(Incident)
            .where(Incident.is_synthetic.is_(False))
            .order_by(Incident.killed.desc())
        ).first()
    assert inc is not None
    pane.select_incident(inc.id)
    wait_signal(pane.map.dataShown)
    wait(1500)
    pane.grab().save(str(out / "map-timeline-selected.png"))

    # a period chosen on the timeline: the last three months of the data
    last = max(b.end for b in pane.timeline.bars)
    on_period(last - dt.timedelta(days=90), last)
    pane.map.zoom_to_data()
    wait_signal(pane.map.dataShown)
    wait(1500)
    pane.grab().save(str(out / "map-timeline-period.png"))
    pane.close()

    # many incidents in view: counted per grid cell in SQL, coloured by the main type
    grid = MapView(project.session, point_limit=50)
    grid.setWindowTitle("Sitrep — map, grid counts")
    grid.resize(1000, 700)
    grid.show()
    wait_signal(grid.dataShown)
    wait(1500)
    grid.grab().save(str(out / "map-grid-counts.png"))
    grid.close()
    project.close()
    app.processEvents()
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
