"""File > Import… / Export… and Help > About from the main window."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from sitrep.store import Project
from sitrep.ui.export_dialog import FlatExportDialog
from sitrep.ui.import_wizard import ImportWizard
from tests.interchange.fixtures import write_acled


def test_import_from_the_file_menu_fills_the_table(
    qtbot: Any, project: Project, make_window: Any, tmp_path: Path
) -> None:
    window = make_window(project)
    assert window.model.rowCount() == 0
    path = write_acled(tmp_path / "acled.csv")
    file_menu = window.menuBar().actions()[0].menu()
    assert window.import_action in file_menu.actions()
    assert window.export_action in file_menu.actions()

    def drive() -> None:
        wizard = QApplication.activeModalWidget()
        assert isinstance(wizard, ImportWizard)
        wizard.file_page.path_edit.setText(str(path))
        for _ in range(3):
            wizard.next()
        wizard.accept()

    QTimer.singleShot(0, drive)
    window.import_action.trigger()
    qtbot.waitUntil(lambda: window.model.rowCount() == 3)

    out = tmp_path / "out.xlsx"

    def export() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, FlatExportDialog)
        dialog.format.setCurrentIndex(dialog.format.findData("xlsx"))
        dialog.path.setText(str(out))
        dialog.save_button.click()

    QTimer.singleShot(0, export)
    window.export_action.trigger()
    # what was imported comes back as typed cells: dates as dates, figures as numbers
    sheet = load_workbook(out, read_only=True)["Incidents"]
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    by_id = {r[header.index("external_ids")]: dict(zip(header, r, strict=True)) for r in rows}
    assert sorted(by_id) == ["acled:MMR1001", "acled:MMR1002", "acled:MMR1003"]
    first = by_id["acled:MMR1001"]
    assert first["date_start"] == dt.datetime(2024, 3, 5)
    assert first["killed"] == 4 and isinstance(first["killed"], int)
    assert first["latitude"] == 25.6128 and first["place_name"] == "Hpakant"
    assert first["civilian_targeting"] == "no"


def test_about_box_shows_the_attributions(qtbot: Any, project: Project, make_window: Any) -> None:
    window = make_window(project)
    seen: list[str] = []

    def read() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.accept()

    QTimer.singleShot(0, read)
    window.show_about()
    assert "GeoNames" in seen[0] and "CC BY 4.0" in seen[0] and "Natural Earth" in seen[0]
