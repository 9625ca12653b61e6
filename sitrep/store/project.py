"""Opening and creating projects.

A project is one SQLite file (SQLite as an application file format) or, for a team, a
PostgreSQL database. Opening a file first inspects it *read-only*: a file that is not a
Sitrep project, or was written by a newer Sitrep, is refused and left byte-for-byte
unchanged. An older schema is upgraded only after a backup copy has been written.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from sitrep.errors import (
    ConflictError,
    EncryptedProjectError,
    NewerSchemaError,
    NotAProjectError,
    ProjectError,
)
from sitrep.model import ProjectSetting
from sitrep.store import schema, targets, team
from sitrep.store.audit import install_audit
from sitrep.store.cipher import (
    db_errors,
    file_header,
    key_for_file,
    looks_encrypted,
    new_key,
    sweep_rewrite_leftovers,
)
from sitrep.store.engine import (
    APPLICATION_ID,
    SQLITE_HEADER,
    connect_read_only,
    connect_sqlite,
    in_use,
    is_database_url,
    make_engine,
    project_url,
)
from sitrep.store.seed import seed_taxonomy


@dataclass
class Project:
    """An open project: where it is, its engine, and short sessions on demand."""

    location: str
    engine: Engine
    user: str = field(default_factory=lambda: _default_user())
    backup_path: Path | None = None
    read_only: bool = False
    key: str | None = field(default=None, repr=False)  # SQLCipher key; None: not encrypted
    # on a team database: who is connected, their group and clearance (None otherwise)
    member: team.Member | None = None

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if self.is_file:  # outputs are never written over an open project
            targets.register_open(id(self), self.location)

    @property
    def is_file(self) -> bool:
        return not is_database_url(self.location)

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    @property
    def name(self) -> str:
        if self.is_file:
            return Path(self.location).stem
        return make_url(self.location).database or self.location  # not the ?host=… options

    def new_session(self) -> Session:
        session = self._sessions()
        session.info["user"] = self.user
        return session

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One short unit of work: committed on success, rolled back on any error."""
        session = self.new_session()
        try:
            yield session
            session.commit()
        except OperationalError as exc:
            session.rollback()
            if self.read_only or "readonly database" in str(exc.orig):
                raise self.read_only_error() from exc
            raise
        except DBAPIError as exc:
            session.rollback()
            if team.refused(exc):
                raise self.refused_error() from exc
            raise
        except StaleDataError as exc:
            session.rollback()
            raise ConflictError(
                "Someone else changed this record after you opened it. "
                "Reload it to see their version, then make your change again."
            ) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def read_only_error(self) -> ProjectError:
        if self.member is not None:
            return self.refused_error()
        return ProjectError(
            f"{self.location} is read-only: changes cannot be saved (copy it to a folder "
            "you can write to, or ask for write access)."
        )

    def refused_error(self) -> ProjectError:
        """The team database refused a change (the person's group or clearance)."""
        who = self.member.describe() if self.member else "your database role"
        return ProjectError(
            f"The team database {self.name} refused the change ({who}): ask an "
            "administrator for the role or clearance it needs."
        )

    def require_writable(self) -> None:
        """Refuse, before any work, a change to a project opened read-only."""
        if self.read_only:
            raise self.read_only_error()

    def setting(self, key: str, default: str = "") -> str:
        with self.session() as s:
            row = s.get(ProjectSetting, key)
            return row.value if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.session() as s:
            s.merge(ProjectSetting(key=key, value=value))

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return schema.current_revision(conn)

    def close(self) -> None:
        self.engine.dispose()
        targets.forget_open(id(self))


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on some Windows set-ups
        return "unknown"


# --------------------------------------------------------------------------- inspection


def file_key(path: Path, passphrase: str | None) -> str | None:
    """The SQLCipher key for an encrypted project file (checked), None for a plain one.

    A passphrase given for a plain file is ignored: ``SITREP_PASSPHRASE`` may be set for
    a whole session in which plain projects are opened too.
    """
    if not looks_encrypted(path):
        return None
    return key_for_file(path, passphrase)


def _inspect_file(path: Path, *, key: str | None = None) -> str | None:
    """Return the file's schema revision, refusing anything that is not ours.

    Uses a read-only connection and changes nothing (no WAL switch, no journal).
    """
    header = file_header(path)
    if key is None and header.startswith(b"age-encryption"):
        raise EncryptedProjectError(
            f"{path} is an encrypted shared project. Merge it into a project "
            "(sitrep merge, or File > Merge in the app) and give its passphrase."
        )
    if key is None and header != SQLITE_HEADER:
        raise NotAProjectError(f"{path} is not a Sitrep project (it is not a SQLite database).")
    try:
        conn = connect_read_only(path, key=key)
    except db_errors() as exc:
        raise NotAProjectError(f"{path} cannot be opened as a project: {exc}.") from exc
    try:
        (app_id,) = conn.execute("PRAGMA application_id").fetchone()
        if app_id != APPLICATION_ID:
            raise NotAProjectError(
                f"{path} is a database, but not a Sitrep project (application id {app_id})."
            )
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except db_errors() as exc:
            raise NotAProjectError(f"{path} is damaged or incomplete: {exc}.") from exc
        return row[0] if row else None
    except db_errors() as exc:
        raise NotAProjectError(f"{path} is damaged or not a project: {exc}.") from exc
    finally:
        conn.close()


def _check_revision(location: str, revision: str | None) -> None:
    if revision is not None and revision not in schema.known_revisions():
        raise NewerSchemaError(
            f"{location} was saved by a newer version of Sitrep (schema {revision}). "
            "Update Sitrep to open it; the file has not been changed."
        )


def backup_file(path: Path, revision: str | None, *, key: str | None = None) -> Path:
    """Copy a project with SQLite's online backup (consistent even mid-WAL).

    The copy gets a name of its own: never an earlier backup made the same second. The
    copy of an encrypted project is encrypted with the same key (and salt), so the same
    passphrase opens it.
    """
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = f"{path.stem}.backup-{revision or 'none'}-{stamp}"
    target = path.with_name(f"{base}{path.suffix}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{base}-{n}{path.suffix}")
    src = connect_read_only(path, key=key)
    dst = connect_sqlite(target, key=key)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def is_read_only(path: Path) -> bool:
    """Whether this process cannot change the project file (or make its side files).

    A read-only medium (``ST_RDONLY``), a file or folder without write permission. The
    one place this is decided; tests replace it to stand in for a CD-ROM.
    """
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return True
    except (AttributeError, OSError):  # no statvfs on Windows
        pass
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK))


# --------------------------------------------------------------------------- open/create


def create_project(
    target: str | Path,
    *,
    name: str = "",
    user: str | None = None,
    passphrase: str | None = None,
    key: str | None = None,
    seed: bool = True,
) -> Project:
    """Create an empty project file (or initialise an empty database).

    With ``passphrase`` (or a ready SQLCipher ``key``) the file is encrypted from its
    first byte. ``seed=False`` leaves every table empty (no taxonomy, no settings): a
    copy of another project fills them (:mod:`sitrep.store.transfer`).
    """
    location = str(target)
    path: Path | None = None
    if (passphrase is not None or key is not None) and is_database_url(location):
        raise ProjectError("Only project files can be encrypted, not database servers.")
    if passphrase is not None:
        key = new_key(passphrase)
    if not is_database_url(location):
        path = Path(location)
        if path.exists() and path.stat().st_size > 0:
            raise ProjectError(f"{path} already exists; choose another name or open it.")
        if not path.parent.exists():
            raise ProjectError(f"The folder {path.parent} does not exist.")
        connect_sqlite(path, key=key).close()
    engine = make_engine(project_url(location), key=key)
    try:
        with engine.begin() as conn:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.exec_driver_sql("PRAGMA journal_mode = WAL")
            elif schema.current_revision(conn) is not None:
                raise ProjectError(f"{location} already holds a project.")
        with engine.begin() as conn:
            schema.upgrade(conn)
    except OperationalError as exc:
        engine.dispose()
        raise ProjectError(f"Cannot create a project at {location}: {exc.orig}.") from exc
    except BaseException:
        engine.dispose()
        raise
    project = Project(location, engine, user=user or _default_user(), key=key)
    install_audit(project)
    if not seed:
        return project
    with project.session() as s:
        seed_taxonomy(s)
        s.merge(ProjectSetting(key="name", value=name or project.name))
        s.merge(ProjectSetting(key="created", value=dt.date.today().isoformat()))
    return project


def open_project(
    target: str | Path, *, user: str | None = None, passphrase: str | None = None
) -> Project:
    """Open an existing project, upgrading its schema (after a backup) if it is older.

    A file that cannot be changed (read-only medium, folder or file) opens read-only:
    nothing is written to it or beside it, and ``Project.read_only`` says so. An
    encrypted file needs its ``passphrase``: without it, or with a wrong one, a
    :class:`PassphraseError` is raised and the file is not touched.
    """
    location = str(target)
    backup: Path | None = None
    key: str | None = None
    path: Path | None = None
    if not is_database_url(location):
        path = Path(location)
        if not path.exists():
            raise ProjectError(f"There is no project at {path}.")
        if path.is_dir():
            raise NotAProjectError(f"{path} is a folder, not a project file.")
        key = file_key(path, passphrase)
        revision = _inspect_file(path, key=key)
        _check_revision(location, revision)
        if revision is None:
            raise NotAProjectError(f"{path} is an unfinished project file (no schema).")
        if is_read_only(path):
            return _open_read_only(path, revision, user=user, key=key)
        sweep_rewrite_leftovers(path)
        if revision != schema.head_revision():
            backup = backup_file(path, revision, key=key)
    engine = make_engine(project_url(location), key=key)
    try:
        with engine.begin() as conn:
            revision = schema.current_revision(conn)
            _check_revision(location, revision)
            if revision is None:
                raise NotAProjectError(f"{location} holds no Sitrep project.")
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA journal_mode = WAL")
            member = team.current_member(conn)
            if revision != schema.head_revision():
                if member is not None:  # grants and policies must follow the new tables
                    raise ProjectError(
                        f"The team database {location} has an older schema ({revision}); "
                        "an administrator must run 'sitrep team init' on it to upgrade it."
                    )
                schema.upgrade(conn)
    except OperationalError as exc:
        engine.dispose()
        raise ProjectError(f"Cannot open {location}: {exc.orig}.") from exc
    except BaseException:
        engine.dispose()
        raise
    if member is not None and user is None:
        user = member.login  # the audit log names the person the server knows
    project = Project(
        location,
        engine,
        user=user or _default_user(),
        backup_path=backup,
        key=key,
        read_only=member is not None and not member.can_write,
        member=member,
    )
    install_audit(project)
    if not project.read_only:
        with project.session() as s:
            seed_taxonomy(s)  # new taxonomy entries of this version reach old projects
    return project


def _open_read_only(
    path: Path, revision: str, *, user: str | None, key: str | None = None
) -> Project:
    """Open a project that cannot be changed: no WAL switch, no upgrade, no seeding."""
    if revision != schema.head_revision():
        raise ProjectError(
            f"{path} is read-only and was saved by an older version of Sitrep; copy it to "
            "a folder you can write to so that it can be upgraded."
        )
    engine = make_engine(project_url(path, read_only=True, immutable=not in_use(path)), key=key)
    try:
        with engine.connect() as conn:
            schema.current_revision(conn)
    except OperationalError as exc:
        engine.dispose()
        raise ProjectError(f"Cannot open {path} (read-only): {exc.orig}.") from exc
    project = Project(str(path), engine, user=user or _default_user(), read_only=True, key=key)
    install_audit(project)
    return project
