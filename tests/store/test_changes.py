"""Noticing another process's changes: PRAGMA data_version (SQLite), LISTEN/NOTIFY (PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sitrep.editing.draft import IncidentDraft
from sitrep.editing.save import save_draft
from sitrep.store import Project, create_project
from sitrep.store.changes import CHANNEL, DataVersionWatcher, PgListener, libpq_url

PG_URL = os.environ.get("SITREP_TEST_PG_URL")
ROOT = Path(__file__).resolve().parents[2]

WRITER = """
import sys
from sitrep.editing.draft import IncidentDraft
from sitrep.editing.save import save_draft
from sitrep.store import open_project
project = open_project(sys.argv[1], user="colleague")
with project.session() as s:
    save_draft(s, IncidentDraft(title=sys.argv[2], date_start="2025-06-03",
        event_type="Battles", sub_event_type="Armed clash"))
project.close()
"""


def write_from_another_process(location: str, title: str) -> None:
    """A colleague's app adds an incident (a separate process, its own connections)."""
    subprocess.run(
        [sys.executable, "-c", WRITER, location, title], check=True, cwd=ROOT, timeout=120
    )


def add(project: Project, title: str) -> None:
    draft = IncidentDraft(
        title=title, date_start="2025-06-03", event_type="Battles", sub_event_type="Armed clash"
    )
    with project.session() as s:
        save_draft(s, draft)


def test_sqlite_data_version_sees_another_process(project: Project) -> None:
    watcher = DataVersionWatcher(project)
    try:
        assert not watcher.changed()
        write_from_another_process(project.location, "Clash at Hpakant")
        assert watcher.changed()
        assert not watcher.changed()  # once per change
    finally:
        watcher.close()


@contextmanager
def temporary_pg_project() -> Iterator[Project]:
    """A project on a database of its own on the test server (dropped afterwards)."""
    if not PG_URL:
        pytest.skip("no PostgreSQL server: run through scripts/with-postgres.sh")
    name = f"sitrep_notify_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    project = create_project(url, user="tester")
    try:
        yield project
    finally:
        project.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_project() -> Iterator[Project]:
    with temporary_pg_project() as project:
        yield project


@pytest.mark.postgres
def test_postgres_notice_from_another_process_and_reconnect(pg_project: Project) -> None:
    calls: list[int] = []
    heard = threading.Event()

    def on_change() -> None:
        calls.append(1)
        heard.set()

    listener = PgListener(libpq_url(pg_project), on_change, poll_seconds=0.2, max_pause=1.0)
    listener.start()
    try:
        assert listener.connected.wait(20)
        add(pg_project, "Our own save")  # this process's notice: not a change by others
        write_from_another_process(pg_project.location, "Clash at Hpakant")
        assert heard.wait(30)
        assert len(calls) == 1  # FIFO: our own notice came first and was ignored
        heard.clear()

        # the server drops the listener's connection: it comes back and says so
        with pg_project.engine.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE query LIKE :q AND pid <> pg_backend_pid()"
                ),
                {"q": f"LISTEN {CHANNEL}%"},
            )
            conn.commit()
        assert heard.wait(30)
        assert listener.reconnects == 1
        heard.clear()
        write_from_another_process(pg_project.location, "Shelling of Lone Khin")
        assert heard.wait(30)
    finally:
        listener.stop()


@pytest.mark.postgres
def test_a_rolled_back_change_sends_no_notice(pg_project: Project) -> None:
    """Notices are sent inside the transaction: a failed save announces nothing."""
    import psycopg

    with psycopg.connect(libpq_url(pg_project), autocommit=True) as conn:
        conn.execute(f"LISTEN {CHANNEL}")
        session = pg_project.new_session()
        draft = IncidentDraft(
            title="Never saved",
            date_start="2025-06-03",
            event_type="Battles",
            sub_event_type="Armed clash",
        )
        save_draft(session, draft)
        session.rollback()
        session.close()
        add(pg_project, "Saved")
        notices = list(conn.notifies(timeout=5, stop_after=1))
        assert len(notices) == 1
        assert not list(conn.notifies(timeout=0.5))
