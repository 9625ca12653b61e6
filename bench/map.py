"""Map benchmark: page ready and a filter update at 100k and 1M incidents.

    QT_QPA_PLATFORM=offscreen python bench/map.py [--sizes 100000 1000000] [--workdir DIR]

(As root, Qt WebEngine also needs QTWEBENGINE_DISABLE_SANDBOX=1 in the shell.)

Ours: the app's map pane (per-viewport grid in SQL over QWebChannel). Baseline, in the
same run and on the same points: folium's own ``MarkerCluster`` with one ``Marker`` per
incident, which has to rebuild and reload the page for every filter change.
Targets (issue 4): ready ≤ 1.5 s and update ≤ 300 ms at both sizes; ≥ 50× faster than
the baseline.

Cold start with and without the index saved in the project (issue 15): each measured in
a new process (WebEngine start-up included), alternately, ``--cold-runs`` times each;
the saved index is removed before a run "without" and saved before a run "with". Also
the index alone: read from the incidents vs loaded from the project. Target: cold
ready ≤ 1.5 s at 1M.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer, QUrl
from PySide6.QtWebEngineWidgets import QWebEngineView  # before QApplication
from sqlalchemy import func, select

from bench._synth import incident_rows, make_geography
from sitrep.model import Incident
from sitrep.places.regions import AreaRef, Region
from sitrep.store import Project, create_project, open_project
from sitrep.store.incidents import bulk_insert_incidents
from sitrep.store.queries import IncidentFilter

LAST = dt.date(2025, 12, 31)


def project_of(size: int, workdir: Path) -> Project:
    path = workdir / f"map-bench-{size}.sitrep"
    if path.exists():
        project = open_project(path)
        with project.session() as s:
            if s.scalar(select(func.count()).select_from(Incident)) == size:
                return project
        project.close()
        path.unlink()
    started = time.perf_counter()
    project = create_project(path, name=f"map bench {size}")
    geo = make_geography(project)
    with project.session() as s:
        bulk_insert_incidents(s, incident_rows(geo, size))
    print(f"  (built {size:,} incidents in {time.perf_counter() - started:.0f} s)", flush=True)
    return project


def wait_until(check: Callable[[], bool], timeout: float = 600.0) -> None:
    deadline = time.perf_counter() + timeout
    loop = QEventLoop()
    while not check():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark step did not finish")
        QTimer.singleShot(2, loop.quit)
        loop.exec()


def js(page: Any, code: str) -> Any:
    loop = QEventLoop()
    out: list[Any] = []
    page.runJavaScript(code, 0, lambda v: (out.append(v), loop.quit()))
    loop.exec()
    return out[0]


def measure_index(project: Project) -> tuple[float, float]:
    """The index alone (no page): read from the incidents, and loaded from the project."""
    from sitrep.mapping import indexstore
    from sitrep.mapping.pointindex import PointIndex

    with project.session() as s:
        started = time.perf_counter()
        fresh = PointIndex.load(s)
        read = time.perf_counter() - started
    ensure_saved(project)
    with project.session() as s:
        started = time.perf_counter()
        saved = indexstore.load_saved(s)
        loaded = time.perf_counter() - started
    assert saved is not None and len(saved) == len(fresh)
    return read, loaded


def ensure_saved(project: Project) -> None:
    from sitrep.mapping import indexstore

    with project.session() as s:
        loaded = indexstore.load_or_build(s)
    if loaded.save_as is not None:
        with project.session() as s:
            indexstore.save(s, loaded.index, loaded.save_as)
    with project.session() as s:
        assert indexstore.load_saved(s) is not None


def drop_saved(project: Project) -> None:
    from sqlalchemy import delete

    from sitrep.model import MapIndexBlob

    with project.session() as s:
        s.execute(delete(MapIndexBlob))


def cold_once(path: Path) -> int:
    """Child process: page ready for ``path`` in a WebEngine started just now."""
    from sitrep.mapping import indexstore
    from sitrep.ui.app import make_application  # registers the map's URL scheme first
    from sitrep.ui.map_view import MapView

    app = make_application()
    project = open_project(path)
    with project.session() as s:
        saved = indexstore.load_saved(s) is not None
    shown: list[int] = []
    started = time.perf_counter()
    view = MapView(project)
    view.dataShown.connect(shown.append)
    view.resize(1100, 750)
    view.show()
    wait_until(lambda: bool(shown))
    ready = time.perf_counter() - started
    print(json.dumps({"ready": ready, "saved": saved}), flush=True)
    view.close()
    shiboken6.delete(view)
    project.close()
    app.processEvents()
    return 0


def measure_cold(project: Project, runs: int) -> dict[bool, list[float]]:
    """Cold page ready in new processes, with (True) and without (False) a saved index."""
    path = Path(project.location)
    out: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(runs):
        for with_saved in (False, True):
            if with_saved:
                ensure_saved(project)
            else:
                drop_saved(project)
            done = subprocess.run(
                [sys.executable, __file__, "--cold-once", str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            line = [ln for ln in done.stdout.splitlines() if ln.startswith("{")][-1]
            answer = json.loads(line)
            assert answer["saved"] is with_saved
            out[with_saved].append(answer["ready"])
    ensure_saved(project)
    return out


def filters(project: Project) -> dict[str, IncidentFilter]:
    from sitrep.model import AdminArea

    with project.session() as s:
        state = s.scalars(
            select(AdminArea).where(AdminArea.level == 1).order_by(AdminArea.name)
        ).first()
    assert state is not None
    region = Region(state.name, (AreaRef(state.id, 1, state.name, state.pcode),))
    year = IncidentFilter(date_from=dt.date(2025, 1, 1), date_to=LAST)
    return {
        "last year": year,
        "last year, battles": IncidentFilter(
            date_from=year.date_from, date_to=LAST, event_types=("Battles",)
        ),
        "one state, last 3 months": IncidentFilter(
            region=region, date_from=dt.date(2025, 10, 1), date_to=LAST
        ),
        "everything again": IncidentFilter(),
    }


def measure_ours(project: Project) -> tuple[float, float, dict[str, float]]:
    from sitrep.ui.map_view import MapView

    shown: list[int] = []
    started = time.perf_counter()
    view = MapView(project)
    view.dataShown.connect(shown.append)
    view.resize(1100, 750)
    view.show()
    wait_until(lambda: bool(shown))
    ready = time.perf_counter() - started
    print(f"  ours: page ready (cold WebEngine) {ready * 1000:.0f} ms")
    wait_until(view.index_ready)
    index_load = time.perf_counter() - started
    print(f"  ours: in-memory index ready {index_load * 1000:.0f} ms after the start")
    shown.clear()
    started = time.perf_counter()
    view.reload()  # the same page again in a warm WebEngine (e.g. another project opened)
    wait_until(lambda: bool(shown))
    warm = time.perf_counter() - started
    print(f"  ours: page ready again in a warm WebEngine {warm * 1000:.0f} ms")
    wait_until(view.index_ready)
    updates: dict[str, float] = {}
    for name, flt in filters(project).items():
        shown.clear()
        started = time.perf_counter()
        view.set_filter(flt)
        wait_until(lambda: bool(shown))
        updates[name] = time.perf_counter() - started
    view.close()
    shiboken6.delete(view)  # pages go before the profile does
    return ready, warm, updates


def measure_folium(
    project: Project, flt: IncidentFilter, workdir: Path
) -> tuple[float, float, int]:
    """folium's MarkerCluster with one Marker per incident: build + load (seconds)."""
    import folium
    from folium.plugins import MarkerCluster

    from sitrep.mapping import assets
    from sitrep.store.queries import select_incidents

    local_js = {a.name: a.url for a in assets.scripts()}
    local_css = {a.name: a.url for a in assets.stylesheets()}
    started = time.perf_counter()
    with project.session() as s:
        points = s.execute(
            select_incidents(flt, Incident.lat, Incident.lon).where(Incident.lat.is_not(None))
        ).all()
    fmap = folium.Map(location=[20, 97], zoom_start=5, tiles=None, max_zoom=18, maxZoom=18)
    fmap.default_js = [("leaflet", local_js["leaflet"]), ("jquery", local_js["jquery"])]
    fmap.default_css = [("leaflet_css", local_css["leaflet_css"])]
    cluster = MarkerCluster()
    cluster.default_js = [("markerclusterjs", local_js["markercluster"])]
    cluster.default_css = [
        ("markerclustercss", local_css["markercluster_css"]),
        ("markerclusterdefaultcss", local_css["markercluster_default_css"]),
    ]
    cluster.add_to(fmap)
    for lat, lon in points:
        folium.Marker([lat, lon]).add_to(cluster)
    path = workdir / "folium-baseline.html"
    fmap.save(str(path))
    built = time.perf_counter() - started
    view = QWebEngineView()
    view.resize(1100, 750)
    loaded: list[bool] = []
    view.loadFinished.connect(loaded.append)
    started = time.perf_counter()
    view.load(QUrl.fromLocalFile(str(path)))
    view.show()
    wait_until(lambda: bool(loaded))
    wait_until(
        lambda: bool(
            js(
                view.page(),
                "document.querySelectorAll('.marker-cluster, .leaflet-marker-icon').length",
            )
        )
    )
    load = time.perf_counter() - started
    size_mb = path.stat().st_size / 1e6
    view.close()
    shiboken6.delete(view)
    print(
        f"    folium: {len(points):,} markers, build {built:.1f} s, {size_mb:.0f} MB, "
        f"load {load:.1f} s"
    )
    return built + load, load, len(points)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--baseline-size", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--cold-once", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_once is not None:
        return cold_once(args.cold_once)
    from sitrep.ui.map_view import webengine_problem

    problem = webengine_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    from sitrep.ui.app import make_application  # registers the map's URL scheme first

    app = make_application()
    rows = []
    colds = []
    for size in args.sizes:
        print(f"{size:,} incidents", flush=True)
        project = project_of(size, args.workdir)
        read, loaded = measure_index(project)
        print(
            f"  index alone: read from the incidents {read * 1000:.0f} ms, "
            f"loaded from the project {loaded * 1000:.0f} ms"
        )
        cold = measure_cold(project, args.cold_runs)
        without, with_saved = (statistics.median(cold[k]) for k in (False, True))
        print(
            "  cold start, new process: without the saved index "
            + " / ".join(f"{t * 1000:.0f}" for t in cold[False])
            + " ms, with it "
            + " / ".join(f"{t * 1000:.0f}" for t in cold[True])
            + f" ms (medians {without:.2f} s vs {with_saved:.2f} s, {without / with_saved:.1f}×)",
            flush=True,
        )
        colds.append((size, without, with_saved))
        ready, warm, updates = measure_ours(project)
        update = statistics.median(updates.values())
        for name, seconds in updates.items():
            print(f"    update '{name}': {seconds * 1000:.0f} ms")
        base_ready = base_update = None
        if size == args.baseline_size:
            print("  baseline (folium MarkerCluster, one Marker per incident):", flush=True)
            base_ready, _, _ = measure_folium(project, IncidentFilter(), args.workdir)
            base_update, _, _ = measure_folium(
                project, filters(project)["last year"], args.workdir
            )
            print(
                f"  baseline: page ready {base_ready:.1f} s, update (rebuild for 'last year') "
                f"{base_update:.1f} s"
            )
            print(
                f"  ratio: ready {base_ready / ready:.0f}× faster, "
                f"update {base_update / updates['last year']:.0f}× faster"
            )
        rows.append((size, ready, warm, update, max(updates.values())))
        project.close()
    print()
    print(
        f"{'incidents':>10} {'ready, cold':>12} {'ready, warm':>12} {'update median':>14} "
        f"{'update worst':>13}  targets (ready <= 1.5 s, update <= 300 ms)"
    )
    for size, ready, warm, update, worst in rows:
        verdict = [
            "cold ready " + ("met" if ready <= 1.5 else "NOT met"),
            "warm ready " + ("met" if warm <= 1.5 else "NOT met"),
            "update " + ("met" if worst <= 0.3 else "NOT met"),
        ]
        print(
            f"{size:>10,} {ready * 1000:>10.0f}ms {warm * 1000:>10.0f}ms {update * 1000:>12.0f}ms "
            f"{worst * 1000:>11.0f}ms  {', '.join(verdict)}"
        )
    print()
    print(f"{'incidents':>10} {'cold, index read':>17} {'cold, index saved':>18} {'ratio':>6}")
    for size, without, with_saved in colds:
        verdict = "met" if with_saved <= 1.5 else "NOT met"
        print(
            f"{size:>10,} {without:>16.2f}s {with_saved:>17.2f}s {without / with_saved:>5.1f}×"
            f"  target cold ready <= 1.5 s with the saved index: {verdict}"
        )
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
