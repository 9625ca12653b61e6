"""Place and boundary names per viewport: importance by zoom, the project's own places,
admin names at their centres, and a cap however many names a view holds."""

from __future__ import annotations

import json
import sqlite3

from sitrep.mapping import labels
from sitrep.mapping.labels import (
    LABEL_LIMIT,
    admin_labels,
    capital_ids,
    gazetteer_labels,
    label_point,
    min_population,
    view_labels,
)
from sitrep.model import Place
from sitrep.places.gazetteer import gazetteer_path
from sitrep.places.names import fold
from sitrep.store import Project
from tests.mapping.conftest import add_boundary, square

MYANMAR = (92.0, 9.5, 101.5, 28.6)
HPAKANT = (96.2, 25.5, 96.45, 25.7)


def add_place(project: Project, name: str, lat: float, lon: float, origin: str = "user") -> None:
    with project.session() as s:
        s.add(Place(name=name, name_norm=fold(name), lat=lat, lon=lon, origin=origin))


def test_capitals_are_shipped_places_and_come_first_when_zoomed_out() -> None:
    db = sqlite3.connect(gazetteer_path())
    names = dict(db.execute("SELECT id, name FROM place"))
    assert len(capital_ids()) > 200
    assert all(i in names for i in capital_ids())
    shown = gazetteer_labels(*MYANMAR, zoom=5)
    capitals = [lb.name for lb in shown if lb.kind == "capital"]
    assert "Nay Pyi Taw" in capitals and "Bangkok" in capitals  # the box reaches Thailand
    # Yangon is larger than Nay Pyi Taw but not the capital: it follows every capital
    assert [lb.name for lb in shown].index("Yangon") >= len(capitals)
    assert shown[: len(capitals)] == [lb for lb in shown if lb.kind == "capital"]


def test_smaller_places_appear_only_as_one_zooms_in() -> None:
    for zoom in (3, 5, 7, 9):
        shown = gazetteer_labels(*MYANMAR, zoom=zoom, limit=10_000)
        assert shown, zoom
        assert all(
            lb.kind == "capital" or lb.population >= min_population(zoom) for lb in shown
        ), zoom
    assert "Hpākān" not in {lb.name for lb in gazetteer_labels(*MYANMAR, zoom=5, limit=10_000)}
    near = gazetteer_labels(*HPAKANT, zoom=10)
    assert [lb.name for lb in near] == ["Hpākān"] and near[0].kind == "town"
    assert min_population(10) == 0 and min_population(30) == 0


def test_the_largest_come_first_and_the_cap_holds() -> None:
    shown = gazetteer_labels(60, 0, 140, 45, zoom=6, limit=25)
    assert len(shown) == 25
    not_capitals = [lb.population for lb in shown if lb.kind != "capital"]
    assert not_capitals == sorted(not_capitals, reverse=True)


def test_project_places_are_named_when_zoomed_in(project: Project) -> None:
    add_place(project, "Lone Khin", 25.66, 96.35)
    add_place(project, "Far away", 10.0, 10.0)
    with project.session() as s:
        near = view_labels(s, *HPAKANT, zoom=11)
        far = view_labels(s, *HPAKANT, zoom=6)
    assert {"name": "Lone Khin", "kind": "project"}.items() <= next(
        lb for lb in near if lb["name"] == "Lone Khin"
    ).items()
    assert "Far away" not in {lb["name"] for lb in near}
    assert "Lone Khin" not in {lb["name"] for lb in far}
    assert json.loads(json.dumps(near)) == near  # JSON-ready as it is


def test_admin_names_sit_at_their_area_and_follow_the_zoom(project: Project) -> None:
    add_boundary(project, "Kachin", 1, square(95.5, 23.5, 98.8, 28.5))
    add_boundary(project, "Hpakant", 3, square(96.0, 25.4, 96.6, 25.9))
    with project.session() as s:
        state = admin_labels(s, *MYANMAR, zoom=6, limit=10)
        township = admin_labels(s, 95.9, 25.3, 96.7, 26.0, zoom=10, limit=10)
        none_here = admin_labels(s, 0.0, 0.0, 1.0, 1.0, zoom=10, limit=10)
    assert [(lb.name, lb.kind) for lb in state] == [("Kachin", "admin1")]
    assert abs(state[0].lon - 97.15) < 1e-9 and abs(state[0].lat - 26.0) < 1e-9
    assert [lb.name for lb in township] == ["Hpakant"]
    assert none_here == []


def test_label_point_is_the_centre_of_the_largest_polygon() -> None:
    geometry = {
        "type": "MultiPolygon",
        "coordinates": [square(0, 0, 1, 1)["coordinates"], square(10, 10, 14, 12)["coordinates"]],
    }
    assert label_point(json.dumps(geometry)) == (12.0, 11.0)
    assert label_point("{oops") is None
    assert label_point(json.dumps({"type": "Point", "coordinates": [1, 2]})) is None


def test_a_view_never_gets_more_than_the_cap(project: Project) -> None:
    with project.session() as s:
        for i in range(400):
            name = f"Site {i}"
            s.add(
                Place(
                    name=name, name_norm=fold(name), lat=25.5 + i * 1e-4, lon=96.3, origin="pack"
                )
            )
    with project.session() as s:
        shown = view_labels(s, *HPAKANT, zoom=12)
    assert len(shown) == LABEL_LIMIT
    ranks = [lb["rank"] for lb in shown]
    assert ranks == sorted(ranks)
    assert shown[0]["name"] == "Hpākān"  # the town outranks the project's sites


def test_the_gazetteer_is_read_once() -> None:
    first = labels._gazetteer()
    assert labels._gazetteer() is first


def test_an_exported_map_carries_its_area_s_names_with_their_zooms(project: Project) -> None:
    from sitrep.mapping.page import export_page
    from sitrep.model.enums import Sensitivity
    from sitrep.store.queries import IncidentFilter
    from tests.conftest import make_incident
    from tests.mapping.test_page import page_config

    make_incident(project, lat=25.61, lon=96.31)
    make_incident(project, lat=25.2, lon=96.6)
    add_place(project, "Safe house", 25.62, 96.33)
    add_boundary(project, "Hpakant", 3, square(96.0, 25.4, 96.6, 25.9))
    with project.session() as s:
        inside = page_config(export_page(s, IncidentFilter()))["labels"]
        public = page_config(export_page(s, IncidentFilter(), level=Sensitivity.PUBLIC))
    by_name = {lb["name"]: lb for lb in inside}
    assert by_name["Hpākān"]["minZoom"] == 7  # 60,000 people: from zoom 7 (30,000 and up)
    assert by_name["Safe house"]["minZoom"] == 8
    assert (by_name["Hpakant"]["minZoom"], by_name["Hpakant"]["maxZoom"]) == (9, 13)
    assert len(inside) <= 1500
    # leaving the organisation: the project's own places stay in it, public names go
    public_names = {lb["name"] for lb in public["labels"]}
    assert "Safe house" not in public_names and "Hpākān" in public_names
