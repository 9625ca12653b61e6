"""Undoable incident changes: saving and deleting, each a QUndoCommand over core snapshots.

:class:`IncidentEditing` is what the main window and forms call to change incidents;
it does the work in the core, pushes the command that can revert it, and announces
which incidents changed so the views refresh.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from sitrep.editing.draft import IncidentDraft
from sitrep.editing.save import save_draft
from sitrep.editing.snapshots import (
    IncidentSnapshot,
    delete_incident,
    restore_incident,
    snapshot_incident,
)
from sitrep.errors import SitrepError
from sitrep.store import Project

log = logging.getLogger(__name__)

ShowEditError = Callable[[SitrepError], None]


class _IncidentCommand(QUndoCommand):
    def __init__(self, editing: IncidentEditing, text: str) -> None:
        super().__init__(text)
        self.editing = editing

    def _run(self, action: Callable[[], None], ids: Sequence[uuid.UUID]) -> None:
        try:
            action()
        except SitrepError as exc:
            self.editing.report_error(exc)
            self.setObsolete(True)
        self.editing.incidentsChanged.emit(list(ids))


class SaveIncidentCommand(_IncidentCommand):
    """A save already done; undo puts back ``before`` (or deletes a new incident)."""

    def __init__(
        self,
        editing: IncidentEditing,
        before: IncidentSnapshot | None,
        after: IncidentSnapshot,
    ) -> None:
        # the reference as written (str.capitalize would make it "kcn-2025-0300")
        verb = "New incident" if before is None else "Edit of"
        super().__init__(editing, f"{verb} {after.reference}")
        self.before, self.after = before, after
        self._done = True

    def redo(self) -> None:
        if self._done:  # the first redo is the save itself, already written
            self._done = False
            return
        self._run(lambda: self.editing.restore(self.after), [self.after.id])

    def undo(self) -> None:
        if self.before is None:
            self._run(lambda: self.editing.delete_now(self.after.id), [self.after.id])
        else:
            before = self.before
            self._run(lambda: self.editing.restore(before), [before.id])


class DeleteIncidentsCommand(_IncidentCommand):
    def __init__(self, editing: IncidentEditing, ids: Sequence[uuid.UUID]) -> None:
        n = len(ids)
        super().__init__(editing, f"Delete {n} incident{'s' if n != 1 else ''}")
        self.ids = list(ids)
        self.snapshots: list[IncidentSnapshot] = []

    def redo(self) -> None:
        def action() -> None:
            self.snapshots = self.editing.delete_many(self.ids)

        self._run(action, self.ids)

    def undo(self) -> None:
        def action() -> None:
            for snap in reversed(self.snapshots):
                self.editing.restore(snap)

        self._run(action, self.ids)


class IncidentEditing(QObject):
    """Saves and deletes incidents with undo; the one place the UI changes incidents."""

    incidentsChanged = Signal(list)  # ids of changed incidents

    def __init__(
        self,
        project: Project,
        undo_stack: QUndoStack,
        report_error: ShowEditError,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.undo_stack = undo_stack
        self.report_error = report_error

    def save(self, draft: IncidentDraft) -> uuid.UUID:
        """Write a draft (raises SitrepError for the form to show) and record undo."""
        with self.project.session() as s:
            before = (
                snapshot_incident(s, uuid.UUID(draft.incident_id)) if draft.incident_id else None
            )
            incident = save_draft(s, draft)
            s.flush()
            after = snapshot_incident(s, incident.id)
        log.info("saved incident %s", after.reference)
        self.undo_stack.push(SaveIncidentCommand(self, before, after))
        self.incidentsChanged.emit([after.id])
        return after.id

    def delete(self, ids: Sequence[uuid.UUID]) -> None:
        if ids:
            self.undo_stack.push(DeleteIncidentsCommand(self, ids))

    # -- used by the commands
    def delete_many(self, ids: Sequence[uuid.UUID]) -> list[IncidentSnapshot]:
        with self.project.session() as s:
            return [delete_incident(s, i) for i in ids]

    def delete_now(self, incident_id: uuid.UUID) -> None:
        with self.project.session() as s:
            delete_incident(s, incident_id)

    def restore(self, snap: IncidentSnapshot) -> None:
        with self.project.session() as s:
            restore_incident(s, snap)
