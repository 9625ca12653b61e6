"""A report's sections: the list to choose, add, rename, reorder and remove them, and
the chosen section's text (rich text kept as markup, :mod:`sitrep.ui.rich_text`).

:class:`SectionsEditor` owns the sections while a report is open; the report editor
places its two widgets (:attr:`~SectionsEditor.list_panel` and
:attr:`~SectionsEditor.writer`) and saves :meth:`~SectionsEditor.sections` when told
that something changed.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sitrep.ui.rich_text import RichTextEditor


class SectionsEditor(QObject):
    textEdited = Signal()  # typing: save soon
    structureChanged = Signal()  # a section added, renamed, moved or removed: save now

    def __init__(self, placeholder: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sections: list[dict[str, str]] = []
        self._current = -1
        self._loading = False
        self.list_panel = QWidget()
        panel = QVBoxLayout(self.list_panel)
        panel.setContentsMargins(0, 0, 0, 0)
        panel.addWidget(QLabel("Sections"))
        self.section_list = QListWidget()
        self.section_list.currentRowChanged.connect(self._section_chosen)
        panel.addWidget(self.section_list)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add")
        self.rename_button = QPushButton("Rename")
        self.up_button = QPushButton("Up")
        self.down_button = QPushButton("Down")
        self.remove_button = QPushButton("Remove")
        self.add_button.clicked.connect(lambda: self.add_section())
        self.rename_button.clicked.connect(lambda: self.rename_section())
        self.up_button.clicked.connect(lambda: self.move_section(-1))
        self.down_button.clicked.connect(lambda: self.move_section(1))
        self.remove_button.clicked.connect(self.remove_section)
        for b in (
            self.add_button,
            self.rename_button,
            self.up_button,
            self.down_button,
            self.remove_button,
        ):
            buttons.addWidget(b)
        panel.addLayout(buttons)
        self.list_panel.setMaximumWidth(320)

        self.writer = RichTextEditor(placeholder)
        self.text = self.writer.text
        self.text.textChanged.connect(self._text_changed)
        self.writer.formatted.connect(self._text_changed)

    def controls(self) -> list[QWidget]:
        """What is enabled only while a report is open."""
        return [
            self.section_list,
            self.add_button,
            self.rename_button,
            self.up_button,
            self.down_button,
            self.remove_button,
            *self.writer.controls(),
        ]

    def set_sections(self, sections: list[dict[str, str]]) -> None:
        """Show a report's sections, the first one chosen."""
        self._loading = True
        try:
            self._sections = [dict(sec) for sec in sections]
            self._current = -1
            self.section_list.clear()
            for section in self._sections:
                self.section_list.addItem(QListWidgetItem(section["title"]))
        finally:
            self._loading = False
        self.section_list.setCurrentRow(0 if self._sections else -1)

    def sections(self) -> list[dict[str, str]]:
        """Every section as it is now, the one being written included."""
        self._store_current_text()
        return [dict(sec) for sec in self._sections]

    def set_current_body(self, body: str) -> None:
        self.writer.set_markup(body)

    def _store_current_text(self) -> None:
        if 0 <= self._current < len(self._sections):
            self._sections[self._current]["body"] = self.writer.markup()

    def _section_chosen(self, row: int) -> None:
        if self._loading:
            return
        self._store_current_text()
        self._current = row
        self._loading = True
        try:
            if 0 <= row < len(self._sections):
                self.writer.set_markup(self._sections[row]["body"])
            else:
                self.text.clear()
        finally:
            self._loading = False
        self.text.moveCursor(QTextCursor.MoveOperation.End)

    def _text_changed(self) -> None:
        if not self._loading:
            self.textEdited.emit()

    def current_title(self) -> str:
        return (
            self._sections[self._current]["title"]
            if 0 <= self._current < len(self._sections)
            else ""
        )

    def add_section(self, title: str | None = None) -> None:
        if title is None:
            title, ok = QInputDialog.getText(self.list_panel, "Add a section", "Section title:")
            if not ok:
                return
        title = title.strip()
        if not title:
            return
        self._store_current_text()
        self._sections.append({"title": title, "body": ""})
        self.section_list.addItem(title)
        self.section_list.setCurrentRow(len(self._sections) - 1)
        self.structureChanged.emit()

    def rename_section(self, title: str | None = None) -> None:
        row = self._current
        if not 0 <= row < len(self._sections):
            return
        if title is None:
            title, ok = QInputDialog.getText(
                self.list_panel,
                "Rename the section",
                "Section title:",
                text=self._sections[row]["title"],
            )
            if not ok:
                return
        title = title.strip()
        if title:
            self._sections[row]["title"] = title
            self.section_list.item(row).setText(title)
            self.structureChanged.emit()

    def move_section(self, step: int) -> None:
        row = self._current
        target = row + step
        if not (0 <= row < len(self._sections) and 0 <= target < len(self._sections)):
            return
        self._store_current_text()
        self._sections[row], self._sections[target] = self._sections[target], self._sections[row]
        self._loading = True
        try:
            for i in (row, target):
                self.section_list.item(i).setText(self._sections[i]["title"])
            self.section_list.setCurrentRow(target)
            self._current = target
        finally:
            self._loading = False
        self.structureChanged.emit()

    def remove_section(self) -> None:
        row = self._current
        if not 0 <= row < len(self._sections):
            return
        self._sections.pop(row)
        self._current = -1
        self._loading = True
        try:
            self.section_list.takeItem(row)
        finally:
            self._loading = False
        self.section_list.setCurrentRow(min(row, len(self._sections) - 1))
        self._section_chosen(self.section_list.currentRow())
        self.structureChanged.emit()
