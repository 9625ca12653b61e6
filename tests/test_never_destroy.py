"""No command writes over a project: its own output, a report, a map or a copy.

``sitrep export a.sitrep a.sitrep --level public`` once left 177 of 316 incidents and a
damaged file; ``--format csv`` replaced the project with a CSV. Each test does what a
user did and then checks the project is byte for byte what it was.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from sitrep.cli import main
from sitrep.store import create_project, open_project
from sitrep.store.targets import atomic_write, check_output_target, is_project_file
from tests.conftest import make_incident


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def incident_count(path: Path) -> int:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(db.execute("SELECT count(*) FROM incident").fetchone()[0])
    finally:
        db.close()


@pytest.fixture
def kachin(demo_file: Path, tmp_path: Path) -> Path:
    """A copy of the demo project, opened once and closed (no -wal beside it)."""
    target = tmp_path / "a.sitrep"
    src = sqlite3.connect(demo_file)
    dst = sqlite3.connect(target)
    src.backup(dst)
    dst.close()
    src.close()
    open_project(target).close()  # as an officer's project is: opened before, now closed
    return target


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run the command; it must exit 1 with one plain line on stderr."""
    assert main(list(argv)) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    return err


def test_export_onto_its_own_project_is_refused_and_project_intact(
    kachin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before, count = digest(kachin), incident_count(kachin)
    assert count > 300
    err = refused(capsys, "export", str(kachin), str(kachin), "--level", "public")
    assert f"{kachin} is the open project a.sitrep" in err
    assert digest(kachin) == before and incident_count(kachin) == count


def test_export_with_force_onto_its_own_project_is_still_refused(
    kachin: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = digest(kachin)
    monkeypatch.chdir(kachin.parent)
    refused(capsys, "export", str(kachin), "./a.sitrep", "--force")
    assert digest(kachin) == before


def test_export_through_a_symlink_or_other_spelling_is_refused(
    kachin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(kachin)
    link = kachin.parent / "link.csv"
    link.symlink_to(kachin)
    refused(capsys, "export", str(kachin), str(link), "--format", "csv")
    sub = kachin.parent / "sub"
    sub.mkdir()
    refused(capsys, "export", str(kachin), str(sub / ".." / "a.sitrep"), "--format", "csv")
    assert digest(kachin) == before and link.is_symlink()


def test_csv_export_onto_its_project_is_refused_and_project_intact(
    kachin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(kachin)
    err = refused(capsys, "export", str(kachin), str(kachin), "--format", "csv")
    assert "choose another file name for the export (nothing was written)" in err
    assert digest(kachin) == before


def test_export_onto_the_projects_wal_or_journal_is_refused(kachin: Path, tmp_path: Path) -> None:
    from sitrep.errors import SitrepError
    from sitrep.interchange.exporters import export_incidents

    project = open_project(kachin)
    try:
        for suffix in ("-wal", "-shm", "-journal"):
            with pytest.raises(SitrepError, match=f"is the {suffix} file of the open project"):
                export_incidents(project, Path(f"{kachin}{suffix}"), "csv")
    finally:
        project.close()
    # closed, a -journal would make SQLite "roll back" the CSV into the project
    with pytest.raises(SitrepError, match=r"-journal file of the Sitrep project a\.sitrep"):
        check_output_target(Path(f"{kachin}-journal"))
    assert not Path(f"{kachin}-journal").exists()


def test_csv_export_onto_another_project_is_refused(
    kachin: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "b.sitrep"
    create_project(other).close()
    before = digest(other)
    err = refused(capsys, "export", str(kachin), str(other), "--format", "csv")
    assert f"{other} is a Sitrep project" in err
    assert digest(other) == before


def test_import_report_onto_the_project_is_refused_and_project_intact(
    kachin: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "bad.csv"
    data.write_text("title,date_start\nClash,not a date\n", encoding="utf-8")
    before, count = digest(kachin), incident_count(kachin)
    err = refused(capsys, "import", str(kachin), str(data), "--report", str(kachin))
    assert "choose another file name for the validation report" in err
    assert digest(kachin) == before and incident_count(kachin) == count


def test_report_json_onto_the_project_is_refused_and_project_intact(
    kachin: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(kachin)
    err = refused(
        capsys,
        "report", str(kachin), "--region", "Kachin", "--from", "2025-05-01",
        "--to", "2025-06-30", "--output", str(tmp_path / "r.docx"), "--json", str(kachin),
    )  # fmt: skip
    assert "is the open project a.sitrep; choose another file name for the figures" in err
    assert digest(kachin) == before
    assert not (tmp_path / "r.docx").exists()


def test_report_docx_onto_a_project_named_docx_is_refused(
    kachin: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    disguised = tmp_path / "old.docx"
    create_project(disguised).close()
    before = digest(disguised)
    refused(
        capsys,
        "report", str(kachin), "--region", "Kachin", "--from", "2025-05-01",
        "--to", "2025-06-30", "--output", str(disguised),
    )  # fmt: skip
    assert digest(disguised) == before


def test_map_output_onto_a_project_is_refused(
    kachin: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "map.html"
    link.symlink_to(kachin)
    before = digest(kachin)
    err = refused(capsys, "map", str(kachin), "--output", str(link))
    assert "Sitrep project" in err
    assert digest(kachin) == before


def test_shared_export_replaces_another_project_only_with_force(
    kachin: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "b.sitrep"
    create_project(other).close()
    before = digest(other)
    err = refused(capsys, "export", str(kachin), str(other))
    assert "add --force to replace it" in err
    assert digest(other) == before
    assert main(["export", str(kachin), str(other), "--force", "--level", "public"]) == 0
    assert 0 < incident_count(other) < incident_count(kachin)


def test_shared_export_never_replaces_a_project_open_elsewhere(
    kachin: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "b.sitrep"
    create_project(other).close()
    elsewhere = sqlite3.connect(other)  # another program holds it open in WAL mode
    elsewhere.execute("PRAGMA journal_mode = WAL")
    elsewhere.execute("SELECT count(*) FROM incident").fetchone()
    try:
        assert Path(f"{other}-wal").exists()
        err = refused(capsys, "export", str(kachin), str(other), "--force")
        assert "open elsewhere" in err
    finally:
        elsewhere.close()


def test_project_recognised_by_header_age_or_extension(tmp_path: Path) -> None:
    project = tmp_path / "p.bin"
    create_project(project).close()
    age = tmp_path / "shared.age"
    age.write_bytes(b"age-encryption.org/v1\n-> scrypt abc\n")
    encrypted = tmp_path / "locked.sitrep"
    encrypted.write_bytes(os.urandom(4096))
    foreign = tmp_path / "other.db"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE t(x)")
    db.close()
    csv = tmp_path / "a.csv"
    csv.write_text("x\n1\n")
    assert is_project_file(project) and is_project_file(age) and is_project_file(encrypted)
    assert not is_project_file(foreign) and not is_project_file(csv)
    assert not is_project_file(tmp_path / "missing.sitrep")
    assert check_output_target(csv) == csv  # an ordinary file may be replaced


def test_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_write(target) as temp:
        temp.write_text("half")
        raise RuntimeError("disk pulled out")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    with atomic_write(target) as temp:
        temp.write_text("new\n")
    assert target.read_text() == "new\n"


def test_open_project_registry_follows_open_and_close(tmp_path: Path) -> None:
    from sitrep.store.targets import open_project_files

    path = tmp_path / "c.sitrep"
    project = create_project(path)
    make_incident(project)
    assert path in open_project_files()
    project.close()
    assert path not in open_project_files()
