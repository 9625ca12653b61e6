"""ACLED import: current and old formats, dates, taxonomy, harm, precision, re-import."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sitrep.errors import SitrepError
from sitrep.interchange.importer import ImportCancelled, ImportRejected, import_file
from sitrep.model import AdminArea, AuditEntry
from sitrep.model.enums import (
    Affiliation,
    DatePrecision,
    LocationPrecision,
    Outcome,
    SourceType,
)
from sitrep.model.harm import Unrecorded
from sitrep.store import Project
from tests.interchange.fixtures import (
    ACLED_CURRENT_ROWS,
    OLD_COLUMNS,
    old_row,
    write_acled,
    write_acled_old,
    write_csv,
)
from tests.interchange.helpers import actors_of, by_external, incident_count


@pytest.fixture
def project(project_db: Project) -> Project:
    """Every test here runs on a project file and on PostgreSQL (tests/conftest.py)."""
    return project_db


def test_current_format_maps_every_field(project: Project, tmp_path: Path) -> None:
    result = import_file(project, write_acled(tmp_path / "acled.csv"))
    assert (result.format, result.added, result.updated, result.unchanged) == ("acled", 3, 0, 0)

    clash = by_external(project, "acled", "MMR1001")
    assert clash.date_start == clash.date_end == dt.date(2024, 3, 5)
    assert (clash.event_type, clash.sub_event_type) == ("Battles", "Armed clash")
    assert clash.place_name == "Hpakant"
    assert (clash.lat, clash.lon) == (25.6128, 96.3121)
    assert clash.country_iso == "MMR"
    assert clash.killed == 4 and clash.civilians_killed == 0
    assert [(c.outcome, c.affiliation, c.low, c.best, c.high) for c in clash.casualties] == [
        (Outcome.KILLED, Affiliation.UNKNOWN, 4, 4, 4)
    ]
    assert actors_of(clash) == {
        ("Military Forces of Myanmar (2021-)", "side A", 1),
        ("Police Forces of Myanmar (2021-)", "associated with side A", 0),
        ("KIA: Kachin Independence Army", "side B", 2),
    }
    assert [s.name for s in clash.sources] == ["Kachin News Group", "Myitkyina News Journal"]
    assert clash.sources[0].source_type is SourceType.LOCAL_MEDIA
    assert clash.narrative.startswith("On 5 March 2024")
    # the file spells the state "Kachin" and "Kachin State": one area, named with its kind
    assert (clash.admin1.name, clash.admin2.name, clash.admin3.name) == (
        "Kachin State",
        "Mohnyin",
        "Hpakant",
    )
    assert clash.admin2.parent_id == clash.admin1.id and clash.admin3.parent_id == clash.admin2.id

    strike = by_external(project, "acled", "MMR1002")
    # inter codes given as names, civilian targeting, precision codes converted
    assert ("Military Forces of Myanmar (2021-)", "side A", 1) in actors_of(strike)
    assert ("Civilians (Myanmar)", "side B", 7) in actors_of(strike)
    # ACLED does not say who the 3 were: counted as killed, the civilian share not recorded
    assert strike.civilian_targeting and strike.killed == 3 and strike.civilians_killed == 0
    assert strike.harm_unrecorded & Unrecorded.CIVILIANS
    assert strike.dataset_key == "acled"
    assert not any(s.graded for s in strike.sources)
    assert strike.date_precision is DatePrecision.WEEK
    assert strike.location_precision is LocationPrecision.NEAR
    assert strike.narrative == "Air strike on a village;\nthree civilians killed."
    # "Kachin State" and "kachin state" are the area "Kachin"
    protest = by_external(project, "acled", "MMR1003")
    assert strike.admin1_id == protest.admin1_id == clash.admin1_id
    assert protest.killed == 0 and protest.casualties == []
    assert protest.sources[0].source_type is SourceType.PARTNER
    with project.session() as s:
        assert s.scalar(select(func.count()).where(AdminArea.level == 1)) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-01-02T00:00:00Z", dt.date(2021, 1, 2)),
        ("13 November 2020", dt.date(2020, 11, 13)),
        ("01-January-2015", dt.date(2015, 1, 1)),
        ("2019-07-30", dt.date(2019, 7, 30)),
    ],
)
def test_acled_date_formats(
    project: Project, tmp_path: Path, text: str, expected: dt.date
) -> None:
    rows = [dict(ACLED_CURRENT_ROWS[0], event_date=text)]
    import_file(project, write_acled(tmp_path / "a.csv", rows))
    assert by_external(project, "acled", "MMR1001").date_start == expected


def test_old_format_upper_case_crlf_multiline_and_old_types(
    project: Project, tmp_path: Path
) -> None:
    path = write_acled_old(tmp_path / "old.csv")
    assert b"\r\n" in path.read_bytes()
    result = import_file(project, path)
    assert result.added == 6 and not result.errors
    first = by_external(project, "acled", "MMR1")
    assert first.date_start == dt.date(2015, 1, 1)
    assert (first.event_type, first.sub_event_type) == ("Battles", "Armed clash")
    assert (
        first.narrative == "Fighting.\r\nTwo killed."
        or first.narrative == "Fighting.\nTwo killed."
    )
    air = by_external(project, "acled", "MMR2")
    assert (air.event_type, air.sub_event_type) == (
        "Explosions/Remote violence",
        "Air/drone strike",
    )
    unclear = by_external(project, "acled", "MMR3")
    assert unclear.sub_event_type == "Shelling/artillery/missile attack"
    vac = by_external(project, "acled", "MMR4")
    assert (vac.event_type, vac.sub_event_type) == (
        "Violence against civilians",
        "Abduction/forced disappearance",
    )
    assert ("Pyu Saw Htee militia", "associated with side A", 0) in actors_of(vac)
    assert vac.civilian_targeting and vac.killed == 2 and vac.civilians_killed == 0
    assert vac.harm_unrecorded & Unrecorded.CIVILIANS
    protest = by_external(project, "acled", "MMR5")
    assert (protest.event_type, protest.sub_event_type) == ("Protests", "Peaceful protest")
    arrest = by_external(project, "acled", "MMR6")
    assert (arrest.event_type, arrest.sub_event_type) == ("Strategic developments", "Arrests")
    # the notes say what was mapped, and what had to be defaulted
    text = "\n".join(result.notes)
    assert "old ACLED type 'Remote violence' imported as Explosions/Remote violence / Air" in text
    assert "1 rows of old ACLED type 'Remote violence' had no sub-event type" in text
    assert "'Violence Against Civilians'" in text


def test_riots_in_old_format_become_riots(project: Project, tmp_path: Path) -> None:
    rows = [
        old_row("BGD1", "01-January-2015", "Riots/Protests", "x", ACTOR1="Rioters (Bangladesh)")
    ]
    import_file(project, write_acled_old(tmp_path / "r.csv", rows))
    riot = by_external(project, "acled", "BGD1")
    assert (riot.event_type, riot.sub_event_type) == ("Riots", "Violent demonstration")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_encodings(project: Project, tmp_path: Path, encoding: str) -> None:
    rows = [dict(ACLED_CURRENT_ROWS[0], location="Sông Cầu" if encoding != "cp1252" else "Côte’s")]
    path = write_acled(tmp_path / "e.csv", rows, encoding=encoding)
    import_file(project, path)
    expected = "Sông Cầu" if encoding != "cp1252" else "Côte’s"
    assert by_external(project, "acled", "MMR1001").place_name == expected


def test_semicolon_and_tab_dialects(project: Project, tmp_path: Path) -> None:
    write_acled(tmp_path / "semi.csv", ACLED_CURRENT_ROWS[:1], delimiter=";")
    write_acled(tmp_path / "tab.txt", ACLED_CURRENT_ROWS[1:2], delimiter="\t")
    assert import_file(project, tmp_path / "semi.csv").added == 1
    assert import_file(project, tmp_path / "tab.txt").added == 1
    assert by_external(project, "acled", "MMR1001").sources[1].name == "Myitkyina News Journal"


BAD_CASES = [
    ("event_date", "31 Febtober 2020", "event_date", "not a date"),
    ("event_date", "", "event_date", "empty"),
    ("latitude", "95.1", "latitude", "outside -90..90"),
    ("longitude", "east", "longitude", "not a number"),
    ("fatalities", "two", "fatalities", "not a number"),
    ("fatalities", "-1", "fatalities", "whole number"),
    ("fatalities", "", "fatalities", "missing"),
    ("event_type", "Earthquakes", "event_type", "unknown ACLED event type"),
    ("sub_event_type", "Ambush", "sub_event_type", "unknown ACLED sub-event type"),
    ("event_id_cnty", "", "event_id_cnty", "id is missing"),
    ("event_date", "2999-01-01", "event_date", "in the future"),
    ("sub_event_type", "Arrests", "sub_event_type", "belongs to"),
    ("time_precision", "x", "time_precision", "not 1, 2 or 3"),
]


@pytest.mark.parametrize(("column", "value", "reported", "reason"), BAD_CASES)
def test_bad_row_refuses_whole_file_and_is_reported(
    project: Project, tmp_path: Path, column: str, value: str, reported: str, reason: str
) -> None:
    rows = [dict(r) for r in ACLED_CURRENT_ROWS]
    rows[1][column] = value
    path = write_acled(tmp_path / "bad.csv", rows)
    report = tmp_path / "report.csv"
    with pytest.raises(ImportRejected) as err:
        import_file(project, path, report_path=report)
    assert "nothing was imported" in str(err.value)
    assert incident_count(project) == 0
    with report.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.DictReader(fh))
    errors = [line for line in lines if line["severity"] == "error"]
    assert len(errors) == 1
    assert errors[0]["row"] == "3"  # header is row 1
    assert errors[0]["column"] == reported
    assert reason in errors[0]["reason"]


def test_skip_invalid_imports_the_rest_and_writes_report(project: Project, tmp_path: Path) -> None:
    rows = [dict(r) for r in ACLED_CURRENT_ROWS]
    rows[0]["latitude"] = "123"
    rows[2]["event_date"] = "yesterday"
    report = tmp_path / "report.csv"
    result = import_file(
        project, write_acled(tmp_path / "bad.csv", rows), skip_invalid=True, report_path=report
    )
    assert (result.added, result.invalid) == (1, 2)
    assert incident_count(project) == 1
    text = report.read_text(encoding="utf-8-sig")
    assert "2,latitude,error" in text and "4,event_date,error" in text


def test_row_numbers_count_spreadsheet_rows_with_multiline_cells(
    project: Project, tmp_path: Path
) -> None:
    rows = [dict(r) for r in ACLED_CURRENT_ROWS]
    rows[0]["notes"] = "line one\nline two\nline three"
    rows[2]["latitude"] = "north"
    with pytest.raises(ImportRejected) as err:
        import_file(project, write_acled(tmp_path / "m.csv", rows))
    assert err.value.result.errors[0].row == 4


def test_duplicate_ids_in_one_file_are_reported(project: Project, tmp_path: Path) -> None:
    rows = [ACLED_CURRENT_ROWS[0], ACLED_CURRENT_ROWS[0]]
    with pytest.raises(ImportRejected) as err:
        import_file(project, write_acled(tmp_path / "d.csv", rows))
    problem = err.value.result.errors[0]
    assert problem.row == 3 and "already used by row 2" in problem.reason


def test_reimport_updates_by_external_id_and_never_duplicates(
    project: Project, tmp_path: Path
) -> None:
    path = write_acled(tmp_path / "a.csv")
    import_file(project, path)
    again = import_file(project, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert incident_count(project) == 3
    reference = by_external(project, "acled", "MMR1001").reference

    newer = [dict(r) for r in ACLED_CURRENT_ROWS]
    newer[0]["fatalities"] = "7"
    newer[0]["assoc_actor_2"] = "AA: Arakan Army"
    newer.append(dict(ACLED_CURRENT_ROWS[2], event_id_cnty="MMR1004"))
    newer_path = write_acled(tmp_path / "newer.csv", newer)

    dry = import_file(project, newer_path, dry_run=True)
    assert (dry.added, dry.updated, dry.unchanged, dry.dry_run) == (1, 1, 2, True)
    assert incident_count(project) == 3
    assert by_external(project, "acled", "MMR1001").killed == 4

    result = import_file(project, newer_path)
    assert (result.added, result.updated, result.unchanged) == (1, 1, 2)
    assert incident_count(project) == 4
    updated = by_external(project, "acled", "MMR1001")
    assert updated.reference == reference
    assert updated.killed == 7 and updated.version > 1
    assert ("AA: Arakan Army", "associated with side B", 0) in actors_of(updated)
    with project.session() as s:
        entries = list(
            s.scalars(select(AuditEntry).where(AuditEntry.record_id == str(updated.id)))
        )
    assert any(e.action == "update" for e in entries)


def test_cancel_rolls_back_everything(project: Project, tmp_path: Path) -> None:
    rows = [dict(ACLED_CURRENT_ROWS[0], event_id_cnty=f"MMR{i}") for i in range(4500)]
    path = write_acled(tmp_path / "big.csv", rows)
    seen: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, phase: str) -> bool:
        seen.append((done, total, phase))
        return phase != "writing" or done < 2000  # cancel after the first batch was written

    with pytest.raises(ImportCancelled):
        import_file(project, path, progress=progress)
    assert any(phase == "writing" and done >= 2000 for done, _, phase in seen)
    assert incident_count(project) == 0
    with project.session() as s:
        assert s.scalar(select(func.count()).select_from(AdminArea)) == 0


def test_cancel_while_reading(project: Project, tmp_path: Path) -> None:
    path = write_acled(tmp_path / "a.csv")
    phases: list[str] = []

    def progress(done: int, total: int, phase: str) -> bool:
        phases.append(phase)
        return False

    with pytest.raises(ImportCancelled):
        import_file(project, path, progress=progress)
    assert phases == ["reading"] and incident_count(project) == 0


def test_not_an_acled_file(project: Project, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ["a", "b"], [["1", "2"]])
    with pytest.raises(SitrepError, match=r"x\.csv is not an ACLED export"):
        import_file(project, path, fmt="acled")
    assert incident_count(project) == 0


def test_old_format_columns_are_all_accepted(tmp_path: Path) -> None:
    from sitrep.interchange.acled import looks_like_acled

    assert looks_like_acled(list(OLD_COLUMNS))
