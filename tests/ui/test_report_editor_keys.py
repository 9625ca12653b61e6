"""Ctrl+B and Ctrl+I in the report editor apply to the very next letters typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt

from sitrep.store import Project
from sitrep.ui.report_editor import ReportEditor
from sitrep.ui.rich_text import document_to_markup
from tests.reporting import scenario

CTRL = Qt.KeyboardModifier.ControlModifier


def test_bold_and_italic_keys_take_effect_at_once(project: Project, qtbot: Any) -> None:
    scenario.build(project)
    editor = ReportEditor(
        project,
        today=dt.date(2025, 6, 11),
        ask_path=lambda _p, _s: None,
        open_file=lambda _p: None,
    )
    qtbot.addWidget(editor)
    editor.show()
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    editor.region.setCurrentIndex(editor.region.findText("Kachin (state/region)"))
    assert editor.new_report() is not None
    editor.section_list.setCurrentRow(1)
    editor.text.setFocus()
    # no pause anywhere: a typist goes straight on after the shortcut
    qtbot.keyClicks(editor.text, "Fighting ")
    qtbot.keyClick(editor.text, Qt.Key.Key_B, CTRL)
    assert editor.bold_button.isChecked()
    qtbot.keyClicks(editor.text, "intensified")
    qtbot.keyClick(editor.text, Qt.Key.Key_B, CTRL)
    qtbot.keyClicks(editor.text, " near ")
    qtbot.keyClick(editor.text, Qt.Key.Key_I, CTRL)
    qtbot.keyClicks(editor.text, "Hpakant")
    qtbot.keyClick(editor.text, Qt.Key.Key_I, CTRL)
    qtbot.keyClicks(editor.text, ".")
    assert document_to_markup(editor.text.document()) == (
        "Fighting **intensified** near *Hpakant*."
    )
