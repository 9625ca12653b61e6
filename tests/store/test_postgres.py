"""The same code on a shared PostgreSQL server gives the same answers as SQLite.

Runs against the throw-away server scripts/with-postgres.sh starts (SITREP_TEST_PG_URL);
skipped, saying why, when no server is configured.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitrep.demo import build_demo
from sitrep.errors import ConflictError, ProjectError
from sitrep.model import Incident
from sitrep.places.regions import resolve_region
from sitrep.store import Project, open_project
from sitrep.store.queries import (
    IncidentFilter,
    counts_by_area,
    counts_by_period,
    counts_by_type,
    key_figures,
    list_incidents,
)
from tests.conftest import fresh_pg_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty database (skipped without a server; a failure in CI)."""
    with fresh_pg_database() as url:
        yield url


def filters(project: Project) -> list[IncidentFilter]:
    with project.session() as s:
        kachin = resolve_region(s, "Kachin")
        hpakant = resolve_region(s, "Hpakan")  # a spelling variant: the alias path
        sr1 = resolve_region(s, "Special Region 1")
    return [
        IncidentFilter(),
        IncidentFilter(region=kachin, date_from=dt.date(2025, 6, 1), date_to=dt.date(2025, 6, 9)),
        IncidentFilter(region=hpakant, date_from=dt.date(2025, 3, 1)),
        IncidentFilter(region=sr1, text="drone"),
        IncidentFilter(event_types=("Battles",), include_synthetic=False),
    ]


def answers(project: Project) -> list[object]:
    out: list[object] = []
    with project.session() as s:
        for flt in filters(project):
            out.append(key_figures(s, flt))
            out.append(sorted(counts_by_type(s, flt), key=lambda t: t.event_type))
            out.append(sorted((a.name, a.incidents) for a in counts_by_area(s, flt, 3)))
            out.append(counts_by_period(s, flt, "week"))
            out.append(counts_by_period(s, flt, "month"))
            out.append([i.reference for i in list_incidents(s, flt, limit=20)])
    return out


def test_demo_on_postgres_matches_sqlite(pg_url: str, tmp_path: Path) -> None:
    pg = build_demo(pg_url, synthetic=120)
    lite = build_demo(tmp_path / "demo.sitrep", synthetic=120)
    try:
        assert pg.engine.dialect.name == "postgresql"
        assert answers(pg) == answers(lite)
    finally:
        pg.close()
        lite.close()


def test_postgres_reopen_refuses_second_create_and_locks(pg_url: str) -> None:
    from sitrep.store import create_project

    create_project(pg_url, user="a").close()
    with pytest.raises(ProjectError, match="already holds a project"):
        create_project(pg_url)
    a = open_project(pg_url, user="alice")
    b = open_project(pg_url, user="bob")
    try:
        with a.session() as s:
            from sitrep.store.incidents import save_incident

            inc = save_incident(
                s,
                Incident(
                    title="Clash",
                    date_start=dt.date(2025, 6, 3),
                    event_type="Battles",
                    sub_event_type="Armed clash",
                    lat=25.6,
                    lon=96.3,
                ),
            )
        sa, sb = a.new_session(), b.new_session()
        x, y = sa.get(Incident, inc.id), sb.get(Incident, inc.id)
        assert x is not None and y is not None
        y.title = "bob's edit"
        sb.commit()
        x.title = "alice's edit"
        with pytest.raises(ConflictError), a.session() as s:
            s.merge(x)
        sa.close()
        sb.close()
    finally:
        a.close()
        b.close()


def test_search_for_percent_and_underscore_on_postgres_is_literal(pg_url: str) -> None:
    from sitrep.store import create_project
    from tests.store.test_queries import add_literal_titles, search_titles

    project = create_project(pg_url, user="tester")
    try:
        add_literal_titles(project)
        assert search_titles(project, "50%") == {"50% of the village burned"}
        assert search_titles(project, "a_b") == {"a_b road blocked"}
        assert search_titles(project, "c:\\t") == {"path C:\\temp noted"}
        assert search_titles(project, "road") == {"a_b road blocked", "axb road"}
    finally:
        project.close()
