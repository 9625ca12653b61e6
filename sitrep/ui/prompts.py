"""Questions and file choosers the app asks the user, in one injectable object.

Tests replace it with an object answering from a script, so no modal dialog blocks.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

PROJECT_FILTER = "Sitrep projects (*.sitrep);;All files (*)"
ATTACHMENT_FILTER = (
    "Photos and documents (*.png *.jpg *.jpeg *.gif *.webp *.pdf *.txt);;All files (*)"
)


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

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        answer = QMessageBox.question(parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def text(self, parent: QWidget | None, title: str, label: str, value: str = "") -> str | None:
        answer, ok = QInputDialog.getText(parent, title, label, text=value)
        return answer if ok else None
