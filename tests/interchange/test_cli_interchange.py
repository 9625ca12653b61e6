"""``sitrep import/export/places/boundaries`` as a user runs them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from sitrep.cli import main
from sitrep.store import open_project
from tests.interchange.fixtures import ACLED_CURRENT_ROWS, write_acled
from tests.interchange.helpers import incident_count


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    path = tmp_path / "p.sitrep"
    assert main(["new", str(path)]) == 0
    return path


def count(path: Path) -> int:
    project = open_project(path)
    try:
        return incident_count(project)
    finally:
        project.close()


def test_import_dry_run_then_import_then_reimport(
    project_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_acled(tmp_path / "acled.csv")
    assert main(["import", str(project_file), str(data), "--dry-run"]) == 0
    assert "Dry run: 3 rows read (acled): 3 incidents would be added" in capsys.readouterr().out
    assert count(project_file) == 0
    assert main(["import", str(project_file), str(data)]) == 0
    assert "3 incidents were added" in capsys.readouterr().out
    assert main(["import", str(project_file), str(data), "--format", "acled"]) == 0
    assert "0 incidents were added, 0 updated, 3 unchanged" in capsys.readouterr().out
    assert count(project_file) == 3


def test_invalid_rows_exit_1_unless_skipped(
    project_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [dict(r) for r in ACLED_CURRENT_ROWS]
    rows[1]["latitude"] = "999"
    data = write_acled(tmp_path / "bad.csv", rows)
    report = tmp_path / "report.csv"
    assert main(["import", str(project_file), str(data), "--report", str(report)]) == 1
    err = capsys.readouterr().err
    assert "row 3, latitude" in err and "nothing was imported" in err
    assert count(project_file) == 0
    code = main(
        ["import", str(project_file), str(data), "--skip-invalid", "--report", str(report)]
    )
    assert code == 0 and count(project_file) == 2
    with report.open(encoding="utf-8-sig", newline="") as fh:
        assert [(r["row"], r["column"]) for r in csv.DictReader(fh) if r["row"]] == [
            ("3", "latitude")
        ]


def test_map_and_set_options_for_a_partner_file(
    project_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "partner.csv"
    data.write_text("No,Day,Where,Y,X\n7,2025-06-03,Hpakant,25.6128,96.3121\n", encoding="utf-8")
    args = [
        "import",
        str(project_file),
        str(data),
        "--map",
        "external_id=No",
        "--map",
        "date_start=Day",
    ]
    args += ["--map", "place_name=Where", "--map", "latitude=Y", "--map", "longitude=X"]
    args += ["--set", "sub_event_type=Armed clash", "--scheme", "partner"]
    assert main(args) == 0
    assert count(project_file) == 1
    assert main(["import", str(project_file), str(data), "--set", "colour=red"]) == 1
    assert "FIELD being one of" in capsys.readouterr().err


def test_export_formats_and_filters(
    project_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["import", str(project_file), str(write_acled(tmp_path / "a.csv"))])
    out = tmp_path / "k.geojson"
    assert main(["export", str(project_file), str(out), "--region", "Kachin"]) == 0
    assert len(json.loads(out.read_text())["features"]) == 3
    out = tmp_path / "k.csv"
    args = ["export", str(project_file), str(out), "--format", "acled", "--type", "Battles"]
    assert main(args) == 0
    assert "Exported 1 incidents" in capsys.readouterr().out
    assert (
        main(["export", str(project_file), str(tmp_path / "x.xlsx"), "--from", "2024-03-08"]) == 0
    )
    assert "Exported 2 incidents" in capsys.readouterr().out
    assert main(["export", str(project_file), str(out), "--region", "Atlantis"]) == 1


def test_places_and_boundaries_import(
    project_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    towns = tmp_path / "towns.csv"
    towns.write_text(
        "name,name_my,latitude,longitude,admin1,admin1_pcode\n"
        "Hpakant,ဖားကန့်,25.6138,96.31482,Kachin,MMR001\n",
        encoding="utf-8",
    )
    assert main(["places", "import", str(project_file), str(towns)]) == 0
    assert "1 places added" in capsys.readouterr().out
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"ADM1_EN": "Kachin", "ADM1_PCODE": "MMR001"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[95, 24], [98, 24], [98, 28], [95, 28], [95, 24]]],
                },
            }
        ],
    }
    bounds = tmp_path / "adm1.geojson"
    bounds.write_text(json.dumps(fc))
    assert main(["boundaries", "import", str(project_file), str(bounds)]) == 0
    assert "1 given boundaries" in capsys.readouterr().out
    assert main(["boundaries", "import", str(project_file), str(tmp_path / "none.shp")]) == 1
    assert main(["boundaries", "assign", str(project_file)]) == 0
    assert "0 incidents placed" in capsys.readouterr().out


def test_assign_without_boundaries_is_a_user_error(
    project_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["boundaries", "assign", str(project_file)]) == 1
    assert "no admin boundaries yet" in capsys.readouterr().err
