from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from sitrep.errors import NewerSchemaError, NotAProjectError, ProjectError
from sitrep.model import EventType, LocalType, SubEventType
from sitrep.store import create_project, open_project, schema
from sitrep.store.engine import APPLICATION_ID

DATA = Path(__file__).resolve().parents[1] / "data"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_project_is_a_marked_wal_sqlite_file_with_taxonomy(tmp_path: Path) -> None:
    path = tmp_path / "p.sitrep"
    create_project(path, name="Kachin").close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
        schema.head_revision()
    )
    db.close()
    project = open_project(path)
    with project.session() as s:
        assert s.query(EventType).count() == 6
        assert s.query(SubEventType).count() == 25
        assert s.get(LocalType, "Mine-site blast") is not None
    assert project.setting("name") == "Kachin"
    project.close()


def test_foreign_keys_are_enforced(project) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), project.session() as s:
        s.execute(
            text("INSERT INTO sub_event_type(name, event_type, position) VALUES ('x', 'nope', 0)")
        )


def test_create_refuses_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "p.sitrep"
    path.write_text("precious notes")
    with pytest.raises(ProjectError, match="already exists"):
        create_project(path)
    assert path.read_text() == "precious notes"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"hello, this is a text file\n",
        b"PK\x03\x04 zip archive",
        b"SQLite format 3\x00" + b"\x00" * 84,
    ],
)
def test_non_projects_are_refused_unchanged(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "other.sitrep"
    path.write_bytes(content)
    before = digest(path)
    with pytest.raises(NotAProjectError):
        open_project(path)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sitrep"]


def test_foreign_sqlite_database_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "places.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t(x)")
    db.execute("INSERT INTO t VALUES (1)")
    db.commit()
    db.close()
    before = digest(path)
    with pytest.raises(NotAProjectError, match="not a Sitrep project"):
        open_project(path)
    assert digest(path) == before


def test_newer_schema_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "future.sitrep"
    create_project(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE alembic_version SET version_num = '9999'")
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    before = digest(path)
    with pytest.raises(NewerSchemaError, match="newer version of Sitrep"):
        open_project(path)
    assert digest(path) == before


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="There is no project"):
        open_project(tmp_path / "nope.sitrep")
    with pytest.raises(NotAProjectError, match="folder"):
        open_project(tmp_path)
    with pytest.raises(ProjectError, match="does not exist"):
        create_project(tmp_path / "no" / "such" / "dir.sitrep")


def test_old_schema_is_upgraded_after_a_backup(tmp_path: Path) -> None:
    old = DATA / "project-schema-0001.sitrep"
    path = tmp_path / "old.sitrep"
    shutil.copy(old, path)
    before = digest(path)
    project = open_project(path)
    assert project.schema_revision() == schema.head_revision()
    assert project.backup_path is not None and project.backup_path.exists()
    assert digest(project.backup_path) == before or _same_content(project.backup_path, old)
    from sitrep.model import Incident, Report

    with project.session() as s:
        (incident,) = s.query(Incident).all()
        assert incident.reference == "OLD-2025-0001"
        assert incident.killed == 3
        assert s.query(Report).count() == 0  # table added by 0002
        assert s.query(SubEventType).count() == 25  # taxonomy completed on open
    project.close()
    # the backup still opens as the old schema
    db = sqlite3.connect(project.backup_path)
    assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    db.close()


def _same_content(a: Path, b: Path) -> bool:
    def rows(p: Path) -> list[tuple[object, ...]]:
        db = sqlite3.connect(p)
        try:
            return db.execute("SELECT * FROM incident").fetchall()
        finally:
            db.close()

    return rows(a) == rows(b)


def test_every_migration_upgrades_and_matches_the_models(tmp_path: Path) -> None:
    """Walk the chain one revision at a time; the result equals the ORM metadata."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from sitrep.model import Base

    engine = create_engine(f"sqlite:///{tmp_path / 'chain.db'}")
    revisions = [r.revision for r in reversed(list(schema.script_directory().walk_revisions()))]
    for rev in revisions:
        with engine.begin() as conn:
            schema.upgrade(conn, rev)
            assert schema.current_revision(conn) == rev
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert diff == []
    engine.dispose()


def test_every_stored_release_opens_at_head_with_its_data(tmp_path: Path) -> None:
    """Each file in tests/data was written by a released schema: it must still open."""
    from sitrep.model import Incident

    stored = sorted(DATA.glob("project-schema-*.sitrep"))
    assert len(stored) >= 2
    for old in stored:
        path = tmp_path / old.name
        shutil.copy(old, path)
        project = open_project(path)
        try:
            assert project.schema_revision() == schema.head_revision()
            with project.session() as s:
                assert s.query(Incident).count() > 0
                assert s.query(SubEventType).count() == 25
        finally:
            project.close()


def test_release_0005_demo_figures_survive_upgrades(tmp_path: Path) -> None:
    import datetime as dt

    from sitrep.places.regions import resolve_region
    from sitrep.store.queries import IncidentFilter, key_figures

    path = tmp_path / "release.sitrep"
    shutil.copy(DATA / "project-schema-0005.sitrep", path)
    project = open_project(path)
    try:
        with project.session() as s:
            flt = IncidentFilter(
                region=resolve_region(s, "Lone Khin"),
                date_from=dt.date(2025, 6, 1),
                date_to=dt.date(2025, 6, 9),
            )
            figures = key_figures(s, flt)
        assert (figures.incidents, figures.civilians_killed) == (2, 12)
    finally:
        project.close()
