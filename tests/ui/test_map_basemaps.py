"""Offline basemaps in the real map page (offscreen Qt WebEngine).

Tiles must arrive through the ``sitrep-map:`` scheme handler (counted there), be drawn,
and nothing may go to the network (the session profile's interceptor records any
request that is not local; the page's Resource Timing list is checked too).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6

from sitrep.places import basemaps
from sitrep.store import Project, create_project
from sitrep.ui.map_view import MapView, webengine_problem
from tests.tilefixtures import make_mbtiles, make_pmtiles
from tests.ui.conftest import ForeignRequestRecorder, run_js
from tests.ui.test_map_view import foreign_resources, wait_for

pytestmark = pytest.mark.skipif(webengine_problem() is not None, reason="no Qt WebEngine")

LAYER_NAMES = (
    "Array.prototype.map.call(document.querySelectorAll("
    "'.leaflet-control-layers-base label span span'), function (e) { return e.textContent.trim(); })"
)
RASTER_TILES = (
    "Array.prototype.filter.call(document.querySelectorAll('img.leaflet-tile-loaded'), "
    "function (e) { return e.src.indexOf('sitrep-map://') === 0; }).length"
)
# a vector tile canvas drawn by protomaps-leaflet: the colour of its land polygon
CANVAS_PIXEL = """(function () {
  var out = [];
  document.querySelectorAll('canvas.leaflet-tile').forEach(function (c) {
    if (!c.width) return;
    var d = c.getContext('2d').getImageData(Math.floor(c.width / 4), Math.floor(c.height / 4), 1, 1).data;
    out.push([d[0], d[1], d[2]]);
  });
  return out;
})()"""


@pytest.fixture(autouse=True)
def _no_network(request_recorder: ForeignRequestRecorder) -> Iterator[None]:
    request_recorder.foreign.clear()
    yield
    assert request_recorder.foreign == [], "the map page tried to reach the network"


def project_with(tmp_path: Path, *files: Path, name: str = "") -> Project:
    project = create_project(tmp_path / "p.sitrep", name="Basemaps", user="tester")
    with project.session() as s:
        for f in files:
            basemaps.add(s, f, basemaps.project_folder(project), name)
    return project


@pytest.fixture
def open_map(web_profile: Any) -> Iterator[Any]:
    made: list[tuple[MapView, Project]] = []

    def make(project: Project) -> MapView:
        view = MapView(project, profile=web_profile)
        made.append((view, project))
        view.resize(800, 600)
        view.show()
        wait_for(view.pageReady)
        return view

    yield make
    for view, project in made:
        view.close()
        shiboken6.delete(view)
        project.close()


def test_raster_mbtiles_tiles_come_through_the_scheme(tmp_path: Path, open_map: Any, qtbot: Any):
    path = make_mbtiles(tmp_path / "kachin.mbtiles", metadata={"name": "Kachin relief"})
    view = open_map(project_with(tmp_path, path))
    assert view.view.url().scheme() == "sitrep-map"  # the page itself: no file on disk
    qtbot.waitUntil(lambda: run_js(view, RASTER_TILES) > 0, timeout=15000)
    assert view.content.requests["tile"] > 0
    assert view.content.requests["page"] == 1
    assert run_js(view, LAYER_NAMES) == ["Outlines only (offline)", "Kachin relief"]
    attribution = run_js(
        view, "document.querySelector('.leaflet-control-attribution').textContent"
    )
    assert "Test tiles © Sitrep tests" in attribution
    assert foreign_resources(view) == []
    assert view.page.console_errors == []


@pytest.mark.parametrize("maker", [make_mbtiles, make_pmtiles], ids=["mbtiles", "pmtiles"])
def test_vector_tiles_are_drawn_by_the_vector_renderer(
    tmp_path: Path, open_map: Any, qtbot: Any, maker: Any
):
    path = maker(tmp_path / f"roads.{maker.__name__[5:]}", fmt="pbf")
    view = open_map(project_with(tmp_path, path, name="Roads"))
    assert run_js(view, "typeof protomapsL") == "object"  # shipped with the page
    qtbot.waitUntil(lambda: view.content.requests["tile"] > 0, timeout=15000)
    land = [228, 236, 217]  # the plain style's land-cover fill (#e4ecd9)

    def drawn() -> bool:
        pixels = run_js(view, CANVAS_PIXEL)
        return any(all(abs(a - b) <= 12 for a, b in zip(p, land, strict=True)) for p in pixels)

    qtbot.waitUntil(drawn, timeout=15000)
    assert run_js(view, LAYER_NAMES) == ["Outlines only (offline)", "Roads"]
    assert foreign_resources(view) == []
    assert view.page.console_errors == []


def test_a_basemap_name_from_a_file_is_text_not_html(tmp_path: Path, open_map: Any):
    hostile = '<img src=x onerror="window.__xss=7">Relief'
    path = make_mbtiles(
        tmp_path / "bad.mbtiles", metadata={"name": hostile, "attribution": hostile}
    )
    view = open_map(project_with(tmp_path, path))
    names = run_js(view, LAYER_NAMES)
    assert names[1] == hostile  # shown literally, as text
    attribution = run_js(view, "document.querySelector('.leaflet-control-attribution').innerHTML")
    assert "<img" not in attribution and "Relief" in attribution  # tags of a file's text dropped
    assert run_js(view, "window.__xss === undefined") is True


def test_a_missing_basemap_file_is_said_and_the_map_still_opens(tmp_path: Path, open_map: Any):
    path = make_mbtiles(tmp_path / "gone.mbtiles")
    project = project_with(tmp_path, path)
    path.unlink()
    view = open_map(project)
    assert view.basemap_problems and "gone.mbtiles" in view.basemap_problems[0]
    assert run_js(view, LAYER_NAMES) == []  # no basemap: no base-layer choice


class PageHolder:
    """A bare page for an exported HTML map, opened as a colleague's browser would."""

    def __init__(self, profile: Any, path: Path) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtWebEngineWidgets import QWebEngineView

        self.view = QWebEngineView()
        from sitrep.ui.map_view import MapPage

        self.page = MapPage(profile, self.view)
        self.view.setPage(self.page)
        self.view.resize(800, 600)
        self.view.show()
        self.view.load(QUrl.fromLocalFile(str(path)))


@pytest.mark.parametrize("fmt", ["png", "pbf"])
def test_exported_map_shows_its_embedded_basemap_offline(
    tmp_path: Path, web_profile: Any, qtbot: Any, fmt: str
):
    from sitrep.cli import main

    project = project_with(
        tmp_path, make_mbtiles(tmp_path / "base.mbtiles", fmt=fmt, zooms=range(0, 4))
    )
    project.close()
    out = tmp_path / "shared-map.html"
    assert main(["map", str(tmp_path / "p.sitrep"), "--output", str(out)]) == 0
    (tmp_path / "base.mbtiles").unlink()  # the colleague has no basemap file
    holder = PageHolder(web_profile, out)
    try:
        qtbot.waitUntil(lambda: run_js(holder, "window.sitrepReady === true"), timeout=15000)
        if fmt == "png":
            embedded = (
                "Array.prototype.filter.call(document.querySelectorAll('img.leaflet-tile-loaded'),"
                " function (e) { return e.src.indexOf('data:image/png') === 0; }).length"
            )
            qtbot.waitUntil(lambda: run_js(holder, embedded) > 0, timeout=15000)
        else:
            land = [228, 236, 217]
            qtbot.waitUntil(
                lambda: any(
                    all(abs(a - b) <= 12 for a, b in zip(p, land, strict=True))
                    for p in run_js(holder, CANVAS_PIXEL)
                ),
                timeout=15000,
            )
        assert holder.page.console_errors == []
    finally:
        holder.view.close()
        shiboken6.delete(holder.view)
