"""The audit log is append-only (the database refuses) and hash-chained (verify finds
what someone went around the database to change), on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from sitrep.cli import main
from sitrep.model import AuditEntry, Incident
from sitrep.store import Project, open_project
from sitrep.store.audit_chain import verify
from tests.conftest import make_incident

DATA = Path(__file__).resolve().parents[1] / "data"


def _verify(project: Project) -> list[str]:
    with project.engine.connect() as conn:
        result = verify(conn)
    assert result.entries > 0
    return [str(b) for b in result.breaks]


def _insert_and_edit(project: Project) -> Incident:
    inc = make_incident(project, title="Blast at Lone Khin")
    with project.session() as s:
        row = s.get(Incident, inc.id)
        assert row is not None
        row.title = "Blast at the Lone Khin jade mine"
    with project.session() as s:
        row = s.get(Incident, inc.id)
        assert row is not None
        row.place_name = "Lone Khin"
    return inc


def test_entries_are_chained_and_verify_ok(project_db: Project) -> None:
    _insert_and_edit(project_db)
    with project_db.session() as s:
        s.add(AuditEntry(table_name="incident", record_id="*", action="note", changes={"a": 1}))
    with project_db.session() as s:
        entries = list(s.query(AuditEntry).order_by(AuditEntry.seq))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert all(e.hash and len(e.hash) == 64 for e in entries)
    assert entries[0].prev_hash == ""
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert _verify(project_db) == []


def test_database_refuses_update_and_delete_of_entries(project_db: Project) -> None:
    _insert_and_edit(project_db)
    for statement in (
        "UPDATE audit_log SET action = 'nothing happened'",
        "DELETE FROM audit_log",
    ):
        with pytest.raises(DatabaseError, match="append-only"), project_db.engine.begin() as c:
            c.execute(text(statement))
    if project_db.engine.dialect.name == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), project_db.engine.begin() as c:
            c.execute(text("TRUNCATE audit_log"))
    assert _verify(project_db) == []


def _tamper(project: Project, statements: list[str]) -> None:
    """What an attacker with the file (or a superuser) does: drop the guard, then edit."""
    with project.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
        for statement in statements:
            conn.execute(text(statement))


def test_verify_names_a_changed_entry(project_db: Project) -> None:
    _insert_and_edit(project_db)
    with project_db.engine.connect() as conn:
        target = conn.execute(
            text("SELECT id, seq FROM audit_log WHERE action = 'update' ORDER BY seq LIMIT 1")
        ).one()
    _tamper(project_db, [f"UPDATE audit_log SET \"user\" = 'nobody' WHERE id = {target.id}"])
    breaks = _verify(project_db)
    assert len(breaks) == 1
    assert breaks[0].startswith(f"entry {target.id} (seq {target.seq}): content changed")
    assert "expected hash" in breaks[0] and "found" in breaks[0]


def test_verify_names_a_removed_entry(project_db: Project) -> None:
    _insert_and_edit(project_db)
    with project_db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, seq FROM audit_log ORDER BY seq")).all()
    gone, after = rows[1], rows[2]
    _tamper(project_db, [f"DELETE FROM audit_log WHERE id = {gone.id}"])
    breaks = _verify(project_db)
    assert f"entry {after.id} (seq {after.seq}): missing seq {gone.seq} before it" in breaks
    assert any("prev_hash" in b and f"entry {after.id}" in b for b in breaks)


def test_verify_names_an_entry_inserted_outside_the_chain(project_db: Project) -> None:
    _insert_and_edit(project_db)
    with project_db.engine.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO audit_log (at, "user", table_name, record_id, action, changes) '
                "VALUES (CURRENT_TIMESTAMP, 'x', 'incident', '*', 'insert', '{}')"
            )
        )
    breaks = _verify(project_db)
    assert len(breaks) == 1 and "not in the chain" in breaks[0]


def test_cli_audit_verify(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    _insert_and_edit(project)
    with project.engine.connect() as conn:
        count = verify(conn).entries
    assert main(["audit", "verify", project.location]) == 0
    assert f"OK: {count} audit entries" in capsys.readouterr().out
    _tamper(project, ["UPDATE audit_log SET action = 'insert' WHERE seq = 2"])
    assert main(["audit", "verify", project.location]) == 1
    captured = capsys.readouterr()
    assert "content changed" in captured.out
    assert "1 break" in captured.err


def test_old_files_get_their_entries_chained(tmp_path: Path) -> None:
    path = tmp_path / "old.sitrep"
    shutil.copy(DATA / "project-schema-0009.sitrep", path)
    db = sqlite3.connect(path)
    before = db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    db.close()
    project = open_project(path)
    try:
        with project.engine.connect() as conn:
            result = verify(conn)
        assert before > 0 and result.entries == before and result.ok
        make_incident(project)
        with project.engine.connect() as conn:
            assert verify(conn).ok
    finally:
        project.close()


def test_merges_and_their_undo_keep_the_chain(demo_project: Project, tmp_path: Path) -> None:
    from sitrep.sharing.export import export_project
    from sitrep.sharing.merge import merge_project
    from sitrep.sharing.undo import undo_last_merge

    shared = tmp_path / "shared.sitrep"
    export_project(demo_project, shared)
    colleague = open_project(shared, user="colleague")
    with colleague.session() as s:
        first = s.query(Incident).order_by(Incident.reference).first()
        assert first is not None
        first.title = first.title + " (updated)"
    colleague.close()
    merge_project(demo_project, shared)
    undo_last_merge(demo_project)
    assert _verify(demo_project) == []


def test_concurrent_writers_keep_one_chain(project_db: Project) -> None:
    """Four writers (each its own connection pool, as four people) save at once."""
    from concurrent.futures import ThreadPoolExecutor

    location = project_db.location

    def writer(n: int) -> None:
        mine = open_project(location, user=f"writer{n}")
        try:
            for i in range(8):
                make_incident(mine, title=f"Report {n}.{i}", reference=f"W{n}-{i:02d}")
        finally:
            mine.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(writer, range(4)))
    with project_db.engine.connect() as conn:
        result = verify(conn)
        users = {r[0] for r in conn.execute(text('SELECT DISTINCT "user" FROM audit_log'))}
    assert result.ok, result.breaks
    assert {f"writer{n}" for n in range(4)} <= users
    assert result.entries >= 32
