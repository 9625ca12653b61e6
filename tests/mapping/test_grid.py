"""Per-viewport data: what the page receives must count exactly the filtered incidents."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest

from sitrep.mapping.grid import Viewport, grid_cells, viewport_data, zoom_for_bounds
from sitrep.store import Project
from sitrep.store.incidents import bulk_insert_incidents
from sitrep.store.queries import IncidentFilter, count_incidents

WORLD = Viewport(-180, -85, 180, 85, 2)


@pytest.fixture
def scattered(project: Project) -> list[dict[str, object]]:
    rng = random.Random(7)
    rows: list[dict[str, object]] = []
    for i in range(600):
        et = rng.choice(["Battles", "Protests", "Riots"])
        sub = {"Battles": "Armed clash", "Protests": "Peaceful protest", "Riots": "Mob violence"}
        rows.append(
            {
                "title": f"n{i}",
                "date_start": dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(200)),
                "event_type": et,
                "sub_event_type": sub[et],
                "lat": rng.uniform(10, 28),
                "lon": rng.uniform(92, 101),
            }
        )
    rows.append(
        {
            "title": "no place",
            "date_start": dt.date(2025, 1, 1),
            "event_type": "Battles",
            "sub_event_type": "Armed clash",
        }
    )
    with project.session() as s:
        bulk_insert_incidents(s, rows)
    return rows


def test_points_when_few_in_view_and_cells_count_every_incident(project, scattered):
    with project.session() as s:
        data = viewport_data(s, IncidentFilter(), WORLD, point_limit=10_000)
        assert data.mode == "points"
        assert len(data.points) == 600  # the one without coordinates cannot be drawn
        grid = viewport_data(s, IncidentFilter(), WORLD, point_limit=100)
    assert grid.mode == "grid" and not grid.points
    assert sum(c.count for c in grid.cells) == 600 == grid.total
    for cell in grid.cells:
        assert sum(cell.by_type.values()) == cell.count
        west, south, east, north = cell.bounds
        assert west <= cell.lon <= east and south <= cell.lat <= north


def test_cells_follow_the_filter_and_the_view(project, scattered):
    flt = IncidentFilter(
        date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 4, 30), event_types=("Riots",)
    )
    view = Viewport(94, 12, 99, 20, 7)
    expected = [
        r
        for r in scattered
        if "lat" in r
        and r["event_type"] == "Riots"
        and dt.date(2025, 3, 1) <= r["date_start"] <= dt.date(2025, 4, 30)  # type: ignore[operator]
        and 12 <= r["lat"] <= 20
        and 94 <= r["lon"] <= 99  # type: ignore[operator]
    ]
    with project.session() as s:
        cells = grid_cells(s, flt, view)
        assert count_incidents(s, flt) >= len(expected)
    assert sum(c.count for c in cells) == len(expected) > 0
    assert Counter(t for c in cells for t in c.by_type) <= Counter({"Riots": len(cells)})
    size = view.cell_degrees
    assert all(abs((c.bounds[2] - c.bounds[0]) - size) < 1e-9 for c in cells)


def test_finer_cells_when_zoomed_in(project, scattered):
    with project.session() as s:
        coarse = grid_cells(s, IncidentFilter(), Viewport(90, 8, 102, 30, 3))
        fine = grid_cells(s, IncidentFilter(), Viewport(90, 8, 102, 30, 7))
    assert len(fine) > len(coarse)
    assert sum(c.count for c in fine) == sum(c.count for c in coarse) == 600


def test_viewport_beyond_the_world_is_clamped(project, scattered):
    with project.session() as s:
        data = viewport_data(s, IncidentFilter(), Viewport(-400, -95, 500, 95, 0))
    assert data.total == 600


def test_points_carry_popup_fields(project, hostile):
    from tests.mapping.conftest import PAYLOAD

    with project.session() as s:
        data = viewport_data(s, IncidentFilter(), WORLD)
    props = {p["properties"]["title"]: p["properties"] for p in data.points}
    first = props[f"Incident 1 {PAYLOAD}"]
    assert first["place"] == f"Place 1 {PAYLOAD}"
    assert first["harm"] == "1 civilian killed"
    assert first["sources"] == f"Source {PAYLOAD} (F6)"
    assert first["verification"] == "unverified"
    assert first["date"] == "2025-02-10"


def test_zoom_for_bounds():
    assert zoom_for_bounds((96, 25, 97, 26)) > zoom_for_bounds((90, 10, 102, 30))
