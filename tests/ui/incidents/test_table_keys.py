"""The incident table from the keyboard: search, Down to the rows, Enter to open."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from sitrep.store import Project
from sitrep.ui.incident_table import COL_SENSITIVITY, COL_TITLE, COLUMNS
from sitrep.ui.main_window import MainWindow
from tests.conftest import make_incident

CTRL = Qt.KeyboardModifier.ControlModifier


def three_shellings(project: Project) -> list[Any]:
    return [
        make_incident(
            project,
            title=f"Shelling of village {n} near the jade mines of Hpakant township",
            date_start=dt.date(2025, 6, n),
            sensitivity=level,
        )
        for n, level in ((3, "public"), (5, "internal"), (7, "restricted"))
    ] + [make_incident(project, title="Arrest in Myitkyina", date_start=dt.date(2025, 6, 9))]


def selected_titles(window: MainWindow) -> list[str]:
    rows = sorted(i.row() for i in window.table.selectionModel().selectedRows())
    return [window.model.index(r, COL_TITLE).data() for r in rows]


def test_search_then_down_selects_the_first_row_and_enter_opens_it(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    made = three_shellings(project)
    window = make_window(project)
    window.table.clearSelection()
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    assert QApplication.focusWidget() is window.filter_bar.text
    qtbot.keyClicks(window.filter_bar.text, "shelling")
    qtbot.keyClick(window.filter_bar.text, Qt.Key.Key_Down)  # no wait for the search delay
    assert QApplication.focusWidget() is window.table
    assert window.model.rowCount() == 3  # the search ran at once
    newest_first = [
        f"Shelling of village {n} near the jade mines of Hpakant township" for n in (7, 5, 3)
    ]
    assert selected_titles(window) == newest_first[:1]  # the first row, not the second
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert selected_titles(window) == newest_first[1:2]
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    qtbot.keyClick(window.table, Qt.Key.Key_Up)
    assert selected_titles(window) == newest_first[1:2]
    qtbot.keyClick(window.table, Qt.Key.Key_End)
    assert selected_titles(window) == newest_first[2:]
    qtbot.keyClick(window.table, Qt.Key.Key_Home)
    assert selected_titles(window) == newest_first[:1]
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    form = window.forms[-1]
    assert form.draft().incident_id == str(made[2].id)


def test_the_first_down_in_the_table_selects_the_first_row(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    three_shellings(project)
    window = make_window(project)
    window.table.clearSelection()
    window.table.setFocus(Qt.FocusReason.TabFocusReason)  # Qt puts its cursor on row 1
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert selected_titles(window) == ["Arrest in Myitkyina"]


def test_title_is_readable_and_sensitivity_shown(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    three_shellings(project)
    window = make_window(project)
    header = window.table.horizontalHeader()
    assert [c.title for c in COLUMNS][:3] == ["Reference", "Date", "Title"]
    assert header.sectionSize(COL_TITLE) >= 240
    assert header.sectionViewportPosition(COL_TITLE) + header.sectionSize(COL_TITLE) <= (
        window.table.viewport().width()
    )  # the whole title column is on screen
    shown = {
        window.model.index(r, COL_TITLE).data(): window.model.index(r, COL_SENSITIVITY).data()
        for r in range(window.model.rowCount())
    }
    assert shown["Shelling of village 7 near the jade mines of Hpakant township"] == "restricted"
    assert shown["Shelling of village 3 near the jade mines of Hpakant township"] == "public"
    assert "Not sortable" in window.model.headerData(
        COL_SENSITIVITY, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )


def test_undo_labels_keep_references_as_written(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    made = three_shellings(project)
    window = make_window(project)
    window.select_incident(made[0].id)
    form = window.edit_selected()
    assert form is not None
    qtbot.waitUntil(form.isActiveWindow)
    form.title.setFocus()
    qtbot.keyClicks(form.title, " (revised)")
    with qtbot.waitSignal(form.saved):
        qtbot.keyClick(form.title, Qt.Key.Key_S, CTRL)
    assert window.undo_action.text() == f"&Undo Edit of {made[0].reference}"
    assert made[0].reference.startswith("TST-2025-")  # upper case, as written
