"""View > Offline basemaps…: add, reorder, remove as a person does, read back from the project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from sitrep.places import basemaps
from sitrep.store import Project, create_project
from sitrep.ui.basemaps_dialog import BasemapsDialog
from tests.tilefixtures import make_mbtiles, make_pmtiles


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    p = create_project(tmp_path / "field.sitrep", name="Field", user="tester")
    yield p
    p.close()


def saved_names(project: Project) -> list[str]:
    with project.session() as s:
        return [b.name for b in basemaps.registered(s)]


def test_add_reorder_remove(project: Project, tmp_path: Path, qtbot: Any) -> None:
    raster = make_mbtiles(tmp_path / "relief.mbtiles", metadata={"name": "Relief"})
    vector = make_pmtiles(tmp_path / "roads.pmtiles", fmt="pbf")
    bad = tmp_path / "broken.mbtiles"
    bad.write_bytes(b"not a map at all")
    answers = [str(raster), str(vector), str(bad), None]
    dialog = BasemapsDialog(project, lambda _parent: answers.pop(0))
    qtbot.addWidget(dialog)
    dialog.show()
    changes: list[None] = []
    dialog.changed.connect(lambda: changes.append(None))

    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert saved_names(project) == ["Relief", "Test PMTiles"]
    assert dialog.list.item(1).text() == "Test PMTiles — PMTiles vector, zoom 0–2"
    assert dialog.message.text() == "Added 'Test PMTiles' (PMTiles vector)."

    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)  # the broken file
    assert "broken.mbtiles is neither an MBTiles nor a PMTiles file" in dialog.message.text()
    assert saved_names(project) == ["Relief", "Test PMTiles"]
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)  # the user cancels
    assert len(changes) == 2

    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Home)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Down)
    assert not dialog.down_button.isEnabled()  # already last
    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    assert saved_names(project) == ["Test PMTiles", "Relief"]
    assert dialog.names() == ["Test PMTiles", "Relief"]
    assert dialog.list.currentRow() == 0  # the moved one stays selected

    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert saved_names(project) == ["Relief"]
    assert vector.exists()
    assert dialog.was_changed and len(changes) == 4


def test_a_missing_file_is_listed_as_not_available(
    project: Project, tmp_path: Path, qtbot: Any
) -> None:
    path = make_mbtiles(tmp_path / "gone.mbtiles")
    with project.session() as s:
        basemaps.add(s, path, basemaps.project_folder(project))
    path.unlink()
    dialog = BasemapsDialog(project, lambda _parent: None)
    qtbot.addWidget(dialog)
    item = dialog.list.item(0)
    assert item.text().endswith("— not available here")
    assert "gone.mbtiles" in item.toolTip() and "missing" in item.toolTip()
