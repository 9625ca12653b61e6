"""Project files with awkward names: ``#``, ``?``, ``%``, spaces and Burmese letters.

A file name used to be pasted into a SQLite URI unquoted, so ``My #1.sitrep`` was
created but could not be reopened, and opening it made a stray file ``My ``.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sitrep.model import Incident
from sitrep.store import create_project, open_project, schema
from sitrep.store.engine import sqlite_file_uri
from sitrep.store.memory import read_project_file
from sitrep.store.project import backup_file
from tests.conftest import make_incident

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
NAMES = ["My #1.sitrep", "ကချင် #1 ?%.sitrep", "50% done?.sitrep", "a%20b.sitrep"]


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("name", NAMES)
def test_project_with_odd_name_is_created_reopened_and_leaves_no_stray_file(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    project = create_project(path, name="Odd", user="tester")
    make_incident(project, title="Clash near Hpakant")
    project.close()
    assert files_in(tmp_path) == [name]
    project = open_project(path, user="tester")
    try:
        with project.session() as s:
            assert [i.title for i in s.query(Incident)] == ["Clash near Hpakant"]
        assert project.name == Path(name).stem
    finally:
        project.close()
    assert files_in(tmp_path) == [name]


def test_uri_quotes_everything_but_slashes() -> None:
    uri = sqlite_file_uri(Path("/data/ကချင် #1 ?%.sitrep"), read_only=True)
    assert uri == (
        "file:///data/%E1%80%80%E1%80%81%E1%80%BB%E1%80%84%E1%80%BA%20%231%20%3F%25.sitrep?mode=ro"
    )
    assert (
        sqlite_file_uri("/x/a.sitrep", immutable=True) == "file:///x/a.sitrep?mode=ro&immutable=1"
    )


def test_old_project_with_burmese_name_is_backed_up_and_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "ကချင် #1 ?%.sitrep"
    shutil.copy(DATA / "project-schema-0001.sitrep", path)
    project = open_project(path)
    try:
        assert project.schema_revision() == schema.head_revision()
        backup = project.backup_path
        assert backup is not None and backup.name.startswith("ကချင် #1 ?%.backup-0001-")
        with project.session() as s:
            assert [i.reference for i in s.query(Incident)] == ["OLD-2025-0001"]
    finally:
        project.close()
    db = sqlite3.connect(backup)
    assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    db.close()
    assert files_in(tmp_path) == sorted([path.name, backup.name])


def test_backup_and_memory_copy_of_odd_name(tmp_path: Path) -> None:
    path = tmp_path / "My #1 ?%.sitrep"
    project = create_project(path, user="tester")
    make_incident(project, title="Shelling")
    project.close()
    backup = backup_file(path, "x")
    assert backup.exists() and "My #1 ?%.backup-x-" in backup.name
    copy = read_project_file(path, user="tester")
    try:
        with copy.session() as s:
            assert [i.title for i in s.query(Incident)] == ["Shelling"]
    finally:
        copy.close()
    assert files_in(tmp_path) == sorted([path.name, backup.name])


def test_gazetteer_in_folder_with_odd_name(tmp_path: Path) -> None:
    from sitrep.places.gazetteer import connection

    folder = tmp_path / "ref #1 ?"
    folder.mkdir()
    path = folder / "world %.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE place(name)")
    db.execute("INSERT INTO place VALUES ('Myitkyina')")
    db.commit()
    db.close()
    assert connection(path).execute("SELECT name FROM place").fetchall() == [("Myitkyina",)]
    assert files_in(folder) == ["world %.sqlite"]


def test_cli_new_and_info_with_burmese_name(tmp_path: Path) -> None:
    path = tmp_path / "ကချင် #1 ?%.sitrep"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sitrep", *args], cwd=ROOT, capture_output=True, text=True
        )

    made = run("new", str(path), "--name", "Kachin")
    assert made.returncode == 0, made.stderr
    info = run("info", str(path))
    assert info.returncode == 0, info.stderr
    assert "Project:   Kachin" in info.stdout
    assert files_in(tmp_path) == [path.name]
