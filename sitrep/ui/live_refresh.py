"""Refreshing the main window when colleagues change the project (see sitrep.store.changes).

:class:`LiveRefresh` emits ``changed`` at most once per ``debounce_ms`` however many
changes arrive (an import of 5,000 rows by a colleague is one refresh, not 5,000).
On PostgreSQL a listener thread hears notices and hands them to the Qt thread through
a queued signal; on a project file a timer reads ``PRAGMA data_version``.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from sitrep.store import Project
from sitrep.store.changes import DataVersionWatcher, PgListener, libpq_url

log = logging.getLogger(__name__)


class LiveRefresh(QObject):
    changed = Signal()
    _heard = Signal()  # from the listener thread; queued into the Qt thread

    def __init__(
        self,
        project: Project,
        *,
        poll_ms: int = 2000,
        debounce_ms: int = 500,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._debounce = QTimer(self, singleShot=True, interval=debounce_ms)
        self._debounce.timeout.connect(self.changed)
        self._heard.connect(self._soon)
        self._watcher: DataVersionWatcher | None = None
        self._listener: PgListener | None = None
        self._poll = QTimer(self, interval=poll_ms)
        if project.engine.dialect.name == "postgresql":
            self._listener = PgListener(libpq_url(project), self._heard.emit)
            self._listener.start()
        elif not project.read_only:  # an immutable read-only file changes under nobody
            self._watcher = DataVersionWatcher(project)
            self._poll.timeout.connect(self._check)
            self._poll.start()

    def _soon(self) -> None:
        """One refresh shortly, however many changes come before it (not restarted, so
        a colleague's long stream of saves still refreshes every ``debounce_ms``)."""
        if not self._debounce.isActive():
            self._debounce.start()

    def _check(self) -> None:
        if self._watcher is None:
            return
        try:
            if self._watcher.changed():
                self._soon()
        # sqlite3's or SQLCipher's error (a locked or vanished file): try again next time
        except Exception as exc:  # noqa: BLE001
            log.info("could not check the project for changes: %s", exc)

    def mark_seen(self) -> None:
        """The views are about to reload anyway (after this app's own save): changes
        up to now need no second refresh. Called *before* reloading, so a colleague's
        commit after this is still noticed by the next look."""
        if self._watcher is None:
            return
        try:
            self._watcher.changed()
        except Exception as exc:  # noqa: BLE001  (as in _check)
            log.info("could not check the project for changes: %s", exc)

    def stop(self) -> None:
        self._poll.stop()
        self._debounce.stop()
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None
