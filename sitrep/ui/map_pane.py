"""Map above timeline, as one pane the main window places beside the incident table.

The pane follows the shared filter (:meth:`set_filter`) and reports what the user does
in it: an incident clicked on the map (``incidentClicked``), a period dragged or
clicked on the timeline (``periodSelected``), a location picked (``locationPicked``).
The main window turns those into filter changes and selections, and calls
:meth:`select_incident` when a row is chosen in the table.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from sitrep.store.queries import IncidentFilter
from sitrep.ui.map_view import MapView, SessionFactory
from sitrep.ui.timeline import TimelineView


class MapTimelinePane(QWidget):
    incidentClicked = Signal(object)  # uuid.UUID
    incidentSelected = Signal(object)  # the same, under the main window's pane contract
    periodSelected = Signal(object, object)  # date | None, date | None
    locationPicked = Signal(float, float)

    def __init__(
        self,
        session_factory: SessionFactory,
        *,
        online_tiles: bool = False,
        profile: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.map = MapView(session_factory, online_tiles=online_tiles, profile=profile)
        self.timeline = TimelineView(session_factory)
        self.zoom_button = QPushButton("Zoom to incidents")
        self.zoom_button.setToolTip("Fit the map to the incidents of the current filter")
        self.zoom_button.clicked.connect(self.map.zoom_to_data)
        self.zoom_button.setEnabled(self.map.available)
        hint = QLabel("Drag across the timeline to choose a period; double-click for any time.")
        hint.setStyleSheet("color: palette(mid);")
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.addWidget(hint, 1)
        bar.addWidget(self.zoom_button)
        bottom = QWidget()
        col = QVBoxLayout(bottom)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addLayout(bar)
        col.addWidget(self.timeline, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.map)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.map.incidentClicked.connect(self.incidentClicked)
        self.map.incidentClicked.connect(self.incidentSelected)
        self.map.incidentClicked.connect(self.timeline.select_incident)
        self.map.locationPicked.connect(self.locationPicked)
        self.timeline.periodSelected.connect(self.periodSelected)

    def set_filter(self, flt: IncidentFilter) -> None:
        self.map.set_filter(flt)
        self.timeline.set_filter(flt)

    @Slot(object)
    def select_incident(self, incident_id: uuid.UUID | str | None) -> None:
        self.map.select_incident(incident_id)
        self.timeline.select_incident(incident_id)

    def refresh(self) -> None:
        """After incidents were saved, deleted or restored."""
        self.map.refresh()
        self.timeline.refresh()

    def reload(self) -> None:
        """After data changed outside the filter (an edit, an import of boundaries)."""
        self.map.reload()
        self.timeline.reload()
