"""The map's grid counts and points are the same on PostgreSQL as on SQLite."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sitrep.demo import build_demo
from sitrep.mapping.grid import Viewport, viewport_data
from sitrep.mapping.pointindex import PointIndex
from sitrep.store import Project
from sitrep.store.queries import IncidentFilter
from tests.store.test_postgres import pg_url  # noqa: F401  (fixture)

pytestmark = pytest.mark.postgres

VIEWS = [Viewport(90, 20, 102, 30, 5), Viewport(96.0, 25.3, 96.8, 25.9, 10)]
FILTERS = [
    IncidentFilter(),
    IncidentFilter(date_from=dt.date(2025, 3, 1), event_types=("Battles",)),
    IncidentFilter(text="drone"),
]


def answers(project: Project) -> list[object]:
    out: list[object] = []
    with project.session() as s:
        index = PointIndex.load(s)
        for flt in FILTERS:
            for view in VIEWS:
                for limit in (0, 10_000):
                    data = viewport_data(s, flt, view, point_limit=limit).as_json()
                    for cell in data["cells"]:
                        cell["lat"], cell["lon"] = round(cell["lat"], 9), round(cell["lon"], 9)
                    data["points"] = sorted(p["properties"]["ref"] for p in data["points"])
                    out.append(data)
                if PointIndex.answers(flt):
                    cells = index.grid_cells(flt, view)
                    out.append(sorted((c.count, sorted(c.by_type.items())) for c in cells))
    return out


def test_map_on_postgres_matches_sqlite(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    pg = build_demo(pg_url, synthetic=120)
    lite = build_demo(tmp_path / "demo.sitrep", synthetic=120)
    try:
        assert answers(pg) == answers(lite)
    finally:
        pg.close()
        lite.close()


def test_postgres_reads_the_map_index_afresh(pg_url: str) -> None:  # noqa: F811
    """No triggers keep a change counter there, so nothing is saved or reused."""
    from sitrep.mapping import indexstore

    pg = build_demo(pg_url, synthetic=20)
    try:
        for _ in range(2):
            with pg.session() as s:
                loaded = indexstore.load_or_build(s)
                assert not loaded.from_store and loaded.save_as is None
                assert len(loaded.index) == len(PointIndex.load(s)) > 0
    finally:
        pg.close()
