"""View > Offline basemaps… in the main window: the dialog, then the map is rebuilt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from sitrep.places import basemaps
from sitrep.store import Project
from sitrep.ui.basemaps_dialog import BasemapsDialog
from sitrep.ui.panes import PaneFactories
from tests.tilefixtures import make_mbtiles


class ReloadingMap(QWidget):
    """A map pane that counts how often it was rebuilt."""

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.reloads = 0

    def reload(self) -> None:
        self.reloads += 1


def test_adding_a_basemap_rebuilds_the_map(
    project: Project, make_window: Any, prompts: Any, tmp_path: Path, qtbot: Any
) -> None:
    path = make_mbtiles(tmp_path / "relief.mbtiles", metadata={"name": "Relief"})
    prompts.basemap_file = lambda _parent: str(path)
    window = make_window(project, panes=PaneFactories(map=ReloadingMap))
    view_menu = next(
        a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "View"
    )
    assert window.basemaps_action in view_menu.actions()
    seen: list[str] = []

    def use_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, BasemapsDialog)
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        seen.append(dialog.message.text())
        dialog.reject()

    QTimer.singleShot(0, use_dialog)
    window.basemaps_action.trigger()
    assert seen == ["Added 'Relief' (MBTiles PNG)."]
    with project.session() as s:
        assert [b.name for b in basemaps.registered(s)] == ["Relief"]
    assert window.map_pane.reloads == 1


def test_closing_without_a_change_does_not_rebuild_the_map(
    project: Project, make_window: Any, qtbot: Any
) -> None:
    window = make_window(project, panes=PaneFactories(map=ReloadingMap))
    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())
    window.basemaps_action.trigger()
    assert window.map_pane.reloads == 0
