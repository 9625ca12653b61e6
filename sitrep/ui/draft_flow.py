"""Incident > Draft from report…: ask for the report and its date, draft in the
background, open the review window.

The extractor runs in a worker thread (:func:`sitrep.ui.long_task.run_task`) on a
session of its own that is rolled back afterwards: drafting reads the project (places,
actors, past incidents for duplicates) and never writes to it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from sitrep.drafting.proposal import Proposal, SourceDocument
from sitrep.editing.catalogue import Catalogue
from sitrep.errors import SitrepError
from sitrep.store import Project
from sitrep.ui.crash import ReportError
from sitrep.ui.draft_review import DraftReviewWindow, Extractor
from sitrep.ui.draft_source import ReportSourceDialog
from sitrep.ui.incident_form import SaveDraft
from sitrep.ui.long_task import TaskProgress, run_task
from sitrep.ui.prompts import Prompts


def default_extractor() -> Extractor:
    """The drafting core's extractor (issue 16a), imported when first needed."""
    from sitrep.drafting.extract import draft_incidents

    return draft_incidents


def extract_in_background(
    parent: QWidget | None,
    project: Project,
    extractor: Extractor,
    document: SourceDocument,
    report_date: dt.date,
) -> list[Proposal]:
    def work(_progress: TaskProgress) -> list[Proposal]:
        session = project.new_session()
        try:
            return extractor(session, document, report_date)
        finally:
            session.rollback()  # drafting never writes
            session.close()

    return run_task(parent, "Drafting incidents from the report…", work, cancellable=False)


class DraftFlow(QObject):
    """One run of the flow; the main window keeps the review windows it opened."""

    def __init__(
        self,
        host: QWidget,
        project: Project,
        catalogue: Callable[[], Catalogue],
        *,
        save: SaveDraft,
        prompts: Prompts,
        report_error: ReportError,
        extractor: Extractor | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        show_incident: Callable[[uuid.UUID], object] | None = None,
    ) -> None:
        super().__init__(host)
        self.host = host
        self.project = project
        self._catalogue = catalogue
        self._save = save
        self._prompts = prompts
        self._report_error = report_error
        self.extractor = extractor
        self._today = today
        self._show_incident = show_incident
        self.dialog: ReportSourceDialog | None = None
        self.windows: list[DraftReviewWindow] = []

    def start(self) -> ReportSourceDialog:
        """Open the "which report" dialog (window-modal; the rest follows its OK)."""
        dialog = ReportSourceDialog(self._prompts.report_file, today=self._today, parent=self.host)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.accepted.connect(lambda d=dialog: self._chosen(d))
        self.dialog = dialog
        dialog.open()
        dialog.text.setFocus()
        return dialog

    def _chosen(self, dialog: ReportSourceDialog) -> None:
        self.dialog = None
        document, date = dialog.result_document, dialog.result_date
        if document is None or date is None:
            return
        try:
            extractor = self.extractor or default_extractor()
            proposals = extract_in_background(self.host, self.project, extractor, document, date)
        except SitrepError as exc:
            self._report_error(self.host, exc)
            return
        window = DraftReviewWindow(
            self.project,
            self._catalogue(),
            document,
            date,
            proposals,
            save=self._save,
            prompts=self._prompts,
            report_error=self._report_error,
            show_incident=self._show_incident,
        )
        window.setWindowFlag(Qt.WindowType.Window, True)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        window.closed.connect(lambda w=window: self._forget(w))
        self.windows.append(window)
        window.show()
        window.raise_()
        window.activateWindow()

    def close_windows(self, *, ask: bool = True) -> bool:
        """Close every review window; with ``ask`` each asks about undecided proposals
        (False when the user keeps one open), without it they close at once (locking)."""
        for window in list(self.windows):
            if not ask:
                window.discard()
            elif not window.close():
                return False
        return True

    def _forget(self, window: DraftReviewWindow) -> None:
        if window in self.windows:
            self.windows.remove(window)
