"""Map + timeline pane: the wiring the main window relies on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import shiboken6

from sitrep.store import Project
from sitrep.store.queries import IncidentFilter
from sitrep.ui.map_pane import MapTimelinePane
from tests.mapping.conftest import fill_hostile_project


@pytest.fixture
def pane(project: Project, web_profile: Any, qtbot: Any) -> Iterator[MapTimelinePane]:
    fill_hostile_project(project)
    widget = MapTimelinePane(project.session, profile=web_profile)
    widget.resize(900, 700)
    with qtbot.waitSignal(widget.map.dataShown, timeout=20000):
        widget.show()
        widget.set_filter(IncidentFilter())
    yield widget
    widget.close()
    shiboken6.delete(widget)


def test_period_from_the_timeline_is_relayed(pane: MapTimelinePane, qtbot):
    with qtbot.waitSignal(pane.periodSelected) as blocker:
        pane.timeline.periodSelected.emit(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert blocker.args == [dt.date(2025, 1, 1), dt.date(2025, 1, 31)]


def test_filter_reaches_map_and_timeline(pane: MapTimelinePane, qtbot):
    flt = IncidentFilter(event_types=("Battles",))
    with qtbot.waitSignal(pane.map.dataShown, timeout=10000) as blocker:
        pane.set_filter(flt)
    assert blocker.args == [2]
    assert sum(b.total for b in pane.timeline.bars) == 3  # two placed, one without coordinates


def test_selecting_marks_the_timeline_and_a_map_click_does_too(pane: MapTimelinePane, project):
    from sqlalchemy import select

    from sitrep.model import Incident

    with project.session() as s:
        inc = s.scalars(select(Incident).where(Incident.lat.is_not(None))).first()
    pane.select_incident(inc.id)
    assert pane.timeline.selected_date == inc.date_start
    pane.select_incident(None)
    assert pane.timeline.selected_date is None
    pane.map.incidentClicked.emit(inc.id)  # as the map reports a click
    assert pane.timeline.selected_date == inc.date_start


def test_zoom_button_follows_the_map(pane: MapTimelinePane):
    assert pane.zoom_button.isEnabled()
