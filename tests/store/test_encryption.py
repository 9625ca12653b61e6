"""Projects encrypted at rest: markers never reach the disk, wrong passphrases change nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sitrep.editing.draft import IncidentDraft
from sitrep.editing.draft_store import DraftStore, draft_identity
from sitrep.errors import EncryptedProjectError, PassphraseError, ProjectError
from sitrep.model import Actor, Attachment, Blob, Incident, IncidentActor
from sitrep.model.enums import ActorRole
from sitrep.store import Project, cipher, create_project, open_project, schema
from sitrep.store.engine import SQLITE_HEADER
from sitrep.store.memory import read_project_file
from sitrep.store.project import backup_file
from tests.conftest import make_incident

DATA = Path(__file__).resolve().parents[1] / "data"
SECRET = "correct horse 'battery' staple"
MARKERS = {
    "title": "ZQTITLE-Myitkyina-checkpoint",
    "narrative": "ZQNARRATIVE-soldiers-searched-phones",
    "victim": "ZQVICTIM-Daw-Hkawn-Nu",
    "actor": "ZQACTOR-Battalion-999",
    "attachment": "ZQATTACHMENT-witness-statement",
    "draft": "ZQDRAFT-unsaved-title",
    "setting": "ZQSETTING-office-name",
}


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file in the folder: its content digest and modification time."""
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in folder.iterdir()
    }


def write_markers(project: Project, drafts: DraftStore) -> None:
    inc = make_incident(
        project,
        title=MARKERS["title"],
        narrative=MARKERS["narrative"],
        victim_names=MARKERS["victim"],
    )
    data = MARKERS["attachment"].encode() * 3
    digest = hashlib.sha256(data).hexdigest()
    with project.session() as s:
        actor = Actor(name=MARKERS["actor"])
        s.add(actor)
        s.flush()
        s.add(IncidentActor(incident_id=inc.id, actor_id=actor.id, role=ActorRole.PERPETRATOR))
        s.add(Blob(sha256=digest, size=len(data), data=data))
        s.flush()
        s.add(Attachment(incident_id=inc.id, sha256=digest, filename="statement.txt"))
    project.set_setting("office", MARKERS["setting"])
    identity = draft_identity(project)
    if identity is not None:
        drafts.protect(project.location, identity)
    drafts.save(drafts.new_key(), IncidentDraft(title=MARKERS["draft"]), project.location)


def hits(folders: list[Path]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in (p for folder in folders for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for label, marker in MARKERS.items():
            if marker.encode() in data:
                found.setdefault(label, []).append(path.name)
    return found


@pytest.mark.parametrize("encrypted", [True, False], ids=["encrypted", "plain"])
def test_officer_writes_sensitive_records_and_nothing_readable_reaches_the_disk(
    tmp_path: Path, encrypted: bool
) -> None:
    folder, draft_folder = tmp_path / "project", tmp_path / "drafts"
    folder.mkdir()
    path = folder / "kachin.sitrep"
    passphrase = SECRET if encrypted else None
    project = create_project(path, name="Kachin", passphrase=passphrase)
    drafts = DraftStore(draft_folder)
    write_markers(project, drafts)
    with project.session() as s:
        assert s.scalar(select(func.count()).select_from(Incident)) == 1
    # while the project is open: its file, its -wal and -shm, the drafts
    assert (folder / "kachin.sitrep-wal").exists()
    while_open = hits([folder, draft_folder])
    backup = backup_file(path, schema.head_revision(), key=project.key)
    project.close()
    after = hits([folder, draft_folder])
    if encrypted:
        assert while_open == {} and after == {}
        assert not backup.read_bytes().startswith(SQLITE_HEADER)
        reopened = open_project(path, passphrase=SECRET)
        assert reopened.setting("office") == MARKERS["setting"]
        drafts = DraftStore(draft_folder)
        identity = draft_identity(reopened)
        assert identity is not None
        drafts.protect(reopened.location, identity)
        assert [d.draft.title for d in drafts.drafts_for(reopened.location)] == [MARKERS["draft"]]
        reopened.close()
    else:  # the same search finds every marker in a plain project: the test can fail
        assert set(while_open) == set(MARKERS)
        assert set(after) == set(MARKERS)
        assert backup.name in after["title"]


def test_a_standard_sqlcipher_tool_opens_the_file_with_the_passphrase(tmp_path: Path) -> None:
    from sqlcipher3 import dbapi2 as sqlcipher

    path = tmp_path / "p.sitrep"
    create_project(path, name="Kachin", passphrase=SECRET).close()
    conn = sqlcipher.connect(str(path))
    conn.execute("PRAGMA key = 'correct horse ''battery'' staple'")
    row = conn.execute("SELECT value FROM project_setting WHERE key = 'name'").fetchone()
    conn.close()
    assert row == ("Kachin",)


@pytest.mark.parametrize(
    ("passphrase", "message"),
    [(None, "is encrypted and needs a passphrase"), ("wrong", "the passphrase is wrong")],
)
def test_wrong_or_missing_passphrase_is_one_clear_error_and_changes_nothing(
    tmp_path: Path, passphrase: str | None, message: str
) -> None:
    path = tmp_path / "p.sitrep"
    create_project(path, passphrase=SECRET).close()
    before = snapshot(tmp_path)
    with pytest.raises(PassphraseError, match=message) as caught:
        open_project(path, passphrase=passphrase)
    assert "\n" not in str(caught.value)
    assert caught.value.missing == (passphrase is None)
    assert snapshot(tmp_path) == before  # no -wal/-shm, same bytes, same mtime


def test_a_passphrase_given_for_a_plain_project_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "p.sitrep"
    create_project(path, name="Plain").close()
    project = open_project(path, passphrase="set for the whole session")
    assert not project.encrypted and project.setting("name") == "Plain"
    project.close()
    assert path.read_bytes().startswith(SQLITE_HEADER)


def test_empty_passphrase_is_refused_because_it_would_not_encrypt(tmp_path: Path) -> None:
    with pytest.raises(PassphraseError, match="empty"):
        create_project(tmp_path / "p.sitrep", passphrase="")
    assert list(tmp_path.iterdir()) == []


def test_encrypt_then_decrypt_keeps_every_record(demo_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "My #1 ကချင်.sitrep"
    shutil.copy(demo_file, path)
    plain = open_project(path)
    with plain.session() as s:
        incidents = s.scalar(select(func.count()).select_from(Incident))
        titles = sorted(s.scalars(select(Incident.title)))
    plain.close()
    cipher.encrypt_file(path, SECRET)
    data = path.read_bytes()
    assert not data.startswith(SQLITE_HEADER) and titles[0].encode() not in data
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temp, no -wal
    encrypted = open_project(path, passphrase=SECRET)
    with encrypted.session() as s:
        assert sorted(s.scalars(select(Incident.title))) == titles
    encrypted.close()
    cipher.decrypt_file(path, SECRET)
    assert path.read_bytes().startswith(SQLITE_HEADER)
    back = open_project(path)
    with back.session() as s:
        assert s.scalar(select(func.count()).select_from(Incident)) == incidents
    back.close()


def test_decrypt_with_a_wrong_passphrase_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.sitrep"
    create_project(path, passphrase=SECRET).close()
    before = snapshot(tmp_path)
    with pytest.raises(PassphraseError, match="wrong"):
        cipher.decrypt_file(path, "wrong")
    assert snapshot(tmp_path) == before


def test_encrypting_a_project_open_elsewhere_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.sitrep"
    create_project(path, name="Busy").close()
    other = open_project(path)  # another window holds it open
    other.setting("name")
    before = path.read_bytes()
    with pytest.raises(ProjectError, match="open in another window"):
        cipher.encrypt_file(path, SECRET)
    other.close()
    assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if cipher.TEMP_MARK in p.name]


def test_encrypting_a_project_another_program_has_open_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.sitrep"
    create_project(path, name="Busy").close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, sqlite3\n"
            "c = sqlite3.connect(sys.argv[1])\n"
            "c.execute('SELECT count(*) FROM incident').fetchone()\n"
            "print('holding', flush=True)\n"
            "sys.stdin.read()\n",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        before = path.read_bytes()
        with pytest.raises(ProjectError, match="open in another window or program"):
            cipher.encrypt_file(path, SECRET)
        assert path.read_bytes() == before
    finally:
        holder.communicate("")
    assert not [p for p in tmp_path.iterdir() if cipher.TEMP_MARK in p.name]


def test_a_failure_before_the_rename_leaves_the_old_file_and_no_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.sitrep"
    project = create_project(path, name="Kachin")
    make_incident(project, title=MARKERS["title"])
    project.close()
    before = dump(path)

    def fail(*_args: object) -> None:
        raise OSError("disk unplugged")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk unplugged"):
        cipher.encrypt_file(path, SECRET)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.sitrep"]
    assert path.read_bytes()[18:20] == b"\x02\x02"  # back in WAL mode, as it was
    assert dump(path) == before


def dump(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def test_leftovers_of_a_killed_rewrite_are_swept_on_open(tmp_path: Path) -> None:
    path = tmp_path / "p.sitrep"
    create_project(path).close()
    leftover = tmp_path / f".p.sitrep{cipher.TEMP_MARK}dead"
    leftover.write_bytes(b"half a copy")
    open_project(path).close()
    assert not leftover.exists()


def test_old_schema_encrypted_then_opened_migrates_with_an_encrypted_backup(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sitrep"
    shutil.copy(DATA / "project-schema-0005.sitrep", path)
    conn = sqlite3.connect(path)
    incidents = conn.execute("SELECT count(*) FROM incident").fetchone()[0]
    title = conn.execute("SELECT title FROM incident LIMIT 1").fetchone()[0]
    conn.close()
    cipher.encrypt_file(path, SECRET)
    project = open_project(path, passphrase=SECRET)
    assert project.schema_revision() == schema.head_revision()
    with project.session() as s:
        assert s.scalar(select(func.count()).select_from(Incident)) == incidents
    backup = project.backup_path
    project.close()
    assert backup is not None and backup.exists()
    data = backup.read_bytes()
    assert not data.startswith(SQLITE_HEADER) and title.encode() not in data
    key = cipher.key_for_file(backup, SECRET)  # the same passphrase opens the backup
    from sitrep.store.project import _inspect_file

    assert _inspect_file(backup, key=key) == "0005"


def test_encrypting_also_encrypts_the_plain_backups_of_older_versions(tmp_path: Path) -> None:
    path = tmp_path / "old.sitrep"
    shutil.copy(DATA / "project-schema-0005.sitrep", path)
    project = open_project(path)  # upgraded, leaving a plain backup
    backup = project.backup_path
    project.close()
    assert backup is not None and backup.read_bytes().startswith(SQLITE_HEADER)
    assert cipher.encrypt_with_backups(path, SECRET) == [backup]
    assert not backup.read_bytes().startswith(SQLITE_HEADER)
    assert cipher.key_for_file(backup, SECRET)


def test_merging_a_colleagues_encrypted_project_file_says_to_ask_for_a_shared_copy(
    tmp_path: Path,
) -> None:
    path = tmp_path / "theirs.sitrep"
    create_project(path, passphrase=SECRET).close()
    with pytest.raises(EncryptedProjectError, match="ask for a shared copy"):
        read_project_file(path, user="me")


def test_drafts_of_another_encrypted_project_are_not_offered(tmp_path: Path) -> None:
    a = create_project(tmp_path / "a.sitrep", passphrase=SECRET)
    b = create_project(tmp_path / "b.sitrep", passphrase=SECRET)
    drafts = DraftStore(tmp_path / "drafts")
    for project in (a, b):
        identity = draft_identity(project)
        assert identity is not None
        drafts.protect(project.location, identity)
    drafts.save(drafts.new_key(), IncidentDraft(title="for a"), a.location)
    assert [d.draft.title for d in drafts.drafts_for(a.location)] == ["for a"]
    assert drafts.drafts_for(b.location) == []
    drafts.forget(a.location)  # locked: a's drafts cannot be read any more
    assert drafts.drafts_for(a.location) == []
    a.close()
    b.close()


def test_clear_drafts_are_encrypted_when_their_project_is(tmp_path: Path) -> None:
    path = tmp_path / "p.sitrep"
    drafts = DraftStore(tmp_path / "drafts")
    project = create_project(path)
    drafts.save(drafts.new_key(), IncidentDraft(title=MARKERS["draft"]), project.location)
    project.close()
    cipher.encrypt_file(path, SECRET)
    project = open_project(path, passphrase=SECRET)
    identity = draft_identity(project)
    assert identity is not None
    drafts.protect(project.location, identity)
    assert drafts.reseal(project.location) == 1
    assert hits([tmp_path / "drafts"]) == {}
    assert [d.draft.title for d in drafts.drafts_for(project.location)] == [MARKERS["draft"]]
    project.close()
