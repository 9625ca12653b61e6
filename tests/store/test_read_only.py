"""Read-only projects and refused files: nothing is written to them or beside them.

A project on a CD, a write-protected USB stick or in a folder without write access
opens read-only instead of failing with "unable to open database file"; a change is
refused with one sentence. A file that is not a project is refused and left exactly as
it was, with no ``-wal``/``-shm``/``-journal`` beside it.

Tests run as root, for whom ``chmod`` stops nothing. The command-line test therefore
mounts a real read-only file system (a tmpfs remounted ``ro`` inside a private mount
namespace made by ``unshare -m``) and skips, saying why, where that is not allowed; the
in-process tests replace the one probe, ``is_read_only``, and SQLite itself then refuses
writes because the connection is opened ``mode=ro``/``immutable``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sitrep.errors import NotAProjectError, ProjectError
from sitrep.interchange.importer import import_file
from sitrep.model import Incident
from sitrep.store import create_project, open_project
from sitrep.store import project as project_module
from tests.conftest import make_incident
from tests.interchange.fixtures import write_acled

ROOT = Path(__file__).resolve().parents[2]


def state(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def closed_project(tmp_path: Path) -> Path:
    path = tmp_path / "kachin.sitrep"
    project = create_project(path, user="tester")
    make_incident(project, title="Shelling of Laiza")
    project.close()
    return path


def test_opening_project_on_read_only_medium_is_read_only_and_changes_nothing(
    closed_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = state(closed_project)
    monkeypatch.setattr(project_module, "is_read_only", lambda _path: True)
    project = open_project(closed_project, user="tester")
    try:
        assert project.read_only
        with project.session() as s:
            assert [i.title for i in s.query(Incident)] == ["Shelling of Laiza"]
        with pytest.raises(ProjectError, match=r"kachin\.sitrep is read-only: changes cannot"):
            make_incident(project, title="Another")
        with pytest.raises(ProjectError, match="is read-only"):
            import_file(project, write_acled(tmp_path / "acled.csv"))
    finally:
        project.close()
    assert state(closed_project) == before
    assert files_in(tmp_path) == ["acled.csv", "kachin.sitrep"]


def test_old_project_on_read_only_medium_is_refused_not_upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sitrep"
    shutil.copy(ROOT / "tests" / "data" / "project-schema-0001.sitrep", path)
    before = state(path)
    monkeypatch.setattr(project_module, "is_read_only", lambda _path: True)
    with pytest.raises(ProjectError, match="read-only and was saved by an older version"):
        open_project(path)
    assert state(path) == before and files_in(tmp_path) == ["old.sitrep"]


def _foreign_wal_db(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE t(x)")
    db.execute("INSERT INTO t VALUES (1)")
    db.commit()
    db.close()


@pytest.mark.parametrize(
    "kind", ["csv renamed", "empty", "other app's database", "WAL-mode foreign database"]
)
def test_opening_a_file_that_is_not_a_project_leaves_it_and_its_folder_unchanged(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "notes.sitrep"
    if kind == "csv renamed":
        path.write_text("title,date\nClash,2025-06-03\n", encoding="utf-8")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "other app's database":
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE t(x)")
        db.close()
    else:
        _foreign_wal_db(path)
    assert files_in(tmp_path) == ["notes.sitrep"]
    before = state(path)
    with pytest.raises(NotAProjectError):
        open_project(path)
    assert state(path) == before
    assert files_in(tmp_path) == ["notes.sitrep"]


def _can_mount_read_only() -> str:
    if sys.platform != "linux" or not shutil.which("unshare"):
        return "needs Linux and unshare"
    if os.geteuid() != 0:
        return ""  # chmod is enough for a normal user
    probe = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "true"], capture_output=True
    )
    return "" if probe.returncode == 0 else "cannot make a mount namespace here"


def test_cli_on_read_only_file_system_opens_read_only_and_import_is_one_line(
    closed_project: Path, tmp_path: Path
) -> None:
    why = _can_mount_read_only()
    if why:
        pytest.skip(why)
    data = write_acled(tmp_path / "acled.csv")
    before = state(closed_project)
    mnt = tmp_path / "cdrom"
    mnt.mkdir()
    py = sys.executable
    if os.geteuid() == 0:  # a real read-only file system, private to this command
        script = (
            f"mount -t tmpfs -o size=16m tmpfs '{mnt}' && cp -p '{closed_project}' '{mnt}/' "
            f"&& mount -o remount,ro '{mnt}' && touch '{mnt}/probe' 2>/dev/null; "
            f"echo info; '{py}' -m sitrep info '{mnt}/kachin.sitrep'; echo rc=$?; "
            f"echo import; '{py}' -m sitrep import '{mnt}/kachin.sitrep' '{data}'; echo rc=$?; "
            f"echo files; ls -A '{mnt}'; sha256sum '{mnt}/kachin.sitrep'"
        )
        argv = ["unshare", "-m", "--propagation", "private", "sh", "-c", script]
    else:  # pragma: no cover - a normal user: permissions are enough
        shutil.copy2(closed_project, mnt)
        mnt.chmod(0o555)
        script = (
            f"echo info; '{py}' -m sitrep info '{mnt}/kachin.sitrep'; echo rc=$?; "
            f"echo import; '{py}' -m sitrep import '{mnt}/kachin.sitrep' '{data}'; echo rc=$?; "
            f"echo files; ls -A '{mnt}'; sha256sum '{mnt}/kachin.sitrep'"
        )
        argv = ["sh", "-c", script]
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    out, err = result.stdout, result.stderr
    assert "info\n" in out and "Incidents: 1" in out, err
    info_rc, import_rc = [line for line in out.splitlines() if line.startswith("rc=")]
    assert info_rc == "rc=0" and import_rc == "rc=1"
    (line,) = [e for e in err.splitlines() if e.strip()]
    assert line == (
        f"sitrep: error: {mnt}/kachin.sitrep is read-only: changes cannot be saved (copy it "
        "to a folder you can write to, or ask for write access)."
    )
    listing = out.split("files\n", 1)[1].splitlines()
    assert listing[0] == "kachin.sitrep"  # no -wal, -shm or -journal beside it
    assert listing[1].split()[0] == before[0]


def test_shared_export_from_a_read_only_project_is_one_clear_sentence(
    closed_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sitrep.errors import SitrepError
    from sitrep.interchange.exporters import export_incidents
    from sitrep.sharing.export import export_project

    before = state(closed_project)
    monkeypatch.setattr(project_module, "is_read_only", lambda _path: True)
    project = open_project(closed_project, user="tester")
    out = tmp_path / "out"
    out.mkdir()
    try:
        with pytest.raises(SitrepError, match="is read-only, and a shared export is recorded"):
            export_project(project, out / "copy.sitrep")
        assert export_incidents(project, out / "incidents.csv", "csv") == 1  # CSV works
    finally:
        project.close()
    assert state(closed_project) == before
    assert files_in(out) == ["incidents.csv"]
