"""The import wizard and export dialog, driven as a user drives them."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton, QTableWidget, QWizard

from sitrep.interchange.importer import import_file
from sitrep.model import Dataset, Incident
from sitrep.model.harm import Unrecorded
from sitrep.store import Project
from sitrep.ui.export_dialog import FlatExportDialog
from sitrep.ui.import_wizard import PAGE_CHECK, PAGE_DONE, PAGE_MAPPING, ImportWizard
from tests.interchange.fixtures import write_acled, write_csv
from tests.interchange.helpers import incident_count


def incident_titles(project: Project) -> list[str]:
    with project.session() as s:
        return sorted(i.title for i in s.query(Incident))


def xlsx_column(path: Path, name: str) -> list[str]:
    """The values of one column of an exported workbook's first sheet, sorted."""
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    col = list(rows[0]).index(name)
    return sorted(str(r[col]) for r in rows[1:])


def wizard_for(qtbot: Any, project: Project, path: Path) -> ImportWizard:
    wizard = ImportWizard(project, choose_file=lambda _p: str(path))
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def next_page(qtbot: Any, wizard: ImportWizard) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_acled_file_detected_checked_and_imported(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    path = write_acled(tmp_path / "acled.csv")
    wizard = wizard_for(qtbot, project, path)
    wizard.file_page.path_edit.setText("")
    qtbot.keyClicks(wizard.file_page.path_edit, str(path))
    next_page(qtbot, wizard)
    assert wizard.findChild(QLabel, "detectedFormat").text() == "ACLED export"
    next_page(qtbot, wizard)  # ACLED needs no mapping: straight to the check
    assert wizard.currentId() == PAGE_CHECK
    summary = wizard.findChild(QLabel, "checkSummary").text()
    assert "3 incidents would be added" in summary
    assert incident_count(project) == 0  # the check is a dry run
    next_page(qtbot, wizard)  # "Import"
    assert wizard.currentId() == PAGE_DONE
    assert "3 incidents were added" in wizard.findChild(QLabel, "doneSummary").text()
    assert incident_count(project) == 3
    with project.session() as s:
        assert {d.name for d in s.query(Dataset)} == {"ACLED"}


def test_partner_csv_mapping_preview_report_and_skip(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    header = ["Ref", "Day", "Village", "Lat", "Lon", "Dead"]
    rows = [
        ["A1", "2025-06-03", "Hpakant", "25.61", "96.31", "2"],
        ["A2", "2025-06-04", "Lone Khin", "95.5", "96.35", "1"],  # bad latitude
        ["A3", "2025-06-05", "Bhamo", "24.26", "97.23", "0"],
    ]
    path = write_csv(tmp_path / "partner.csv", header, rows)
    wizard = wizard_for(qtbot, project, path)
    wizard.file_page.path_edit.setText(str(path))
    next_page(qtbot, wizard)
    assert "CSV file" in wizard.findChild(QLabel, "detectedFormat").text()
    # the data is credited to the partner, as the user types it
    credit = wizard.findChild(QLineEdit, "creditName")
    assert credit.text() == "partner.csv"
    credit.selectAll()
    qtbot.keyClicks(credit, "Partner A field reports")
    qtbot.keyClicks(wizard.findChild(QLineEdit, "creditLicence"), "shared for this response")
    next_page(qtbot, wizard)
    assert wizard.currentId() == PAGE_MAPPING
    preview = wizard.findChild(QTableWidget, "previewTable")
    assert preview.rowCount() == 3 and preview.item(1, 2).text() == "Lone Khin"
    page = wizard.mapping_page
    # guessed: Lat/Lon/Village; the user picks the rest
    assert page.combos["latitude"].currentText() == "Lat"
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert "date" in wizard.findChild(QLabel, "mappingProblems").text()
    page.combos["date_start"].setCurrentIndex(page.combos["date_start"].findText("Day"))
    page.combos["external_id"].setCurrentIndex(page.combos["external_id"].findText("Ref"))
    page.combos["killed"].setCurrentIndex(page.combos["killed"].findText("Dead"))
    qtbot.keyClicks(page.constants["sub_event_type"], "Armed clash")
    qtbot.keyClicks(page.save_name, "Partner A")
    next_page(qtbot, wizard)
    assert wizard.currentId() == PAGE_CHECK
    report = wizard.findChild(QTableWidget, "reportTable")
    assert report.rowCount() == 1
    assert (report.item(0, 0).text(), report.item(0, 1).text()) == ("3", "Lat")
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.check_page.skip.setChecked(True)
    next_page(qtbot, wizard)
    assert wizard.currentId() == PAGE_DONE
    assert incident_count(project) == 2
    with project.session() as s:
        (dataset,) = s.query(Dataset).all()
        assert (dataset.name, dataset.licence) == (
            "Partner A field reports",
            "shared for this response",
        )
        # no injury column: injuries are not recorded for these incidents
        assert {i.dataset_key for i in s.query(Incident)} == {dataset.key}
        assert all(i.harm_unrecorded & Unrecorded.INJURED for i in s.query(Incident))
    # the mapping was saved under its name and is offered next time
    second = wizard_for(qtbot, project, path)
    second.file_page.path_edit.setText(str(path))
    next_page(qtbot, second)
    next_page(qtbot, second)
    page = second.mapping_page
    assert [page.saved.itemText(i) for i in range(page.saved.count())] == ["—", "Partner A"]
    for key in ("date_start", "external_id", "killed"):  # the user starts over…
        page.combos[key].setCurrentIndex(0)
    page.constants["sub_event_type"].clear()
    page.saved.setFocus()
    qtbot.keyClick(page.saved, Qt.Key.Key_Down)  # …then chooses "Partner A"
    chosen = {key: page.combos[key].currentText() for key in ("date_start", "external_id")}
    assert chosen == {"date_start": "Day", "external_id": "Ref"}
    assert page.combos["killed"].currentText() == "Dead"
    assert page.constants["sub_event_type"].text() == "Armed clash"


def test_export_dialog_filters_and_writes(qtbot: Any, project: Project, tmp_path: Path) -> None:
    import_file(project, write_acled(tmp_path / "a.csv"))
    out = tmp_path / "out.csv"
    dialog = FlatExportDialog(project, choose_output=lambda _p, _s: str(out))
    qtbot.addWidget(dialog)
    dialog.show()
    count = dialog.findChild(QLabel, "exportCount")
    assert count.text() == "3 incidents will be exported."
    dialog.event_type.setCurrentIndex(dialog.event_type.findData("Battles"))
    assert count.text() == "1 incidents will be exported."
    dialog.region.setEditText("Atlantis")
    assert "No region called 'Atlantis'" in count.text() and not dialog.save_button.isEnabled()
    dialog.region.setEditText("Kachin State")
    dialog.format.setCurrentIndex(dialog.format.findData("acled"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.written == 1
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["event_id_cnty"] for r in rows] == ["MMR1001"]


def test_export_dialog_xlsx_suffix_and_rows(qtbot: Any, project: Project, tmp_path: Path) -> None:
    import_file(project, write_acled(tmp_path / "a.csv"))
    dialog = FlatExportDialog(project, choose_output=lambda _p, _s: None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path.setText(str(tmp_path / "x.csv"))
    dialog.format.setCurrentIndex(dialog.format.findData("xlsx"))
    assert dialog.path.text() == str(tmp_path / "x.xlsx")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.written == 3
    assert xlsx_column(tmp_path / "x.xlsx", "title") == incident_titles(project)


def test_menu_helpers_return_what_was_done(qtbot: Any, project: Project, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from sitrep.ui.interchange_actions import run_export, run_import

    path = write_acled(tmp_path / "a.csv")

    def drive_wizard() -> None:
        wizard = QApplication.activeModalWidget()
        assert isinstance(wizard, ImportWizard)
        wizard.file_page.path_edit.setText(str(path))
        for _ in range(3):  # file -> format -> check -> import (done page)
            wizard.next()
        wizard.accept()

    QTimer.singleShot(0, drive_wizard)
    result = run_import(None, project)
    assert result is not None and result.added == 3 and len(result.incident_ids) == 3

    out = tmp_path / "x.geojson"

    def drive_export() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, FlatExportDialog)
        dialog.format.setCurrentIndex(dialog.format.findData("geojson"))
        dialog.path.setText(str(out))
        dialog.save_button.click()

    from sitrep.places.regions import resolve_region
    from sitrep.store.queries import IncidentFilter

    with project.session() as s:
        flt = IncidentFilter(region=resolve_region(s, "Kachin"), event_types=("Battles",))
    QTimer.singleShot(0, drive_export)
    assert run_export(None, project, flt) == 1
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["event_type"] for f in features] == ["Battles"]


def test_export_dialog_asks_the_level_and_withholds_below_internal(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    from sitrep.model.enums import Sensitivity
    from tests.conftest import make_incident

    for level in Sensitivity:
        make_incident(
            project,
            title=f"{level.value} incident",
            narrative=f"Narrative naming {level.value} victims",
            sensitivity=level,
            sensitive_fields=["narrative"],
        )
    out = tmp_path / "out.csv"
    dialog = FlatExportDialog(project, choose_output=lambda _p, _s: str(out))
    qtbot.addWidget(dialog)
    dialog.show()
    count = dialog.findChild(QLabel, "exportCount")
    level_box = dialog.findChild(QComboBox, "exportLevel")
    assert level_box.currentText() == "Internal"  # restricted never leaves by accident
    assert count.text() == "3 incidents will be exported."
    level_box.setFocus()
    qtbot.keyClicks(level_box, "Pa")
    assert level_box.currentText() == "Partner"
    assert count.text() == "2 incidents will be exported."
    assert "withheld" in dialog.findChild(QLabel, "exportLevelHelp").text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["title"] for r in rows) == ["partner incident", "public incident"]
    assert all(r["narrative"].startswith("[withheld]") for r in rows)
    assert "victims" not in out.read_text(encoding="utf-8-sig")


def test_export_dialog_refuses_to_write_over_the_open_project(
    qtbot: Any, project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sitrep.store.targets import is_project_file
    from sitrep.ui import export_dialog

    import_file(project, write_acled(tmp_path / "a.csv"))
    dialog = FlatExportDialog(project, choose_output=lambda _p, _s: None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path.clear()
    qtbot.keyClicks(dialog.path, project.location)  # typed: the project itself
    seen: list[str] = []
    monkeypatch.setattr(
        export_dialog.QMessageBox, "warning", lambda _parent, _title, text: seen.append(text)
    )
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert seen == [
        f"{project.location} is the open project test.sitrep; choose another file name "
        "for the export (nothing was written)."
    ]
    assert dialog.written is None or dialog.written == 0
    assert is_project_file(Path(project.location))
    assert incident_count(project) == 3
    assert not list(tmp_path.glob(".*part*"))


def test_saving_the_validation_report_over_the_project_is_refused(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    from sitrep.store.targets import is_project_file

    path = write_acled(tmp_path / "acled.csv")
    errors: list[str] = []
    wizard = ImportWizard(
        project, choose_file=lambda _p: str(path), choose_report=lambda _p: project.location
    )
    wizard.show_error = lambda exc: errors.append(str(exc))  # type: ignore[method-assign]
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path_edit.setText(str(path))
    while wizard.currentId() != PAGE_CHECK:
        next_page(qtbot, wizard)
    save = next(b for b in wizard.findChildren(QPushButton) if b.text() == "Save report…")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert errors == [
        f"{project.location} is the open project test.sitrep; choose another file name "
        "for the validation report (nothing was written)."
    ]
    assert is_project_file(Path(project.location)) and incident_count(project) == 0
