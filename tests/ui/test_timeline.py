"""The timeline: bars per day/week/month stacked by type, brushing, click, marking."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolTip

from sitrep.store import Project
from sitrep.store.queries import IncidentFilter
from sitrep.ui.timeline import TimelineView, bucket_start, choose_bucket, next_bucket
from tests.conftest import make_incident

D = dt.date


@pytest.fixture
def spread(project: Project) -> list:
    days = [D(2025, 1, 6), D(2025, 1, 7), D(2025, 2, 12), D(2025, 4, 2), D(2025, 6, 30)]
    made = [make_incident(project, date_start=d) for d in days]
    made.append(
        make_incident(
            project,
            date_start=D(2025, 1, 8),
            event_type="Protests",
            sub_event_type="Peaceful protest",
        )
    )
    return made


@pytest.fixture
def timeline(project: Project, spread, qtbot) -> TimelineView:
    view = TimelineView(project.session)
    qtbot.addWidget(view)
    view.resize(800, 160)
    view.show()
    view.set_filter(IncidentFilter())
    return view


def test_bucket_follows_the_span():
    assert choose_bucket(D(2025, 1, 1), D(2025, 3, 1)) == "day"
    assert choose_bucket(D(2025, 1, 1), D(2026, 1, 1)) == "week"
    assert choose_bucket(D(2020, 1, 1), D(2025, 1, 1)) == "month"
    assert bucket_start(D(2025, 6, 5), "week") == D(2025, 6, 2)  # a Monday
    assert next_bucket(D(2025, 12, 1), "month") == D(2026, 1, 1)


def test_weekly_bars_stacked_by_type_cover_the_whole_span(timeline: TimelineView):
    assert timeline.bucket == "week"
    bars = timeline.bars
    assert bars[0].start == D(2025, 1, 6) and bars[-1].end >= D(2025, 6, 30)
    assert all(b.end == b.start + dt.timedelta(days=6) for b in bars)
    assert bars[0].counts == {"Battles": 2, "Protests": 1}
    assert sum(b.total for b in bars) == 6
    assert [b.total for b in bars].count(0) == len(bars) - 4  # empty weeks are kept


def test_tooltip_names_the_period_and_counts(timeline: TimelineView, qtbot):
    rect = timeline.bar_rect(0)
    pos = QPoint(int(rect.center().x()), int(rect.center().y()))
    event = QHelpEvent(QEvent.Type.ToolTip, pos, timeline.mapToGlobal(pos))
    timeline.event(event)
    qtbot.waitUntil(QToolTip.isVisible)
    text = QToolTip.text()
    assert text.startswith("Week of 06 Jan 2025: 3 incidents")
    assert "2 Battles" in text and "1 Protests" in text


def test_dragging_selects_the_period_of_the_bars_crossed(timeline: TimelineView, qtbot):
    first, last = timeline.bar_rect(1), timeline.bar_rect(5)
    start = QPoint(int(first.center().x()), 60)
    end = QPoint(int(last.center().x()), 60)
    with qtbot.waitSignal(timeline.periodSelected) as blocker:
        QTest.mousePress(
            timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start
        )
        QTest.mouseMove(timeline, end)
        QTest.mouseRelease(
            timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end
        )
    assert blocker.args == [timeline.bars[1].start, timeline.bars[5].end]


def test_clicking_a_bar_narrows_to_it(timeline: TimelineView, qtbot):
    rect = timeline.bar_rect(5)
    with qtbot.waitSignal(timeline.periodSelected) as blocker:
        qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert blocker.args == [D(2025, 2, 10), D(2025, 2, 16)]


def test_double_click_goes_back_to_any_time(timeline: TimelineView, qtbot):
    timeline.set_filter(IncidentFilter().with_period(D(2025, 2, 1), D(2025, 2, 28)))
    with qtbot.waitSignal(timeline.periodSelected) as blocker:
        qtbot.mouseDClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(400, 60))
    assert blocker.args == [None, None]


def test_period_of_the_filter_is_shaded_not_cut(timeline: TimelineView):
    n = len(timeline.bars)
    timeline.set_filter(IncidentFilter().with_period(D(2025, 2, 1), D(2025, 2, 28)))
    assert len(timeline.bars) == n  # the whole span stays visible
    assert timeline.period == (D(2025, 2, 1), D(2025, 2, 28))
    inside = [b for b in timeline.bars if timeline._in_period(b)]
    assert inside[0].start == D(2025, 1, 27) and inside[-1].start == D(2025, 2, 24)


def test_other_filters_change_the_bars(timeline: TimelineView):
    timeline.set_filter(IncidentFilter(event_types=("Protests",)))
    assert timeline.bucket == "day"  # a single day of protests
    assert sum(b.total for b in timeline.bars) == 1


def test_selected_incident_is_marked(timeline: TimelineView, spread):
    timeline.select_incident(spread[2].id)
    assert timeline.selected_date == D(2025, 2, 12)
    x = timeline._x_of_date(D(2025, 2, 12))
    rect = timeline.bar_rect(5)
    assert x is not None and rect.left() <= x <= rect.right()
    image = timeline.grab().toImage()
    assert image.pixelColor(int(x), int(rect.top()) + 20).lightness() < 60  # the dark mark
    timeline.select_incident(None)
    assert timeline.selected_date is None


def test_empty_project_says_so(project: Project, qtbot):
    view = TimelineView(project.session)
    qtbot.addWidget(view)
    view.set_filter(IncidentFilter())
    assert view.bars == []
    view.grab()  # paints the message without failing


def test_made_from_a_project_as_the_main_window_does(project: Project, spread, qtbot):
    from sitrep.ui.timeline import TimelineWidget

    view = TimelineWidget(project)
    qtbot.addWidget(view)
    view.set_filter(IncidentFilter())
    assert sum(b.total for b in view.bars) == 6
    view.refresh()
    assert sum(b.total for b in view.bars) == 6
