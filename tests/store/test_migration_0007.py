"""Migration 0007 repairs area names and numbers the files of stored reports."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import uuid
from pathlib import Path

import sqlalchemy as sa

from sitrep.model import AdminArea, Report, ReportFile
from sitrep.places.regions import resolve_region
from sitrep.store import open_project, schema

DATA = Path(__file__).resolve().parents[1] / "data"


def test_upgrade_names_areas_by_the_rule_and_numbers_revisions(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:
        schema.upgrade(conn, "0005")
        areas = sa.table(
            "admin_area",
            *(
                sa.column(c)
                for c in ("id", "level", "name", "name_norm", "aliases", "pcode", "country_iso")
            ),
            sa.column("geometry"),
        )
        state, sagaing, pack = (uuid.uuid4() for _ in range(3))
        conn.execute(
            sa.insert(areas),
            [
                # named by an import: the rule capitalises the kind
                {"id": state.hex, "level": 1, "name": "Kachin state", "name_norm": "kachin",
                 "aliases": json.dumps([]), "pcode": None, "country_iso": "MMR"},
                # a region once named by a one-off "district" spelling
                {"id": sagaing.hex, "level": 1, "name": "Sagaing district",
                 "name_norm": "sagaing", "aliases": json.dumps(["Sagaing region"]),
                 "pcode": None, "country_iso": "MMR"},
                # from a boundary pack: left as it is
                {"id": pack.hex, "level": 1, "name": "Shan (North)", "name_norm": "shan north",
                 "aliases": json.dumps([]), "pcode": "MMR015", "country_iso": "MMR"},
            ],
        )  # fmt: skip
        report_id = uuid.uuid4()
        conn.execute(
            sa.text(
                "INSERT INTO report (id, title, kind, number, region_key, region_name, "
                "region_area_ids, period_from, period_to, status, classification, sections, "
                "created_at, updated_at, updated_by, version) VALUES (:id, 'T', 'periodic', 1, "
                ":key, 'Kachin state', :ids, '2025-06-02', '2025-06-08', 'final', 'INTERNAL', "
                "'[]', '2025-06-09', '2025-06-09', '', 1)"
            ),
            {"id": report_id.hex, "key": str(state), "ids": json.dumps([str(state)])},
        )
        for day in (9, 10):
            conn.execute(
                sa.text(
                    "INSERT INTO report_file (report_id, created_at, path, filter_json, "
                    "data_hash, figures_json, snapshot) VALUES (:r, :at, 'x.docx', '{}', 'h', "
                    "'{}', '{}')"
                ),
                {"r": report_id.hex, "at": f"2025-06-{day:02d} 10:00:00"},
            )
    engine.dispose()
    path = tmp_path / "old.sitrep"
    shutil.copy(tmp_path / "old.db", path)
    # an old file carries no application id: set it as a 0005 release would have
    from sitrep.store.engine import APPLICATION_ID

    raw = sa.create_engine(f"sqlite:///{path}")
    with raw.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    raw.dispose()
    project = open_project(path)
    try:
        with project.session() as s:
            names = {a.id: (a.name, a.name_source) for a in s.scalars(sa.select(AdminArea))}
            assert names[state] == ("Kachin State", "")
            assert names[sagaing] == ("Sagaing Region", "")
            assert names[pack] == ("Shan (North)", "pack")
            assert resolve_region(s, "Sagaing").name == "Sagaing Region"
            files = s.scalars(sa.select(ReportFile).order_by(ReportFile.created_at)).all()
            assert [(f.revision, f.status) for f in files] == [(1, "draft"), (2, "final")]
            report = s.get_one(Report, report_id)
            assert (report.comparison, report.incident_ids) == ("auto", [])
            assert report.period_to == dt.date(2025, 6, 8)
    finally:
        project.close()


def test_stored_release_keeps_its_pack_names(tmp_path: Path) -> None:
    path = tmp_path / "release.sitrep"
    shutil.copy(DATA / "project-schema-0005.sitrep", path)
    before = sa.create_engine(f"sqlite:///{DATA / 'project-schema-0005.sitrep'}")
    with before.connect() as conn:
        old: dict[str, str] = dict(
            conn.execute(sa.text("SELECT pcode, name FROM admin_area")).all()
        )
    before.dispose()
    project = open_project(path)
    try:
        with project.session() as s:
            now = {a.pcode: a.name for a in s.scalars(sa.select(AdminArea))}
        assert {k: v for k, v in now.items() if k} == {k: v for k, v in old.items() if k}
    finally:
        project.close()
