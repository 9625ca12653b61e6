"""How the map, timeline and report editor plug into the main window.

Each is made by a factory ``(project) -> QWidget`` given to
:class:`~sitrep.ui.main_window.MainWindow`. The window connects, when the widget has them:

* ``set_filter(IncidentFilter)`` — called with the shared filter, now and on each change;
* ``select_incident(uuid.UUID | None)`` — called when the user selects an incident;
* signal ``incidentSelected(object)`` (a UUID) — the window selects that incident;
* signal ``periodSelected(object, object)`` (two dates) — sets the filter bar's period;
* ``refresh()`` — called after incidents were saved, deleted or restored;
* ``start_pick()`` with signal ``locationPicked(float, float)`` — an incident form's
  "Pick on map" button starts it, and the picked latitude/longitude fill the form.

Until a factory is given (or if it fails, e.g. without Qt WebEngine) a labelled
placeholder stands in, so the app always starts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from sitrep.store import Project

log = logging.getLogger(__name__)

PaneFactory = Callable[[Project], QWidget]


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
