"""Sharing in the app: export a (redacted, encrypted) project file, merge a colleague's,
and decide merge conflicts. The work is done by :mod:`sitrep.sharing`; this only asks.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sitrep.errors import SitrepError
from sitrep.model.enums import Sensitivity
from sitrep.sharing.conflicts import Conflict, list_conflicts, resolve_conflict
from sitrep.sharing.crypto import is_encrypted
from sitrep.sharing.export import ExportResult, export_project
from sitrep.sharing.merge import (
    MergeResult,
    UndoResult,
    last_merge,
    merge_project,
    undo_last_merge,
)
from sitrep.sharing.redaction import needs_redaction
from sitrep.store import Project
from sitrep.store.cipher import plain_copy_warning
from sitrep.store.queries import IncidentFilter
from sitrep.store.targets import check_output_target
from sitrep.ui.long_task import run_task

SHARED_FILTER = "Sitrep projects (*.sitrep);;All files (*)"

LEVEL_HELP = {
    Sensitivity.PUBLIC: "Only public incidents. Sensitive fields withheld.",
    Sensitivity.PARTNER: "Public and partner incidents. Sensitive fields withheld.",
    Sensitivity.INTERNAL: "Everything but restricted incidents, unredacted: colleagues only.",
    Sensitivity.RESTRICTED: "Everything, unredacted: the whole project.",
}


class SharePrompts:
    """File choosers and questions of the sharing dialogs (tests replace them)."""

    def save_path(self, parent: QWidget | None) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, "Export shared project", "", SHARED_FILTER)
        if path and not path.endswith(".sitrep"):
            path += ".sitrep"
        return path or None

    def open_path(self, parent: QWidget | None) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            parent, "Merge a colleague's project", "", SHARED_FILTER
        )
        return path or None

    def passphrase(self, parent: QWidget | None, name: str) -> str | None:
        text, ok = QInputDialog.getText(
            parent, "Passphrase", f"Passphrase for {name}:", QLineEdit.EchoMode.Password
        )
        return text if ok else None

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        answer = QMessageBox.question(parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def inform(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)


class SharedProjectExportDialog(QDialog):
    """Choose what leaves the organisation: level, slice, encryption."""

    def __init__(self, current: IncidentFilter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export shared project")
        self.current = current
        form = QFormLayout()
        self.level = QComboBox()
        self.level.setObjectName("shareLevel")
        for level in Sensitivity:
            self.level.addItem(level.value.capitalize(), level)
        self.level.setCurrentIndex(list(Sensitivity).index(Sensitivity.PARTNER))
        self.level_help = QLabel()
        self.level_help.setWordWrap(True)
        self.level.currentIndexChanged.connect(self._level_changed)
        form.addRow("Confidentiality", self.level)
        form.addRow("", self.level_help)
        self.use_filter = QCheckBox("Only the incidents the current filter shows")
        self.use_filter.setObjectName("shareUseFilter")
        self.use_filter.setChecked(True)
        described = current.describe()
        parts = [f"region {described['region']}" if described["region"] else "all areas"]
        if described["from"] or described["to"]:
            parts.append(f"{described['from'] or '…'} to {described['to'] or '…'}")
        self.use_filter.setToolTip(", ".join(parts))
        form.addRow("Slice", self.use_filter)
        self.encrypt = QCheckBox("Encrypt with a passphrase")
        self.encrypt.setObjectName("shareEncrypt")
        self.secret = QLineEdit()
        self.secret.setObjectName("sharePassphrase")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText("at least 8 characters; send it by another channel")
        self.repeat = QLineEdit()
        self.repeat.setObjectName("sharePassphraseRepeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setPlaceholderText("repeat the passphrase")
        for edit in (self.secret, self.repeat):
            edit.setEnabled(False)
            self.encrypt.toggled.connect(edit.setEnabled)
        form.addRow("", self.encrypt)
        form.addRow("Passphrase", self.secret)
        form.addRow("Repeat", self.repeat)
        self.error = QLabel()
        self.error.setObjectName("shareError")
        self.error.setStyleSheet("color: #b00020")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Export…")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._level_changed()

    def _level_changed(self, *_args: object) -> None:
        self.level_help.setText(LEVEL_HELP[self.chosen_level()])

    def chosen_level(self) -> Sensitivity:
        return Sensitivity(self.level.currentData())

    def chosen_filter(self) -> IncidentFilter:
        return self.current if self.use_filter.isChecked() else IncidentFilter()

    def chosen_passphrase(self) -> str | None:
        return self.secret.text() if self.encrypt.isChecked() else None

    def _accept(self) -> None:
        if self.encrypt.isChecked():
            if len(self.secret.text()) < 8:
                self.error.setText("Choose a passphrase of at least 8 characters.")
                self.secret.setFocus()
                return
            if self.secret.text() != self.repeat.text():
                self.error.setText("The two passphrases differ.")
                self.repeat.setFocus()
                return
        self.accept()


def export_shared(
    parent: QWidget | None,
    project: Project,
    current: IncidentFilter,
    prompts: SharePrompts,
    dialog: SharedProjectExportDialog | None = None,
) -> ExportResult | None:
    dialog = dialog or SharedProjectExportDialog(current, parent)
    if project.encrypted:  # a copy of an encrypted project is encrypted unless unticked
        dialog.encrypt.setChecked(True)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    path = prompts.save_path(parent)
    if not path:
        return None
    check_output_target(path, what="export")  # before any work; the caller shows why
    level, flt, secret = dialog.chosen_level(), dialog.chosen_filter(), dialog.chosen_passphrase()
    result = run_task(
        parent,
        "Exporting…",
        lambda progress: export_project(
            project, Path(path), flt=flt, level=level, passphrase=secret, progress=progress
        ),
    )
    redaction = (
        f"; sensitive fields withheld in {result.redacted}"
        if needs_redaction(level)
        else "; not redacted"
    )
    prompts.inform(
        parent,
        "Export finished",
        f"{result.incidents} incidents written to {Path(path).name} "
        f"({level.value}{redaction}"
        f"{'; encrypted' if result.encrypted else ''})."
        + (
            "\n\n" + plain_copy_warning(project.name, "shared project")
            if project.encrypted and not result.encrypted
            else ""
        ),
    )
    return result


def merge_shared(
    parent: QWidget | None, project: Project, prompts: SharePrompts
) -> MergeResult | None:
    """Merge a colleague's file after showing what it would change."""
    path = prompts.open_path(parent)
    if not path:
        return None
    other = Path(path)
    secret = None
    if is_encrypted(other):
        secret = prompts.passphrase(parent, other.name)
        if secret is None:
            return None
    preview = run_task(
        parent,
        "Comparing…",
        lambda progress: merge_project(
            project, other, passphrase=secret, dry_run=True, progress=progress
        ),
    )
    if not prompts.confirm(
        parent,
        "Merge this project?",
        f"Merging {other.name} will give: {preview.summary()}\n\n"
        "Nothing in your project is deleted. Merge now?",
    ):
        return None
    result = run_task(
        parent,
        "Merging…",
        lambda progress: merge_project(project, other, passphrase=secret, progress=progress),
    )
    prompts.inform(parent, "Merge finished", result.summary())
    return result


def undo_merge(
    parent: QWidget | None, project: Project, prompts: SharePrompts
) -> UndoResult | None:
    """File > Undo last merge: reverse every change the last merge made, after asking."""
    last = last_merge(project)
    if last is None:
        prompts.inform(parent, "Undo last merge", "There is no merge to undo in this project.")
        return None
    source, at = last
    if not prompts.confirm(
        parent,
        "Undo last merge?",
        f"Undo the merge of {source} ({at:%Y-%m-%d %H:%M} UTC)? Every change it made "
        "(added incidents, taken values, added sources and casualty rows, stored "
        "conflicts) is reversed; the undo is written to the audit log.",
    ):
        return None
    result = run_task(  # one short transaction: nothing to stop halfway
        parent, "Undoing the merge…", lambda _progress: undo_last_merge(project), cancellable=False
    )
    prompts.inform(
        parent,
        "Merge undone",
        f"The merge of {result.source} was undone: {result.reversed} changes reversed.",
    )
    return result


class ConflictsDialog(QDialog):
    """Their version beside ours, for every incident both sides changed."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Merge conflicts")
        self.resize(820, 360)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("conflictTable")
        self.table.setHorizontalHeaderLabels(
            ["Our incident", "What differs", "Their title", "By", "From file"]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.keep_ours = QPushButton("Keep ours")
        self.keep_ours.setObjectName("keepOurs")
        self.take_theirs = QPushButton("Take theirs")
        self.take_theirs.setObjectName("takeTheirs")
        self.keep_ours.setToolTip("Our version stays; theirs remains in the conflict log")
        self.take_theirs.setToolTip(
            "Their values replace ours for what differs (never their withheld markers); "
            "ours go to the audit log"
        )
        self.keep_ours.clicked.connect(lambda: self._resolve("ours"))
        self.take_theirs.clicked.connect(lambda: self._resolve("theirs"))
        self.note = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.keep_ours)
        buttons.addWidget(self.take_theirs)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.conflicts: list[Conflict] = []
        self.reload()

    def reload(self) -> None:
        self.conflicts = list_conflicts(self.project)
        self.table.setRowCount(len(self.conflicts))
        for row, c in enumerate(self.conflicts):
            cells = (c.label, "; ".join(c.items), c.their_title, c.their_user, c.their_source)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setToolTip("\n".join(c.items) if col == 1 else text)
                self.table.setItem(row, col, item)
        if self.conflicts:
            self.table.selectRow(0)
        self.note.setText(
            f"{len(self.conflicts)} unresolved" if self.conflicts else "No unresolved conflicts."
        )
        for button in (self.keep_ours, self.take_theirs):
            button.setEnabled(bool(self.conflicts))

    def _resolve(self, keep: str) -> None:
        row = self.table.currentRow()
        if row < 0 or row >= len(self.conflicts):
            return
        try:
            resolve_conflict(
                self.project, self.conflicts[row].id, "ours" if keep == "ours" else "theirs"
            )
        except SitrepError as exc:
            QMessageBox.warning(self, "Cannot resolve", str(exc))
        self.reload()
