"""View > Online map tiles: off by default, remembered, handed to the map pane."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel

from sitrep.store import Project
from sitrep.ui.main_window import MainWindow
from sitrep.ui.panes import PaneFactories
from sitrep.ui.settings import AppSettings
from tests.ui.conftest import raise_error


class FakeMap(QLabel):
    def __init__(self) -> None:
        super().__init__("map")
        self.calls: list[bool] = []

    def set_online_tiles(self, on: bool) -> None:
        self.calls.append(on)


def window(qtbot: Any, project: Project, ini: Path) -> tuple[MainWindow, AppSettings]:
    settings = AppSettings(QSettings(str(ini), QSettings.Format.IniFormat))
    win = MainWindow(
        project,
        settings,
        panes=PaneFactories(map=lambda _p: FakeMap()),
        report_error=raise_error,
    )
    qtbot.addWidget(win)
    return win, settings


def test_online_tiles_off_by_default_then_remembered(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    ini = tmp_path / "settings.ini"
    win, settings = window(qtbot, project, ini)
    pane = win.map_pane
    assert isinstance(pane, FakeMap)
    assert not win.online_tiles_action.isChecked()
    assert pane.calls == [False]
    view = next(a.menu() for a in win.menuBar().actions() if a.text() == "&View")
    assert win.online_tiles_action in view.actions()  # type: ignore[attr-defined]  # PySide6 types QAction.menu() as QObject
    win.online_tiles_action.trigger()
    assert pane.calls[-1] is True and settings.online_tiles()
    win.close()

    again, _ = window(qtbot, project, ini)
    assert again.online_tiles_action.isChecked()
    assert isinstance(again.map_pane, FakeMap) and again.map_pane.calls == [True]
