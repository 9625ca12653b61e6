"""UCDP GED import: deaths by side with low/best/high, precision, sides, sources, admin names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from sitrep.interchange.importer import ImportRejected, import_file
from sitrep.model import AdminArea
from sitrep.model.enums import Affiliation, DatePrecision, LocationPrecision
from sitrep.places.regions import resolve_region
from sitrep.store import Project
from sitrep.store.queries import IncidentFilter, count_incidents
from tests.interchange.fixtures import ucdp_row, write_ucdp
from tests.interchange.helpers import actors_of, by_external, incident_count


@pytest.fixture
def project(project_db: Project) -> Project:
    """Every test here runs on a project file and on PostgreSQL (tests/conftest.py)."""
    return project_db


def test_ucdp_row_maps_deaths_sides_precision_and_sources(
    project: Project, tmp_path: Path
) -> None:
    path = write_ucdp(tmp_path / "ged.csv", [ucdp_row("101")])
    assert b"Fighting in\nHpakant" in path.read_bytes()  # embedded line breaks survive
    result = import_file(project, path)
    assert (result.format, result.added) == ("ucdp", 1)
    inc = by_external(project, "ucdp", "101")
    assert (inc.event_type, inc.sub_event_type) == ("Battles", "Armed clash")
    assert inc.country_iso == "MMR"
    assert inc.killed == 6 and inc.civilians_killed == 1
    rows = {c.affiliation: (c.low, c.best, c.high) for c in inc.casualties}
    # best per group; the total's low-high range (5-9) carried on the largest group
    assert rows == {
        Affiliation.SIDE_A: (2, 2, 2),
        Affiliation.SIDE_B: (2, 3, 6),
        Affiliation.CIVILIAN: (1, 1, 1),
    }
    assert sum(c.low for c in inc.casualties) == 5 and sum(c.high for c in inc.casualties) == 9
    assert actors_of(inc) == {
        ("Government of Myanmar (Burma)", "side A", 1),
        ("KIO", "side B", 2),
    }
    assert [s.name for s in inc.sources] == [
        'Irrawaddy, 2021-05-04, "Fighting in Hpakant"',
        "BBC Burmese 2021-05-05",
    ]
    assert inc.sources[0].published == dt.date(2021, 5, 4)
    assert inc.sources[0].excerpt.startswith("Fighting in\nHpakant")
    assert "Hpakant town,\r\nKachin state" in inc.narrative or "Kachin state" in inc.narrative
    assert inc.place_name == "Hpakant town"
    assert (inc.admin1.name, inc.admin2.name) == ("Kachin State", "Mohnyin District")


def test_precision_codes_one_sided_violence_and_spans(project: Project, tmp_path: Path) -> None:
    rows = [
        ucdp_row(
            "7",
            type_of_violence="3",
            side_b="Civilians",
            date_prec="4",
            where_prec="3",
            date_start="2021-06-01",
            date_end="2021-06-30",
            deaths_a="0",
            deaths_b="0",
            deaths_civilians="4",
            best="4",
            low="4",
            high="4",
        )
    ]
    import_file(project, write_ucdp(tmp_path / "g.csv", rows))
    inc = by_external(project, "ucdp", "7")
    assert (inc.event_type, inc.sub_event_type) == ("Violence against civilians", "Attack")
    assert inc.civilian_targeting and inc.civilians_killed == 4
    assert inc.date_precision is DatePrecision.MONTH
    assert inc.location_precision is LocationPrecision.ADMIN2
    assert (inc.date_start, inc.date_end) == (dt.date(2021, 6, 1), dt.date(2021, 6, 30))
    assert ("Civilians", "side B", 7) in actors_of(inc)


def test_messy_admin_names_are_one_area(project: Project, tmp_path: Path) -> None:
    rows = [
        ucdp_row("1", adm_1="Kachin state", adm_2=""),
        ucdp_row("2", adm_1="Kachin State", adm_2=""),
        ucdp_row("3", adm_1="Kachin", adm_2=""),
        ucdp_row("4", adm_1="Bago division", adm_2=""),
        ucdp_row("5", adm_1="Bago region", adm_2=""),
        ucdp_row("6", adm_1="Magway  region", adm_2=""),
        ucdp_row("8", adm_1="Magwe division", adm_2=""),
        ucdp_row("9", adm_1="Karen state", adm_2=""),
        ucdp_row("10", adm_1="Kayin state", adm_2=""),
        ucdp_row("11", adm_1="Naypyidaw Union territory", adm_2=""),
    ]
    import_file(project, write_ucdp(tmp_path / "g.csv", rows))
    with project.session() as s:
        names = sorted(s.scalars(select(AdminArea.name).where(AdminArea.level == 1)))
        assert len(names) == 5, names
        for region, expected in (("Kachin", 3), ("Bago Region", 2), ("Magway", 2), ("Kayin", 2)):
            flt = IncidentFilter(region=resolve_region(s, region))
            assert count_incidents(s, flt) == expected, region


def test_matches_existing_areas_of_a_boundary_pack(project: Project, tmp_path: Path) -> None:
    from tests.conftest import make_area

    kachin = make_area(project, "Kachin", 1, "MMR001")
    import_file(project, write_ucdp(tmp_path / "g.csv", [ucdp_row("1", adm_2="")]))
    assert by_external(project, "ucdp", "1").admin1_id == kachin.id


def test_inconsistent_ged_range_is_widened_with_a_note(project: Project, tmp_path: Path) -> None:
    row = ucdp_row("5", low="0", best="6", high="4")
    result = import_file(project, write_ucdp(tmp_path / "g.csv", [row]))
    assert result.added == 1
    assert [(p.row, p.column, p.severity) for p in result.problems] == [(2, "low", "note")]
    inc = by_external(project, "ucdp", "5")
    assert sum(c.low for c in inc.casualties) == 0 and sum(c.high for c in inc.casualties) == 6


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"best": "7"}, "best"),
        ({"deaths_a": "x"}, "deaths_a"),
        ({"date_end": "2021-05-01"}, "date_end"),
        ({"type_of_violence": "4"}, "type_of_violence"),
        ({"where_prec": "9"}, "where_prec"),
        ({"latitude": ""}, "latitude"),
        ({"id": ""}, "id"),
    ],
)
def test_bad_ucdp_rows(
    project: Project, tmp_path: Path, change: dict[str, str], column: str
) -> None:
    rows = [ucdp_row("1"), ucdp_row("2", **change)]
    with pytest.raises(ImportRejected) as err:
        import_file(project, write_ucdp(tmp_path / "g.csv", rows))
    assert [(p.row, p.column) for p in err.value.result.errors] == [(3, column)]
    assert incident_count(project) == 0
