"""The History dialog (Incident › History, Ctrl+H): who changed the incident, when, and how.

It shows :func:`sitrep.editing.history.incident_history` — computed in the core,
with fields the reader may not see already withheld — newest save first, one row per
changed field (old → new) and one per row added or removed.
"""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sitrep.editing.history import incident_history
from sitrep.model import Incident
from sitrep.model.enums import Sensitivity
from sitrep.store import Project


class HistoryDialog(QDialog):
    def __init__(
        self,
        project: Project,
        incident_id: uuid.UUID,
        *,
        clearance: Sensitivity = Sensitivity.RESTRICTED,
        parent: QWidget | None = None,
    ) -> None:
        """Raises SitrepError when the reader's clearance does not show the incident."""
        super().__init__(parent)
        with project.session() as s:
            events = incident_history(s, incident_id, clearance=clearance)
            incident = s.get(Incident, incident_id)
            reference = incident.reference if incident else str(incident_id)
        self.setWindowTitle(f"History of {reference}")
        self.events = events
        self.intro = QLabel(
            f"{len(events)} change{'s' if len(events) != 1 else ''} to {reference}, newest "
            "first, from the project's audit log."
        )
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["When / what", "Who", "Before", "After"])
        self.tree.setWordWrap(True)
        for event in reversed(events):
            when = event.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            top = QTreeWidgetItem([f"{when} — {event.what}", event.user or "(unknown)", "", ""])
            for line in event.lines:
                QTreeWidgetItem(top, [line, "", "", ""])
            for change in event.changes:
                QTreeWidgetItem(top, [change.field, "", change.old, change.new])
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, 300)
        self.tree.setColumnWidth(1, 110)
        self.tree.setColumnWidth(2, 260)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(980, 560)

    def rows(self) -> list[list[str]]:
        """Every line as shown (top rows and their children), for reading back."""
        out: list[list[str]] = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            assert top is not None
            out.append([top.text(c) for c in range(4)])
            for j in range(top.childCount()):
                child = top.child(j)
                assert child is not None
                out.append([child.text(c) for c in range(4)])
        return out
