"""Every date field outside the incident form takes the date typed, the same three ways.

The filter bar, the report editor and the export dialog used ``QDateEdit`` sections
that kept typing in whichever section a click landed in. Each is typed into here
after a click, after select-all and after Tab, and what it then uses is read back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget

from sitrep.model import Report
from sitrep.store import Project
from sitrep.ui.date_field import DateField
from sitrep.ui.export_dialog import FlatExportDialog
from sitrep.ui.filter_bar import CUSTOM, FilterBar
from sitrep.ui.marks import is_marked
from sitrep.ui.report_editor import ReportEditor
from tests.reporting import scenario

JUNE_12 = dt.date(2025, 6, 12)
HOWS = ["click", "select-all", "tab"]
FORMS = ["2025-06-12", "20250612", "12 June 2025", "12/06/2025"]


@pytest.fixture(autouse=True)
def day_first() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield
    QLocale.setDefault(before)


def type_date(qtbot: Any, field: DateField, before: QWidget, how: str, text: str) -> None:
    """Type ``text`` into ``field`` as a person does, then leave it with Tab."""
    if how == "tab":
        before.setFocus()
        qtbot.keyClick(before, Qt.Key.Key_Tab)
    else:
        qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=QPoint(field.width() // 2, 6))
        if how == "select-all":
            qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is field
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Tab)


# --------------------------------------------------------------------------- filter bar


@pytest.fixture
def bar(qtbot: Any) -> FilterBar:
    widget = FilterBar([], ["Battles"], today=lambda: dt.date(2025, 6, 15), text_delay_ms=0)
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    widget.period.setFocus()
    qtbot.keyClicks(widget.period, "Cu")  # Custom…
    assert widget.period.currentData() == CUSTOM
    return widget


@pytest.mark.parametrize("how", HOWS)
def test_filter_bar_takes_the_date_typed(qtbot: Any, bar: FilterBar, how: str) -> None:
    for text in FORMS:
        bar.date_from.setDate(dt.date(2025, 1, 1))
        with qtbot.waitSignal(bar.filterChanged) as changed:
            type_date(qtbot, bar.date_from, bar.period, how, text)
        assert changed.args[0].date_from == JUNE_12, text
        assert bar.date_from.text() == "2025-06-12"


def test_filter_bar_marks_an_unreadable_date_and_keeps_its_filter(
    qtbot: Any, bar: FilterBar
) -> None:
    before = bar.current_filter()
    with qtbot.assertNotEmitted(bar.filterChanged):
        type_date(qtbot, bar.date_to, bar.date_from, "select-all", "31/06/2025")
    assert is_marked(bar.date_to) and "June 2025 has no day 31" in bar.date_to.toolTip()
    assert bar.current_filter() == before


# --------------------------------------------------------------------------- report editor


@pytest.fixture
def editor(project: Project, qtbot: Any) -> ReportEditor:
    scenario.build(project)
    widget = ReportEditor(
        project,
        today=dt.date(2025, 6, 15),
        ask_path=lambda _parent, _suggested: None,
        open_file=lambda _path: None,
    )
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    widget.region.setCurrentIndex(widget.region.findText("Kachin (state/region)"))
    return widget


@pytest.mark.parametrize("how", HOWS)
def test_report_period_is_the_period_typed(
    qtbot: Any, editor: ReportEditor, project: Project, how: str
) -> None:
    for text in FORMS:
        editor.set_period(dt.date(2025, 6, 1), dt.date(2025, 6, 30))
        type_date(qtbot, editor.date_to, editor.date_from, how, text)
        assert editor.period() == (dt.date(2025, 6, 1), JUNE_12), text
    report_id = editor.new_report()
    assert report_id is not None
    with project.session() as s:
        report = s.get_one(Report, report_id)
        assert (report.period_from, report.period_to) == (dt.date(2025, 6, 1), JUNE_12)


def test_report_editor_refuses_an_unreadable_period(
    qtbot: Any, editor: ReportEditor, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(editor, "show_error", shown.append)
    type_date(qtbot, editor.date_from, editor.region, "select-all", "2025-13-01")
    assert is_marked(editor.date_from)
    editor.update_figures()
    assert "13 is not a month" in editor.figures_note.text()
    assert editor.new_report() is None and "13 is not a month" in shown[0]
    with project.session() as s:
        assert s.query(Report).count() == 0


# --------------------------------------------------------------------------- export dialog


@pytest.fixture
def dialog(project: Project, qtbot: Any) -> FlatExportDialog:
    scenario.build(project)
    widget = FlatExportDialog(project, choose_output=lambda _p, _s: None)
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


@pytest.mark.parametrize("how", HOWS)
def test_export_period_is_the_period_typed(qtbot: Any, dialog: FlatExportDialog, how: str) -> None:
    assert (dialog.current_filter().date_from, dialog.current_filter().date_to) == (None, None)
    for text in FORMS:
        dialog.date_from.setDate(dt.date(2025, 1, 1))
        type_date(qtbot, dialog.date_from, dialog.region, how, text)
        assert dialog.current_filter().date_from == JUNE_12, text
        assert dialog.save_button.isEnabled()


def test_export_refuses_an_unreadable_date(qtbot: Any, dialog: FlatExportDialog) -> None:
    type_date(qtbot, dialog.date_to, dialog.date_from, "click", "12 Juin 2025")
    assert is_marked(dialog.date_to)
    assert "'Juin' is not the name of a month" in dialog.count.text()
    assert not dialog.save_button.isEnabled()
    dialog.date_to.setFocus()
    qtbot.keyClick(dialog.date_to, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.date_to, Qt.Key.Key_Delete)  # empty: no end to the period
    qtbot.keyClick(dialog.date_to, Qt.Key.Key_Tab)
    assert dialog.current_filter().date_to is None and dialog.save_button.isEnabled()


def test_date_field_keys_and_calendar(qtbot: Any, tmp_path: Path) -> None:
    field = DateField(what="Date")
    qtbot.addWidget(field)
    field.show()
    field.setDate(JUNE_12)
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert field.date() == dt.date(2025, 6, 13)
    qtbot.keyClick(field, Qt.Key.Key_Down)
    qtbot.keyClick(field, Qt.Key.Key_Down)
    assert field.date() == dt.date(2025, 6, 11)
    qtbot.keyClick(field, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert field.popup is not None and field.popup.isVisible()
    calendar = field.popup.calendar
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Right)
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Return)
    assert field.date() == JUNE_12 and not field.popup.isVisible()
