"""The filter bar every view shares: region, period, types, verification, sensitivity, text.

It only builds an :class:`~sitrep.store.queries.IncidentFilter` and announces it; the
table, map, timeline and report editor each run their query from that one value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
)

from sitrep.editing.catalogue import AreaOption
from sitrep.model.enums import Sensitivity, Verification
from sitrep.places.regions import Region
from sitrep.store.queries import IncidentFilter
from sitrep.ui.date_field import DateField
from sitrep.ui.widgets import searchable_combo

ANY_TIME, LAST_7, LAST_30, LAST_MONTH, THIS_YEAR, CUSTOM = range(6)
PERIOD_LABELS = {
    ANY_TIME: "Any time",
    LAST_7: "Last 7 days",
    LAST_30: "Last 30 days",
    LAST_MONTH: "Last month",
    THIS_YEAR: "This year",
    CUSTOM: "Custom…",
}


def preset_period(preset: int, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The dates a period preset stands for (inclusive); "last month" is the calendar month."""
    if preset == LAST_7:
        return today - dt.timedelta(days=6), today
    if preset == LAST_30:
        return today - dt.timedelta(days=29), today
    if preset == LAST_MONTH:
        last_day = today.replace(day=1) - dt.timedelta(days=1)
        return last_day.replace(day=1), last_day
    if preset == THIS_YEAR:
        return dt.date(today.year, 1, 1), today
    return None, None


class CheckMenuButton(QToolButton):
    """A button opening a list of checkable choices ("Types: 2 of 6")."""

    selectionChanged = Signal()

    def __init__(self, label: str, choices: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._label = label
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self)
        self.actions_by_name: dict[str, QAction] = {}
        for choice in choices:
            action = menu.addAction(choice)
            action.setCheckable(True)
            action.toggled.connect(self._toggled)
            self.actions_by_name[choice] = action
        menu.addSeparator()
        clear = menu.addAction("Show all")
        clear.triggered.connect(lambda: self.set_selected([]))
        self.setMenu(menu)
        self._update_text()

    def selected(self) -> list[str]:
        return [name for name, a in self.actions_by_name.items() if a.isChecked()]

    def set_selected(self, names: Sequence[str]) -> None:
        wanted = set(names)
        for name, action in self.actions_by_name.items():
            action.blockSignals(True)
            action.setChecked(name in wanted)
            action.blockSignals(False)
        self._toggled()

    def _toggled(self) -> None:
        self._update_text()
        self.selectionChanged.emit()

    def _update_text(self) -> None:
        n = len(self.selected())
        total = len(self.actions_by_name)
        if n == 0:
            self.setText(f"{self._label}: all")
        elif n == 1:
            self.setText(f"{self._label}: {self.selected()[0]}")
        else:
            self.setText(f"{self._label}: {n} of {total}")


class FilterBar(QWidget):
    filterChanged = Signal(object)  # IncidentFilter
    resultsRequested = Signal()  # Down in the search box: go to the rows found

    def __init__(
        self,
        areas: Sequence[AreaOption],
        event_types: Sequence[str],
        *,
        custom_regions: Sequence[Region] = (),
        today: Callable[[], dt.date] = dt.date.today,
        text_delay_ms: int = 300,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._today = today
        self._areas = list(areas)
        self._filter = IncidentFilter()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)

        self.region = searchable_combo("Region")
        self.region.addItem("All areas", None)
        for custom in custom_regions:
            self.region.addItem(f"{custom.name} (saved region)", custom)
        for area in self._areas:
            self.region.addItem(area.label, area)
        self.region.setToolTip("Region: any state/region, district, township or village tract")
        self.region.currentIndexChanged.connect(self._emit)

        self.period = QComboBox()
        for key, label in PERIOD_LABELS.items():
            self.period.addItem(label, key)
        self.period.setToolTip("Period: an incident counts when its start date falls in it")
        self.period.currentIndexChanged.connect(self._period_changed)
        self.date_from = DateField(what="From date")
        self.date_to = DateField(what="To date")
        for edit in (self.date_from, self.date_to):
            edit.setDate(today())
            edit.dateChanged.connect(self._emit)
            edit.setVisible(False)
        self.to_label = QLabel("to")
        self.to_label.setVisible(False)

        self.types = CheckMenuButton("Types", event_types)
        self.types.selectionChanged.connect(self._emit)
        self.verification = CheckMenuButton("Verification", [v.value for v in Verification])
        self.verification.selectionChanged.connect(self._emit)
        self.sensitivity = QComboBox()
        self.sensitivity.addItem("Any sensitivity", None)
        for level in Sensitivity:
            label = "Public only" if level is Sensitivity.PUBLIC else f"Up to {level.value}"
            self.sensitivity.addItem(label, level.value)
        self.sensitivity.setToolTip("Show incidents up to this sensitivity level")
        self.sensitivity.currentIndexChanged.connect(self._emit)

        self.text = QLineEdit()
        self.text.setPlaceholderText("Search title, narrative, place, reference (Ctrl+F)")
        self.text.setClearButtonEnabled(True)
        self._text_timer = QTimer(self, singleShot=True, interval=text_delay_ms)
        self._text_timer.timeout.connect(self._emit)
        self.text.textChanged.connect(lambda _t: self._text_timer.start())
        self.text.returnPressed.connect(self._emit)
        self.text.installEventFilter(self)

        for widget in (
            self.region,
            self.period,
            self.date_from,
            self.to_label,
            self.date_to,
            self.types,
            self.verification,
            self.sensitivity,
        ):
            layout.addWidget(widget)
        layout.addWidget(self.text, 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.text
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown)
        ):
            self._emit()  # the search typed so far, at once
            self.resultsRequested.emit()
            return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------ reading
    def current_filter(self) -> IncidentFilter:
        return self._filter

    def _build(self) -> IncidentFilter:
        chosen: AreaOption | Region | None = self.region.currentData()
        if isinstance(chosen, AreaOption):
            region: Region | None = Region(chosen.ref.name, (chosen.ref,))
        else:
            region = chosen
        preset = self.period.currentData()
        if preset == CUSTOM:  # an unreadable date (marked at its field) changes nothing
            period: tuple[dt.date | None, dt.date | None] = (
                self.date_from.date() or self._filter.date_from,
                self.date_to.date() or self._filter.date_to,
            )
        else:
            period = preset_period(preset, self._today())
        date_from, date_to = period
        return IncidentFilter(
            region=region,
            date_from=date_from,
            date_to=date_to,
            event_types=tuple(self.types.selected()),
            verification=tuple(Verification(v) for v in self.verification.selected()),
            max_sensitivity=Sensitivity(level)
            if (level := self.sensitivity.currentData())
            else None,
            text=self.text.text().strip(),
        )

    def _emit(self) -> None:
        self._text_timer.stop()
        new = self._build()
        if new != self._filter:
            self._filter = new
            self.filterChanged.emit(new)

    def _period_changed(self) -> None:
        custom = self.period.currentData() == CUSTOM
        for widget in (self.date_from, self.to_label, self.date_to):
            widget.setVisible(custom)
        self._emit()

    # ------------------------------------------------------------ setting
    def set_period(self, date_from: dt.date | None, date_to: dt.date | None) -> None:
        """Show a custom period (the timeline calls this when the user drags over it).

        No dates at all means "any time" (the timeline's double-click); one missing end
        takes the other's date.
        """
        if date_from is None and date_to is None:
            self.period.setCurrentIndex(self.period.findData(ANY_TIME))
            return
        date_from = date_from or date_to
        date_to = date_to or date_from
        assert date_from is not None and date_to is not None
        if date_to < date_from:
            date_from, date_to = date_to, date_from
        for edit, value in ((self.date_from, date_from), (self.date_to, date_to)):
            edit.blockSignals(True)
            edit.setDate(value)
            edit.blockSignals(False)
        self.period.setCurrentIndex(self.period.findData(CUSTOM))
        self._emit()

    def focus_search(self) -> None:
        self.text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.text.selectAll()
