"""Spreadsheet formula injection: imported text never becomes a live formula on export."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from sitrep.interchange.cells import TRIGGERS, guard, unguard
from sitrep.interchange.exporters import export_incidents
from sitrep.interchange.importer import import_file
from sitrep.model import Incident
from sitrep.store import Project, create_project
from tests.conftest import make_incident

PAYLOADS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTabbed",
    "\rReturned",
]


@pytest.fixture
def hostile(project: Project) -> Project:
    for i, text in enumerate(PAYLOADS):
        make_incident(
            project,
            title=text,
            narrative=text,
            place_name=text,
            lat=-12.5,
            lon=-45.25,
            sources=[{"name": text}],
            reference=f"TST-2025-{i + 1:04d}",
        )
    return project


def cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize("fmt", ["csv", "hxl", "acled"])
def test_csv_formats_write_no_cell_a_spreadsheet_would_evaluate(
    hostile: Project, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"x.{fmt}.csv"
    export_incidents(hostile, out, fmt)
    rows = cells(out)
    for row in rows[1:]:
        for cell in row:
            if cell.startswith(TRIGGERS):
                float(cell)  # only numbers (negative coordinates) may start so
    assert any(cell == "-12.5" for row in rows for cell in row)
    assert any(cell == "'" + PAYLOADS[0] for row in rows for cell in row)


@pytest.mark.parametrize("fmt", ["csv", "hxl"])
def test_round_trip_through_our_importer_gives_the_text_back(
    hostile: Project, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"x.{fmt}.csv"
    export_incidents(hostile, out, fmt)
    again = create_project(tmp_path / "again.sitrep", user="t")
    import_file(again, out)
    with again.session() as s:
        titles = sorted(s.scalars(select(Incident.title)))
    # the importer trims surrounding whitespace (tab, CR) of every cell; the rest is exact
    assert titles == sorted(t.strip() for t in PAYLOADS)
    again.close()


def test_xlsx_text_cells_are_strings_never_formulas(hostile: Project, tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    export_incidents(hostile, out, "xlsx")
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    from openpyxl import load_workbook

    ws = load_workbook(out).active
    values = {c.value for row in ws.iter_rows(min_row=2) for c in row}
    assert PAYLOADS[0] in values  # the text itself, shown as text
    assert -12.5 in values  # numbers stay numbers


def test_guard_and_unguard() -> None:
    for text in [*PAYLOADS, "plain", "-12.5", "'quoted", ""]:
        assert unguard(guard(text)) == text
    assert guard("-12.5") == "-12.5" and guard("=1") == "'=1"
