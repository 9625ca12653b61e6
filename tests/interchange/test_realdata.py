"""Real exports from ../shared/data (skipped when absent): every row must import, and the
counts must agree with an independent count made with the ``csv`` module."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sitrep.interchange.columns import guess_mapping
from sitrep.interchange.importer import import_file
from sitrep.interchange.place_packs import import_boundary_pack, import_gazetteer_pack
from sitrep.interchange.readers import read_csv
from sitrep.model import AdminArea, Incident, Place
from sitrep.places.regions import resolve_region
from sitrep.store import Project
from sitrep.store.queries import IncidentFilter, count_incidents
from tests.conftest import shared_data

pytestmark = pytest.mark.realdata


def independent(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    with path.open(newline="", encoding=encoding) as fh:
        return list(csv.DictReader(fh))


def totals(project: Project) -> tuple[int, int]:
    with project.session() as s:
        n = s.scalar(select(func.count()).select_from(Incident))
        killed = s.scalar(select(func.sum(Incident.killed)))
    return int(n or 0), int(killed or 0)


@pytest.mark.parametrize(
    ("name", "fatalities"),
    [
        ("myanmar_2021_remote_violence.csv", "fatalities"),
        ("burkina_faso_1997_2020.csv", "fatalities"),
    ],
)
def test_acled_files_import_whole(project: Project, name: str, fatalities: str) -> None:
    path = shared_data("acled", name)
    rows = independent(path)
    result = import_file(project, path)
    assert result.errors == [] and result.added == len(rows)
    assert totals(project) == (len(rows), sum(int(r[fatalities]) for r in rows))
    again = import_file(project, path, dry_run=True)
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(rows))


def test_acled_myanmar_kachin_and_old_types(project: Project) -> None:
    import_file(project, shared_data("acled", "myanmar_2021_remote_violence.csv"))
    with project.session() as s:
        assert count_incidents(s, IncidentFilter(region=resolve_region(s, "Kachin State"))) == 283
    before = totals(project)
    old = import_file(project, shared_data("acled", "asia_2015_old_format.csv"))
    rows = independent(shared_data("acled", "asia_2015_old_format.csv"))
    assert old.errors == [] and old.added == len(rows) == 10194
    after = totals(project)
    assert after[0] - before[0] == len(rows)
    assert after[1] - before[1] == sum(int(r["FATALITIES"]) for r in rows)
    old_types = Counter(r["EVENT_TYPE"] for r in rows)
    text = "\n".join(old.notes)
    # every old type is accounted for in the notes, with its count
    for old_type, n in old_types.items():
        mapped = sum(
            int(line.split(" ")[0])
            for line in old.notes
            if f"old ACLED type '{old_type}' imported as" in line
        )
        assert mapped == n, (old_type, text)


def test_ucdp_myanmar_messy_admin_names(project: Project) -> None:
    path = shared_data("ucdp", "ged_myanmar_1989_2023.csv")
    rows = independent(path, "utf-8")
    result = import_file(project, path)
    assert result.errors == [] and result.added == len(rows) == 7374
    assert totals(project) == (len(rows), sum(int(r["best"]) for r in rows))
    with project.session() as s:
        states = sorted(s.scalars(select(AdminArea.name).where(AdminArea.level == 1)))
        # Kachin/Karen-Kayin/Bago division-region/Magway  region/Magwe: one area each
        assert len(states) == 15, states
        kachin = count_incidents(s, IncidentFilter(region=resolve_region(s, "Kachin")))
        assert kachin == sum(1 for r in rows if r["adm_1"].lower().startswith("kachin"))
        kayin = count_incidents(s, IncidentFilter(region=resolve_region(s, "Kayin State")))
        assert kayin == sum(1 for r in rows if r["adm_1"] in {"Kayin state", "Karen state"})
        bago = count_incidents(s, IncidentFilter(region=resolve_region(s, "Bago Region")))
        assert bago == sum(1 for r in rows if r["adm_1"] in {"Bago region", "Bago division"})


def test_boundaries_then_point_in_polygon(project: Project) -> None:
    import_file(project, shared_data("acled", "myanmar_2021_remote_violence.csv"))
    adm1 = import_boundary_pack(
        project, shared_data("boundaries", "mmr_states_adm1_mimu_20240215_simplified.geojson")
    )
    assert adm1.areas_created + adm1.areas_updated == 18 and not adm1.problems
    adm3 = import_boundary_pack(
        project, shared_data("boundaries", "mmr_townships_adm3_mimu_v9.3_simplified.geojson")
    )
    assert not adm3.problems and adm3.incidents_reassigned > 0
    with project.session() as s:
        townships = select(func.count()).where(
            AdminArea.level == 3, AdminArea.geometry.is_not(None), AdminArea.pcode.is_not(None)
        )
        assert s.scalar(townships) == 330
    rows = independent(shared_data("acled", "myanmar_2021_remote_violence.csv"))
    by_pcode = Counter(r["admin3_pcode"] for r in rows)
    with project.session() as s:
        hpakant = s.scalar(select(AdminArea).where(AdminArea.pcode == "MMR001009"))
        assert hpakant.level == 3 and hpakant.geometry
        in_hpakant = count_incidents(s, IncidentFilter(region=resolve_region(s, "MMR001009")))
        # simplified polygons: allow a point or two to fall across a border
        assert abs(in_hpakant - by_pcode["MMR001009"]) <= 2
        kachin = count_incidents(s, IncidentFilter(region=resolve_region(s, "MMR001")))
        assert abs(kachin - 283) <= 3


def test_mimu_gazetteer_pack_with_burmese(project: Project) -> None:
    path = shared_data("gazetteer", "mimu_towns_pcode9.6.csv")
    rows = independent(path)
    result = import_gazetteer_pack(project, path)
    assert result.added == len(rows) and not result.problems
    with project.session() as s:
        bhamo = s.scalar(select(Place).where(Place.name_norm.like("bhamo%")))
        assert bhamo is not None and any("\u1000" <= ch <= "\u109f" for ch in bhamo.alt_names[0])
        assert s.scalar(select(func.count()).where(Place.pcode.is_not(None))) == len(rows)


def test_idmc_hxl_file(project: Project) -> None:
    path = shared_data("idmc", "myanmar_displacement_2024_hxl.csv")
    table = read_csv(path)
    assert table.hxl_tags is not None and table.hxl_tags[1] == "#country+name"
    mapping = guess_mapping(table.columns, table.hxl_tags)
    assert mapping.columns["latitude"] == "latitude"
    assert mapping.columns["displaced"] == "figure"
    mapping.columns["external_id"] = "id"
    # IDMC's own types (conflict, landslide…) are no ACLED types: one type for all rows
    mapping.columns.pop("event_type", None)
    mapping.columns.pop("sub_event_type", None)
    mapping.constants["sub_event_type"] = "Other"
    mapping.scheme = "idmc"
    rows = independent(path)[1:]  # the hashtag row is not data
    result = import_file(project, path, mapping=mapping)
    assert result.added == len(rows) == 186
    with project.session() as s:
        from sitrep.model import Casualty

        displaced = s.scalar(select(func.sum(Casualty.best)))
    assert displaced == sum(int(r["figure"]) for r in rows)
