"""The welcome page: open the demo, create or open a project, or pick a recent one."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sitrep import __version__


class WelcomePage(QWidget):
    openDemoRequested = Signal()
    newProjectRequested = Signal()
    openProjectRequested = Signal()
    recentChosen = Signal(str)

    def __init__(self, recent: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sitrep")
        title = QLabel("<h1>Sitrep</h1>")
        intro = QLabel(
            "Log incidents, see them on a map and a timeline, and write situation reports."
            f"<br><span style='color:#777'>Version {__version__}</span>"
        )
        intro.setWordWrap(True)
        self.demo_button = QPushButton("Open the &demo project")
        self.demo_button.setToolTip("A Kachin State scenario with a few hundred incidents")
        self.new_button = QPushButton("&New project…")
        self.open_button = QPushButton("&Open project…")
        self.demo_button.clicked.connect(self.openDemoRequested)
        self.new_button.clicked.connect(self.newProjectRequested)
        self.open_button.clicked.connect(self.openProjectRequested)
        buttons = QVBoxLayout()
        for button in (self.demo_button, self.new_button, self.open_button):
            button.setMinimumHeight(36)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.recent = QListWidget()
        for location in recent:
            item = QListWidgetItem(Path(location).name if "://" not in location else location)
            item.setToolTip(location)
            item.setData(Qt.ItemDataRole.UserRole, location)
            self.recent.addItem(item)
        self.recent.itemActivated.connect(self._chosen)
        self.recent.itemDoubleClicked.connect(self._chosen)
        recent_box = QVBoxLayout()
        recent_box.addWidget(QLabel("<b>Recent projects</b>"))
        if recent:
            recent_box.addWidget(self.recent)
        else:
            none = QLabel("No recent projects yet.")
            none.setStyleSheet("color:#777")
            recent_box.addWidget(none)
            recent_box.addStretch(1)
        row = QHBoxLayout()
        row.addLayout(buttons, 1)
        row.addLayout(recent_box, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 30, 40, 30)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(16)
        layout.addLayout(row, 1)
        self.resize(760, 460)

    def _chosen(self, item: QListWidgetItem) -> None:
        self.recentChosen.emit(item.data(Qt.ItemDataRole.UserRole))
