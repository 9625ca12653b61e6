"""Audit entries carry the level of what they reveal (migration 0010), on SQLite too.

A team database's row-level security filters the audit log by this column; a project
file keeps it so that a file moved to a server has it right from the start.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import select

from sitrep.model import AuditEntry, Incident
from sitrep.model.enums import Sensitivity
from sitrep.store import Project, open_project
from sitrep.store.team import current_member
from tests.conftest import make_incident

DATA = Path(__file__).parent.parent / "data"


def _levels(project: Project, record_id: object) -> list[tuple[str, str]]:
    with project.session() as s:
        return [
            (e.action, e.sensitivity)
            for e in s.scalars(
                select(AuditEntry)
                .where(AuditEntry.record_id == str(record_id))
                .order_by(AuditEntry.id)
            )
        ]


def test_entries_take_their_incidents_level_and_the_higher_one_when_it_changes(
    project: Project,
) -> None:
    inc = make_incident(project, sensitivity=Sensitivity.RESTRICTED, sources=[{"name": "Contact"}])
    with project.session() as s:
        row = s.get(Incident, inc.id)
        assert row is not None
        source_id = row.sources[0].id
        row.sensitivity = Sensitivity.PARTNER  # the entry still holds restricted text
        row.narrative = "names"
    with project.session() as s:
        row = s.get(Incident, inc.id)
        assert row is not None
        row.title = "Clash near the market"
        row.sources[0].excerpt = "seen"
    assert _levels(project, inc.id) == [
        ("insert", "restricted"),
        ("update", "restricted"),
        ("update", "partner"),
    ]
    assert _levels(project, source_id) == [("insert", "restricted"), ("update", "partner")]


def test_a_project_file_has_no_team_member(project: Project) -> None:
    with project.session() as s:
        assert current_member(s) is None
    assert project.member is None


def test_migration_gives_stored_entries_their_incidents_level(tmp_path: Path) -> None:
    path = tmp_path / "old.sitrep"
    shutil.copy(DATA / "project-schema-0009.sitrep", path)
    old = sqlite3.connect(path)
    incident_levels = dict(old.execute("SELECT id, sensitivity FROM incident").fetchall())
    parent = dict(
        old.execute(
            "SELECT id, incident_id FROM source UNION ALL SELECT id, incident_id FROM casualty"
        ).fetchall()
    )
    old.close()
    project = open_project(path)
    try:
        with project.session() as s:
            entries = list(s.scalars(select(AuditEntry)))
    finally:
        project.close()
    assert len(entries) == 157
    for e in entries:
        key = e.record_id.replace("-", "")
        if e.table_name == "incident":
            assert e.sensitivity == incident_levels.get(key, "restricted")
        elif e.table_name in {"source", "casualty"}:
            assert e.sensitivity == incident_levels.get(parent.get(key, ""), "restricted")
        elif e.table_name in {"admin_area", "place", "actor", "custom_region"}:
            assert e.sensitivity == "public"
    by_table = {(e.table_name, e.sensitivity) for e in entries}
    assert ("incident", "internal") in by_table and ("incident", "public") in by_table
