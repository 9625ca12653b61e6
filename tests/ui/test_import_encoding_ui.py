"""The import wizard shows how a file's text was decoded before anything is saved, and
lets the user choose another encoding (issue 12, item 4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel

from sitrep.store import Project
from sitrep.ui.import_wizard import PAGE_CHECK, PAGE_DONE
from tests.interchange.fixtures import ACLED_CURRENT_ROWS, write_acled
from tests.interchange.helpers import by_external, incident_count
from tests.ui.test_import_export_ui import next_page, wizard_for


def test_a_guessed_encoding_is_shown_and_the_user_chooses_cyrillic(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    rows = [dict(ACLED_CURRENT_ROWS[0], location="Київ", notes="Обстріл біля Києва")]
    path = write_acled(tmp_path / "kyiv.csv", rows, encoding="cp1251")
    wizard = wizard_for(qtbot, project, path)
    wizard.file_page.path_edit.setText(str(path))
    next_page(qtbot, wizard)
    shown = wizard.findChild(QLabel, "detectedEncoding")
    assert "(a guess: the file is not UTF-8)" in shown.text()
    combo = wizard.findChild(QComboBox, "encodingCombo")
    combo.setFocus()
    qtbot.keyClicks(combo, "Cyr")
    assert combo.currentData() == "cp1251"
    assert shown.text().startswith("cp1251 (chosen). Read like this: Київ")
    assert wizard.table is not None and wizard.table.rows[0][1][21] == "Київ"
    next_page(qtbot, wizard)
    assert wizard.currentId() == PAGE_CHECK
    assert incident_count(project) == 0  # nothing saved before the user said Import
    next_page(qtbot, wizard)
    assert wizard.currentId() == PAGE_DONE
    assert by_external(project, "acled", "MMR1001").place_name == "Київ"


def test_a_mostly_utf8_file_shows_its_first_bad_place_before_the_check(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    rows = [dict(r, location=name) for r, name in zip(ACLED_CURRENT_ROWS, ["Sông Cầu", "Lone Khin", "Bhamo"], strict=False)]  # fmt: skip
    path = write_acled(tmp_path / "mostly.csv", rows)
    data = path.read_bytes()
    at = data.index(b"Lone Khin")
    path.write_bytes(data[:at] + b"Lone Kh\xefn" + data[at + 9 :])
    wizard = wizard_for(qtbot, project, path)
    wizard.file_page.path_edit.setText(str(path))
    next_page(qtbot, wizard)
    text = wizard.findChild(QLabel, "detectedEncoding").text()
    assert text.startswith("UTF-8 with 1 invalid byte sequences")
    assert f"row 3, column 'location': byte 0xEF at byte offset {at + 7}" in text
    next_page(qtbot, wizard)
    report = wizard.check_page.report
    cells = [report.item(0, c).text() for c in range(4)]
    assert cells[:3] == ["3", "location", "error"]
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    wizard.check_page.skip.setFocus()
    qtbot.keyClick(wizard.check_page.skip, Qt.Key.Key_Space)
    next_page(qtbot, wizard)
    assert incident_count(project) == 2
