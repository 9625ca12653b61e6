"""The report's static map draws the project's offline basemap (raster or vector)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
from docx import Document
from docx.oxml.ns import qn
from PIL import Image

from sitrep.model.enums import ReportKind
from sitrep.places import basemaps
from sitrep.places.regions import resolve_region
from sitrep.places.tiles import open_tileset, tile_xy
from sitrep.reporting import staticmap
from sitrep.reporting.build import generate, spec_for_cli
from sitrep.reporting.map_basemap import Drawn
from sitrep.store import Project
from tests.reporting import scenario
from tests.tilefixtures import make_mbtiles, make_pmtiles, tile_colour

KACHIN = (95.5, 23.5, 98.8, 28.5)
POINTS = [staticmap.MapPoint(97.0, 25.6, "Battles", 2)]


def share_of(png: bytes, colour: tuple[int, int, int], tolerance: int = 10) -> float:
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    close = np.all(np.abs(pixels - np.array(colour)) <= tolerance, axis=2)
    return float(close.mean())


def test_raster_tiles_fill_the_map(tmp_path: Path) -> None:
    path = make_mbtiles(tmp_path / "relief.mbtiles", zooms=range(0, 7), area=KACHIN)
    tileset = open_tileset(path)
    layout: dict[str, object] = {}
    try:
        png = staticmap.incident_map(POINTS, basemap=tileset, layout=layout)
    finally:
        tileset.close()
    drawn = layout["basemap"]
    assert isinstance(drawn, Drawn) and not drawn.vector and drawn.tiles > 0
    # the tile under the incident shows (its colour encodes its address)
    x, y = (int(v) for v in tile_xy(97.0, 25.6, drawn.zoom))
    assert share_of(png, tile_colour(drawn.zoom, x, y)) > 0.02
    without = staticmap.incident_map(POINTS)
    assert share_of(without, tile_colour(drawn.zoom, x, y)) == 0.0


def test_vector_tiles_are_drawn_in_the_plain_style(tmp_path: Path) -> None:
    path = make_pmtiles(tmp_path / "roads.pmtiles", fmt="pbf", zooms=range(0, 5))
    tileset = open_tileset(path)
    layout: dict[str, object] = {}
    try:
        png = staticmap.incident_map(POINTS, basemap=tileset, layout=layout)
    finally:
        tileset.close()
    drawn = layout["basemap"]
    assert isinstance(drawn, Drawn) and drawn.vector
    land_cover = (228, 236, 217)  # map_basemap.LAND_COVER, blended at 0.8 over the sea
    assert share_of(png, land_cover, tolerance=14) > 0.2


def test_the_report_credits_the_basemap(project: Project, tmp_path: Path) -> None:
    scenario.build(project)
    path = make_mbtiles(
        tmp_path / "relief.mbtiles",
        zooms=range(0, 7),
        area=KACHIN,
        metadata={"name": "Kachin relief", "attribution": '<a href="x">© Relief makers</a>'},
    )
    with project.session() as s:
        basemaps.add(s, path, basemaps.project_folder(project))
        spec = spec_for_cli(
            s, resolve_region(s, "Kachin"), *scenario.PERIOD, ReportKind.PERIODIC, None
        )
    out = tmp_path / "report.docx"
    generate(project, spec, out, today=dt.date(2025, 6, 10))
    text = "".join(t.text or "" for t in Document(str(out)).element.body.iter(qn("w:t")))
    assert "basemap 'Kachin relief' (© Relief makers)" in text
