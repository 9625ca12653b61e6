"""A fresh PostgreSQL database for tests, on the throw-away server scripts/with-postgres.sh
starts (``SITREP_TEST_PG_URL``); tests skip, saying why, when there is none.

``fresh_database()`` is a context manager so that a fixture of any scope (one database
per test, or per module for tests that share an expensive set-up) can use it.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("SITREP_TEST_PG_URL")


def require_server() -> str:
    if not PG_URL:
        pytest.skip("no PostgreSQL server: run through scripts/with-postgres.sh")
    return PG_URL


def as_login(url: str, login: str, password: str = "") -> str:
    """The same database URL, logging in as ``login``."""
    return (
        make_url(url)
        .set(username=login, password=password or None)
        .render_as_string(hide_password=False)
    )


@contextlib.contextmanager
def fresh_database(prefix: str = "sitrep_test") -> Iterator[str]:
    """An empty database (its URL, as the server's superuser), dropped afterwards
    with every login role the test created in it."""
    server = require_server()
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        before = set(conn.scalars(text("SELECT rolname FROM pg_roles")))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            for role in set(conn.scalars(text("SELECT rolname FROM pg_roles"))) - before:
                conn.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()
