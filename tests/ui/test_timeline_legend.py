"""The timeline's legend: the colour of each event type in its bars, drawn above them."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QToolTip

from sitrep.mapping.palette import type_colour
from sitrep.store import Project
from sitrep.store.queries import IncidentFilter
from sitrep.ui.timeline import TimelineView
from tests.conftest import make_incident

TYPES = [
    ("Battles", "Armed clash"),
    ("Protests", "Peaceful protest"),
    ("Riots", "Mob violence"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Violence against civilians", "Attack"),
    ("Strategic developments", "Looting/property destruction"),
]


def made_timeline(project: Project, qtbot, width: int, types=TYPES) -> TimelineView:
    for i, (event_type, sub) in enumerate(types):
        make_incident(
            project,
            date_start=dt.date(2025, 1, 6) + dt.timedelta(days=9 * i),
            event_type=event_type,
            sub_event_type=sub,
        )
    view = TimelineView(project.session)
    qtbot.addWidget(view)
    view.resize(width, 160)
    view.show()
    view.set_filter(IncidentFilter())
    return view


def test_the_legend_shows_each_type_of_the_bars_in_its_colour(project: Project, qtbot):
    view = made_timeline(project, qtbot, 1100, TYPES[:3])
    placed, hidden = view.legend_layout()
    assert [t for t, _ in placed] == ["Battles", "Protests", "Riots"]
    assert hidden == []
    # types of the taxonomy with no incident here are not named
    assert "Strategic developments" in view.type_order
    assert "Strategic developments" not in view.shown_types()
    image = view.grab().toImage()
    plot_top = view.bar_rect(0).top()
    for event_type, swatch in placed:
        assert swatch.bottom() < plot_top  # above the bars, not over them
        got = image.pixelColor(int(swatch.center().x()), int(swatch.center().y()))
        assert got.name() == QColor(type_colour(event_type)).name(), event_type


def test_a_narrow_timeline_names_what_fits_and_counts_the_rest(project: Project, qtbot):
    view = made_timeline(project, qtbot, 330)
    placed, hidden = view.legend_layout()
    assert placed and hidden
    assert len(placed) + len(hidden) == len(TYPES)
    assert all(swatch.right() < view.width() for _, swatch in placed)
    pos = QPoint(int(placed[0][1].center().x()), int(placed[0][1].center().y()))
    view.event(QHelpEvent(QEvent.Type.ToolTip, pos, view.mapToGlobal(pos)))
    qtbot.waitUntil(QToolTip.isVisible)
    assert set(QToolTip.text().split("\n")) == {t for t, _ in TYPES}
