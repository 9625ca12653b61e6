"""Boundary packs (GeoJSON, shapefile) and gazetteer packs; point-in-polygon assignment."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from sitrep.errors import SitrepError
from sitrep.interchange.importer import import_file
from sitrep.interchange.place_packs import import_boundary_pack, import_gazetteer_pack
from sitrep.model import AdminArea, Incident, Place
from sitrep.places.admin_assign import assign_admin_areas
from sitrep.places.regions import resolve_region
from sitrep.store import Project
from sitrep.store.queries import IncidentFilter, count_incidents
from tests.conftest import make_incident
from tests.interchange.fixtures import ACLED_CURRENT_ROWS, write_acled, write_csv


def square(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def feature(props: dict[str, str], geometry: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def write_fc(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def states(tmp_path: Path) -> Path:
    return write_fc(
        tmp_path / "adm1.geojson",
        [
            feature({"ADM1_EN": "Kachin", "ADM1_MY": "ကချင်ပြည်နယ်", "ADM1_PCODE": "MMR001"}, square(95, 24, 98, 28)),
            feature({"ADM1_EN": "Shan (North)", "ADM1_PCODE": "MMR015"}, square(95, 20, 98, 24)),
        ],
    )  # fmt: skip


def districts(tmp_path: Path) -> Path:
    return write_fc(
        tmp_path / "adm2.geojson",
        [
            feature({"ADM2_EN": "Mohnyin", "ADM2_PCODE": "MMR001D003", "ADM1_EN": "Kachin", "ADM1_PCODE": "MMR001"}, square(95, 24, 96.5, 28)),
            feature({"ADM2_EN": "Myitkyina", "ADM2_PCODE": "MMR001D001", "ADM1_EN": "Kachin", "ADM1_PCODE": "MMR001"}, square(96.5, 24, 98, 28)),
        ],
    )  # fmt: skip


def test_boundary_pack_adopts_imported_areas_and_reassigns_incidents(
    project: Project, tmp_path: Path
) -> None:
    import_file(project, write_acled(tmp_path / "a.csv"))
    outside = make_incident(project, lat=10.0, lon=100.0, place_name="Far away")
    result = import_boundary_pack(project, states(tmp_path))
    # "Kachin" created by the ACLED import got the boundary and P-code: no duplicate
    assert (result.areas_created, result.areas_updated) == (1, 1)
    with project.session() as s:
        kachin = s.scalar(select(AdminArea).where(AdminArea.pcode == "MMR001"))
        assert kachin.level == 1 and kachin.geometry and kachin.aliases == ["ကချင်ပြည်နယ်"]
        assert (kachin.min_lon, kachin.min_lat, kachin.max_lon, kachin.max_lat) == (95, 24, 98, 28)
        assert s.scalar(select(func.count()).where(AdminArea.level == 1)) == 2
        assert s.get(Incident, outside.id).admin1_id is None
    result = import_boundary_pack(project, districts(tmp_path))
    # Lone Khin lies in the Mohnyin square although ACLED said Bhamo/Momauk
    assert result.areas_updated == 2 and result.incidents_reassigned == 1
    with project.session() as s:
        region = resolve_region(s, "Myitkyina District")
        assert count_incidents(s, IncidentFilter(region=region)) == 1  # Myitkyina protest
        region = resolve_region(s, "Mohnyin")
        assert count_incidents(s, IncidentFilter(region=region)) == 2  # Hpakant, Lone Khin
        mohnyin = s.scalar(select(AdminArea).where(AdminArea.pcode == "MMR001D003"))
        assert mohnyin.parent_id == s.scalar(
            select(AdminArea.id).where(AdminArea.pcode == "MMR001")
        )
        # ACLED's "Bhamo"/"Momauk" were only names, no longer used: removed
        assert s.scalar(select(func.count()).where(AdminArea.name.in_(["Bhamo", "Momauk"]))) == 0
        lone_khin = s.scalar(select(Incident).where(Incident.place_name == "Lone Khin"))
        assert lone_khin.admin3_id is None and lone_khin.admin2_id == mohnyin.id


def test_point_in_polygon_for_new_imports_once_boundaries_exist(
    project: Project, tmp_path: Path
) -> None:
    import_boundary_pack(project, states(tmp_path))
    import_boundary_pack(project, districts(tmp_path))
    row = dict(ACLED_CURRENT_ROWS[0], admin1="Somewhere", admin2="Else", admin3="")
    result = import_file(project, write_acled(tmp_path / "a.csv", [row]))
    assert any("placed in admin areas" in n for n in result.notes)
    with project.session() as s:
        inc = s.scalar(select(Incident))
        assert s.get(AdminArea, inc.admin1_id).pcode == "MMR001"
        assert s.get(AdminArea, inc.admin2_id).pcode == "MMR001D003"


def test_border_point_belongs_to_one_area(project: Project, tmp_path: Path) -> None:
    import_boundary_pack(project, districts(tmp_path))
    inc = make_incident(project, lat=25.0, lon=96.5)  # on the shared edge
    with project.session() as s:
        assert assign_admin_areas(s, [inc.id]) == 1
        assert s.get(Incident, inc.id).admin2_id is not None


def test_shapefile_boundary_pack(project: Project, tmp_path: Path) -> None:
    import shapefile

    base = tmp_path / "tsp"
    # the test opens and closes the files itself: pyshp 3.1.9's Writer leaves its .dbf open
    with (
        open(base.with_suffix(".shp"), "wb") as shp,
        open(base.with_suffix(".shx"), "wb") as shx,
        open(base.with_suffix(".dbf"), "wb") as dbf,
        shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON) as w,
    ):
        w.field("TS", "C")
        w.field("TS_PCODE", "C")
        w.field("DT_PCODE", "C")
        w.field("DT", "C")
        w.field("ST", "C")
        w.field("ST_PCODE", "C")
        w.poly([[[96, 25], [96.6, 25], [96.6, 26], [96, 26], [96, 25]]])
        w.record("Hpakant", "MMR001009", "MMR001D003", "Mohnyin", "Kachin", "MMR001")
    make_incident(project, lat=25.6128, lon=96.3121)
    result = import_boundary_pack(project, base.with_suffix(".shp"))
    assert result.areas_updated + result.areas_created >= 1 and result.incidents_reassigned == 1
    with project.session() as s:
        tsp = s.scalar(select(AdminArea).where(AdminArea.pcode == "MMR001009"))
        assert tsp.level == 3 and tsp.name == "Hpakant"
        district = s.get(AdminArea, tsp.parent_id)
        assert (district.pcode, district.level, district.name) == ("MMR001D003", 2, "Mohnyin")
        assert s.get(AdminArea, district.parent_id).pcode == "MMR001"
        assert s.scalar(select(Incident.admin3_id)) == tsp.id


def test_bad_boundary_packs(project: Project, tmp_path: Path) -> None:
    with pytest.raises(SitrepError, match="no recognised admin name"):
        import_boundary_pack(
            project, write_fc(tmp_path / "x.geojson", [feature({"name": "x"}, square(0, 0, 1, 1))])
        )
    (tmp_path / "bad.geojson").write_text("not json")
    with pytest.raises(SitrepError, match="not a readable GeoJSON"):
        import_boundary_pack(project, tmp_path / "bad.geojson")
    point = {"type": "Point", "coordinates": [1, 1]}
    result = import_boundary_pack(
        project,
        write_fc(tmp_path / "p.geojson", [feature({"ADM1_EN": "A", "ADM1_PCODE": "X1"}, point)]),
    )
    assert [(p.row, p.column) for p in result.problems] == [(1, "geometry")]


GAZ_HEADER = ["SR_Pcode", "SR_Name_Eng", "District/SAZ_Pcode", "District/SAZ_Name_Eng", "Tsp_Pcode",
              "Township_Name_Eng", "Town_Pcode", "Town_Name_Eng", "Town_Name_MMR", "Longitude", "Latitude"]  # fmt: skip
GAZ_ROWS = [
    ["MMR001", "Kachin", "MMR001D003", "Mohnyin", "MMR001009", "Hpakant", "MMR001009701", "Hpakant Town", "ဖားကန့်", "96.31482", "25.6138"],
    ["MMR001", "Kachin", "MMR001D001", "Myitkyina", "MMR001001", "Myitkyina", "MMR001001701", "Myitkyina", "မြစ်ကြီးနား", "97.3964", "25.3833"],
    ["MMR001", "Kachin", "MMR001D003", "Mohnyin", "MMR001009", "Hpakant", "MMR001009999", "Long Hkin", "", "", ""],
]  # fmt: skip


def test_gazetteer_pack_with_burmese_names_and_pcodes(project: Project, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "towns.csv", GAZ_HEADER, GAZ_ROWS, encoding="utf-8-sig")
    result = import_gazetteer_pack(project, path)
    assert (result.added, result.updated, result.problems) == (3, 0, [])
    with project.session() as s:
        hpakant = s.scalar(select(Place).where(Place.pcode == "MMR001009701"))
        assert hpakant.name == "Hpakant Town" and hpakant.alt_names == ["ဖားကန့်"]
        assert (hpakant.lat, hpakant.lon) == (25.6138, 96.31482)
        tsp = s.get(AdminArea, hpakant.admin3_id)
        assert (tsp.name, tsp.pcode, tsp.level) == ("Hpakant", "MMR001009", 3)
        assert s.get(AdminArea, tsp.parent_id).pcode == "MMR001D003"
        no_coords = s.scalar(select(Place).where(Place.name == "Long Hkin"))
        assert no_coords.lat is None and no_coords.admin3_id == tsp.id
        assert s.scalar(select(func.count()).select_from(AdminArea)) == 5  # 1 + 2 + 2
    again = import_gazetteer_pack(project, path)
    assert (again.added, again.updated) == (0, 3)


def test_gazetteer_pack_bad_rows_and_wrong_file(project: Project, tmp_path: Path) -> None:
    rows = [list(r) for r in GAZ_ROWS[:2]]
    rows[1][GAZ_HEADER.index("Latitude")] = "95.5"
    result = import_gazetteer_pack(project, write_csv(tmp_path / "t.csv", GAZ_HEADER, rows))
    assert result.added == 1
    assert [(p.row, p.column) for p in result.problems] == [(3, "Latitude")]
    with pytest.raises(SitrepError, match="does not look like a gazetteer pack"):
        import_gazetteer_pack(project, write_csv(tmp_path / "x.csv", ["a", "b"], [["1", "2"]]))


def test_dates_untouched_by_reassignment(project: Project, tmp_path: Path) -> None:
    inc = make_incident(project, date_start=dt.date(2025, 6, 3))
    import_boundary_pack(project, states(tmp_path))
    with project.session() as s:
        after = s.get(Incident, inc.id)
        assert after.date_start == dt.date(2025, 6, 3) and after.version == inc.version + 1
