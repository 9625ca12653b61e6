"""Counting the incidents of a filter in the background, for the status bar.

A count over a million rows can take a few hundred milliseconds when the filter has no
covering index; the table's first page never waits for it and the window stays
responsive. Only the answer to the latest request is announced
(:class:`~sitrep.ui.long_task.LatestQuery`).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from sitrep.store import Project
from sitrep.store.queries import IncidentFilter, count_incidents
from sitrep.ui.long_task import LatestQuery


class BackgroundCounter(QObject):
    counted = Signal(int)  # the total for the latest request

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.query = LatestQuery(self)
        self.query.answered.connect(lambda total: self.counted.emit(int(total)))

    def request(self, flt: IncidentFilter) -> None:
        def count() -> int:
            with self.project.session() as s:
                return count_incidents(s, flt)

        self.query.request(count)

    def wait(self, msecs: int = 5000) -> bool:
        return self.query.wait(msecs)
