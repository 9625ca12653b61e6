"""Checking the incident form as the user types, and showing what is wrong where.

Problems (what stops a save) are shown under their field, on the row of a list
(actors, casualties, sources), and summed up beside the Save button; warnings (possible,
but worth a second look) are shown in amber and a second Save keeps them. The rules
are the core's (:func:`~sitrep.editing.draft.check_draft`,
:func:`~sitrep.editing.plausibility.date_warnings`); this only places their messages.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from sitrep.editing.draft import IncidentDraft, Problem, check_draft
from sitrep.editing.plausibility import date_warnings
from sitrep.ui.incident_form_layout import IncidentFormLayout
from sitrep.ui.marks import mark_invalid, mark_warning
from sitrep.ui.widgets import shows_its_entry

ROW_FIELDS = {
    "actor_name": "actors",
    "actor_role": "actors",
    "casualty_low": "casualties",
    "casualty_best": "casualties",
    "casualty_high": "casualties",
    "casualty_outcome": "casualties",
    "casualty_claim": "casualties",
    "source_name": "sources",
    "source_published": "sources",
}


class IncidentFormChecks(IncidentFormLayout):
    """The form's checks; :class:`~sitrep.ui.incident_form.IncidentForm` calls them."""

    problems: list[Problem]
    warnings: list[Problem]
    _tried_save: bool  # after a first Save, every field is judged, not only those typed
    _loading: bool

    def _area_level(self) -> int | None:
        area = self.area.currentData()
        return self.catalogue.area_level(uuid.UUID(area)) if area else None

    # ================================================================= checking
    def show_problems(self, problems: list[Problem]) -> None:
        by_field: dict[str, list[str]] = {}
        for p in problems:
            if p.field in ROW_FIELDS:
                section = ROW_FIELDS[p.field]
                row_no = p.row if p.row is not None else 0
                by_field.setdefault(section, []).append(f"Row {row_no + 1}: {p.message}")
            else:
                key = p.field if p.field in self.errors else "title"
                by_field.setdefault(key, []).append(p.message)
        for name, label in self.errors.items():
            messages = by_field.get(name, [])
            label.setText("\n".join(messages))
            if name in self._error_rows:
                self._error_rows[name].setRowVisible(label, bool(messages))
            else:
                label.setVisible(bool(messages))
            if name in self.fields:
                mark_invalid(self.fields[name], "\n".join(messages) or None)
        for section in ("actors", "casualties", "sources"):
            for i, row in enumerate(getattr(self, section).rows):
                row.clear_marks()
                for p in problems:
                    if ROW_FIELDS.get(p.field) == section and p.row == i:
                        row.mark(p.field, p.message)
        if problems:
            n = len(problems)
            self._set_summary(
                f"{n} problem{'s' if n > 1 else ''} to fix before saving: {problems[0].message}"
            )
        else:
            self._set_summary("")
        self.problems = problems
        self._show_warnings()

    def _set_summary(self, text: str, role: str = "error") -> None:
        self.summary.setText(text)
        if self.summary.property("role") != role:
            self.summary.setProperty("role", role)
            self.summary.style().unpolish(self.summary)
            self.summary.style().polish(self.summary)

    def _check_draft(self, draft: IncidentDraft) -> list[Problem]:
        problems = check_draft(
            draft,
            self.catalogue.sub_event_types,
            date_order=self.date_start.order,
            area_level=self._area_level(),
        )
        if not shows_its_entry(self.area):  # the text typed is not the area to be saved
            problems.append(
                Problem(
                    "area",
                    f"No admin area is called '{self.area.currentText().strip()}'; "
                    "choose one from the list (type a few letters, then Enter).",
                )
            )
        return problems

    def _check_live(self) -> None:
        problems = self._check_draft(self.draft())
        if not self._tried_save:  # before a save attempt, only judge fields already typed
            typed = {
                "latitude",
                "longitude",
                "time_local",
                "date_start",
                "date_end",
                "location_precision",
                "source_published",
                "area",
            }
            problems = [p for p in problems if p.field in typed]
        self.show_problems(problems)

    # ---- warnings: possible, but worth a second look; a second Save keeps them
    def _update_warnings(self) -> None:
        if not self._loading:
            self._show_warnings()

    def _show_warnings(self) -> None:
        self.warnings = date_warnings(self.draft(), self.date_start.order)
        about_date = [w.message for w in self.warnings if w.field == "date_start"]
        self.date_warning.setText("\n".join(about_date))
        self._warning_form.setRowVisible(self.date_warning, bool(about_date))
        mark_warning(self.date_start, "\n".join(about_date) or None)
        for i, row in enumerate(self.sources.rows):
            message = next(
                (w.message for w in self.warnings if w.field == "source_published" and w.row == i),
                None,
            )
            row.warn("source_published", message)

    def focus_first_problem(self) -> None:
        if not self.problems:
            return
        p = self.problems[0]
        widget = self.fields.get(p.field)
        if widget is None and p.field in ROW_FIELDS:
            rows = getattr(self, ROW_FIELDS[p.field]).rows
            if p.row is not None and p.row < len(rows):
                widget = rows[p.row].fields.get(p.field)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            edit = widget if isinstance(widget, QLineEdit) else None
            if isinstance(widget, QComboBox) and widget.isEditable():
                edit = widget.lineEdit()
            if edit is not None:
                edit.selectAll()  # typing replaces what was wrong
