"""What the map page shows, read back from the page (offscreen WebEngine): place and
boundary names per view, the folded legend, clusters ringed by type, the selection on
the incident itself, "zoom to all", the notice for tiles that cannot load, and the
attribution kept off the scale bar."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from sitrep.mapping.labels import LABEL_LIMIT
from sitrep.mapping.palette import type_colour
from sitrep.model import Place
from sitrep.places.names import fold
from sitrep.store import Project
from sitrep.ui.map_view import MapView
from tests.conftest import make_incident
from tests.mapping.conftest import add_boundary, square
from tests.ui.conftest import ForeignRequestRecorder, run_js


@pytest.fixture(autouse=True)
def _no_network(request_recorder: ForeignRequestRecorder) -> Iterator[None]:
    request_recorder.foreign.clear()
    yield
    assert request_recorder.foreign == [], "the map page tried to reach the network"


@pytest.fixture
def make_map(web_profile, qtbot) -> Iterator[Any]:
    made: list[MapView] = []

    def make(project: Project, width: int = 900, height: int = 550, **kw: Any) -> MapView:
        view = MapView(project, profile=web_profile, **kw)
        made.append(view)
        view.resize(width, height)
        with qtbot.waitSignal(view.dataShown, timeout=30000):
            view.show()
        return view

    yield make
    for view in made:
        view.close()
        shiboken6.delete(view)


def stats(view: MapView) -> dict[str, Any]:
    return run_js(view, "SitrepMap.stats()")


def settle(view: MapView, qtbot: Any) -> dict[str, Any]:
    qtbot.waitUntil(
        lambda: not (s := stats(view))["pending"] and not s["labelsPending"], timeout=10000
    )
    return stats(view)


def set_view(view: MapView, qtbot: Any, lat: float, lon: float, zoom: int) -> dict[str, Any]:
    before = stats(view)["labelGeneration"]
    run_js(view, f"SitrepMap.leaflet().setView([{lat}, {lon}], {zoom}, {{animate: false}}) && 1")
    qtbot.waitUntil(lambda: stats(view)["labelGeneration"] > before, timeout=10000)
    return settle(view, qtbot)


def rect(view: MapView, selector: str) -> dict[str, float] | None:
    return run_js(
        view,
        f"""(function () {{
          var n = document.querySelector({json.dumps(selector)});
          if (!n) return null;
          var r = n.getBoundingClientRect();
          return {{left: r.left, top: r.top, right: r.right, bottom: r.bottom}};
        }})()""",
    )


def click(view: MapView, x: float, y: float) -> None:
    QTest.mouseClick(
        view.view.focusProxy(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(round(x), round(y)),
    )


def incident_at(view: MapView, x: float, y: float) -> str | None:
    """The incident whose marker the page has at this point of the screen."""
    return run_js(
        view,
        f"""(function () {{
          var n = document.elementFromPoint({x}, {y});
          return n && n.getAttribute('data-incident');
        }})()""",
    )


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    )


LABELS_IN_VIEW = """(function () {
  var box = document.querySelector('.leaflet-container').getBoundingClientRect();
  return Array.prototype.filter.call(document.querySelectorAll('.sitrep-label'), function (n) {
    var r = n.getBoundingClientRect();
    return r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom;
  }).map(function (n) {
    var r = n.getBoundingClientRect();
    return {text: n.textContent, cls: n.className,
            left: r.left, top: r.top, right: r.right, bottom: r.bottom};
  });
})()"""


def test_names_are_drawn_per_view_capped_and_never_overlapping(
    project: Project, make_map, qtbot
) -> None:
    make_incident(project, lat=25.61, lon=96.31)
    with project.session() as s:
        s.add(Place(name="Lone Khin", name_norm="lone khin", lat=25.655, lon=96.36))
        for i in range(3000):  # a village-level pack: far more names than a screen holds
            name = f"Village {i}"
            lat, lon = 25.3 + (i % 60) * 0.01, 96.0 + (i // 60) * 0.012
            s.add(Place(name=name, name_norm=fold(name), lat=lat, lon=lon, origin="pack"))
    add_boundary(project, "Hpakant township", 3, square(96.0, 25.3, 96.6, 25.9))
    view = make_map(project)
    # zoomed out over the country: the capital, no villages (the shipped gazetteer's
    # names may come a moment later, once read in the background: the page asks again)
    set_view(view, qtbot, 21.0, 96.0, 5)
    qtbot.waitUntil(
        lambda: "Nay Pyi Taw" in [lb["text"] for lb in run_js(view, LABELS_IN_VIEW)],
        timeout=15000,
    )
    shown = run_js(view, LABELS_IN_VIEW)
    texts = [lb["text"] for lb in shown]
    assert "Nay Pyi Taw" in texts and "Yangon" in texts
    assert not any(t.startswith("Village") for t in texts)
    # zoomed in on Hpakant: town, the project's own places, the township's name
    set_view(view, qtbot, 25.6, 96.3, 11)
    shown = run_js(view, LABELS_IN_VIEW)
    texts = [lb["text"] for lb in shown]
    assert "Hpākān" in texts and "Lone Khin" in texts
    assert any(t.startswith("Village") for t in texts)
    assert 0 < len(shown) <= LABEL_LIMIT
    for i, a in enumerate(shown):
        for b in shown[i + 1 :]:
            assert not overlaps(a, b), (a["text"], b["text"])
    controls = run_js(
        view,
        """Array.prototype.map.call(document.querySelectorAll('.leaflet-control'), function (n) {
             var r = n.getBoundingClientRect();
             return {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
           })""",
    )
    assert controls
    for a in shown:
        assert not any(overlaps(a, c) for c in controls), a["text"]
    set_view(view, qtbot, 25.6, 96.3, 10)
    texts = [lb["text"] for lb in run_js(view, LABELS_IN_VIEW)]
    assert "Hpakant township" in texts
    assert view.page.console_errors == []


def test_the_legend_is_folded_and_a_marker_where_it_was_can_be_clicked(
    project: Project, make_map, qtbot
) -> None:
    target = make_incident(project, title="Under the old legend", lat=25.0, lon=97.0)
    make_incident(project, title="Elsewhere", lat=26.5, lon=95.5)
    view = make_map(project, 900, 550)
    settle(view, qtbot)
    assert stats(view)["legendOpen"] is False
    folded = rect(view, ".sitrep-legend")
    assert folded is not None
    assert (folded["bottom"] - folded["top"]) < 40 and (folded["right"] - folded["left"]) < 120
    # the old legend filled the bottom-right corner (about 200 x 220 px): put the
    # incident there and click it
    x, y = 900 - 90, 550 - 110
    run_js(
        view,
        f"""(function () {{
          var map = SitrepMap.leaflet();
          var p = map.latLngToContainerPoint([{target.lat}, {target.lon}]);
          map.panBy([p.x - {x}, p.y - {y}], {{animate: false}});
          return 1;
        }})()""",
    )
    settle(view, qtbot)
    point = run_js(view, f"SitrepMap.markerPoint({json.dumps(str(target.id))})")
    assert point is not None and abs(point[0] - x) < 2 and abs(point[1] - y) < 2
    assert incident_at(view, *point) == str(target.id)
    with qtbot.waitSignal(view.incidentClicked, timeout=10000) as blocker:
        click(view, *point)
    assert blocker.args == [target.id]
    # the legend opens on its button, shows every type, and folds again
    toggle = rect(view, ".sitrep-legend-toggle")
    assert toggle is not None
    click(view, (toggle["left"] + toggle["right"]) / 2, (toggle["top"] + toggle["bottom"]) / 2)
    qtbot.waitUntil(lambda: stats(view)["legendOpen"])
    body = run_js(view, "document.querySelector('.sitrep-legend-body').innerText")
    assert "Battles" in body and "Riots" in body
    toggle = rect(view, ".sitrep-legend-toggle")
    assert toggle is not None
    click(view, (toggle["left"] + toggle["right"]) / 2, (toggle["top"] + toggle["bottom"]) / 2)
    qtbot.waitUntil(lambda: not stats(view)["legendOpen"])
    assert run_js(view, "document.querySelector('.sitrep-legend-body').offsetHeight") == 0


def rgb(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return f"rgb({int(h[0:2], 16)}, {int(h[2:4], 16)}, {int(h[4:6], 16)})"


def test_a_cluster_is_ringed_by_the_types_inside_it(project: Project, make_map, qtbot) -> None:
    make_incident(project, lat=25.6, lon=96.3, event_type="Battles")
    make_incident(project, lat=25.6, lon=96.3, event_type="Battles")
    make_incident(project, lat=25.6, lon=96.3, event_type="Riots", sub_event_type="Mob violence")
    make_incident(project, lat=20.0, lon=94.0, event_type="Battles")
    view = make_map(project)
    settle(view, qtbot)
    ring = run_js(
        view,
        """(function () {
          var n = document.querySelector('.sitrep-cluster');
          return n && {image: getComputedStyle(n).backgroundImage, text: n.textContent};
        })()""",
    )
    assert ring is not None and ring["text"] == "3"
    assert "conic-gradient" in ring["image"]
    assert rgb(type_colour("Battles")) in ring["image"]
    assert rgb(type_colour("Riots")) in ring["image"]


def test_selecting_an_incident_in_a_cluster_shows_the_incident_itself(
    project: Project, make_map, qtbot
) -> None:
    same_place = [make_incident(project, title=f"Same {i}", lat=25.6, lon=96.3) for i in range(8)]
    make_incident(project, title="Other", lat=24.0, lon=97.0)
    view = make_map(project)
    settle(view, qtbot)
    target = same_place[5]
    view.select_incident(target.id)
    qtbot.waitUntil(lambda: stats(view)["selectedShownAsItself"], timeout=10000)
    qtbot.waitUntil(lambda: "Same 5" in run_js(view, "SitrepMap.popupText()"), timeout=10000)
    point = run_js(view, f"SitrepMap.markerPoint({json.dumps(str(target.id))})")
    assert point is not None
    selected = run_js(
        view,
        """Array.prototype.map.call(document.querySelectorAll('.sitrep-selected'),
             function (n) { return n.getAttribute('data-incident'); })""",
    )
    assert selected == [str(target.id)]
    # what is drawn at the incident's place on screen is its own (ringed) marker
    assert incident_at(view, *point) == str(target.id)


def test_zoom_to_all_brings_every_incident_back_into_view(
    project: Project, make_map, qtbot
) -> None:
    make_incident(project, lat=25.6, lon=96.3)
    make_incident(project, lat=22.0, lon=95.0)
    make_incident(project, lat=19.0, lon=97.5)
    view = make_map(project)
    set_view(view, qtbot, -30.0, 20.0, 8)
    assert stats(view)["shown"] == 0
    button = rect(view, ".sitrep-zoom-all a")
    assert button is not None
    with qtbot.waitSignal(view.dataShown, timeout=10000) as blocker:
        click(view, (button["left"] + button["right"]) / 2, (button["top"] + button["bottom"]) / 2)
    assert blocker.args == [3]


def test_online_tiles_without_a_network_say_so_and_keep_the_scale_clear(
    project: Project, make_map, qtbot, request_recorder
) -> None:
    make_incident(project, lat=25.6, lon=96.3)
    view = make_map(project, 420, 360, online_tiles=True)  # the profile blocks the network
    qtbot.waitUntil(lambda: rect(view, ".sitrep-tile-notice") is not None, timeout=15000)
    notice = run_js(view, "document.querySelector('.sitrep-tile-notice').textContent")
    assert "could not be loaded" in notice and "offline background" in notice
    fill = run_js(view, "getComputedStyle(document.querySelector('.sitrep-base')).fillOpacity")
    assert float(fill) == 1.0  # the country fill is back, not a white map
    scale = rect(view, ".leaflet-control-scale")
    attribution = rect(view, ".leaflet-control-attribution")
    assert scale is not None and attribution is not None
    assert "OpenStreetMap" in run_js(
        view, "document.querySelector('.leaflet-control-attribution').textContent"
    )
    assert not overlaps(scale, attribution)
    request_recorder.foreign.clear()  # blocked on purpose


def test_an_exported_map_names_places_per_view_without_python(
    project: Project, web_profile, qtbot, tmp_path
) -> None:
    from types import SimpleNamespace

    from PySide6.QtCore import QUrl
    from PySide6.QtWebEngineCore import QWebEnginePage
    from PySide6.QtWebEngineWidgets import QWebEngineView

    from sitrep.mapping.page import export_page
    from sitrep.store.queries import IncidentFilter

    make_incident(project, lat=25.61, lon=96.31)
    make_incident(project, lat=25.3, lon=96.7)
    with project.session() as s:
        s.add(Place(name="Lone Khin", name_norm="lone khin", lat=25.655, lon=96.36))
    with project.session() as s:
        html = export_page(s, IncidentFilter())
    path = tmp_path / "map.html"
    path.write_text(html, encoding="utf-8")
    widget = QWebEngineView()
    page = QWebEnginePage(web_profile, widget)
    widget.setPage(page)
    widget.resize(800, 550)
    widget.show()
    view = SimpleNamespace(page=page)
    try:
        widget.load(QUrl.fromLocalFile(str(path)))
        qtbot.waitUntil(lambda: run_js(view, "window.sitrepReady === true"), timeout=20000)
        run_js(view, "SitrepMap.leaflet().setView([25.62, 96.33], 11, {animate: false}) && 1")
        texts = [lb["text"] for lb in run_js(view, LABELS_IN_VIEW)]
        assert "Hpākān" in texts and "Lone Khin" in texts
        run_js(view, "SitrepMap.leaflet().setView([21.0, 96.0], 5, {animate: false}) && 1")
        texts = [lb["text"] for lb in run_js(view, LABELS_IN_VIEW)]
        assert "Lone Khin" not in texts  # a village's name waits for the zoom
    finally:
        widget.close()
        shiboken6.delete(widget)


def test_grid_cells_are_ringed_by_their_types_too(project: Project, make_map, qtbot) -> None:
    for i in range(3):
        make_incident(project, lat=25.6 + i * 0.001, lon=96.3, event_type="Battles")
    make_incident(project, lat=25.6, lon=96.301, event_type="Riots", sub_event_type="Mob violence")
    view = make_map(project, point_limit=1)  # counts per grid cell, not markers
    s = settle(view, qtbot)
    assert s["mode"] == "grid" and s["cellTotal"] == 4
    ring = run_js(
        view,
        """(function () {
          var n = document.querySelector('.sitrep-cell');
          return n && {image: getComputedStyle(n).backgroundImage, text: n.textContent};
        })()""",
    )
    assert ring is not None and ring["text"] == "4"
    assert rgb(type_colour("Battles")) in ring["image"]
    assert rgb(type_colour("Riots")) in ring["image"]
