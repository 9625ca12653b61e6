"""Pick on map in the incident form: coordinates, and the admin area boundaries know."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel

from sitrep.store import Project
from sitrep.ui.panes import PaneFactories
from tests.mapping.conftest import add_boundary, square


class PickingMap(QLabel):
    """Stands in for the map pane: only the picking part of its contract."""

    locationPicked = Signal(float, float)

    def __init__(self, _project: Project) -> None:
        super().__init__("map")
        self.picking = False

    def start_pick(self) -> None:
        self.picking = True


def test_picked_point_sets_coordinates_and_the_area_its_boundary_knows(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    add_boundary(project, "Kachin", 1, square(95, 23, 99, 29))
    hpakant = add_boundary(project, "Hpakant", 3, square(96.0, 25.4, 96.6, 25.9))
    window = make_window(project, panes=PaneFactories(map=PickingMap))
    fake: PickingMap = window.map_pane  # type: ignore[assignment]

    form = window.new_incident()
    qtbot.mouseClick(form.pick_button, Qt.MouseButton.LeftButton)
    assert fake.picking
    fake.locationPicked.emit(25.61, 96.31)  # inside Hpakant
    assert (form.lat.text(), form.lon.text()) == ("25.61", "96.31")
    assert form.area.currentData() == str(hpakant.id)

    qtbot.mouseClick(form.pick_button, Qt.MouseButton.LeftButton)
    fake.locationPicked.emit(10.0, 80.0)  # outside every boundary: the area stays
    assert (form.lat.text(), form.lon.text()) == ("10", "80")
    assert form.area.currentData() == str(hpakant.id)
