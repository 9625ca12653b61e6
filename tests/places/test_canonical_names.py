"""Admin areas are called by one name: the pack's, else the most common spelling."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from sitrep.errors import RegionError
from sitrep.interchange.importer import import_file
from sitrep.interchange.place_packs import import_boundary_pack
from sitrep.model import AdminArea
from sitrep.places.canonical import canonical_name, present
from sitrep.places.levels import level_name
from sitrep.places.regions import resolve_region
from sitrep.store import Project
from tests.interchange.fixtures import ACLED_CURRENT_ROWS, ucdp_row, write_acled, write_ucdp


def test_most_common_spelling_wins_and_a_wrong_level_word_comes_last() -> None:
    spellings = {
        "Sagaing district": 6,
        "Sagaing region": 1594,
        "Sagaing division": 8,
        "Sagaing": 577,
    }
    assert canonical_name(1, spellings) == "Sagaing Region"
    # a one-off spelling that names another level never wins while another exists
    assert canonical_name(1, {"Sagaing district": 9, "Sagaing": 1}) == "Sagaing"
    assert canonical_name(1, {"Sagaing district": 3}) == "Sagaing"
    assert canonical_name(2, {"Bhamo district": 2, "Bhamo": 1}) == "Bhamo District"
    assert present("Magway  region") == "Magway Region"


def test_pack_name_wins_and_borrows_the_kind_the_data_uses() -> None:
    data = {"Kachin state": 434, "Kachin": 283}
    assert canonical_name(1, data, pack_name="Kachin") == "Kachin State"
    assert canonical_name(1, {}, pack_name="Kachin") == "Kachin"
    assert canonical_name(3, {"Hpakan": 9}, pack_name="Hpakant") == "Hpakant"


def _ucdp_rows(adm1: str, n: int, start: int) -> list[dict[str, str]]:
    return [ucdp_row(str(start + i), adm_1=adm1, adm_2="") for i in range(n)]


def test_imports_name_an_area_by_its_most_common_spelling(
    project: Project, tmp_path: Path
) -> None:
    # the one-off "Sagaing district" comes first in the file, as in UCDP's Myanmar slice
    rows = _ucdp_rows("Sagaing district", 1, 100) + _ucdp_rows("Sagaing region", 4, 200)
    rows += _ucdp_rows("Sagaing division", 2, 300)
    import_file(project, write_ucdp(tmp_path / "ged.csv", rows))
    acled_rows = [
        dict(ACLED_CURRENT_ROWS[0], event_id_cnty=f"MMR9{i}", admin1="Sagaing", admin2="Shwebo")
        for i in range(3)
    ]
    import_file(project, write_acled(tmp_path / "acled.csv", acled_rows))
    with project.session() as s:
        states = list(s.scalars(select(AdminArea).where(AdminArea.level == 1)))
        sagaing = [a for a in states if a.name_norm == "sagaing"]
        assert len(sagaing) == 1
        area = sagaing[0]
        assert area.name == "Sagaing Region"
        assert area.spellings == {
            "Sagaing district": 1,
            "Sagaing region": 4,
            "Sagaing division": 2,
            "Sagaing": 3,
        }
        region = resolve_region(s, "sagaing district")  # a spelling, not a district here
        assert region.name == "Sagaing Region"
        assert region.heading == "Myanmar: Sagaing Region"


def test_boundary_pack_renames_and_keeps_the_spellings_as_aliases(
    project: Project, tmp_path: Path
) -> None:
    import_file(project, write_ucdp(tmp_path / "ged.csv", _ucdp_rows("Kachin state", 3, 1)))
    pack = tmp_path / "states.geojson"
    pack.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
        '{"ADM1_EN":"Kachin","ADM1_PCODE":"MMR001"},"geometry":{"type":"Polygon",'
        '"coordinates":[[[96,24],[98,24],[98,27],[96,27],[96,24]]]}}]}',
        encoding="utf-8",
    )
    import_boundary_pack(project, pack, country_iso="MMR")
    with project.session() as s:
        area = s.scalar(select(AdminArea).where(AdminArea.level == 1))
        assert area is not None
        assert (area.name, area.pcode, area.name_source) == ("Kachin State", "MMR001", "pack")
        assert resolve_region(s, "Kachin").heading == "Myanmar: Kachin State"
    # a later import with yet another spelling does not rename a pack's area
    more = [ucdp_row("90", adm_1="Kachin", adm_2="")]
    import_file(project, write_ucdp(tmp_path / "ged2.csv", more))
    with project.session() as s:
        area = s.scalar(select(AdminArea).where(AdminArea.level == 1))
        assert area is not None and area.name == "Kachin State"


def _bgd_row(event_id: str, admin1: str, admin2: str, admin3: str) -> dict[str, str]:
    return dict(
        ACLED_CURRENT_ROWS[0],
        event_id_cnty=event_id,
        iso="50",
        country="Bangladesh",
        admin1=admin1,
        admin2=admin2,
        admin3=admin3,
        latitude="22.35",
        longitude="91.83",
    )


def test_equal_names_at_two_levels(project: Project, tmp_path: Path) -> None:
    rows = [
        _bgd_row("BGD1", "Chittagong", "Chittagong", "Kotwali"),
        _bgd_row("BGD2", "Chittagong", "Cox's Bazar", "Teknaf"),
        _bgd_row("BGD3", "Chittagong", "Chittagong", "Chittagong"),
    ]
    import_file(project, write_acled(tmp_path / "bgd.csv", rows))
    with project.session() as s:
        division = resolve_region(s, "Chittagong")
        assert division.level == 1
        assert division.heading == "Bangladesh: Chittagong Division"
        district = resolve_region(s, "Chittagong District")
        assert district.level == 2 and district.areas[0].id != division.areas[0].id
        assert resolve_region(s, "admin2:Chittagong") == district
        upazila = resolve_region(s, "Chittagong upazila")
        assert upazila.level == 3 and upazila.heading == "Bangladesh: Chittagong Upazila"
        assert level_name(s, 3, ["BGD"]) == "upazila"
        assert level_name(s, 3, ["MMR"]) == "township"
        assert level_name(s, 3, ["XYZ"]) == "admin-3 area"


def test_two_townships_of_one_name_stay_ambiguous(project: Project, tmp_path: Path) -> None:
    rows = [
        dict(ACLED_CURRENT_ROWS[0], event_id_cnty="A1", admin1="Kachin", admin3="Bhamo"),
        dict(ACLED_CURRENT_ROWS[0], event_id_cnty="A2", admin1="Shan", admin3="Bhamo"),
    ]
    import_file(project, write_acled(tmp_path / "a.csv", rows))
    with project.session() as s, pytest.raises(RegionError, match="ambiguous"):
        resolve_region(s, "Bhamo")
