"""Backups and restores of project files and team databases, rolling backups, and
copying a project between a file and a server (every row, the audit chain included)."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from sitrep.cli import main
from sitrep.errors import SitrepError
from sitrep.model import Attachment, Base, Blob, Incident
from sitrep.store import Project, create_project, open_project
from sitrep.store import backups as backups_module
from sitrep.store.audit_chain import verify
from sitrep.store.backups import (
    describe_backup,
    restore_backup,
    rolling_backup,
    rolling_backups,
)
from sitrep.store.cipher import looks_encrypted
from sitrep.store.engine import SQLITE_HEADER
from sitrep.store.transfer import DERIVED_TABLES, copy_project
from tests.conftest import fresh_pg_database, make_incident

PASSPHRASE = "correct horse battery staple"


def _titles(project: Project) -> list[str]:
    with project.session() as s:
        return sorted(s.scalars(select(Incident.title)))


def test_cli_backup_and_restore_of_a_file(project: Project, tmp_path: Path) -> None:
    make_incident(project, title="Shelling of Laiza market")
    out = tmp_path / "copy.backup"
    assert main(["backup", project.location, str(out)]) == 0
    assert out.read_bytes().startswith(SQLITE_HEADER)
    # a restore never writes over a project, the open one included
    assert main(["restore", str(out), project.location]) == 1
    restored = tmp_path / "restored.sitrep"
    assert main(["restore", str(out), str(restored)]) == 0
    again = open_project(restored)
    try:
        assert _titles(again) == ["Shelling of Laiza market"]
        with again.engine.connect() as conn:
            assert verify(conn).ok
    finally:
        again.close()
    assert main(["restore", str(out), str(restored)]) == 1  # exists now: refused
    assert main(["backup", project.location, str(out)]) == 1  # no backup over a file


def test_backup_of_an_encrypted_project_stays_encrypted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = create_project(tmp_path / "secret.sitrep", passphrase=PASSPHRASE)
    make_incident(project, title="Arrest of three teachers")
    out = tmp_path / "secret.backup"
    try:
        backups_module.backup_project(project, out)
    finally:
        project.close()
    assert looks_encrypted(out) and b"three teachers" not in out.read_bytes()
    with pytest.raises(SitrepError, match="needs a passphrase"):
        restore_backup(out, str(tmp_path / "r.sitrep"))
    monkeypatch.setenv("SITREP_PASSPHRASE", PASSPHRASE)
    assert main(["restore", str(out), str(tmp_path / "r.sitrep")]) == 0
    assert looks_encrypted(tmp_path / "r.sitrep")
    again = open_project(tmp_path / "r.sitrep", passphrase=PASSPHRASE)
    try:
        assert _titles(again) == ["Arrest of three teachers"]
    finally:
        again.close()


def test_a_file_backup_does_not_restore_into_a_server_and_back(tmp_path: Path) -> None:
    dump = tmp_path / "team.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00 rest of a dump")
    with pytest.raises(SitrepError, match="PostgreSQL dump: restore it to a postgresql"):
        restore_backup(dump, str(tmp_path / "x.sitrep"))
    plain = tmp_path / "plain.backup"
    plain.write_bytes(SQLITE_HEADER + b"\x00" * 100)
    with pytest.raises(SitrepError, match=r"project file: restore it to a \.sitrep"):
        restore_backup(plain, "postgresql+psycopg://nobody@/nowhere")


@pytest.mark.postgres
def test_cli_backup_and_restore_of_a_team_database(tmp_path: Path) -> None:
    dump = tmp_path / "team.dump"
    with fresh_pg_database() as url:
        project = create_project(url, user="tester")
        make_incident(project, title="Airstrike near Mogaung")
        project.close()
        assert main(["backup", url, str(dump)]) == 0
    assert dump.read_bytes().startswith(b"PGDMP")
    with fresh_pg_database() as url:
        assert main(["restore", str(dump), url]) == 0
        assert main(["restore", str(dump), url]) == 1  # not empty any more: refused
        restored = open_project(url)
        try:
            assert _titles(restored) == ["Airstrike near Mogaung"]
            with restored.engine.connect() as conn:
                assert verify(conn).ok
        finally:
            restored.close()


def test_backup_of_a_server_without_pg_dump_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("shutil.which", lambda _name: None)
    monkeypatch.setattr(backups_module, "PG_BIN_GLOB", str(tmp_path / "none" / "*"))
    with pytest.raises(SitrepError, match="pg_dump is not installed"):
        backups_module._pg_dump("postgresql+psycopg://nobody@/nowhere", tmp_path / "x.dump")
    assert not (tmp_path / "x.dump").exists()


# --------------------------------------------------------------------------- rolling


def test_rolling_backups_keep_the_newest_n(project: Project) -> None:
    project.set_setting("backups_keep", "3")
    path = Path(project.location)
    made = []
    for i in range(5):
        make_incident(project, title=f"Incident {i}")
        stamp = dt.datetime(2026, 12, 3, 10, 0, i)
        new = rolling_backup(project, now=stamp)
        assert new is not None and new.parent == path.parent / "backups"
        made.append(new)
    kept = rolling_backups(path)
    assert kept == made[:1:-1]  # the three newest, newest first
    info = describe_backup(kept[0], key=None)
    assert info.incidents == 5 and info.made == dt.datetime(2026, 12, 3, 10, 0, 4)
    assert describe_backup(kept[-1], key=None).incidents == 3
    # unchanged since the newest copy (opened again, nothing changed): no new copy
    assert rolling_backup(project) is None
    reopened = open_project(path)
    try:
        assert rolling_backup(reopened) is None
    finally:
        reopened.close()
    project.set_setting("backups_keep", "0")
    make_incident(project, title="Another")
    assert rolling_backup(project) is None


def test_rolling_backups_of_an_encrypted_project_are_encrypted(tmp_path: Path) -> None:
    project = create_project(tmp_path / "secret.sitrep", passphrase=PASSPHRASE)
    try:
        make_incident(project, title="Names of detainees")
        made = rolling_backup(project)
        assert made is not None and looks_encrypted(made)
        assert b"detainees" not in made.read_bytes()
        assert describe_backup(made, key=project.key).incidents == 1
        target = tmp_path / "restored.sitrep"
        restore_backup(made, str(target), key=project.key)
        assert looks_encrypted(target)
    finally:
        project.close()
    again = open_project(target, passphrase=PASSPHRASE)
    try:
        assert _titles(again) == ["Names of detainees"]
    finally:
        again.close()


def test_backups_keep_is_checked_by_sitrep_settings(project: Project) -> None:
    assert main(["settings", project.location, "backups_keep", "ten"]) == 1
    assert main(["settings", project.location, "backups_keep", "10"]) == 0
    assert project.setting("backups_keep") == "10"


# --------------------------------------------------------------------------- copy


def _table_rows(project: Project) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table but the caches a copy rebuilds, in key order, time
    stamps as UTC."""
    out: dict[str, list[dict[str, Any]]] = {}
    with project.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in DERIVED_TABLES:
                continue
            rows = []
            for row in conn.execute(select(table).order_by(*table.primary_key.columns)).mappings():
                item = dict(row)
                for key, value in item.items():
                    if isinstance(value, dt.datetime):
                        if value.tzinfo is None:
                            value = value.replace(tzinfo=dt.UTC)
                        item[key] = value.astimezone(dt.UTC)
                rows.append(item)
            out[table.name] = rows
    return out


@pytest.mark.postgres
def test_copy_round_trip_file_to_server_to_file(demo_project: Project, tmp_path: Path) -> None:
    inc = make_incident(demo_project, title="With a photo")
    data = b"\x89PNG\r\n\x1a\n a photo of the site"
    digest = hashlib.sha256(data).hexdigest()
    with demo_project.session() as s:
        s.add(Blob(sha256=digest, size=len(data), data=data))
        s.add(Attachment(incident_id=inc.id, sha256=digest, filename="site.png"))
    before = _table_rows(demo_project)
    assert before["attachment"] and before["audit_log"] and before["admin_area"]
    back = tmp_path / "back.sitrep"
    with fresh_pg_database() as url:
        assert main(["copy", demo_project.location, url]) == 0
        on_server = open_project(url)
        try:
            assert _table_rows(on_server) == before
            make_incident(on_server, title="Written on the server")  # ids continue
            with on_server.engine.connect() as conn:
                assert verify(conn).ok
        finally:
            on_server.close()
        on_server = open_project(url)
        try:
            after_server = _table_rows(on_server)
            copy_project(on_server, str(back)).close()
        finally:
            on_server.close()
    result = open_project(back)
    try:
        assert _table_rows(result) == after_server
        with result.engine.connect() as conn:
            assert verify(conn).ok
    finally:
        result.close()
    assert len(after_server["incident"]) == len(before["incident"]) + 1


def test_copy_refuses_an_existing_target(project: Project, tmp_path: Path) -> None:
    other = tmp_path / "other.sitrep"
    shutil.copy(project.location, other)
    assert main(["copy", project.location, str(other)]) == 1
    assert main(["copy", project.location, project.location]) == 1


def test_copy_of_an_encrypted_file_is_encrypted(tmp_path: Path) -> None:
    project = create_project(tmp_path / "secret.sitrep", passphrase=PASSPHRASE)
    try:
        make_incident(project, title="Checkpoint detentions")
        copy_project(project, str(tmp_path / "copy.sitrep")).close()
    finally:
        project.close()
    assert looks_encrypted(tmp_path / "copy.sitrep")
    again = open_project(tmp_path / "copy.sitrep", passphrase=PASSPHRASE)
    try:
        assert _titles(again) == ["Checkpoint detentions"]
    finally:
        again.close()


@pytest.mark.postgres
def test_copy_refuses_a_database_that_is_not_empty(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    with fresh_pg_database() as url:
        assert main(["copy", project.location, url]) == 0
        capsys.readouterr()
        assert main(["copy", project.location, url]) == 1
        assert "is not empty; copy into a new, empty database" in capsys.readouterr().err
