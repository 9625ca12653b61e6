"""The import wizard and export dialog, driven as a user drives them."""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMetaObject, Qt, QTimer
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton, QTableWidget, QWizard

from sitrep.errors import SitrepError
from sitrep.interchange.importer import import_file
from sitrep.model import Dataset, Incident
from sitrep.model.harm import Unrecorded
from sitrep.store import Project
from sitrep.ui.export_dialog import ExportDialog
from sitrep.ui.import_wizard import PAGE_CHECK, PAGE_DONE, PAGE_MAPPING, ImportWizard
from sitrep.ui.long_task import run_cancellable
from tests.interchange.fixtures import ACLED_CURRENT_ROWS, write_acled, write_csv
from tests.interchange.helpers import incident_count


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
    saved = second.mapping_page.saved
    assert saved.findText("Partner A") > 0


def test_cancel_rolls_back(qtbot: Any, project: Project, tmp_path: Path) -> None:
    rows = [dict(ACLED_CURRENT_ROWS[0], event_id_cnty=f"X{i}") for i in range(4500)]
    path = write_acled(tmp_path / "big.csv", rows)
    dialogs: list[Any] = []

    def work(progress: Any) -> Any:
        def slow(done: int, total: int, phase: str) -> bool:
            if done >= 2000:
                # as if the user clicked Cancel: delivered in the UI thread
                button = dialogs[0].findChild(QPushButton)
                QMetaObject.invokeMethod(button, "click", Qt.ConnectionType.QueuedConnection)
                time.sleep(0.3)  # let the UI thread deliver the cancel
            return progress(done, total, phase)

        return import_file(project, path, progress=slow)

    from sitrep.interchange.importer import ImportCancelled

    with pytest.raises(ImportCancelled):
        run_cancellable(None, "Importing", work, on_dialog=dialogs.append)
    assert incident_count(project) == 0


def test_errors_in_the_worker_reach_the_caller(qtbot: Any) -> None:
    def fail(progress: Any) -> None:
        progress(1, 2, "x")
        raise SitrepError("bad file")

    with pytest.raises(SitrepError, match="bad file"):
        run_cancellable(None, "Working", fail)


def test_export_dialog_filters_and_writes(qtbot: Any, project: Project, tmp_path: Path) -> None:
    import_file(project, write_acled(tmp_path / "a.csv"))
    out = tmp_path / "out.csv"
    dialog = ExportDialog(project, choose_output=lambda _p, _s: str(out))
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


def test_export_dialog_xlsx_suffix(qtbot: Any, project: Project, tmp_path: Path) -> None:
    dialog = ExportDialog(project, choose_output=lambda _p, _s: None)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "x.csv"))
    dialog.format.setCurrentIndex(dialog.format.findData("xlsx"))
    assert dialog.path.text().endswith("x.xlsx")
    assert isinstance(dialog.findChild(QComboBox), QComboBox)
    assert isinstance(dialog.findChild(QLineEdit), QLineEdit)


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
        assert isinstance(dialog, ExportDialog)
        dialog.format.setCurrentIndex(dialog.format.findData("geojson"))
        dialog.path.setText(str(out))
        dialog.save_button.click()

    from sitrep.places.regions import resolve_region
    from sitrep.store.queries import IncidentFilter

    with project.session() as s:
        flt = IncidentFilter(region=resolve_region(s, "Kachin"), event_types=("Battles",))
    QTimer.singleShot(0, drive_export)
    assert run_export(None, project, flt) == 1
    assert out.exists()


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
    dialog = ExportDialog(project, choose_output=lambda _p, _s: str(out))
    qtbot.addWidget(dialog)
    dialog.show()
    count = dialog.findChild(QLabel, "exportCount")
    level = dialog.findChild(QComboBox, "exportLevel")
    assert level.currentText() == "Internal"  # restricted never leaves by accident
    assert count.text() == "3 incidents will be exported."
    level.setFocus()
    qtbot.keyClicks(level, "Pa")
    assert level.currentText() == "Partner"
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
    dialog = ExportDialog(project, choose_output=lambda _p, _s: None)
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
