"""The same imports and exports on PostgreSQL as on SQLite (a team's shared database)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sitrep.interchange.exporters import export_incidents
from sitrep.interchange.importer import import_file
from sitrep.interchange.place_packs import import_boundary_pack
from sitrep.store import Project, create_project
from tests.interchange.fixtures import ACLED_CURRENT_ROWS, ucdp_row, write_acled, write_ucdp
from tests.places.test_packs import districts, states
from tests.store.test_postgres import pg_url  # noqa: F401 - fixture

pytestmark = pytest.mark.postgres


def run_all(project: Project, tmp_path: Path) -> list[object]:
    out: list[object] = []
    acled_file = write_acled(tmp_path / "a.csv")
    out.append(import_file(project, acled_file).summary())
    out.append(import_file(project, write_ucdp(tmp_path / "u.csv", [ucdp_row("1")])).summary())
    newer = [dict(r) for r in ACLED_CURRENT_ROWS]
    newer[0]["fatalities"] = "9"
    out.append(import_file(project, write_acled(tmp_path / "n.csv", newer)).summary())
    out.append(import_boundary_pack(project, states(tmp_path)).summary("x"))
    out.append(import_boundary_pack(project, districts(tmp_path)).summary("x"))
    export = tmp_path / "out.csv"
    export_incidents(project, export, "acled")
    with export.open(encoding="utf-8", newline="") as fh:
        out.append([row[:-1] for row in csv.reader(fh)])  # all but the timestamp
    return out


def test_interchange_on_postgres_matches_sqlite(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    sqlite_dir = tmp_path / "lite"
    pg_dir = tmp_path / "pg"
    sqlite_dir.mkdir()
    pg_dir.mkdir()
    lite = create_project(sqlite_dir / "p.sitrep")
    pg = create_project(pg_url)
    try:
        assert pg.engine.dialect.name == "postgresql"
        assert run_all(pg, pg_dir) == run_all(lite, sqlite_dir)
    finally:
        lite.close()
        pg.close()
