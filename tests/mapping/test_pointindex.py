"""The in-memory index must count exactly what the SQL grid counts, for every filter it
claims to answer, and must decline the filters it cannot answer."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from sitrep.mapping.data import located_summary
from sitrep.mapping.grid import Viewport, grid_cells, viewport_data
from sitrep.mapping.pointindex import PointIndex
from sitrep.model import EventType
from sitrep.model.enums import Verification
from sitrep.places.regions import Region
from sitrep.store import Project
from sitrep.store.incidents import bulk_insert_incidents
from sitrep.store.queries import IncidentFilter

SUBS = {
    "Battles": "Armed clash",
    "Protests": "Peaceful protest",
    "Riots": "Mob violence",
    "Explosions/Remote violence": "Air/drone strike",
}


@pytest.fixture
def many(project: Project) -> None:
    rng = random.Random(3)
    rows = []
    for i in range(3000):
        et = rng.choice(list(SUBS))
        rows.append(
            {
                "title": f"i{i}",
                "date_start": dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(600)),
                "event_type": et,
                "sub_event_type": SUBS[et],
                "lat": rng.uniform(-40, 60),
                "lon": rng.uniform(-170, 170),
            }
        )
    rows.append(
        {
            "title": "nowhere",
            "date_start": dt.date(2024, 5, 5),
            "event_type": "Battles",
            "sub_event_type": "Armed clash",
        }
    )
    with project.session() as s:
        s.add(EventType(name="Women's \"protest\" ' OR 1=1 --", position=50))
        bulk_insert_incidents(s, rows)


def as_tuples(cells):
    return sorted(
        (round(c.lat, 9), round(c.lon, 9), c.count, tuple(sorted(c.by_type.items())), c.bounds)
        for c in cells
    )


FILTERS = [
    IncidentFilter(),
    IncidentFilter(date_from=dt.date(2024, 6, 1)),
    IncidentFilter(date_to=dt.date(2024, 6, 1)),
    IncidentFilter(date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 3, 1)),
    IncidentFilter(event_types=("Riots", "Battles")),
    IncidentFilter(
        date_from=dt.date(2024, 2, 1), date_to=dt.date(2025, 1, 31), event_types=("Protests",)
    ),
    IncidentFilter(bbox=(0, 0, 90, 45)),
]
VIEWS = [
    Viewport(-180, -85, 180, 85, 1),
    Viewport(-20, -10, 60, 50, 4),
    Viewport(10, 10, 12, 12, 9),
    Viewport(-300, -100, 300, 100, 0),
]


@pytest.mark.parametrize("flt", FILTERS)
def test_index_counts_equal_sql_counts(project: Project, many, flt: IncidentFilter):
    with project.session() as s:
        index = PointIndex.load(s)
        assert len(index) == 3001  # with the one that has no coordinates
        missing = located_summary(s, flt).without_coordinates
        assert index.without_coordinates(flt) == missing
        assert index.answers(flt)
        for view in VIEWS:
            assert as_tuples(index.grid_cells(flt, view)) == as_tuples(grid_cells(s, flt, view))


@pytest.mark.parametrize(
    "flt",
    [
        IncidentFilter(text="clash"),
        IncidentFilter(sub_event_types=("Armed clash",)),
        IncidentFilter(verification=(Verification.CONFIRMED,)),
        IncidentFilter(include_synthetic=False),
        IncidentFilter(region=Region("x", ())),
    ],
)
def test_index_declines_what_it_cannot_answer(flt: IncidentFilter):
    assert not PointIndex.answers(flt)


def test_viewport_data_uses_sql_when_the_index_cannot_answer(project: Project, many):
    with project.session() as s:
        index = PointIndex.load(s)
        flt = IncidentFilter(text="i1")  # titles i1, i10…i19, i100…: SQL only
        view = VIEWS[0]
        with_index = viewport_data(s, flt, view, point_limit=0, index=index)
        without = viewport_data(s, flt, view, point_limit=0)
    assert with_index.total == without.total < 3000


def test_empty_project_index(project: Project):
    with project.session() as s:
        index = PointIndex.load(s)
    assert len(index) == 0
    assert index.grid_cells(IncidentFilter(), VIEWS[0]) == []
