from __future__ import annotations

import datetime as dt

from sitrep.store import Project
from sitrep.store.queries import IncidentFilter, count_incidents, incident_page
from tests.conftest import make_incident


def test_keyset_pages_cover_all_rows_once_in_order(project: Project) -> None:
    for day in range(1, 8):
        for n in range(3):
            make_incident(
                project, date_start=dt.date(2025, 6, day), title=f"d{day} n{n}", killed=n
            )
    seen = []
    after = None
    with project.session() as s:
        while True:
            rows, after = incident_page(s, IncidentFilter(), after=after, limit=4)
            seen.extend(rows)
            if after is None:
                break
    assert len(seen) == 21 and len({r.id for r in seen}) == 21
    assert [r.date_start for r in seen] == sorted((r.date_start for r in seen), reverse=True)
    with project.session() as s:
        rows, nxt = incident_page(
            s, IncidentFilter(date_from=dt.date(2025, 6, 7)), sort="title", descending=False
        )
    assert [r.title for r in rows] == ["d7 n0", "d7 n1", "d7 n2"] and nxt is None
    assert rows[0].reference.startswith("TST-2025-")


def test_count_without_any_filter_counts_incidents(project: Project) -> None:
    for day in (1, 2, 3):
        make_incident(project, date_start=dt.date(2025, 6, day))
    with project.session() as s:
        assert count_incidents(s, IncidentFilter()) == 3
