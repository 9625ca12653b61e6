"""Engines for a project: a SQLite file (the default) or a PostgreSQL URL (a team)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

APPLICATION_ID = 0x53495452  # "SITR": marks a SQLite file as a Sitrep project
SQLITE_HEADER = b"SQLite format 3\x00"


def is_database_url(target: str) -> bool:
    return "://" in target


def project_url(target: str | Path) -> str:
    """A SQLAlchemy URL for a ``.sitrep`` path or a database URL."""
    text = str(target)
    if is_database_url(text):
        url = make_url(text)
        if url.drivername == "postgresql":  # prefer psycopg 3, the maintained driver
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)
    return f"sqlite:///{Path(text).resolve()}"


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA cache_size = -65536")  # 64 MB page cache
    cursor.execute("PRAGMA temp_store = MEMORY")
    cursor.close()


def sqlite_file_uri(path: str | Path, *, read_only: bool = False, immutable: bool = False) -> str:
    """A percent-quoted ``file:`` URI, so ``#``, ``?`` and ``%`` in names stay part of the name."""
    uri = "file:" + quote(Path(path).resolve().as_posix(), safe="/")
    params = [p for p, on in (("mode=ro", read_only), ("immutable=1", immutable)) if on]
    return uri + ("?" + "&".join(params) if params else "")


def connect_sqlite(path: str | Path, *, key: str | None = None, read_only: bool = False) -> Any:
    """The one way to open a raw connection to a project file.

    ``key`` is a SQLCipher key (see :mod:`sitrep.store.cipher`); with it the connection
    is SQLCipher's and the key is its first statement, so nothing is read before it. The
    connection is typed ``Any``: sqlite3's and sqlcipher3's share the DB-API, not a class.
    """
    uri = sqlite_file_uri(path, read_only=read_only)
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


def make_engine(url: str, *, path: str | Path | None = None, key: str | None = None) -> Engine:
    """An engine for ``url``; for an encrypted file, connections come from ``connect_sqlite``.

    The URL still names the file so SQLAlchemy picks its file pool; ``module`` makes it
    translate sqlcipher3's exceptions like sqlite3's.
    """
    if url.startswith("sqlite"):
        if key is None:
            engine = create_engine(url)
        else:
            from sqlcipher3 import dbapi2 as sqlcipher

            assert path is not None, "an encrypted engine needs the file's path"
            engine = create_engine(
                url, module=sqlcipher, creator=lambda: connect_sqlite(path, key=key)
            )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)
