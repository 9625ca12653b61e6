"""Counting the incidents of a filter in a worker thread, for the status bar.

A count over a million rows can take a few hundred milliseconds when the filter has no
covering index; the table's first page never waits for it and the window stays
responsive. Only the answer to the latest request is announced.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from sitrep.store import Project
from sitrep.store.queries import IncidentFilter, count_incidents

log = logging.getLogger(__name__)


class _CountTask(QRunnable):
    def __init__(self, counter: BackgroundCounter, generation: int, flt: IncidentFilter) -> None:
        super().__init__()
        self.counter, self.generation, self.flt = counter, generation, flt

    def run(self) -> None:
        try:
            with self.counter.project.session() as s:
                total = count_incidents(s, self.flt)
        except Exception:  # a closed project or a lost server: the label just stays
            log.exception("counting incidents failed")
            return
        self.counter.finished.emit(self.generation, total)


class BackgroundCounter(QObject):
    counted = Signal(int)  # the total for the latest request
    finished = Signal(int, int)  # generation, total (from the worker thread)

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.generation = 0
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.finished.connect(self._finished)

    def request(self, flt: IncidentFilter) -> None:
        self.generation += 1
        self.pool.clear()  # drop requests not started yet
        self.pool.start(_CountTask(self, self.generation, flt))

    def _finished(self, generation: int, total: int) -> None:
        if generation == self.generation:
            self.counted.emit(total)

    def wait(self, msecs: int = 5000) -> bool:
        return self.pool.waitForDone(msecs)
