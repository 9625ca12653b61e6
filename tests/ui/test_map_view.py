"""The map pane in a real Qt WebEngine (offscreen): data, filter, selection, picking, XSS.

One page is shared by the module (loading WebEngine is the slow part); each test waits
on signals, never on sleeps.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QEventLoop, QPoint, Qt, QTimer
from PySide6.QtTest import QTest

from sitrep.store import Project, create_project
from sitrep.store.queries import IncidentFilter
from sitrep.ui import map_view as map_view_module
from sitrep.ui.map_view import MapView, webengine_problem
from tests.mapping.conftest import IMG, PAYLOAD, SCRIPT, fill_hostile_project
from tests.ui.conftest import ForeignRequestRecorder, run_js


def wait_for(signal: Any, timeout_ms: int = 20000) -> list[Any]:
    loop = QEventLoop()
    got: list[Any] = []

    def fire(*args: Any) -> None:
        got.append(args)
        loop.quit()

    signal.connect(fire)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(fire)
    if not got:
        raise TimeoutError(f"{signal} was not emitted within {timeout_ms} ms")
    return got[0]


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, list]]:
    path: Path = tmp_path_factory.mktemp("map") / "hostile.sitrep"
    project = create_project(path, name="Hostile", user="tester")
    project.set_setting("reference_prefix", "TST")
    incidents = fill_hostile_project(project)
    yield project, incidents
    project.close()


@pytest.fixture(scope="module")
def shown_map(hostile_project, web_profile, qapp) -> Iterator[MapView]:
    project, _ = hostile_project
    view = MapView(project.session, profile=web_profile)
    view.resize(900, 700)
    view.show()
    wait_for(view.dataShown)
    yield view
    view.close()
    shiboken6.delete(view)  # pages must go before the shared profile does


@pytest.fixture
def make_map(web_profile) -> Iterator[Any]:
    made: list[MapView] = []

    def make(project: Project, **kw: Any) -> MapView:
        view = MapView(project, profile=web_profile, **kw)  # as the main window makes it
        made.append(view)
        return view

    yield make
    for view in made:
        view.close()
        shiboken6.delete(view)


RESOURCES = "performance.getEntriesByType('resource').map(function (e) { return e.name; })"


def foreign_resources(view: MapView) -> list[str]:
    """Resources the page fetched that are not local (the page's own record).

    Chromium here does not always show failed https requests to the interceptor (no
    network in the sandbox), so the page's Resource Timing list is checked as well.
    """
    names = run_js(view, RESOURCES)
    local = ("file:", "qrc:", "data:", "blob:", "sitrep-map:")
    return [n for n in names if not n.startswith(local)]


@pytest.fixture(autouse=True)
def _no_network(request_recorder: ForeignRequestRecorder) -> Iterator[None]:
    request_recorder.foreign.clear()
    yield
    assert request_recorder.foreign == [], "the map page tried to reach the network"


@pytest.fixture(autouse=True)
def _shared_page_stays_offline(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "shown_map" in request.fixturenames:
        view = request.getfixturevalue("shown_map")
        assert foreign_resources(view) == [], "the map page fetched something from the network"


def settle(view: MapView, qtbot: Any, shown: int | None = None) -> dict[str, Any]:
    """Wait until the page has drawn its latest answer (and shows ``shown`` incidents)."""

    def done() -> bool:
        s = stats(view)
        return not s["pending"] and (shown is None or s["shown"] == shown)

    qtbot.waitUntil(done, timeout=10000)
    return stats(view)


def stats(view: MapView) -> dict[str, Any]:
    return run_js(view, "SitrepMap.stats()")


def test_page_loads_with_every_located_incident(shown_map: MapView, hostile_project, qtbot):
    _, incidents = hostile_project
    s = stats(shown_map)
    assert s["mode"] == "points"
    assert s["shown"] == 5 == sum(1 for i in incidents if i.lat is not None)
    assert shown_map.page.console_errors == []
    status = "document.querySelector('.sitrep-status').textContent"
    qtbot.waitUntil(lambda: "1 without coordinates" in run_js(shown_map, status))
    assert "5 incidents in view" in run_js(shown_map, status)
    # a filter the in-memory index cannot answer: counted in SQL, in the background
    shown_map.set_filter(IncidentFilter(text="no such words"))
    qtbot.waitUntil(lambda: run_js(shown_map, status) == "0 incidents in view")
    shown_map.set_filter(IncidentFilter(text="somewhere"))
    qtbot.waitUntil(
        lambda: run_js(shown_map, status) == "0 incidents in view · 1 without coordinates"
    )
    shown_map.set_filter(IncidentFilter())
    settle(shown_map, qtbot, 5)


def test_filter_updates_data_in_place_and_keeps_the_view(shown_map: MapView, qtbot):
    settle(shown_map, qtbot, 5)
    run_js(shown_map, "window.__samePage = 42")
    before = stats(shown_map)
    with qtbot.waitSignal(shown_map.dataShown, timeout=10000) as blocker:
        shown_map.set_filter(IncidentFilter(event_types=("Battles",)))
    assert blocker.args == [2]
    after = stats(shown_map)
    assert after["shown"] == 2
    assert after["zoom"] == before["zoom"] and after["center"] == before["center"]
    assert run_js(shown_map, "window.__samePage") == 42  # no page rebuild
    with qtbot.waitSignal(shown_map.dataShown, timeout=10000) as blocker:
        shown_map.set_filter(IncidentFilter())
    assert blocker.args == [5]


def test_zoom_to_data_fits_the_filtered_incidents(shown_map: MapView, qtbot, hostile_project):
    _, incidents = hostile_project
    far_north = max((i for i in incidents if i.lat is not None), key=lambda i: i.lat)
    shown_map.set_filter(IncidentFilter(ids=(far_north.id,)))
    settle(shown_map, qtbot, 1)
    shown_map.zoom_to_data()
    qtbot.waitUntil(lambda: abs(stats(shown_map)["center"][0] - far_north.lat) < 0.05)
    center = settle(shown_map, qtbot, 1)["center"]
    assert abs(center[1] - far_north.lon) < 0.05
    shown_map.set_filter(IncidentFilter())
    shown_map.zoom_to_data()
    settle(shown_map, qtbot, 5)


def test_clicking_a_marker_selects_its_incident(shown_map: MapView, qtbot, hostile_project):
    _, incidents = hostile_project
    target = incidents[2]
    point = run_js(shown_map, f"SitrepMap.markerPoint({json.dumps(str(target.id))})")
    assert point is not None, "marker not on the map"
    selected: list[Any] = []
    shown_map.incidentSelected.connect(selected.append)
    with qtbot.waitSignal(shown_map.incidentClicked, timeout=10000) as blocker:
        QTest.mouseClick(
            shown_map.view.focusProxy(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            QPoint(round(point[0]), round(point[1])),
        )
    assert blocker.args == [target.id]
    assert selected == [target.id]  # the main window's pane contract
    shown_map.incidentSelected.disconnect(selected.append)
    qtbot.waitUntil(lambda: f"Incident 2 {PAYLOAD}" in run_js(shown_map, "SitrepMap.popupText()"))


def test_selecting_an_incident_pans_and_opens_its_popup(
    shown_map: MapView, qtbot, hostile_project
):
    _, incidents = hostile_project
    target = incidents[3]
    shown_map.select_incident(target.id)
    qtbot.waitUntil(lambda: f"Incident 3 {PAYLOAD}" in run_js(shown_map, "SitrepMap.popupText()"))
    center = stats(shown_map)["center"]
    assert abs(center[0] - target.lat) < 0.5 and abs(center[1] - target.lon) < 0.5
    assert stats(shown_map)["zoom"] >= 10


def test_pick_on_map_reports_the_clicked_location(shown_map: MapView, qtbot):
    shown_map.zoom_to_data()  # also ends any panning animation
    settle(shown_map, qtbot, 5)
    shown_map.start_pick()
    qtbot.waitUntil(lambda: stats(shown_map)["picking"])
    expected = run_js(shown_map, "SitrepMap.latLngAt(300, 420)")
    with qtbot.waitSignal(shown_map.locationPicked, timeout=10000) as blocker:
        QTest.mouseClick(
            shown_map.view.focusProxy(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            QPoint(300, 420),
        )
    lat, lon = blocker.args
    assert abs(lat - expected[0]) < 1e-6 and abs(lon - expected[1]) < 1e-6
    assert not stats(shown_map)["picking"]


def test_payloads_in_every_text_field_stay_text(shown_map: MapView, qtbot, hostile_project):
    _, incidents = hostile_project
    shown_map.zoom_to_data()
    settle(shown_map, qtbot, 5)
    for i, incident in enumerate(incidents[:5]):
        # the marker's own popup, then the popup of "show this incident"
        opened = run_js(shown_map, f"SitrepMap.openPopup({json.dumps(str(incident.id))})")
        assert opened, (stats(shown_map), run_js(shown_map, "SitrepMap.ids()"))
        qtbot.waitUntil(
            lambda i=i: f"Incident {i} {PAYLOAD}" in run_js(shown_map, "SitrepMap.popupText()")
        )
        shown_map.select_incident(incident.id)
        qtbot.waitUntil(
            lambda i=i: f"Place {i} {PAYLOAD}" in run_js(shown_map, "SitrepMap.popupText()")
        )
        shown_map.zoom_to_data()
        settle(shown_map, qtbot, 5)
    text = run_js(shown_map, "SitrepMap.popupText()")
    assert f"Source {PAYLOAD} (F6)" in text
    body = run_js(shown_map, "document.body.textContent")
    assert f"Odd type {PAYLOAD}" in body  # the legend shows the type literally
    assert IMG in body and SCRIPT in body
    assert run_js(shown_map, "typeof window.__xss") == "undefined"
    assert run_js(shown_map, "document.querySelectorAll('img, iframe').length") == 0
    assert run_js(shown_map, "document.querySelectorAll('script').length") == run_js(
        shown_map, "document.scripts.length"
    )
    assert shown_map.page.console_errors == []


def test_grid_mode_counts_every_incident_from_sql_and_from_the_index(
    project: Project, make_map, qtbot
):
    fill_hostile_project(project)
    view = make_map(project, point_limit=1)
    view.resize(600, 500)
    with qtbot.waitSignal(view.dataShown, timeout=20000) as blocker:
        view.show()
    assert blocker.args == [5]
    s = stats(view)
    assert s["mode"] == "grid" and s["cellTotal"] == 5 and s["points"] == 0
    qtbot.waitUntil(view.index_ready)
    view.set_filter(IncidentFilter(event_types=("Battles",)))
    assert settle(view, qtbot, 2)["mode"] == "grid"
    # an incident saved elsewhere appears after refresh(), with the index read again
    from tests.conftest import make_incident

    make_incident(project, title="new one", lat=26.0, lon=97.0)
    view.refresh()
    assert not view.index_ready()
    settle(view, qtbot, 3)
    qtbot.waitUntil(view.index_ready)
    view.set_filter(IncidentFilter())
    settle(view, qtbot, 6)


def test_online_tiles_are_requested_only_when_switched_on(
    hostile_project, make_map, qtbot, request_recorder
):
    project, _ = hostile_project
    view = make_map(project, online_tiles=True)
    view.resize(400, 300)
    with qtbot.waitSignal(view.dataShown, timeout=20000):
        view.show()
    qtbot.waitUntil(lambda: bool(foreign_resources(view)))
    assert all(
        url.startswith("https://tile.openstreetmap.org/") for url in foreign_resources(view)
    )
    attribution = run_js(
        view, "document.querySelector('.leaflet-control-attribution').textContent"
    )
    assert "OpenStreetMap contributors" in attribution
    request_recorder.foreign.clear()  # blocked, as expected for this test


def test_without_webengine_the_pane_explains_and_does_nothing(monkeypatch, qtbot, project):
    monkeypatch.setattr(map_view_module, "webengine_problem", lambda: "No map here, sorry.")
    view = MapView(project.session)
    qtbot.addWidget(view)
    assert not view.available
    assert view.message == "No map here, sorry."
    view.set_filter(IncidentFilter())
    view.select_incident(uuid.uuid4())
    view.start_pick()
    view.zoom_to_data()


def test_running_as_root_without_the_sandbox_switch_is_detected(monkeypatch):
    monkeypatch.setattr(map_view_module.os, "geteuid", lambda: 0, raising=False)
    monkeypatch.delenv("QTWEBENGINE_DISABLE_SANDBOX", raising=False)
    monkeypatch.delenv("QTWEBENGINE_CHROMIUM_FLAGS", raising=False)
    assert "root" in (webengine_problem() or "")
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
    assert webengine_problem() is None
    monkeypatch.setattr(map_view_module.os, "geteuid", lambda: 1000, raising=False)
    monkeypatch.delenv("QTWEBENGINE_CHROMIUM_FLAGS", raising=False)
    assert webengine_problem() is None
