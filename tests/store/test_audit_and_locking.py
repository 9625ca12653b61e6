from __future__ import annotations

import pytest
from sqlalchemy import select

from sitrep.errors import ConflictError, ValidationError
from sitrep.model import AuditEntry, Incident
from sitrep.model.enums import Affiliation, Outcome
from sitrep.store import Project, open_project
from sitrep.store.incidents import save_incident
from tests.conftest import make_incident


@pytest.fixture
def project(project_db: Project) -> Project:
    """Every test here runs on a project file and on PostgreSQL (tests/conftest.py)."""
    return project_db


def test_every_change_is_audited_with_user(project: Project) -> None:
    inc = make_incident(project, title="Blast at Lone Khin")
    with project.session() as s:
        row = s.get(Incident, inc.id)
        assert row is not None
        row.title = "Blast at Lone Khin mining site"
    with project.session() as s:
        s.delete(s.get(Incident, inc.id))
    with project.session() as s:
        entries = list(
            s.scalars(
                select(AuditEntry)
                .where(AuditEntry.record_id == str(inc.id))
                .order_by(AuditEntry.id)
            )
        )
    assert [e.action for e in entries] == ["insert", "update", "delete"]
    assert {e.user for e in entries} == {"tester"}
    assert entries[1].changes == {
        "title": ["Blast at Lone Khin", "Blast at Lone Khin mining site"]
    }


def test_stale_edit_is_refused_as_a_conflict(project: Project) -> None:
    inc = make_incident(project)
    other = open_project(project.location, user="colleague")
    try:
        mine = project.new_session()
        theirs = other.new_session()
        a = mine.get(Incident, inc.id)
        b = theirs.get(Incident, inc.id)
        assert a is not None and b is not None
        b.title = "their edit"
        theirs.commit()
        a.title = "my edit"
        with (
            pytest.raises(ConflictError, match="Someone else changed"),
            project.session() as s,
        ):
            s.merge(a)
        mine.close()
        theirs.close()
    finally:
        other.close()
    with project.session() as s:
        saved = s.get(Incident, inc.id)
        assert saved is not None
        assert saved.title == "their edit"
        assert saved.version == 2


def test_references_are_sequential_per_year(project: Project) -> None:
    import datetime as dt

    refs = [make_incident(project).reference for _ in range(3)]
    refs.append(make_incident(project, date_start=dt.date(2024, 12, 30)).reference)
    assert refs == ["TST-2025-0001", "TST-2025-0002", "TST-2025-0003", "TST-2024-0001"]


def test_invalid_incident_is_not_saved(project: Project) -> None:
    import datetime as dt

    from sitrep.model import Casualty

    with pytest.raises(ValidationError, match="best estimate"), project.session() as s:
        inc = Incident(
            title="Bad",
            date_start=dt.date(2025, 6, 3),
            event_type="Battles",
            sub_event_type="Armed clash",
            lat=25.0,
            lon=96.0,
        )
        inc.casualties.append(
            Casualty(
                outcome=Outcome.KILLED, affiliation=Affiliation.CIVILIAN, low=5, best=2, high=3
            )
        )
        save_incident(s, inc)
    with project.session() as s:
        assert s.query(Incident).count() == 0
