"""File > Find duplicates…: likely duplicates side by side, merged or dismissed.

The finding, the comparison and the merge are :mod:`sitrep.sharing.duplicates`; this
dialog only shows them and asks. Questions go through an injected ``confirm`` so tests
answer them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sitrep.errors import SitrepError
from sitrep.sharing.duplicates import (
    Candidate,
    Thresholds,
    find_duplicates,
    mark_not_duplicate,
    merge_incidents,
    side_by_side,
    undo_last_duplicate_merge,
)
from sitrep.store import Project

Confirm = Callable[[QWidget | None, str, str], bool]


def ask(parent: QWidget | None, title: str, text: str) -> bool:
    return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes


def _item(text: str, bold: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    item.setToolTip(text)
    if bold:
        font = QFont()
        font.setBold(True)
        item.setFont(font)
    return item


class DuplicatesDialog(QDialog):
    changed = Signal()

    def __init__(
        self, project: Project, parent: QWidget | None = None, *, confirm: Confirm = ask
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.confirm = confirm
        self.setWindowTitle("Likely duplicates")
        self.resize(980, 620)
        defaults = Thresholds()
        self.km = QDoubleSpinBox()
        self.km.setObjectName("dupKm")
        self.km.setRange(0.1, 500.0)
        self.km.setSuffix(" km")
        self.km.setValue(defaults.km)
        self.days = QSpinBox()
        self.days.setObjectName("dupDays")
        self.days.setRange(0, 60)
        self.days.setValue(defaults.days)
        self.min_score = QDoubleSpinBox()
        self.min_score.setObjectName("dupMinScore")
        self.min_score.setRange(0.0, 1.0)
        self.min_score.setSingleStep(0.05)
        self.min_score.setValue(defaults.min_score)
        self.same_type = QCheckBox("Same event type only")
        self.same_type.setObjectName("dupSameType")
        self.same_type.setChecked(defaults.same_type)
        self.find_button = QPushButton("&Find")
        self.find_button.setObjectName("dupFind")
        self.find_button.clicked.connect(self.refresh)
        form = QHBoxLayout()
        for label, widget in (
            ("At most", self.km),
            ("apart, at most", self.days),
            ("days; alike at least (0–1)", self.min_score),
        ):
            form.addWidget(QLabel(label))
            form.addWidget(widget)
        form.addWidget(self.same_type)
        form.addStretch(1)
        form.addWidget(self.find_button)

        self.candidates = QTableWidget(0, 4)
        self.candidates.setObjectName("dupCandidates")
        self.candidates.setHorizontalHeaderLabels(["Score", "First", "Second", "Why"])
        header = self.candidates.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.candidates.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.candidates.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.candidates.itemSelectionChanged.connect(self._show_pair)
        self.compare = QTableWidget(0, 3)
        self.compare.setObjectName("dupSideBySide")
        self.compare.setHorizontalHeaderLabels(["", "First (kept)", "Second (merged into it)"])
        header = self.compare.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.compare.verticalHeader().setVisible(False)
        self.warnings = QLabel()
        self.warnings.setObjectName("dupWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #8a4b00")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.candidates)
        split.addWidget(self.compare)

        self.merge_button = QPushButton("&Merge second into first")
        self.merge_button.setObjectName("dupMerge")
        self.merge_button.setToolTip(
            "Keeps the first incident's fields and every source, casualty row, actor and "
            "attachment of both; the second's reference stays as an external id"
        )
        self.dismiss_button = QPushButton("&Not a duplicate")
        self.dismiss_button.setObjectName("dupDismiss")
        self.undo_button = QPushButton("&Undo last merge of duplicates")
        self.undo_button.setObjectName("dupUndo")
        self.merge_button.clicked.connect(self._merge)
        self.dismiss_button.clicked.connect(self._dismiss)
        self.undo_button.clicked.connect(self._undo)
        self.note = QLabel()
        self.note.setObjectName("dupNote")
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        for button in (self.undo_button, self.dismiss_button, self.merge_button):
            buttons.addWidget(button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(split, 1)
        layout.addWidget(self.warnings)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.found: list[Candidate] = []
        self.refresh()

    def thresholds(self) -> Thresholds:
        return Thresholds(
            self.km.value(), self.days.value(), self.same_type.isChecked(), self.min_score.value()
        )

    def refresh(self) -> None:
        with self.project.engine.connect() as conn:
            self.found = find_duplicates(conn, self.thresholds())
        self.candidates.setRowCount(len(self.found))
        for row, c in enumerate(self.found):
            cells = (
                f"{c.score:.2f}",
                f"{c.a_ref} {c.a_title}",
                f"{c.b_ref} {c.b_title}",
                ", ".join(c.reasons),
            )
            for col, text in enumerate(cells):
                self.candidates.setItem(row, col, _item(text))
        self.note.setText(
            f"{len(self.found)} likely duplicates" if self.found else "No likely duplicates."
        )
        if self.found:
            self.candidates.selectRow(0)
        else:
            self.compare.setRowCount(0)
            self.warnings.clear()
        for button in (self.merge_button, self.dismiss_button):
            button.setEnabled(bool(self.found))

    def selected(self) -> Candidate | None:
        row = self.candidates.currentRow()
        return self.found[row] if 0 <= row < len(self.found) else None

    def _show_pair(self) -> None:
        pair = self.selected()
        if pair is None:
            return
        with self.project.engine.connect() as conn:
            view = side_by_side(conn, pair.a, pair.b)
        self.compare.setRowCount(len(view.rows))
        for row, (name, first, second) in enumerate(view.rows):
            differs = first != second
            self.compare.setItem(row, 0, _item(name, bold=differs))
            self.compare.setItem(row, 1, _item(first))
            self.compare.setItem(row, 2, _item(second))
        self.warnings.setText("\n".join(view.warnings))

    def _merge(self) -> None:
        pair = self.selected()
        if pair is None:
            return
        if not self.confirm(
            self,
            "Merge duplicates?",
            f"Merge {pair.b_ref} into {pair.a_ref}? {pair.a_ref} keeps its fields and gets "
            f"every source, casualty row, actor and attachment of {pair.b_ref}; "
            f"{pair.b_ref} is removed and kept as an external id. You can undo it.",
        ):
            return
        self._run(lambda: merge_incidents(self.project, pair.a_ref, pair.b_ref))

    def _dismiss(self) -> None:
        pair = self.selected()
        if pair is not None:
            self._run(lambda: mark_not_duplicate(self.project, pair.a_ref, pair.b_ref))

    def _undo(self) -> None:
        if self.confirm(self, "Undo?", "Undo the last merge of two duplicate incidents?"):
            self._run(lambda: undo_last_duplicate_merge(self.project))

    def _run(self, action: Callable[[], object]) -> None:
        try:
            action()
        except SitrepError as exc:
            self.note.setText(str(exc))
            return
        self.changed.emit()
        self.refresh()
