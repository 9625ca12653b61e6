"""Engines for a project: a SQLite file (the default) or a PostgreSQL URL (a team)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

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


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)
