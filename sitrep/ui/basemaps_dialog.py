"""View > Offline basemaps…: add, reorder and remove the project's MBTiles/PMTiles files.

The same core as ``sitrep basemap`` (:mod:`sitrep.places.basemaps`); the dialog only
lists, asks for a file, and says in words why a file was refused or is missing here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sitrep.errors import SitrepError
from sitrep.places import basemaps
from sitrep.store import Project


class BasemapsDialog(QDialog):
    """Lists the basemaps in order (the first is shown when the map opens)."""

    changed = Signal()

    def __init__(
        self,
        project: Project,
        choose_file: Callable[[QWidget], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Offline basemaps")
        self._project = project
        self._choose_file = choose_file
        self._folder = basemaps.project_folder(project)
        self.was_changed = False
        intro = QLabel(
            "Maps carried on this computer (MBTiles or PMTiles, raster or vector), drawn "
            "under the incidents with no network. The first one is shown when the map "
            "opens and is used in reports and exported maps. Files stay where they are: "
            "keep them in a folder beside the project to carry both on a USB stick."
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Basemaps")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Basemap message")
        self.add_button = QPushButton("&Add…")
        self.up_button = QPushButton("Move &up")
        self.down_button = QPushButton("Move &down")
        self.remove_button = QPushButton("&Remove")
        for button, slot in (
            (self.add_button, self._add),
            (self.up_button, lambda: self._move(-1)),
            (self.down_button, lambda: self._move(+1)),
            (self.remove_button, self._remove),
        ):
            button.clicked.connect(slot)
        column = QVBoxLayout()
        for button in (self.add_button, self.up_button, self.down_button, self.remove_button):
            column.addWidget(button)
        column.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(column)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.list.currentRowChanged.connect(self._update_buttons)
        self.resize(620, 360)
        self._load()

    # ------------------------------------------------------------------ reading
    def names(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def _load(self, select: str | None = None) -> None:
        with self._project.session() as s:
            items = basemaps.registered(s)
        self.list.clear()
        for b in items:
            text = f"{b.name} — {b.kind}, zoom {b.minzoom}–{b.maxzoom}"
            try:
                where = str(basemaps.locate(b, self._folder))
            except SitrepError as exc:
                text += " — not available here"
                where = str(exc)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, b.name)
            item.setToolTip(where)
            self.list.addItem(item)
        names = [b.name for b in items]
        self.list.setCurrentRow(names.index(select) if select in names else min(0, len(names) - 1))
        self._update_buttons()

    def _update_buttons(self) -> None:
        row, count = self.list.currentRow(), self.list.count()
        writable = not self._project.read_only
        self.add_button.setEnabled(writable)
        self.remove_button.setEnabled(writable and row >= 0)
        self.up_button.setEnabled(writable and row > 0)
        self.down_button.setEnabled(writable and 0 <= row < count - 1)

    def _current(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    # ------------------------------------------------------------------ changing
    def _changed(self, message: str, select: str | None) -> None:
        self.was_changed = True
        self.message.setText(message)
        self._load(select)
        self.changed.emit()

    def _add(self) -> None:
        chosen = self._choose_file(self)
        if not chosen:
            return
        try:
            with self._project.session() as s:
                added = basemaps.add(s, Path(chosen), self._folder)
        except SitrepError as exc:
            self.message.setText(str(exc))
            return
        self._changed(f"Added '{added.name}' ({added.kind}).", added.name)

    def _move(self, step: int) -> None:
        name = self._current()
        if name is None:
            return
        try:
            with self._project.session() as s:
                basemaps.move(s, name, self.list.currentRow() + 1 + step)
        except SitrepError as exc:
            self.message.setText(str(exc))
            return
        self._changed(f"Moved '{name}'.", name)

    def _remove(self) -> None:
        name = self._current()
        if name is None:
            return
        try:
            with self._project.session() as s:
                gone = basemaps.remove(s, name)
        except SitrepError as exc:
            self.message.setText(str(exc))
            return
        self._changed(f"Removed '{gone.name}' (the file itself was left alone).", None)
