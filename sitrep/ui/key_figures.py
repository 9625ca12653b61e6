"""The report editor's key figures panel: the period's figures beside the text.

The same figures, in the same words, as the generated report's key figures table
(:func:`~sitrep.reporting.figures.period_figures`, :mod:`sitrep.reporting.wording`),
each with its change since the comparison period, and a note saying what is not
counted (party claims, incidents withheld above the report's classification).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QWidget

from sitrep.places.levels import level_name, plural
from sitrep.places.regions import Region
from sitrep.reporting import wording
from sitrep.reporting.figures import (
    FIGURE_KEYS,
    FIGURE_LABELS,
    NOT_RECORDED,
    area_level_in_data,
    period_figures,
    report_filter,
)
from sitrep.reporting.periods import previous_period
from sitrep.store import Project


class KeyFiguresPanel(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Key figures", parent)
        self.figures_form = QFormLayout(self)
        self.figure_labels: dict[str, QLabel] = {}
        self.figure_names: dict[str, QLabel] = {}
        for key in FIGURE_KEYS:
            value = QLabel("–")
            value.setObjectName(f"figure_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.figure_labels[key] = value
            self.figure_names[key] = QLabel(FIGURE_LABELS[key])
            self.figures_form.addRow(self.figure_names[key], value)
        self.figures_note = QLabel("")
        self.figures_note.setWordWrap(True)
        self.figures_form.addRow(self.figures_note)

    def show_problem(self, text: str, *, clear: bool = False) -> None:
        """Why there are no figures (an unreadable date, an unknown region)."""
        self.figures_note.setText(text)
        if clear:
            for label in self.figure_labels.values():
                label.setText("–")

    def show_figures(
        self,
        project: Project,
        region: Region,
        start: dt.date,
        end: dt.date,
        comparison: str,
        classification: str,
    ) -> None:
        """The figures of ``region`` over ``start``..``end``, compared as chosen."""
        prev = previous_period(start, end, comparison)
        flt = report_filter(region, start, end, classification)
        with project.session() as s:
            level = area_level_in_data(s, flt.with_period(prev.date_from, end), region)
            figures = period_figures(s, flt, area_level=level)
            before = period_figures(
                s, flt.with_period(prev.date_from, prev.date_to), figures.withheld_counted, level
            )
            areas = plural(level_name(s, level, region.countries))
        self.figure_names["areas_affected"].setText(f"{areas[:1].upper()}{areas[1:]} affected")
        now = figures.shown
        current, previous = now.as_dict(), before.shown.as_dict()
        for key, label in self.figure_labels.items():
            value, earlier = current[key], previous[key]
            if value is None:
                label.setText(f"<b>–</b>  ({NOT_RECORDED})")
                continue
            change = wording.change_text(value, earlier) if earlier is not None else ""
            partial = (
                f"; {NOT_RECORDED} for {now.unrecorded(key):,}" if now.unrecorded(key) else ""
            )
            label.setText(
                f"<b>{value:,}</b>  ({change}{partial})"
                if change or partial
                else (f"<b>{value:,}</b>")
            )
        note = (
            f"{region.name}, {wording.period_text(start, end)}, compared with {prev.describe()}."
        )
        if now.killed_claimed:
            note += f" Party claims of {now.killed_claimed:,} more deaths are not counted."
        withheld = figures.withheld.incidents
        if withheld:
            note += (
                f" {withheld:,} incident{'s' if withheld != 1 else ''} above this "
                f"classification {'are' if withheld != 1 else 'is'} withheld from the report"
                + (
                    ", counted in these figures."
                    if figures.withheld_counted
                    else " and not counted in these figures."
                )
            )
        self.figures_note.setText(note)
