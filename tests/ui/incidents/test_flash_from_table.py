"""Selected rows of the incident table become a flash update in the report editor."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from sitrep.model import Report
from sitrep.model.enums import ReportKind
from sitrep.store import Project
from sitrep.ui.incident_table import COL_TITLE
from sitrep.ui.panes import PaneFactories
from sitrep.ui.report_editor import ReportEditor
from tests.reporting import docx_read, scenario


def test_flash_update_from_selected_rows(
    qtbot: Any, project: Project, make_window: Any, tmp_path: Path
) -> None:
    project.set_setting("organisation", "Kachin Relief Network")
    scenario.build(project)
    out = tmp_path / "flash.docx"

    def editor(p: Project) -> ReportEditor:
        return ReportEditor(
            p,
            today=dt.date(2025, 6, 11),
            ask_path=lambda _parent, _suggested: str(out),
            open_file=lambda _path: None,
        )

    window = make_window(project, panes=PaneFactories(report_editor=editor))
    table, model = window.table, window.model
    assert not window.flash_action.isEnabled()
    titles = {model.data(model.index(r, COL_TITLE)): r for r in range(model.rowCount())}
    first = titles["Blast at a jade-mining site"]
    second = titles["Second blast at a mining site"]
    for row, modifier in (
        (first, Qt.KeyboardModifier.NoModifier),
        (second, Qt.KeyboardModifier.ControlModifier),
    ):
        rect = table.visualRect(model.index(row, COL_TITLE))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())
    assert len(window.selected_ids()) == 2 and window.flash_action.isEnabled()
    assert window.flash_action in table.actions()  # also on the table's context menu
    window.flash_action.trigger()
    pane = window.report_pane
    assert isinstance(pane, ReportEditor)
    assert window.tabs.currentWidget() is pane
    assert pane.flash_label.isVisible() and pane.flash_label.text().count("TST-") == 2
    with project.session() as s:
        report = s.get_one(Report, pane.report_id)
        assert report.kind == ReportKind.FLASH and len(report.incident_ids) == 2
        assert report.title == "Myanmar: Hpakant Township – Flash Update No. 1"
    # choosing the same rows again opens the same flash update
    window.tabs.setCurrentIndex(0)
    window.flash_action.trigger()
    assert "is about these incidents: opened it" in pane.message.text()
    qtbot.mouseClick(pane.generate_button, Qt.MouseButton.LeftButton)
    assert pane.last_result is not None  # the click returns once the document is written
    assert pane.last_error == ""
    doc = docx_read.open_docx(out)
    assert "What happened" in docx_read.headings(doc)
    assert len(docx_read.headings(doc, 3)) == 2
