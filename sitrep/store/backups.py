"""Backups of a project and restoring them, for a file and for a team server.

A project file is copied with SQLite's online backup API (consistent while the app has
it open, mid-WAL included); the copy of an encrypted project is encrypted with the same
key, so the same passphrase opens it and no plaintext copy is ever written. A team
database is dumped with ``pg_dump`` in its custom format and restored with
``pg_restore``. A restore never writes over a project: it makes a new file or fills an
empty database.

Rolling backups (:func:`rolling_backup`): when the app opens a project file it first
copies it into a ``backups`` folder *beside the project* and keeps the newest
``backups_keep`` (a project setting, default 5; 0 turns them off). Beside the project,
not in the user's data folder, because a project carried on a USB stick must leave
nothing on the computers it is opened on; the copies travel (and are lost) with the
project, and an encrypted project's copies are encrypted with its key.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from sitrep.errors import SitrepError
from sitrep.store import audit_chain, targets
from sitrep.store.cipher import db_errors, key_for_file, looks_encrypted
from sitrep.store.engine import connect_read_only, connect_sqlite, is_database_url
from sitrep.store.project import Project, _check_revision, _inspect_file, open_project

PG_DUMP_MAGIC = b"PGDMP"
BACKUPS_KEEP = "backups_keep"  # project setting: how many rolling backups to keep
DEFAULT_KEEP = 5
BACKUP_FOLDER = "backups"
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"  # Debian's PostgreSQL tools, when not on PATH


# --------------------------------------------------------------------------- one backup


def backup_project(project: Project, out: str | Path) -> Path:
    """Write a backup of ``project`` at ``out`` (a new file; never over a project)."""
    out = Path(out)
    if not out.parent.is_dir():
        raise SitrepError(f"The folder {out.parent} does not exist.")
    targets.check_output_target(out, what="backup")
    if out.exists():
        raise SitrepError(f"{out} already exists; choose a new file name for the backup.")
    if project.is_file:
        with targets.atomic_write(out) as temp:
            copy_file(Path(project.location), temp, key=project.key)
    else:
        _pg_dump(project.location, out)
    return out


def copy_file(src: Path, dst: Path, *, key: str | None) -> None:
    """SQLite's online backup of ``src`` into the new file ``dst`` (same key, if any)."""
    source = connect_read_only(src, key=key)
    target = connect_sqlite(dst, key=key)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL for the PostgreSQL tools, and the environment with the password
    (never on the command line, where other users could read it)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        for folder in sorted(glob.glob(PG_BIN_GLOB), reverse=True):
            if (Path(folder) / name).exists():
                return str(Path(folder) / name)
        raise SitrepError(
            f"{name} is not installed: install PostgreSQL's client tools "
            f"(Debian: apt install postgresql-client) to back up or restore a team database."
        )
    return found


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise SitrepError(f"{what} failed: {detail}")


def _pg_dump(url: str, out: Path) -> None:
    libpq, env = _libpq(url)
    tool = _pg_tool("pg_dump")
    with targets.atomic_write(out) as temp:
        _run([tool, "--format=custom", f"--file={temp}", f"--dbname={libpq}"], env, "pg_dump")


# --------------------------------------------------------------------------- restore


def restore_backup(
    backup: str | Path, target: str, *, passphrase: str | None = None, key: str | None = None
) -> str:
    """Restore ``backup`` as a new project at ``target`` (a file, or an empty database).

    Returns the target. A file backup restores to a file; a ``pg_dump`` backup to a
    PostgreSQL URL (``sitrep copy`` moves a project between the two kinds). An
    encrypted backup needs its ``passphrase`` (or the open project's ``key``); the
    restored file is encrypted with the same key.
    """
    backup = Path(backup)
    if not backup.is_file():
        raise SitrepError(f"There is no backup at {backup}.")
    with backup.open("rb") as fh:
        is_dump = fh.read(len(PG_DUMP_MAGIC)) == PG_DUMP_MAGIC
    if is_dump != is_database_url(target):
        kind = "a PostgreSQL dump" if is_dump else "a project file"
        where = "a postgresql:// URL" if is_dump else "a .sitrep file"
        raise SitrepError(
            f"{backup} is {kind}: restore it to {where} (sitrep copy moves a project "
            "between a file and a server)."
        )
    if is_dump:
        _pg_restore(backup, target)
        open_project(target).close()  # it opens (and is upgraded if older)
    else:
        _restore_file(backup, Path(target), passphrase, key)
    return target


def _restore_file(backup: Path, target: Path, passphrase: str | None, key: str | None) -> None:
    if not target.parent.is_dir():
        raise SitrepError(f"The folder {target.parent} does not exist.")
    targets.check_output_target(target, what="restored project")
    if target.exists() or any(Path(f"{target}{s}").exists() for s in targets.SIDE_SUFFIXES):
        raise SitrepError(
            f"{target} already exists; restore into a new file name (nothing was written)."
        )
    if not looks_encrypted(backup):
        key = None
    elif key is None:
        key = key_for_file(backup, passphrase)
    _check_revision(str(backup), _inspect_file(backup, key=key))
    with targets.atomic_write(target) as temp:
        copy_file(backup, temp, key=key)
    _inspect_file(target, key=key)  # the copy reads as a project


def _pg_restore(backup: Path, url: str) -> None:
    targets.check_empty_database(url, "restore")
    libpq, env = _libpq(url)
    tool = _pg_tool("pg_restore")
    _run(
        [tool, "--exit-on-error", "--no-owner", f"--dbname={libpq}", str(backup)],
        env,
        "pg_restore",
    )


# --------------------------------------------------------------------------- rolling


@dataclass(frozen=True)
class BackupInfo:
    """One rolling backup as the restore dialog lists it."""

    path: Path
    made: dt.datetime
    incidents: int | None  # None: it could not be read (damaged, or another key)


def backup_folder(project_path: Path) -> Path:
    return project_path.parent / BACKUP_FOLDER


def _pattern(project_path: Path) -> re.Pattern[str]:
    return re.compile(
        re.escape(project_path.stem) + r"\.auto-(\d{8}-\d{6})(?:-(\d+))?" + re.escape(".sitrep")
    )


def rolling_backups(project_path: Path) -> list[Path]:
    """The project's rolling backups, newest first."""
    folder = backup_folder(project_path)
    if not folder.is_dir():
        return []
    pattern = _pattern(project_path)
    found = []
    for p in folder.iterdir():
        match = pattern.fullmatch(p.name)
        if match:
            found.append((match.group(1), int(match.group(2) or 1), p))
    return [p for *_, p in sorted(found, reverse=True)]


def keep_count(project: Project) -> int:
    text = project.setting(BACKUPS_KEEP, str(DEFAULT_KEEP)).strip()
    try:
        return max(0, int(text or DEFAULT_KEEP))
    except ValueError:
        return DEFAULT_KEEP


def check_keep(value: str) -> str:
    """A ``backups_keep`` value as typed: a whole number, 0 turning backups off."""
    text = value.strip()
    if text and (not text.isdigit() or int(text) > 1000):
        raise SitrepError(f"backups_keep is a number of backups from 0 to 1000, not '{value}'.")
    return text


def rolling_backup(project: Project, *, now: dt.datetime | None = None) -> Path | None:
    """Copy the project into its ``backups`` folder and keep the newest N copies.

    Nothing is done for a server, a read-only project or ``backups_keep`` 0, nor when
    no record has changed since the newest copy (the same last audit entry: opening a
    project five times must not push out the copies that differ). Returns the new
    copy, if any.
    """
    if not project.is_file or project.read_only:
        return None
    keep = keep_count(project)
    path = Path(project.location)
    if keep == 0:
        return None
    existing = rolling_backups(path)
    made: Path | None = None
    if not existing or _audit_tip(existing[0], project.key) != _project_tip(project):
        folder = backup_folder(path)
        folder.mkdir(exist_ok=True)
        stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        made = folder / f"{path.stem}.auto-{stamp}.sitrep"
        n = 1
        while made.exists():
            n += 1
            made = folder / f"{path.stem}.auto-{stamp}-{n}.sitrep"
        with targets.atomic_write(made) as temp:
            copy_file(path, temp, key=project.key)
        existing = [made, *existing]
    for old in existing[keep:]:
        old.unlink(missing_ok=True)
    return made


def _project_tip(project: Project) -> tuple[int, str]:
    with project.engine.connect() as conn:
        return audit_chain.tip(conn)


def _audit_tip(path: Path, key: str | None) -> tuple[int, str] | None:
    """The last audit entry of a backup: every change of a record appends one, so an
    equal tip means nothing was changed since (opening alone changes nothing)."""
    try:
        conn = connect_read_only(path, key=key if looks_encrypted(path) else None)
        try:
            row = conn.execute(
                "SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        finally:
            conn.close()
    except db_errors():
        return None
    return (int(row[0]), str(row[1])) if row else (0, "")


def describe_backup(path: Path, *, key: str | None) -> BackupInfo:
    """When a backup was made and how many incidents it holds (for the restore list)."""
    made = dt.datetime.fromtimestamp(path.stat().st_mtime)
    match = re.search(r"\.auto-(\d{8}-\d{6})", path.name)
    if match:
        made = dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
    try:
        conn = connect_read_only(path, key=key if looks_encrypted(path) else None)
        try:
            (count,) = conn.execute("SELECT count(*) FROM incident").fetchone()
        finally:
            conn.close()
    except db_errors():
        count = None
    return BackupInfo(path, made, count)
