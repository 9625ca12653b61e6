"""Questions and file choosers the app asks the user, in one injectable object.

Tests replace it with an object answering from a script, so no modal dialog blocks.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QWidget

PROJECT_FILTER = "Sitrep projects (*.sitrep);;All files (*)"
BASEMAP_FILTER = "Offline basemaps (*.mbtiles *.pmtiles);;All files (*)"
ATTACHMENT_FILTER = (
    "Photos and documents (*.png *.jpg *.jpeg *.gif *.webp *.pdf *.txt);;All files (*)"
)

REPORT_FILTER = "Reports (*.txt *.docx *.pdf *.eml);;All files (*)"


class Prompts:
    def open_project(self, parent: QWidget | None) -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, "Open project", "", PROJECT_FILTER)
        return path or None

    def new_project(self, parent: QWidget | None) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, "New project", "", PROJECT_FILTER)
        if path and not path.endswith(".sitrep"):
            path += ".sitrep"
        return path or None

    def attachments(self, parent: QWidget | None) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(parent, "Attach files", "", ATTACHMENT_FILTER)
        return list(paths)

    def report_file(self, parent: QWidget | None) -> str | None:
        """A report to draft incidents from (issue 16)."""
        path, _ = QFileDialog.getOpenFileName(parent, "Open report", "", REPORT_FILTER)
        return path or None

    def basemap_file(self, parent: QWidget | None) -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, "Add offline basemap", "", BASEMAP_FILTER)
        return path or None

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        answer = QMessageBox.question(parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def text(self, parent: QWidget | None, title: str, label: str, value: str = "") -> str | None:
        answer, ok = QInputDialog.getText(parent, title, label, text=value)
        return answer if ok else None

    def passphrase(self, parent: QWidget | None, name: str, error: str = "") -> str | None:
        """The passphrase of an encrypted project, or None if the user cancels."""
        from sitrep.ui.passphrase import PassphraseDialog

        dialog = PassphraseDialog(
            parent, "Encrypted project", f"{name} is encrypted. Type its passphrase.", error=error
        )
        return dialog.passphrase() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def new_passphrase(
        self, parent: QWidget | None, name: str, *, optional: bool = False
    ) -> tuple[bool, str | None]:
        """(accepted, passphrase): a new passphrase typed twice; with ``optional`` (a new
        project) the user may leave "Encrypt with a passphrase" unticked (None)."""
        from sitrep.ui.passphrase import PassphraseDialog

        text = (
            f"Encrypt {name} with a passphrase? Without it the file cannot be opened; "
            "nobody can recover a lost passphrase."
        )
        dialog = PassphraseDialog(
            parent,
            "New project" if optional else "Encrypt project",
            text,
            new=True,
            optional=optional,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False, None
        return True, dialog.passphrase()
