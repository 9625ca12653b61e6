"""The one date-entry field of the app: type a date in one stop, see it refused if unreadable.

``QDateEdit`` splits a date into three sections and keeps typing in whichever section
the click landed in, so ``2025-06-12`` typed after a click was stored as 2025-12-06 or
2026-06-12. This field is a line edit instead: whatever is typed is read by
:func:`sitrep.editing.dates.read_date` (the shown ``2025-06-12``, ``20250612``,
``12 June 2025``, ``12/06/2025`` in this computer's order), shown back as ``2025-06-12``
once read, and marked at the field with the reason when it cannot be read. A click
selects the whole date, so typing replaces it, as after Tab or select-all. Up/Down move
a day; Alt+Down (or F4, or the arrow in the field) opens a calendar.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFocusEvent,
    QIcon,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFrame,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from sitrep.editing.dates import DateOrder, order_from_pattern, read_date, show_date
from sitrep.errors import ValidationError
from sitrep.ui.marks import INVALID_STYLE, mark_invalid


def _arrow_icon(color: QColor) -> QIcon:
    """A small down arrow (the style's own arrow icon is drawn as large as the field)."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawPolygon(QPolygonF([QPointF(4, 6), QPointF(12, 6), QPointF(8, 11)]))
    painter.end()
    return QIcon(pixmap)


def system_date_order() -> DateOrder:
    """How this computer (Qt's default locale) writes a date in numbers."""
    return order_from_pattern(QLocale().dateFormat(QLocale.FormatType.ShortFormat))


class _CalendarPopup(QFrame):
    def __init__(self, field: DateField) -> None:
        super().__init__(field, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.calendar)
        self.calendar.activated.connect(self._chosen)
        self.calendar.clicked.connect(self._chosen)
        self._field = field

    def _chosen(self, date: QDate) -> None:
        self.close()
        self._field.setDate(dt.date(date.year(), date.month(), date.day()))
        self._field.setFocus(Qt.FocusReason.PopupFocusReason)
        self._field.selectAll()


class DateField(QLineEdit):
    """A date typed in one stop; ``date()`` is ``None`` when empty or unreadable."""

    dateChanged = Signal(object)  # dt.date | None, once a new date has been read

    def __init__(
        self,
        *,
        optional: bool = False,
        what: str = "Date",
        order: DateOrder | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.optional = optional
        self.what = what
        self.order = order or system_date_order()
        self._date: dt.date | None = None  # the last date read (what dateChanged said)
        self._clicked_in = False
        self.popup: _CalendarPopup | None = None
        self.setPlaceholderText("no date" if optional else "e.g. 2025-06-12")
        self.setStyleSheet(INVALID_STYLE)  # marked wherever it is, not only in the form
        self.setToolTip(
            f"Type a date: 2025-06-12, 20250612, 12 June 2025 or in this computer's order "
            f"({self.order.value}). Up/Down: a day earlier/later; Alt+Down: calendar."
        )
        width = self.fontMetrics().horizontalAdvance("2025-06-12 ") + 44
        self.setMinimumWidth(width)
        self.setMaximumWidth(width + 60)
        self.calendar_action = QAction(
            _arrow_icon(self.palette().text().color()), "Calendar", self
        )
        self.calendar_action.setToolTip("Choose the date on a calendar (Alt+Down)")
        self.calendar_action.triggered.connect(self.show_calendar)
        self.addAction(self.calendar_action, QLineEdit.ActionPosition.TrailingPosition)
        self.editingFinished.connect(self.commit)
        self.textEdited.connect(self._edited)

    # ------------------------------------------------------------ reading
    def read(self) -> dt.date | None:
        """The date the text stands for; raises ValidationError when it is not one."""
        value = read_date(self.text(), self.order, what=self.what)
        if value is None and not self.optional:
            raise ValidationError(f"{self.what} is empty; type a date such as 2025-06-12.")
        return value

    def error(self) -> str:
        """Why the text is not a date ('' when it is, or when it is empty and optional)."""
        try:
            self.read()
        except ValidationError as exc:
            return str(exc)
        return ""

    def is_valid(self) -> bool:
        return not self.error()

    def date(self) -> dt.date | None:
        try:
            return self.read()
        except ValidationError:
            return None

    def draft_text(self) -> str:
        """What a draft keeps: the date as shown when it was read, else exactly what was typed."""
        value = self.date()
        return show_date(value) if value is not None else self.text().strip()

    # ------------------------------------------------------------ writing
    def setDate(self, value: dt.date | QDate | None) -> None:
        if isinstance(value, QDate):
            value = dt.date(value.year(), value.month(), value.day()) if value.isValid() else None
        self.setText(show_date(value))
        mark_invalid(self, None)
        self._announce(value)

    def set_text_as_typed(self, text: str) -> None:
        """Show a text kept from a draft (which may be unreadable, and then is marked)."""
        self.setText(text)
        self.commit()

    def commit(self) -> None:
        """Read what was typed: show it as ``2025-06-12``, or mark why it is not a date."""
        try:
            value = self.read()
        except ValidationError as exc:
            mark_invalid(self, str(exc))
            return
        mark_invalid(self, None)
        shown = show_date(value)
        if self.text() != shown:
            self.setText(shown)
        self._announce(value)

    def _announce(self, value: dt.date | None) -> None:
        if value != self._date:
            self._date = value
            self.dateChanged.emit(value)

    def _edited(self, _text: str) -> None:
        if self.property("invalid") and self.is_valid():
            mark_invalid(self, None)  # fixed while typing: the mark goes at once

    # ------------------------------------------------------------ keys, clicks, calendar
    def show_calendar(self) -> None:
        if self.popup is None:
            self.popup = _CalendarPopup(self)
        current = self.date() or dt.date.today()
        self.popup.calendar.setSelectedDate(QDate(current.year, current.month, current.day))
        self.popup.adjustSize()
        self.popup.move(self.mapToGlobal(QPoint(0, self.height())))
        self.popup.show()
        self.popup.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _step(self, days: int) -> None:
        current = self.date()
        if current is not None:
            self.setDate(current + dt.timedelta(days=days))
            self.selectAll()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if event.key() == Qt.Key.Key_F4 or (event.key() == Qt.Key.Key_Down and alt):
            self.show_calendar()
            return
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not alt:
            self._step(1 if event.key() == Qt.Key.Key_Up else -1)
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        # A click puts the cursor where it landed (after this event): select the whole
        # date on release instead, so typing replaces it as it does after Tab.
        self._clicked_in = event.reason() == Qt.FocusReason.MouseFocusReason

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if self._clicked_in and not self.hasSelectedText():
            self.selectAll()
        self._clicked_in = False
