"""Basemaps in the page as data: the exported HTML embeds tiles; the scheme's answers."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import mapbox_vector_tile
import pytest
from PIL import Image

from sitrep.cli import main
from sitrep.mapping import basemap_layers, serving
from sitrep.mapping.page import app_page, export_page
from sitrep.places import basemaps
from sitrep.places.tiles import open_tileset, tile_xy
from sitrep.store import Project
from sitrep.store.queries import IncidentFilter
from tests.mapping.test_page import URL_ATTR, page_config
from tests.tilefixtures import make_mbtiles, make_pmtiles, tile_colour

KACHIN = (96.0, 24.0, 98.0, 27.5)


def register(project: Project, path: Path, name: str = "") -> None:
    with project.session() as s:
        basemaps.add(s, path, basemaps.project_folder(project), name)


def test_export_embeds_the_tiles_of_its_extent(project: Project, hostile, tmp_path: Path):
    register(project, make_mbtiles(tmp_path / "relief.mbtiles", zooms=range(0, 5)))
    notes: list[str] = []
    with project.session() as s:
        html = export_page(
            s, IncidentFilter(), project_dir=basemaps.project_folder(project), notes=notes
        )
    (entry,) = page_config(html)["basemaps"]
    assert entry["name"] == "Test basemap" and entry["vector"] is False
    assert entry["maxNativeZoom"] == 4 and notes == ["basemap 'Test basemap' embedded to zoom 4"]
    # only the tiles over the incidents (Kachin), not the world
    x, y = (int(v) for v in tile_xy(97.0, 25.5, 4))  # Hpakant, where the incidents are
    assert f"4/{x}/{y}" in entry["tiles"] and "4/0/0" not in entry["tiles"]
    assert len([k for k in entry["tiles"] if k.startswith("4/")]) <= 4
    data = base64.b64decode(entry["tiles"][f"4/{x}/{y}"])
    assert Image.open(io.BytesIO(data)).convert("RGB").getpixel((128, 200)) == tile_colour(4, x, y)
    # still one file that opens anywhere: no link to the scheme, a file or the network
    assert "sitrep-map://" not in html and "file://" not in html


def test_export_caps_the_embedded_tiles_and_says_so(project: Project, hostile, tmp_path: Path):
    register(project, make_mbtiles(tmp_path / "deep.mbtiles", zooms=range(0, 10), area=KACHIN))
    with project.session() as s:
        (o,), _ = basemaps.open_basemaps(s, basemaps.project_folder(project))
    try:
        got = basemap_layers.embed_tiles(o.tileset, KACHIN, cap=40_000)
        assert got.capped and got.max_zoom is not None and got.max_zoom < 9
        assert got.size <= 40_000
        entry, note = basemap_layers.embedded_entry(o, KACHIN, cap=40_000)
        assert entry is not None and "capped" in note and f"zoom {got.max_zoom} of 9" in note
        assert "enlarged" in entry["attribution"]
    finally:
        basemaps.close_all([o])


def test_export_with_a_vector_basemap_ships_the_renderer(
    project: Project, hostile, tmp_path: Path
):
    register(project, make_pmtiles(tmp_path / "roads.pmtiles", fmt="pbf"), "Roads")
    with project.session() as s:
        html = export_page(s, IncidentFilter(), project_dir=basemaps.project_folder(project))
    (entry,) = page_config(html)["basemaps"]
    assert entry["vector"] is True and entry["layers"] == ["landcover", "roads"]
    tile = base64.b64decode(entry["tiles"]["2/3/1"])
    assert mapbox_vector_tile.decode(tile)["roads"]["features"][0]["properties"]["name"]
    assert "protomapsL" in html  # protomaps-leaflet inlined


def test_map_command_says_which_basemap_went_in(project: Project, hostile, tmp_path: Path, capsys):
    register(project, make_mbtiles(tmp_path / "relief.mbtiles"))
    location = project.location
    project.close()
    out = tmp_path / "map.html"
    assert main(["map", location, "--output", str(out)]) == 0
    assert "Note: Basemap 'Test basemap' embedded to zoom 2." in capsys.readouterr().out
    assert page_config(out.read_text(encoding="utf-8"))["basemaps"][0]["tiles"]


def test_app_page_links_assets_and_tiles_through_the_scheme(
    project: Project, hostile, tmp_path: Path
):
    path = make_mbtiles(tmp_path / "relief.mbtiles")
    tileset = open_tileset(path)
    content = serving.MapContent(host="view9")
    try:
        entries = basemap_layers.served_entries(
            [basemaps.OpenBasemap(_registered(project, path), tileset)],
            lambda i: serving.tile_url("view9", i),
        )
        with project.session() as s:
            html = app_page(s, host="view9", basemaps=entries)
        links = URL_ATTR.findall(html)
        assert links and all(u.startswith("sitrep-map://view9/") for u in links), links
        assert page_config(html)["basemaps"][0]["url"] == "sitrep-map://view9/tiles/0/{z}/{x}/{y}"
        content.page_html = html
        content.set_tilesets([tileset])
        for link in links:  # every asset the page names is answered
            if "qt/qwebchannel.js" in link:
                continue  # answered by the Qt side from Qt's own resources
            assert content.answer(link.removeprefix("sitrep-map://view9/")) is not None, link
        reply = content.answer("tiles/0/2/1/0")
        assert reply is not None and reply.mime == "image/png"
        assert content.requests["tile"] == 1
        assert content.answer("tiles/0/9/0/0") is None  # beyond its zooms: not found
        assert content.answer("tiles/1/0/0/0") is None  # no such basemap
    finally:
        content.close()


@pytest.mark.parametrize(
    "path",
    ["assets/leaflet/../../../../etc/passwd", "assets/sitrep_map/..%2f..%2fpyproject.toml", "x"],
)
def test_the_scheme_serves_nothing_outside_the_asset_folders(path: str):
    assert serving.MapContent(host="h").answer(path) is None


def _registered(project: Project, path: Path) -> basemaps.Basemap:
    register(project, path)
    with project.session() as s:
        return basemaps.registered(s)[-1]
