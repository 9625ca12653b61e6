"""How the map, timeline and report editor plug into the main window.

Each is made by a factory ``(project) -> QWidget`` given to
:class:`~sitrep.ui.main_window.MainWindow`. A pane takes part in whichever of the
protocols below it implements (the window checks with ``isinstance``):

* :class:`FollowsFilter` — called with the shared filter, now and on each change;
* :class:`ShowsSelection` — called when the user selects an incident;
* :class:`ReportsSelection` — the window selects the incident the pane names;
* :class:`ChoosesPeriod` — a period chosen in the pane sets the filter bar's period;
* :class:`Refreshes` — called after incidents were saved, deleted or restored;
* :class:`PicksLocation` — an incident form's "Pick on map" button starts it, and the
  picked latitude/longitude fill the form;
* :class:`ShowsOnlineTiles` — the View menu's online tiles switch;
* :class:`ShowsBasemaps` — rebuilt after View > Offline basemaps… changed the list;
* :class:`WritesFlash` — the Incident menu's flash update from the selected incidents.

Until a factory is given (or if it fails, e.g. without Qt WebEngine) a labelled
placeholder stands in, so the app always starts.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from sitrep.store import Project
from sitrep.store.queries import IncidentFilter

log = logging.getLogger(__name__)

PaneFactory = Callable[[Project], QWidget]


@runtime_checkable
class FollowsFilter(Protocol):
    def set_filter(self, flt: IncidentFilter) -> None: ...


@runtime_checkable
class ShowsSelection(Protocol):
    def select_incident(self, incident_id: uuid.UUID | None) -> None: ...


@runtime_checkable
class ReportsSelection(Protocol):
    incidentSelected: Any  # Signal(object): the UUID of the incident the user chose


@runtime_checkable
class ChoosesPeriod(Protocol):
    periodSelected: Any  # Signal(object, object): first and last day, or None, None


@runtime_checkable
class Refreshes(Protocol):
    def refresh(self) -> None: ...


@runtime_checkable
class PicksLocation(Protocol):
    locationPicked: Any  # Signal(float, float): latitude, longitude

    def start_pick(self) -> None: ...


@runtime_checkable
class ShowsOnlineTiles(Protocol):
    def set_online_tiles(self, on: bool) -> None: ...


@runtime_checkable
class ShowsBasemaps(Protocol):
    def reload(self) -> None: ...


@runtime_checkable
class WritesFlash(Protocol):
    def new_flash(self, incident_ids: list[uuid.UUID]) -> uuid.UUID | None: ...


@dataclass(frozen=True)
class PaneFactories:
    map: PaneFactory | None = None
    timeline: PaneFactory | None = None
    report_editor: PaneFactory | None = None


class Placeholder(QLabel):
    def __init__(self, title: str, note: str = "") -> None:
        super().__init__(f"<b>{title}</b><br><span style='color:#777'>{note}</span>")
        self.setObjectName(f"placeholder-{title.lower().replace(' ', '-')}")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFrameShape(QLabel.Shape.StyledPanel)
        self.setMinimumSize(200, 120)


def make_pane(factory: PaneFactory | None, project: Project, title: str) -> QWidget:
    if factory is None:
        return Placeholder(title, "not available in this build")
    try:
        return factory(project)
    except ImportError as exc:  # e.g. a build without Qt WebEngine
        log.warning("the %s pane is not available: %s", title, exc)
        return Placeholder(title, "not available in this build")
    except Exception as exc:  # a broken pane must not stop the app
        log.exception("could not create the %s pane", title)
        return Placeholder(title, f"could not be started: {exc}")
