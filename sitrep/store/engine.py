"""Engines for a project: a SQLite file (the default) or a PostgreSQL URL (a team)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.engine import make_url

APPLICATION_ID = 0x53495452  # "SITR": marks a SQLite file as a Sitrep project
SQLITE_HEADER = b"SQLite format 3\x00"


def is_database_url(target: str) -> bool:
    return "://" in target


def sqlite_file_uri(path: str | Path, *, read_only: bool = False, immutable: bool = False) -> str:
    """The SQLite ``file:`` URI of a project file, whatever its name.

    A file name is not a URI: ``#`` and ``?`` would start a fragment or the options and
    ``%`` an escape, so ``My #1.sitrep`` would open (and create) ``My ``. Every
    character but ``/`` is percent-quoted (UTF-8 for Burmese and other scripts).
    ``read_only`` opens with ``mode=ro``; ``immutable`` also tells SQLite that nobody
    can change the file, so it takes no locks and needs no ``-shm`` (read-only media).
    """
    posix = Path(path).resolve().as_posix()
    if not posix.startswith("/"):  # a Windows drive: file:///C:/...
        posix = "/" + posix
    uri = "file://" + quote(posix, safe="/:")
    options = []
    if read_only or immutable:
        options.append("mode=ro")
    if immutable:
        options.append("immutable=1")
    return uri + ("?" + "&".join(options) if options else "")


def connect_file(
    path: str | Path, *, read_only: bool = False, immutable: bool = False
) -> sqlite3.Connection:
    """A plain sqlite3 connection to a project file (inspection, backups, copies)."""
    return sqlite3.connect(
        sqlite_file_uri(path, read_only=read_only, immutable=immutable), uri=True
    )


def connect_read_only(path: str | Path) -> sqlite3.Connection:
    """A connection that reads a file and leaves nothing beside it.

    Even ``mode=ro`` makes a WAL-mode file grow ``-wal`` and ``-shm`` files. When no
    ``-wal`` or ``-journal`` is beside the file, nobody has it open for writing and
    everything is in the file itself, so it is opened ``immutable`` (no locks, no side
    files); otherwise their content matters and SQLite must read them (``mode=ro``).
    """
    path = Path(path)
    live = any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-journal"))
    return connect_file(path, read_only=True, immutable=not live)


def project_url(target: str | Path, *, read_only: bool = False, immutable: bool = False) -> URL:
    """A SQLAlchemy URL for a ``.sitrep`` path or a database URL.

    A file's URL carries its quoted SQLite URI as the database, built with
    ``URL.create`` (never parsed from text, which would unquote it again).
    """
    text = str(target)
    if is_database_url(text):
        url = make_url(text)
        if url.drivername == "postgresql":  # prefer psycopg 3, the maintained driver
            url = url.set(drivername="postgresql+psycopg")
        return url
    uri = sqlite_file_uri(text, read_only=read_only, immutable=immutable)
    return URL.create("sqlite+pysqlite", database=uri, query={"uri": "true"})


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA cache_size = -65536")  # 64 MB page cache
    cursor.execute("PRAGMA temp_store = MEMORY")
    cursor.close()


def make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)
