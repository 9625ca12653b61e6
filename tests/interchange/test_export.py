"""Exports read back by real readers: GDAL (pyogrio), libhxl, openpyxl; ACLED round trip."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sitrep.interchange.exporters import FLAT_COLUMNS, ExportCancelled, export_incidents
from sitrep.interchange.importer import import_file
from sitrep.places.regions import resolve_region
from sitrep.store import Project, create_project
from sitrep.store.queries import IncidentFilter
from tests.interchange.fixtures import ACLED_CURRENT_ROWS, old_row, write_acled, write_acled_old
from tests.interchange.helpers import actors_of, by_external


@pytest.fixture
def loaded(project: Project, tmp_path: Path) -> Project:
    import_file(project, write_acled(tmp_path / "a.csv"))
    other = dict(ACLED_CURRENT_ROWS[0], event_id_cnty="THA1", admin1="Tak", admin2="", admin3="")
    other.update(location="Mae Sot", latitude="16.7131", longitude="98.5747", country="Thailand")
    other.update(iso="764", event_date="2024-04-01", notes='Ünïcode, "quotes" and <b>tags</b>')
    import_file(project, write_acled(tmp_path / "b.csv", [other]))
    return project


def test_csv_export_with_region_filter(loaded: Project, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    with loaded.session() as s:
        flt = IncidentFilter(region=resolve_region(s, "Kachin State"))
    assert export_incidents(loaded, out, "csv", flt) == 3
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["place_name"] for r in rows] == ["Hpakant", "Lone Khin", "Myitkyina"]
    first = rows[0]
    assert first["date_start"] == "2024-03-05" and first["killed"] == "4"
    assert first["admin1"] == "Kachin State" and first["admin3"] == "Hpakant"
    assert first["actors_side_a"] == "Military Forces of Myanmar (2021-)"
    assert first["external_ids"] == "acled:MMR1001"
    assert first["sources"] == "Kachin News Group; Myitkyina News Journal"
    # ACLED does not record the civilian share: left empty, never written as 0
    assert rows[1]["killed"] == "3" and rows[1]["civilians_killed"] == ""


def test_period_and_type_filters(loaded: Project, tmp_path: Path) -> None:
    flt = IncidentFilter(date_from=dt.date(2024, 3, 6), event_types=("Battles",))
    out = tmp_path / "o.csv"
    assert export_incidents(loaded, out, "csv", flt) == 1
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    # of two battles, only the one after 6 March; of the later incidents, only the battle
    assert [(r["external_ids"], r["event_type"], r["date_start"]) for r in rows] == [
        ("acled:THA1", "Battles", "2024-04-01")
    ]


def test_xlsx_export_reopened(loaded: Project, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    assert export_incidents(loaded, out, "xlsx") == 4
    wb = load_workbook(out)
    ws = wb["Incidents"]
    assert ws.freeze_panes == "C2"
    header = [c.value for c in ws[1]]
    assert header == [c for c, _, _ in FLAT_COLUMNS]
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("1F4E79")
    assert ws.auto_filter.ref.startswith("A1:")
    col = {name: i for i, name in enumerate(header)}
    second = [c.value for c in ws[3]]
    assert second[col["date_start"]] == dt.datetime(2024, 3, 9)
    assert second[col["killed"]] == 3 and second[col["latitude"]] == 25.6564
    # typed cells: numbers are numbers, dates are dates, text is text, None is empty
    assert type(second[col["killed"]]) is int and type(second[col["latitude"]]) is float
    assert ws.cell(3, col["date_start"] + 1).is_date
    assert ws.cell(3, col["killed"] + 1).data_type == "n"
    assert ws.cell(3, col["place_name"] + 1).data_type == "s"
    assert second[col["civilians_killed"]] is None  # not recorded: empty, never 0
    assert second[col["civilian_targeting"]] in {"yes", "no"}
    assert ws.max_row == 5


def test_geojson_export_read_by_gdal(loaded: Project, tmp_path: Path) -> None:
    import pyogrio  # the test extra installs it: a missing one must fail, not skip
    from pyogrio.raw import read
    from shapely import from_wkb

    out = tmp_path / "out.geojson"
    assert export_incidents(loaded, out, "geojson") == 4
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and "crs" not in data  # RFC 7946: WGS84 only
    assert data["features"][0]["geometry"] == {"type": "Point", "coordinates": [96.3121, 25.6128]}
    info = pyogrio.read_info(out)
    assert info["features"] == 4 and info["geometry_type"] == "Point"
    meta, _, geometry, fields = read(out)
    names = list(meta["fields"])
    points = [from_wkb(g) for g in geometry]
    by_ref = dict(zip(fields[names.index("place_name")], points, strict=True))
    assert (by_ref["Mae Sot"].x, by_ref["Mae Sot"].y) == (98.5747, 16.7131)
    notes = list(fields[names.index("narrative")])
    assert 'Ünïcode, "quotes" and <b>tags</b>' in notes


def test_hxl_export_parsed_by_libhxl(loaded: Project, tmp_path: Path) -> None:
    import hxl  # the test extra installs libhxl: a missing one must fail, not skip

    out = tmp_path / "out.csv"
    export_incidents(loaded, out, "hxl")
    with hxl.input.make_input(str(out), hxl.InputOptions(allow_local=True)) as raw:
        source = hxl.input.HXLReader(raw)
        tags = [c.display_tag for c in source.columns]
        rows = list(source)
    assert "#geo+lat" in tags and "#affected+killed" in tags and "#adm1+name" in tags
    assert len(rows) == 4
    assert sorted(int(r.get("#affected+killed")) for r in rows) == [0, 3, 4, 4]
    assert {r.get("#adm1+name") for r in rows} == {"Kachin State", "Tak"}
    # and Sitrep's own importer maps it back through the hashtags
    other = create_project(tmp_path / "other.sitrep")
    try:
        result = import_file(other, out)
        assert result.added == 4
        assert by_external(other, "import", loaded_reference(loaded, "MMR1002")).killed == 3
    finally:
        other.close()


def loaded_reference(project: Project, acled_id: str) -> str:
    return by_external(project, "acled", acled_id).reference


def _comparable(inc: object) -> tuple[object, ...]:
    return (
        inc.date_start,  # type: ignore[attr-defined]
        inc.event_type,  # type: ignore[attr-defined]
        inc.sub_event_type,  # type: ignore[attr-defined]
        inc.place_name,  # type: ignore[attr-defined]
        inc.lat,  # type: ignore[attr-defined]
        inc.lon,  # type: ignore[attr-defined]
        inc.country_iso,  # type: ignore[attr-defined]
        inc.killed,  # type: ignore[attr-defined]
        inc.civilians_killed,  # type: ignore[attr-defined]
        inc.civilian_targeting,  # type: ignore[attr-defined]
        inc.narrative,  # type: ignore[attr-defined]
        int(inc.date_precision),  # type: ignore[attr-defined]
        int(inc.location_precision),  # type: ignore[attr-defined]
        tuple(a.name if a else "" for a in (inc.admin1, inc.admin2, inc.admin3)),  # type: ignore[attr-defined]
        frozenset(actors_of(inc)),
        tuple(s.name for s in inc.sources),  # type: ignore[attr-defined]
    )


def test_acled_export_round_trips_through_the_acled_importer(
    loaded: Project, tmp_path: Path
) -> None:
    import_file(loaded, write_acled_old(tmp_path / "old.csv", [old_row("MMR9", "01-January-2015", "Remote violence", "IED blast")]))  # fmt: skip
    out = tmp_path / "acled.csv"
    assert export_incidents(loaded, out, "acled") == 5
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("event_id_cnty,event_date,year,time_precision,disorder_type")
    empty = create_project(tmp_path / "empty.sitrep")
    try:
        result = import_file(empty, out)
        assert (result.format, result.added, result.errors) == ("acled", 5, [])
        for event_id in ("MMR1001", "MMR1002", "MMR1003", "THA1", "MMR9"):
            assert _comparable(by_external(empty, "acled", event_id)) == _comparable(
                by_external(loaded, "acled", event_id)
            ), event_id
        # and exporting again gives the same file, apart from the timestamps
        again = tmp_path / "again.csv"
        export_incidents(empty, again, "acled")

        def rows(path: Path) -> list[list[str]]:
            with path.open(encoding="utf-8", newline="") as fh:
                return [r[:-1] for r in csv.reader(fh)]

        assert rows(again) == rows(out)
    finally:
        empty.close()


def test_export_cancel_leaves_no_file(loaded: Project, tmp_path: Path) -> None:
    out = tmp_path / "c.csv"
    with pytest.raises(ExportCancelled):
        export_incidents(loaded, out, "csv", progress=lambda done, total: False)
    assert not out.exists() and not list(tmp_path.glob(".c.csv*"))


def test_unknown_format_and_missing_folder(loaded: Project, tmp_path: Path) -> None:
    from sitrep.errors import SitrepError

    with pytest.raises(SitrepError, match="Unknown export format"):
        export_incidents(loaded, tmp_path / "x.kml", "kml")
    with pytest.raises(SitrepError, match="does not exist"):
        export_incidents(loaded, tmp_path / "no" / "x.csv", "csv")
