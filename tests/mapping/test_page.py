"""The map page as data: offline assets, escaped text, embedded GeoJSON, the CLI export."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sitrep.cli import main
from sitrep.mapping import assets
from sitrep.mapping.basemap import boundary_layers, countries
from sitrep.mapping.page import PageContent, app_page, build_page, export_page
from sitrep.mapping.safejson import script_json
from sitrep.store import Project
from sitrep.store.queries import IncidentFilter
from tests.mapping.conftest import IMG, PAYLOAD, SCRIPT

URL_ATTR = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)


def page_config(html: str) -> dict:
    """The configuration handed to SitrepMap.init (parsed back as the page would)."""
    match = re.search(r"SitrepMap\.init\(\w+, (\{.*?\})\);\s*$", html, re.M | re.S)
    assert match, "page has no SitrepMap.init call"
    return json.loads(match.group(1))


def test_assets_are_local_files_from_the_xstatic_packages():
    for asset in [*assets.scripts(), *assets.stylesheets()]:
        assert asset.path.is_file(), asset
        assert asset.url.startswith("file://")
    names = [a.name for a in assets.scripts()]
    assert names.index("leaflet") < names.index("markercluster") < names.index("sitrep_map")


def test_app_page_links_only_local_files(project: Project, hostile):
    with project.session() as s:
        html = app_page(s)
    urls = URL_ATTR.findall(html)
    assert urls, "no assets linked"
    for url in urls:
        assert url.startswith(("file://", "qrc:///qtwebchannel/")), url
    assert "cdn" not in html.lower()
    assert "openstreetmap" not in html.lower()


def test_online_tiles_only_when_asked_and_attributed(project: Project):
    with project.session() as s:
        html = app_page(s, online_tiles=True)
    assert "tile.openstreetmap.org" in html
    assert "openstreetmap.org/copyright" in html and "contributors" in html


def test_script_json_cannot_close_the_script_element():
    text = script_json({"t": PAYLOAD, "u": "a\u2028b & c"})
    assert "</script" not in text.lower() and "<img" not in text and "&" not in text
    assert json.loads(text) == {"t": PAYLOAD, "u": "a\u2028b & c"}


def test_payloads_never_appear_as_markup(project: Project, hostile):
    with project.session() as s:
        html = export_page(s, IncidentFilter(), title=f"Title {PAYLOAD}")
    assert IMG not in html
    assert SCRIPT not in html
    assert "window.__xss" in html  # the text is there, escaped
    config = page_config(html)
    assert config["title"] == f"Title {PAYLOAD}"
    titles = {f["properties"]["title"] for f in config["points"]}
    assert f"Incident 0 {PAYLOAD}" in titles
    assert any(item["type"] == f"Odd type {PAYLOAD}" for item in config["legend"])
    names = [
        f["properties"]["name"]
        for layer in config["boundaries"]
        for f in layer["data"]["features"]
    ]
    assert f"Kachin {PAYLOAD}" in names
    assert "&lt;img" in html  # the <title> element is escaped HTML


def test_export_is_self_contained(project: Project, hostile):
    with project.session() as s:
        html = export_page(s, IncidentFilter())
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", html)
    assert "file://" not in html
    # the only web addresses are a link in Leaflet's attribution, the SVG namespace and a
    # comment in Leaflet's CSS: nothing the page loads (jQuery, never used, is not inlined)
    hosts = set(re.findall(r"https?://([\w.-]+)", html))
    assert hosts <= {"leafletjs.com", "www.w3.org", "bugzilla.mozilla.org"}, hosts
    assert "jQuery" not in html
    assert "L.MarkerClusterGroup" in html  # markercluster inlined
    assert "url(data:image/png;base64," in html  # leaflet's images inlined
    config = page_config(html)
    assert config["mode"] == "static"
    assert len(config["points"]) == 5  # the sixth incident has no coordinates
    assert config["withoutCoordinates"] == 1
    lons = [f["geometry"]["coordinates"][0] for f in config["points"]]
    west, _south, east, _north = config["bounds"]
    assert west == min(lons) and east == max(lons)


def test_export_follows_the_filter(project: Project, hostile):
    with project.session() as s:
        html = export_page(s, IncidentFilter(event_types=("Battles",)))
    config = page_config(html)
    assert {f["properties"]["type"] for f in config["points"]} == {"Battles"}
    assert len(config["points"]) == 2
    assert "Battles" in config["subtitle"]


def test_basemap_is_shipped_and_small():
    data = countries()
    assert len(data["features"]) == 177
    assert all(set(f["properties"]) == {"name", "iso"} for f in data["features"])
    assert any(f["properties"]["iso"] == "MMR" for f in data["features"])


def test_boundary_layers_by_level_skip_broken_geometry(project: Project, hostile):
    from sitrep.model import AdminArea
    from sitrep.places.names import area_key

    with project.session() as s:
        s.add(AdminArea(name="Broken", name_norm=area_key("Broken"), level=2, geometry="{oops"))
    with project.session() as s:
        layers = boundary_layers(s)
    assert [layer["level"] for layer in layers] == [1, 3]


def test_build_page_without_data_centres_on_default(project: Project):
    html = build_page(PageContent(legend=[]))
    assert page_config(html)["fit"] is False


def test_cli_map_writes_offline_html(project: Project, hostile, tmp_path: Path, capsys):
    location = project.location
    project.close()
    out = tmp_path / "map.html"
    assert main(["map", location, "--output", str(out), "--type", "battles"]) == 0
    assert "2 incidents mapped, 1 without coordinates" in capsys.readouterr().out
    config = page_config(out.read_text(encoding="utf-8"))
    assert len(config["points"]) == 2
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize(
    ("name", "message"),
    [("map.png", "must be an .html file"), ("missing/map.html", "does not exist")],
)
def test_cli_map_refuses_bad_output(project: Project, tmp_path: Path, capsys, name, message):
    location = project.location
    project.close()
    assert main(["map", location, "--output", str(tmp_path / name)]) == 1
    assert message in capsys.readouterr().err


def test_cli_map_unknown_type_is_an_error(project: Project, tmp_path: Path, capsys):
    location = project.location
    project.close()
    assert main(["map", location, "--output", str(tmp_path / "m.html"), "--type", "Nope"]) == 1
    assert "Unknown type 'Nope'" in capsys.readouterr().err


def test_initial_bounds_exact_when_small_and_from_both_ends_when_large(project: Project, hostile):
    from sitrep.mapping.data import initial_bounds, located_summary

    with project.session() as s:
        exact = located_summary(s, IncidentFilter()).bounds
        assert initial_bounds(s) == exact
        # with a sample of one, the oldest and the newest incident only
        oldest, newest = hostile[0], hostile[4]
        assert initial_bounds(s, sample=1) == (
            min(oldest.lon, newest.lon),
            min(oldest.lat, newest.lat),
            max(oldest.lon, newest.lon),
            max(oldest.lat, newest.lat),
        )
