"""The dialog a conflicting save opens: their change and yours, field by field.

It shows :class:`sitrep.editing.conflict.EditConflict` (computed in the core) as a
table — the value the user started from, theirs and the user's — with a choice per field,
preset to keep both sides' changes. Three ways out: save the merge, overwrite with
the user's own version (after seeing what that replaces), or cancel and keep editing.
It is window-modal but opened without blocking, so the form stays testable.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sitrep.editing.conflict import EditConflict, Side
from sitrep.editing.draft import IncidentDraft

CONFLICT_COLOUR = QColor("#fde2e1")
COL_FIELD, COL_BASE, COL_THEIRS, COL_MINE, COL_KEEP = range(5)


class ConflictDialog(QDialog):
    resolved = Signal(object)  # the IncidentDraft to save

    def __init__(self, conflict: EditConflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.setWindowTitle(f"{conflict.reference} was changed by someone else")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        when = (
            f" at {conflict.changed_at.astimezone().strftime('%Y-%m-%d %H:%M')}"
            if conflict.changed_at
            else ""
        )
        n = len(conflict.conflicting)
        both = (
            f" {n} field{'s' if n != 1 else ''} you both changed {'are' if n != 1 else 'is'} "
            "marked: choose which to keep."
            if n
            else " You did not change the same fields: saving keeps both."
        )
        self.intro = QLabel(
            f"{conflict.changed_by or 'Someone'} saved {conflict.reference}{when}, after you "
            f"opened it. Nothing has been saved of yours yet.{both}"
        )
        self.intro.setWordWrap(True)
        self.table = QTableWidget(len(conflict.fields), 5)
        self.table.setHorizontalHeaderLabels(
            ["Field", "When you opened it", "Their version", "Your version", "Keep"]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.choices: dict[str, QComboBox] = {}
        for row, change in enumerate(conflict.fields):
            cells = [
                f"{change.unit.label}\n({change.change.value})",
                "(not known)" if change.base is None else change.base,
                change.theirs,
                change.mine,
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text or "(empty)")
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                item.setToolTip(text)
                if change.conflicting:
                    item.setBackground(QBrush(CONFLICT_COLOUR))
                self.table.setItem(row, col, item)
            combo = QComboBox()
            combo.setAccessibleName(f"Keep for {change.unit.label}")
            combo.addItem("Their version", Side.THEIRS)
            combo.addItem("Your version", Side.MINE)
            combo.setCurrentIndex(combo.findData(change.default))
            self.choices[change.unit.key] = combo
            self.table.setCellWidget(row, COL_KEEP, combo)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_FIELD, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_KEEP, QHeaderView.ResizeMode.ResizeToContents)
        self.table.resizeRowsToContents()
        self.buttons = QDialogButtonBox()
        self.merge_button = QPushButton("&Save merged")
        self.overwrite_button = QPushButton("&Overwrite with mine")
        self.overwrite_button.setToolTip(
            "Save your version as it is, replacing every change shown in 'Their version'"
        )
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setToolTip("Save nothing; keep editing your version")
        self.buttons.addButton(self.merge_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.overwrite_button, QDialogButtonBox.ButtonRole.ApplyRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.merge_button.setDefault(True)
        self.merge_button.clicked.connect(self._merge)
        self.overwrite_button.clicked.connect(self._overwrite)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(1000, 120 + 60 * max(len(conflict.fields), 3))

    def chosen(self) -> dict[str, Side]:
        return {key: combo.currentData() for key, combo in self.choices.items()}

    def _merge(self) -> None:
        self._finish(self.conflict.merged(self.chosen()))

    def _overwrite(self) -> None:
        self._finish(self.conflict.overwrite())

    def _finish(self, draft: IncidentDraft) -> None:
        self.accept()
        self.resolved.emit(draft)
