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


def connect_read_only(path: str | Path, *, key: str | None = None) -> Any:
    """A connection that reads a file and leaves nothing beside it.

    Even ``mode=ro`` makes a WAL-mode file grow ``-wal`` and ``-shm`` files. When no
    ``-wal`` or ``-journal`` is beside the file, nobody has it open for writing and
    everything is in the file itself, so it is opened ``immutable`` (no locks, no side
    files); otherwise their content matters and SQLite must read them (``mode=ro``).
    """
    path = Path(path)
    return connect_sqlite(path, key=key, read_only=True, immutable=not in_use(path))


def in_use(path: str | Path) -> bool:
    """Whether a ``-wal`` or ``-journal`` beside the file holds content SQLite must read
    (someone has it open for writing, or left it so); otherwise the file alone is the
    database and it can be opened ``immutable``."""
    return any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-journal"))


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


def connect_sqlite(
    path: str | Path,
    *,
    key: str | None = None,
    read_only: bool = False,
    immutable: bool = False,
) -> Any:
    """The one way to open a raw connection to a project file (inspection, backups, copies).

    ``key`` is a SQLCipher key (see :mod:`sitrep.store.cipher`); with it the connection
    is SQLCipher's and the key is its first statement, so nothing is read before it. The
    connection is typed ``Any``: sqlite3's and sqlcipher3's share the DB-API, not a class.
    """
    return _connect_uri(sqlite_file_uri(path, read_only=read_only, immutable=immutable), key)


def _connect_uri(uri: str, key: str | None) -> Any:
    if key is None:
        return sqlite3.connect(uri, uri=True)
    from sqlcipher3 import dbapi2 as sqlcipher

    conn = sqlcipher.connect(uri, uri=True)
    # a wrong key is reported as one SitrepError; SQLCipher's own log would add
    # "hmac check failed" lines on stderr (the level is process-wide)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = {quote_sql(key)}")
    conn.execute("PRAGMA temp_store = MEMORY")  # no plaintext sort or index spills on disk
    return conn


def quote_sql(text: str) -> str:
    """``text`` as an SQL string literal (PRAGMA takes no bound parameters)."""
    if "\x00" in text:
        raise ValueError("an SQL string cannot hold a NUL character")
    return "'" + text.replace("'", "''") + "'"


def make_engine(url: URL, *, key: str | None = None) -> Engine:
    """An engine for ``url``; for an encrypted file, connections come from ``connect_sqlite``.

    The URL still names the file so SQLAlchemy picks its file pool; ``module`` makes it
    translate sqlcipher3's exceptions like sqlite3's.
    """
    if url.get_backend_name() == "sqlite":
        if key is None:
            engine = create_engine(url)
        else:
            from sqlcipher3 import dbapi2 as sqlcipher

            uri = str(url.database)  # the quoted file: URI, its read-only options included
            engine = create_engine(url, module=sqlcipher, creator=lambda: _connect_uri(uri, key))
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)
