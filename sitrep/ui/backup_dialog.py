"""File > Restore from backup…: the open project's rolling backups, and a restore that
always makes a new file (never over the open project, never over another project).

The backups are those :func:`sitrep.store.backups.rolling_backup` keeps beside the
project; each row says when it was made and how many incidents it holds, so the user
can pick the one from before the mistake.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sitrep.errors import SitrepError
from sitrep.store import Project
from sitrep.store.backups import (
    BACKUPS_KEEP,
    BackupInfo,
    describe_backup,
    keep_count,
    restore_backup,
    rolling_backups,
)
from sitrep.ui.prompts import Prompts

ReportError = Callable[[QWidget | None, BaseException], None]


class RestoreBackupDialog(QDialog):
    def __init__(
        self,
        project: Project,
        prompts: Prompts,
        report_error: ReportError,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from backup")
        self.project, self.prompts, self.report_error = project, prompts, report_error
        self.restored: Path | None = None
        path = Path(project.location)
        self.backups: list[BackupInfo] = [
            describe_backup(p, key=project.key) for p in rolling_backups(path)
        ]
        layout = QVBoxLayout(self)
        keep = keep_count(project)
        intro = QLabel(
            f"Sitrep copies {path.name} into the “backups” folder beside it each time it is "
            f"opened after a change, and keeps the newest {keep} (setting {BACKUPS_KEEP}). "
            "A backup is restored as a new project file; this project is not changed."
            if self.backups
            else f"There are no backups of {path.name} yet: Sitrep makes one each time the "
            "project is opened after a change."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(self.backups), 2, self)
        self.table.setHorizontalHeaderLabels(["Made", "Incidents"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for row, info in enumerate(self.backups):
            made = QTableWidgetItem(info.made.strftime("%Y-%m-%d %H:%M:%S"))
            made.setToolTip(str(info.path))
            count = QTableWidgetItem(
                "cannot be read" if info.incidents is None else f"{info.incidents:,}"
            )
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 0, made)
            self.table.setItem(row, 1, count)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing() * 3)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.restore_button = QPushButton("&Restore as a new file…")
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self.restore_selected)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(self._update)
        if self.backups:
            self.table.selectRow(0)
        self._update()
        self.resize(480, 400)

    def _update(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def restore_selected(self) -> Path | None:
        """Ask for a new file name and restore the chosen backup there."""
        info = self.selected()
        if info is None:
            return None
        target = self.prompts.new_project(self)
        if not target:
            return None
        try:
            restore_backup(info.path, target, key=self.project.key)
        except SitrepError as exc:
            self.report_error(self, exc)
            return None
        self.restored = Path(target)
        self.status.setText(
            f"Restored the backup of {info.made:%Y-%m-%d %H:%M} as {self.restored.name}; "
            "open it with File > Open project."
        )
        return self.restored
