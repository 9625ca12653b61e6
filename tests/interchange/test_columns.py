"""Any CSV/XLSX through a column mapping; HXL hashtags; GeoJSON points; saved mappings."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from sitrep.errors import SitrepError
from sitrep.interchange.columns import (
    ColumnMapping,
    guess_mapping,
    mapping_for_layout,
    save_mapping,
    saved_mappings,
)
from sitrep.interchange.import_read import load_table
from sitrep.interchange.importer import ImportRejected, import_file
from sitrep.model.enums import Outcome
from sitrep.store import Project
from tests.interchange.fixtures import write_csv
from tests.interchange.helpers import by_external, incident_count

PARTNER_HEADER = [
    "Ref",
    "Date of incident",
    "Village",
    "Lat",
    "Long",
    "What happened",
    "Dead",
    "Hurt",
    "Township",
]
PARTNER_ROWS = [
    ["P-1", "03/06/2025", "Lone Khin", "25.6564", "96.3568", "Drone strike", "2", "5", "Hpakant"],
    ["P-2", "04/06/2025", "Hpakant", "25.6128", "96.3121", "Ambush", "0", "1", "Hpakant"],
]  # fmt: skip


def partner_mapping() -> ColumnMapping:
    return ColumnMapping(
        columns={
            "external_id": "Ref",
            "date_start": "Date of incident",
            "place_name": "Village",
            "latitude": "Lat",
            "longitude": "Long",
            "sub_event_type": "What happened",
            "killed": "Dead",
            "injured": "Hurt",
            "admin3": "Township",
        },
        constants={"admin1": "Kachin", "admin2": "Mohnyin", "country": "MMR"},
        scheme="partner-x",
    )


def test_mapped_csv_with_local_types_day_first_dates_and_constants(
    project: Project, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "partner.csv", PARTNER_HEADER, PARTNER_ROWS, delimiter=";")
    result = import_file(project, path, mapping=partner_mapping())
    assert (result.format, result.added) == ("csv", 2)
    drone = by_external(project, "partner-x", "P-1")
    assert drone.date_start == dt.date(2025, 6, 3)
    assert drone.local_type == "Drone strike"
    assert (drone.event_type, drone.sub_event_type) == (
        "Explosions/Remote violence",
        "Air/drone strike",
    )
    assert drone.killed == 2 and drone.injured == 5 and drone.country_iso == "MMR"
    assert (drone.admin1.name, drone.admin2.name, drone.admin3.name) == (
        "Kachin",
        "Mohnyin",
        "Hpakant",
    )
    ambush = by_external(project, "partner-x", "P-2")
    assert (ambush.local_type, ambush.sub_event_type) == ("Ambush", "Armed clash")
    assert {c.outcome for c in ambush.casualties} == {Outcome.INJURED}
    # the mapping was remembered for this layout: the same file maps itself next time
    again = import_file(project, path)
    assert (again.added, again.unchanged) == (0, 2)


def test_saved_mappings_round_trip(project: Project) -> None:
    mapping = partner_mapping()
    with project.session() as s:
        save_mapping(s, "Partner X monthly", mapping)
    with project.session() as s:
        assert saved_mappings(s)["Partner X monthly"] == mapping
        assert mapping_for_layout(s, PARTNER_HEADER) is None


def test_incomplete_mapping_is_refused_before_reading_rows(
    project: Project, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "p.csv", PARTNER_HEADER, PARTNER_ROWS)
    mapping = ColumnMapping(columns={"place_name": "Village", "latitude": "Nope"})
    with pytest.raises(SitrepError) as err:
        import_file(project, path, mapping=mapping)
    text = str(err.value)
    assert "'Nope'" in text and "date" in text and "event type" in text
    assert incident_count(project) == 0


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("What happened", "Picnic", "neither an ACLED sub-event type nor a local type"),
        ("Date of incident", "31/31/2025", "not a date"),
        ("Dead", "many", "not a number"),
        ("Lat", "", "latitude is missing"),
    ],
)
def test_mapped_bad_values(
    project: Project, tmp_path: Path, column: str, value: str, reason: str
) -> None:
    rows = [list(r) for r in PARTNER_ROWS]
    rows[1][PARTNER_HEADER.index(column)] = value
    path = write_csv(tmp_path / "p.csv", PARTNER_HEADER, rows)
    with pytest.raises(ImportRejected) as err:
        import_file(project, path, mapping=partner_mapping())
    problem = err.value.result.errors[0]
    assert (problem.row, problem.column) == (3, column) and reason in problem.reason


def test_hxl_hashtag_row_is_recognised_and_maps_columns(project: Project, tmp_path: Path) -> None:
    header = ["code", "when", "until", "lat", "lon", "where", "kind", "dead", "displaced", "note"]
    tags = ["#event+code", "#date+occurred", "#date+end", "#geo+lat", "#geo+lon", "#loc+name",
            "#event+type+sub", "#affected+killed", "#affected+displaced", "#description"]  # fmt: skip
    rows = [
        tags,
        ["E1", "2024-09-23", "2024-09-30", "17.05", "96.11", "Yangon", "Other", "0", "100", "x"],
    ]
    path = write_csv(tmp_path / "hxl.csv", header, rows)
    _, table = load_table(path)
    assert table.hxl_tags == tags and len(table.rows) == 1 and table.rows[0][0] == 3
    guessed = guess_mapping(table.columns, table.hxl_tags)
    assert guessed.columns["date_start"] == "when" and guessed.columns["date_end"] == "until"
    assert guessed.columns["displaced"] == "displaced"
    result = import_file(project, path)
    assert result.added == 1
    inc = by_external(project, "import", "E1")
    assert (inc.date_start, inc.date_end) == (dt.date(2024, 9, 23), dt.date(2024, 9, 30))
    assert inc.sub_event_type == "Other"
    assert [(c.outcome, c.best) for c in inc.casualties] == [(Outcome.DISPLACED, 100)]


def test_xlsx_import_with_real_dates(project: Project, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Event date", "Location", "Latitude", "Longitude", "Event type", "Sub event type", "Fatalities"])  # fmt: skip
    ws.append([dt.datetime(2025, 1, 2), "Bhamo", 24.25, 97.23, "Battles", "Armed clash", 3])
    ws.append([dt.date(2025, 1, 3), "Mansi", 24.1, 97.3, "Battles", "Armed clash", None])
    ws.append([None, None, None, None, None, None, None])  # a formatted empty row
    path = tmp_path / "partner.xlsx"
    wb.save(path)
    result = import_file(project, path)
    assert (result.format, result.added, result.rows) == ("xlsx", 2, 2)
    with project.session() as s:
        from sqlalchemy import select

        from sitrep.model import Incident

        incidents = list(s.scalars(select(Incident).order_by(Incident.date_start)))
    assert [(i.date_start, i.place_name, i.killed) for i in incidents] == [
        (dt.date(2025, 1, 2), "Bhamo", 3),
        (dt.date(2025, 1, 3), "Mansi", 0),
    ]


def test_geojson_points_and_non_point_features(project: Project, tmp_path: Path) -> None:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [96.3121, 25.6128]},
            "properties": {
                "id": "G1",
                "date": "2025-06-03",
                "place_name": "Hpakant",
                "event_type": "Battles",
                "sub_event_type": "Armed clash",
                "killed": 2,
            },
        },
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
            "properties": {"id": "G2", "date": "2025-06-03", "event_type": "Battles"},
        },
    ]
    path = tmp_path / "points.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(ImportRejected) as err:
        import_file(project, path)
    assert [(p.row, p.column) for p in err.value.result.errors] == [(2, "geometry")]
    assert "Polygon" in err.value.result.errors[0].reason
    result = import_file(project, path, skip_invalid=True)
    assert result.added == 1
    inc = by_external(project, "import", "G1")
    assert (inc.lat, inc.lon, inc.killed) == (25.6128, 96.3121, 2)


def test_broken_geojson_is_a_clear_error(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [')
    with pytest.raises(SitrepError, match="not valid GeoJSON"):
        import_file(project, path)


def test_missing_file_and_empty_file(project: Project, tmp_path: Path) -> None:
    with pytest.raises(SitrepError, match="There is no file"):
        import_file(project, tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(SitrepError, match="empty"):
        import_file(project, tmp_path / "empty.csv")
