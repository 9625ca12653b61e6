"""The timeline under the map: incidents per day, week or month, stacked by event type.

It shows the whole span of the shared filter *without* its period, and shades the
period the filter selects, so the user sees what lies outside it and can move it:
dragging across the chart selects a period, clicking a bar narrows to that bar, a
double click goes back to any time. Painted with QPainter: a few hundred bars need no
chart library, and hit-testing stays exact.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget
from sqlalchemy import select
from sqlalchemy.orm import Session

from sitrep.mapping.palette import type_colour
from sitrep.model import EventType, Incident
from sitrep.store import Project
from sitrep.store.queries import (
    Bucket,
    IncidentFilter,
    bucket_start,
    counts_by_period,
    date_range,
)

SessionFactory = Callable[[], AbstractContextManager[Session]]

DAY = dt.timedelta(days=1)


def choose_bucket(first: dt.date, last: dt.date) -> Bucket:
    """Days for up to three months, weeks for up to two years, months beyond."""
    span = (last - first).days
    if span <= 92:
        return "day"
    if span <= 731:
        return "week"
    return "month"


def next_bucket(start: dt.date, bucket: Bucket) -> dt.date:
    if bucket == "day":
        return start + DAY
    if bucket == "week":
        return start + dt.timedelta(days=7)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


@dataclass
class Bar:
    start: dt.date
    end: dt.date  # last day, inclusive
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def label(self, bucket: Bucket) -> str:
        if bucket == "day":
            return self.start.strftime("%a %d %b %Y")
        if bucket == "week":
            return f"Week of {self.start.strftime('%d %b %Y')}"
        return self.start.strftime("%B %Y")


class TimelineView(QWidget):
    """Incidents over time; emits the period the user drags or clicks."""

    periodSelected = Signal(object, object)  # first, last day (inclusive); None, None: any time

    LEFT, RIGHT, TOP, BOTTOM = 40, 10, 8, 22
    LEGEND = 16  # height of the legend row above the bars

    def __init__(
        self, session_factory: SessionFactory | Project, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        # a Project (the main window's pane factories pass one) or its session factory
        self._sessions = (
            session_factory.session if isinstance(session_factory, Project) else session_factory
        )
        self._filter = IncidentFilter()
        self.bucket: Bucket = "week"
        self.bars: list[Bar] = []
        self.type_order: list[str] = []
        self._selected_date: dt.date | None = None
        self._drag_from: float | None = None
        self._drag_to: float | None = None
        self.setMouseTracking(True)
        self.setMinimumHeight(110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setToolTip("")  # enables tooltip events; the text is computed per bar

    def sizeHint(self) -> QSize:
        return QSize(800, 150)

    # ------------------------------------------------------------------ public API

    def set_filter(self, flt: IncidentFilter) -> None:
        self._filter = flt
        self.reload()

    @classmethod
    def for_project(cls, project: Any) -> TimelineView:
        """The factory the main window uses: ``(project) -> QWidget``."""
        return cls(project.session)

    def refresh(self) -> None:
        """Re-read the counts after incidents were saved or deleted."""
        self.reload()

    def reload(self) -> None:
        """Re-read the counts (after a filter change or an edit)."""
        overall = self._filter.with_period(None, None)
        with self._sessions() as s:
            self.type_order = list(s.scalars(select(EventType.name).order_by(EventType.position)))
            span = date_range(s, overall)
            if span is None:
                self.bars = []
            else:
                self.bucket = choose_bucket(*span)
                rows = counts_by_period(s, overall, self.bucket)
                self.bars = self._fill(span, rows)
        for bar in self.bars:
            for t in bar.counts:
                if t not in self.type_order:
                    self.type_order.append(t)
        self.update()

    @Slot(object)
    def select_incident(self, incident_id: uuid.UUID | str | None) -> None:
        """Mark the selected incident's date (None clears the mark)."""
        self._selected_date = None
        if incident_id is not None:
            with self._sessions() as s:
                self._selected_date = s.scalar(
                    select(Incident.date_start).where(Incident.id == uuid.UUID(str(incident_id)))
                )
        self.update()

    @property
    def selected_date(self) -> dt.date | None:
        return self._selected_date

    @property
    def period(self) -> tuple[dt.date | None, dt.date | None]:
        return self._filter.date_from, self._filter.date_to

    # ------------------------------------------------------------------ geometry

    def _fill(self, span: tuple[dt.date, dt.date], rows: list[Any]) -> list[Bar]:
        first, last = span
        by_start: dict[dt.date, Bar] = {}
        start = bucket_start(first, self.bucket)
        while start <= last:
            nxt = next_bucket(start, self.bucket)
            by_start[start] = Bar(start, nxt - DAY)
            start = nxt
        for row in rows:
            bar = by_start.get(row.start)
            if bar is not None:
                bar.counts[row.event_type] = bar.counts.get(row.event_type, 0) + row.incidents
        return list(by_start.values())

    def _plot(self) -> QRectF:
        top = self.TOP + (self.LEGEND if self.shown_types() else 0)
        return QRectF(
            self.LEFT,
            top,
            max(1.0, self.width() - self.LEFT - self.RIGHT),
            max(1.0, self.height() - top - self.BOTTOM),
        )

    def _small_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        return font

    def shown_types(self) -> list[str]:
        """The event types of the bars, in the taxonomy's order (what the legend names)."""
        present = {t for bar in self.bars for t, n in bar.counts.items() if n}
        return [t for t in self.type_order if t in present]

    def legend_layout(self) -> tuple[list[tuple[str, QRectF]], list[str]]:
        """The legend row: each type's colour swatch, and the types with no room left
        (named as "+N more" and in the legend's tooltip)."""
        metrics = QFontMetricsF(self._small_font())
        types = self.shown_types()
        right = self.width() - self.RIGHT
        more = metrics.horizontalAdvance(f"+{len(types)} more") + 4
        x, y = float(self.LEFT), self.TOP + (self.LEGEND - 10) / 2 - 2
        placed: list[tuple[str, QRectF]] = []
        for i, t in enumerate(types):
            width = 10 + 4 + metrics.horizontalAdvance(t) + 12
            room = right - (more if i < len(types) - 1 else 0)
            if x + width - 12 > room:
                return placed, types[i:]
            placed.append((t, QRectF(x, y, 10, 10)))
            x += width
        return placed, []

    def bar_rect(self, index: int) -> QRectF:
        """Where bar ``index`` is drawn (full height of the plot)."""
        plot = self._plot()
        w = plot.width() / max(1, len(self.bars))
        return QRectF(plot.left() + index * w, plot.top(), w, plot.height())

    def bar_at(self, x: float) -> int | None:
        plot = self._plot()
        if not self.bars or x < plot.left() or x > plot.right():
            return None
        w = plot.width() / len(self.bars)
        return min(len(self.bars) - 1, max(0, int((x - plot.left()) / w)))

    def _x_of_date(self, day: dt.date) -> float | None:
        for i, bar in enumerate(self.bars):
            if bar.start <= day <= bar.end:
                r = self.bar_rect(i)
                days = (bar.end - bar.start).days + 1
                return r.left() + r.width() * ((day - bar.start).days + 0.5) / days
        return None

    # ------------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.fillRect(self.rect(), self.palette().base())
        plot = self._plot()
        p.setFont(self._small_font())
        text_pen = QPen(self.palette().text().color())
        if not self.bars:
            p.setPen(text_pen)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No incidents to show")
            return
        self._draw_legend(p, text_pen)
        peak = max(1, max(bar.total for bar in self.bars))
        # period shading
        date_from, date_to = self.period
        if date_from or date_to:
            x0 = plot.left()
            x1 = plot.right()
            for i, bar in enumerate(self.bars):
                r = self.bar_rect(i)
                if date_from and bar.end < date_from:
                    x0 = r.right()
                if date_to and bar.start <= date_to:
                    x1 = r.right()
            p.fillRect(
                QRectF(x0, plot.top(), max(0.0, x1 - x0), plot.height()), QColor(70, 130, 200, 45)
            )
        # grid line and axis label at the peak
        p.setPen(QPen(QColor(200, 200, 200)))
        p.drawLine(QPointF(plot.left(), plot.top()), QPointF(plot.right(), plot.top()))
        p.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        p.setPen(text_pen)
        p.drawText(
            QRectF(0, plot.top() - 6, self.LEFT - 4, 14),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            str(peak),
        )
        p.drawText(
            QRectF(0, plot.bottom() - 8, self.LEFT - 4, 14),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            "0",
        )
        # stacked bars
        for i, bar in enumerate(self.bars):
            r = self.bar_rect(i)
            gap = 1.0 if r.width() > 3 else 0.0
            inside = self._in_period(bar)
            y = plot.bottom()
            for t in self.type_order:
                n = bar.counts.get(t, 0)
                if not n:
                    continue
                h = plot.height() * n / peak
                colour = QColor(type_colour(t))
                if not inside:
                    colour.setAlpha(90)
                p.fillRect(QRectF(r.left() + gap / 2, y - h, r.width() - gap, h), colour)
                y -= h
        # time labels
        self._draw_labels(p, plot, text_pen)
        # selected incident
        if self._selected_date is not None:
            x = self._x_of_date(self._selected_date)
            if x is not None:
                p.setPen(QPen(QColor(20, 20, 20), 2))
                p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
                p.setBrush(QColor(20, 20, 20))
                p.drawPolygon(
                    [
                        QPointF(x - 5, plot.top()),
                        QPointF(x + 5, plot.top()),
                        QPointF(x, plot.top() + 7),
                    ]
                )
        # brush being dragged
        if self._drag_from is not None and self._drag_to is not None:
            left, right = sorted((self._drag_from, self._drag_to))
            p.setPen(QPen(QColor(30, 90, 170), 1))
            p.setBrush(QColor(30, 90, 170, 60))
            p.drawRect(QRectF(left, plot.top(), right - left, plot.height()))

    def _draw_legend(self, p: QPainter, pen: QPen) -> None:
        placed, hidden = self.legend_layout()
        metrics = p.fontMetrics()
        for t, swatch in placed:
            p.fillRect(swatch, QColor(type_colour(t)))
            p.setPen(pen)
            p.drawText(QPointF(swatch.right() + 4, swatch.bottom() - 1), t)
        if hidden:
            x, bottom = float(self.LEFT), self.TOP + 10.0
            if placed:
                last, swatch = placed[-1]
                x = swatch.right() + 4 + metrics.horizontalAdvance(last) + 12
                bottom = swatch.bottom()
            p.setPen(pen)
            p.drawText(QPointF(x, bottom - 1), f"+{len(hidden)} more")

    def _draw_labels(self, p: QPainter, plot: QRectF, pen: QPen) -> None:
        p.setPen(pen)
        metrics = p.fontMetrics()
        last_right = -1e9
        for i, bar in enumerate(self.bars):
            if self.bucket == "month":
                text = (
                    bar.start.strftime("%Y") if bar.start.month == 1 else bar.start.strftime("%b")
                )
                if i == 0:
                    text = bar.start.strftime("%b %Y")
            elif self.bucket == "week":
                if not (i == 0 or bar.start.day <= 7):
                    continue
                text = (
                    bar.start.strftime("%b %Y")
                    if bar.start.month == 1 or i == 0
                    else bar.start.strftime("%b")
                )
            else:
                text = bar.start.strftime("%d %b")
            x = self.bar_rect(i).left()
            width = metrics.horizontalAdvance(text)
            if x < last_right + 6:
                continue
            p.drawText(QPointF(x + 1, plot.bottom() + metrics.ascent() + 3), text)
            last_right = x + width

    def _in_period(self, bar: Bar) -> bool:
        date_from, date_to = self.period
        return not ((date_from and bar.end < date_from) or (date_to and bar.start > date_to))

    # ------------------------------------------------------------------ interaction

    def legend_tooltip(self) -> str:
        return "\n".join(self.shown_types())

    def tooltip_text(self, index: int) -> str:
        bar = self.bars[index]
        lines = [f"{bar.label(self.bucket)}: {bar.total} incident{'s' if bar.total != 1 else ''}"]
        for t in self.type_order:
            if bar.counts.get(t):
                lines.append(f"  {bar.counts[t]} {t}")
        return "\n".join(lines)

    def event(self, ev: QEvent) -> bool:
        if ev.type() == QEvent.Type.ToolTip:
            index = self.bar_at(ev.pos().x())  # type: ignore[attr-defined]
            if self.shown_types() and ev.pos().y() < self._plot().top():  # type: ignore[attr-defined]
                QToolTip.showText(ev.globalPos(), self.legend_tooltip(), self)  # type: ignore[attr-defined]
            elif index is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(ev.globalPos(), self.tooltip_text(index), self)  # type: ignore[attr-defined]
            return True
        return super().event(ev)

    def mousePressEvent(self, ev: QMouseEvent) -> None:
        if ev.button() == Qt.MouseButton.LeftButton and self.bars:
            self._drag_from = self._drag_to = ev.position().x()
        super().mousePressEvent(ev)

    def mouseMoveEvent(self, ev: QMouseEvent) -> None:
        if self._drag_from is not None:
            plot = self._plot()
            self._drag_to = min(max(ev.position().x(), plot.left()), plot.right())
            self.update()
        super().mouseMoveEvent(ev)

    def mouseReleaseEvent(self, ev: QMouseEvent) -> None:
        if self._drag_from is None or ev.button() != Qt.MouseButton.LeftButton:
            return super().mouseReleaseEvent(ev)
        start_x, end_x = sorted((self._drag_from, ev.position().x()))
        self._drag_from = self._drag_to = None
        self.update()
        if end_x - start_x < 4:  # a click: narrow to the bar under the pointer
            index = self.bar_at(end_x)
            if index is not None:
                bar = self.bars[index]
                self.periodSelected.emit(bar.start, bar.end)
            return None
        first, last = self.bar_at(start_x), self.bar_at(end_x)
        if first is None:
            first = 0
        if last is None:
            last = len(self.bars) - 1
        self.periodSelected.emit(self.bars[first].start, self.bars[last].end)
        return None

    def mouseDoubleClickEvent(self, ev: QMouseEvent) -> None:
        """Any time again: the filter bar's period goes back to "any time"."""
        if ev.button() == Qt.MouseButton.LeftButton:
            self._drag_from = self._drag_to = None
            self.periodSelected.emit(None, None)


TimelineWidget = TimelineView  # the name the main window's default pane factory imports
