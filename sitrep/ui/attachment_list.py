"""Attachments of an incident: thumbnails of images, file names of everything else."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QFileIconProvider,
    QHBoxLayout,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sitrep.editing.draft import AttachmentDraft

THUMB = 96
LoadBlob = Callable[[str], bytes | None]


class AttachmentList(QWidget):
    changed = Signal()
    addRequested = Signal()
    captionRequested = Signal(int)  # row

    def __init__(self, load_blob: LoadBlob, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._load_blob = load_blob
        self.items: list[AttachmentDraft] = []
        self.view = QListWidget()
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setIconSize(QSize(THUMB, THUMB))
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMinimumHeight(THUMB + 40)
        self.view.setWordWrap(True)
        self.add_button = QPushButton("Attach files…")
        self.add_button.clicked.connect(self.addRequested)
        self.caption_button = QPushButton("Caption…")
        self.caption_button.setToolTip("Say what the selected file shows")
        self.caption_button.clicked.connect(self._caption_clicked)
        self.view.itemDoubleClicked.connect(self._caption_clicked)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        bar = QHBoxLayout()
        bar.addWidget(self.add_button)
        bar.addWidget(self.caption_button)
        bar.addWidget(self.remove_button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        layout.addLayout(bar)

    def _icon(self, item: AttachmentDraft) -> tuple[QIcon, bool]:
        pixmap = QPixmap()
        if item.path:
            pixmap.load(item.path)
        elif item.sha256:
            data = self._load_blob(item.sha256)
            if data:
                pixmap.loadFromData(data)
        if not pixmap.isNull():
            thumb = QIcon(
                pixmap.scaled(
                    THUMB,
                    THUMB,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
            return thumb, True
        return QFileIconProvider().icon(QFileIconProvider.IconType.File), False

    def add(self, item: AttachmentDraft) -> None:
        self.items.append(item)
        icon, is_thumbnail = self._icon(item)
        entry = QListWidgetItem(icon, item.filename)
        entry.setData(Qt.ItemDataRole.UserRole, is_thumbnail)
        entry.setToolTip(item.caption or item.path or item.filename)
        self.view.addItem(entry)
        self.changed.emit()

    def add_files(self, paths: list[str]) -> None:
        for path in paths:
            self.add(AttachmentDraft(filename=Path(path).name, path=path))

    def _caption_clicked(self, *_args: object) -> None:
        row = self.view.currentRow()
        if 0 <= row < len(self.items):
            self.captionRequested.emit(row)

    def set_caption(self, row: int, caption: str) -> None:
        self.items[row].caption = caption
        entry = self.view.item(row)
        entry.setToolTip(caption or self.items[row].filename)
        self.changed.emit()

    def remove_selected(self) -> None:
        for entry in self.view.selectedItems():
            row = self.view.row(entry)
            self.view.takeItem(row)
            del self.items[row]
        self.changed.emit()

    def values(self) -> list[AttachmentDraft]:
        return list(self.items)

    def set_values(self, items: list[AttachmentDraft]) -> None:
        self.view.clear()
        self.items = []
        for item in items:
            self.add(item)

    def has_thumbnail(self, row: int) -> bool:
        return bool(self.view.item(row).data(Qt.ItemDataRole.UserRole))
