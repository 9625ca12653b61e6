"""Noticing that someone else changed the project, so open views can refresh.

Two mechanisms, one per kind of project:

- **PostgreSQL**: every commit that wrote an audited change (which every change of an
  incident, its rows, an import or a merge is) sends ``NOTIFY sitrep_changes`` from
  inside its transaction (:func:`notify_change`, called where entries join the chain),
  so it is delivered only if the commit succeeds. The payload
  is the sending process's token, never content, so a listener below some clearance
  learns nothing but "something changed" and ignores its own notices.
  :class:`PgListener` holds its own connection, ``LISTEN``s, and reconnects after a
  lost connection (server restart, network) with a growing pause.
- **SQLite**: ``PRAGMA data_version`` on a connection of its own changes whenever
  another connection (another process, or this app's own pool) commits to the file.
  :class:`DataVersionWatcher` reads it; polling it costs microseconds.

Neither imports Qt: the UI runs them (:mod:`sitrep.ui.live_refresh`).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

if TYPE_CHECKING:
    from sitrep.store.project import Project

log = logging.getLogger(__name__)
CHANNEL = "sitrep_changes"
# this process's token: a notice carrying it is our own commit
PROCESS_TOKEN = uuid.uuid4().hex


def notify_change(conn: Connection) -> None:
    """Tell listeners that this transaction changed the project, when it commits.

    Called by :func:`sitrep.store.audit_chain.append`, which every audited write goes
    through (forms, imports, merges, undo): PostgreSQL delivers the notice only if the
    transaction commits, once however many entries it wrote. SQLite needs none.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT pg_notify(:channel, :token)"),
            {"channel": CHANNEL, "token": PROCESS_TOKEN},
        )


class DataVersionWatcher:
    """Tells whether a SQLite project file changed since the last look."""

    def __init__(self, project: Project) -> None:
        self._conn = project.engine.raw_connection()
        self._last = self._read()

    def _read(self) -> int:
        cursor = self._conn.cursor()
        try:
            cursor.execute("PRAGMA data_version")
            row = cursor.fetchone()
        finally:
            cursor.close()
        return int(row[0]) if row else 0

    def changed(self) -> bool:
        now = self._read()
        changed, self._last = now != self._last, now
        return changed

    def close(self) -> None:
        self._conn.close()


def libpq_url(project: Project) -> str:
    """The project's database address as psycopg takes it (without the SQLAlchemy driver)."""
    return project.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


class PgListener:
    """Calls ``on_change`` (from its own thread) when another process changed the database."""

    def __init__(
        self,
        conninfo: str,
        on_change: Callable[[], None],
        *,
        poll_seconds: float = 1.0,
        max_pause: float = 30.0,
    ) -> None:
        self.conninfo = conninfo
        self.on_change = on_change
        self.poll_seconds = poll_seconds
        self.max_pause = max_pause
        self.connected = threading.Event()
        self.reconnects = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sitrep-listen", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        import psycopg

        pause = 0.5
        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=10) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.connected.set()
                    if not first:
                        self.reconnects += 1
                        self.on_change()  # changes while we were away were not heard
                    first, pause = False, 0.5
                    while not self._stop.is_set():
                        notices = conn.notifies(timeout=self.poll_seconds)
                        if any(n.payload != PROCESS_TOKEN for n in notices):
                            self.on_change()
            except psycopg.Error as exc:
                self.connected.clear()
                log.info("change notices: connection lost (%s); retrying in %.1f s", exc, pause)
                self._stop.wait(pause)
                pause = min(pause * 2, self.max_pause)
