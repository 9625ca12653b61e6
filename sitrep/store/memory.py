"""Projects held in memory: shared copies built and read without a file on disk.

An encrypted shared file must never exist as plaintext on disk, not even for a moment
in a temporary folder (a crash would leave it there). SQLite can hold a whole database
in memory and turn it into bytes (``serialize``) or back (``deserialize``), so an
export is built in memory and encrypted from there, and a colleague's file is
decrypted into memory and merged from there.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import StaticPool

from sitrep.errors import EncryptedProjectError, NotAProjectError, ProjectError
from sitrep.model import ProjectSetting
from sitrep.store import schema
from sitrep.store.audit import install_audit
from sitrep.store.cipher import looks_encrypted
from sitrep.store.engine import APPLICATION_ID, SQLITE_HEADER, connect_read_only
from sitrep.store.project import Project, _check_revision
from sitrep.store.seed import seed_taxonomy


def _engine(conn: sqlite3.Connection) -> Engine:
    engine = create_engine("sqlite://", creator=lambda: conn, poolclass=StaticPool)

    def pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA temp_store = MEMORY")  # sorts and indexes never spill to disk
        cursor.execute("PRAGMA secure_delete = ON")  # deleted rows leave no trace in pages
        cursor.close()

    event.listen(engine, "connect", pragmas)
    return engine


def _connect() -> sqlite3.Connection:
    return sqlite3.connect(":memory:", check_same_thread=False)


def create_memory_project(*, name: str, user: str) -> Project:
    """An empty project in memory (schema and taxonomy as a new file would have)."""
    conn = _connect()
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    engine = _engine(conn)
    with engine.begin() as c:
        schema.upgrade(c)
    project = Project(f"memory://{name or 'shared'}", engine, user=user)
    install_audit(project)
    with project.session() as s:
        seed_taxonomy(s)
        s.merge(ProjectSetting(key="name", value=name))
    return project


def project_bytes(project: Project) -> bytes:
    """The whole in-memory database as the bytes of a ``.sitrep`` file."""
    with project.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert isinstance(raw, sqlite3.Connection)
        raw.execute("PRAGMA journal_mode = DELETE")
        return bytes(raw.serialize())


def open_memory_project(data: bytes, *, label: str, user: str) -> Project:
    """A project from the bytes of a ``.sitrep`` file, upgraded in memory if older.

    Refuses what is not a Sitrep project with the same errors as opening a file.
    """
    if not data.startswith(SQLITE_HEADER):
        raise NotAProjectError(f"{label} is not a Sitrep project (it is not a SQLite database).")
    image = bytearray(data)
    if image[18:20] == b"\x02\x02":  # WAL mode cannot be used in memory: read it as rollback
        image[18:20] = b"\x01\x01"
    conn = _connect()
    try:
        conn.deserialize(bytes(image))
        (app_id,) = conn.execute("PRAGMA application_id").fetchone()
        if app_id != APPLICATION_ID:
            raise NotAProjectError(
                f"{label} is a database, but not a Sitrep project (application id {app_id})."
            )
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise NotAProjectError(f"{label} is damaged or not a project: {exc}.") from exc
    except BaseException:
        conn.close()
        raise
    revision = row[0] if row else None
    try:
        _check_revision(label, revision)
    except BaseException:
        conn.close()
        raise
    if revision is None:
        conn.close()
        raise NotAProjectError(f"{label} is an unfinished project file (no schema).")
    engine = _engine(conn)
    try:
        with engine.begin() as c:
            if revision != schema.head_revision():
                schema.upgrade(c)
    except BaseException:
        engine.dispose()
        raise
    project = Project(f"memory://{label}", engine, user=user)
    install_audit(project)
    return project


def read_project_file(path: Path, *, user: str) -> Project:
    """A plain project file read into memory through SQLite (its WAL included), unchanged.

    A project encrypted at rest (SQLCipher) is refused: its owner shares a copy of it with
    ``sitrep export`` (age-encrypted with a passphrase of its own), not the file itself.
    """
    if looks_encrypted(path):
        raise EncryptedProjectError(
            f"{path.name} is a project encrypted at rest; ask for a shared copy of it "
            "(sitrep export, or File > Share in the app) instead of the project itself."
        )
    try:
        src = connect_read_only(path)
    except sqlite3.Error as exc:
        raise NotAProjectError(f"{path.name} cannot be opened as a project: {exc}.") from exc
    dst = _connect()
    try:
        src.backup(dst)
        data = dst.serialize()
    except sqlite3.DatabaseError as exc:
        raise NotAProjectError(f"{path.name} is damaged or not a project: {exc}.") from exc
    finally:
        dst.close()
        src.close()
    if not data:
        raise ProjectError(f"{path.name} is empty.")
    return open_memory_project(bytes(data), label=path.name, user=user)


def sweep_old_leftovers() -> int:
    """Remove plaintext copies earlier versions of Sitrep left in the temporary folder.

    Before shared files were handled in memory, a merge decrypted a colleague's file
    into ``sitrep-decrypted-*.sitrep`` (or copied it to ``sitrep-merge-*.sitrep``) in
    the temporary folder, and a killed run left it there. Called before every export
    and merge; returns how many files were removed.
    """
    import tempfile

    removed = 0
    folder = Path(tempfile.gettempdir())
    for pattern in ("sitrep-decrypted-*", "sitrep-merge-*"):
        for path in folder.glob(pattern):
            try:
                path.unlink()
                removed += 1
            except OSError:
                continue
    return removed
