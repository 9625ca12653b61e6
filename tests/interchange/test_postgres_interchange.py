"""The same imports and exports on PostgreSQL as on SQLite (a team's shared database)."""

from __future__ import annotations

import csv
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sitrep.interchange.exporters import export_incidents
from sitrep.interchange.import_write import ActorRegistry
from sitrep.interchange.importer import import_file
from sitrep.interchange.place_packs import import_boundary_pack
from sitrep.model import Actor, Incident
from sitrep.store import Project, create_project, open_project
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


def test_two_team_members_importing_the_same_file_at_once_on_postgres(
    pg_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Two connections import the same file at the same moment: the file is added
    once, its actors once, and neither import fails (issue 12, item 5)."""
    create_project(pg_url).close()
    rows = [dict(r, event_id_cnty=f"PG{i}") for i, r in enumerate(ACLED_CURRENT_ROWS * 10)]
    path = write_acled(tmp_path / "same.csv", rows)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def run() -> None:
        project = open_project(pg_url)
        try:

            def progress(done: int, total: int, phase: str) -> bool:
                if phase == "reading" and done == 0:
                    barrier.wait(timeout=30)
                return True

            results.append(import_file(project, path, progress=progress).added)
        except Exception as exc:  # noqa: BLE001 - the assertion shows it
            results.append(exc)
        finally:
            project.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(results, key=str) == [0, 30]
    project = open_project(pg_url)
    try:
        with project.session() as s:
            assert s.scalar(select(func.count()).select_from(Incident)) == 30
            names = s.scalars(select(Actor.name)).all()
            assert len(names) == len(set(names)) > 0
    finally:
        project.close()


def test_an_actor_added_meanwhile_by_a_colleague_is_reused_on_postgres(
    pg_url: str,  # noqa: F811
) -> None:
    project = create_project(pg_url)
    first, second = project.new_session(), project.new_session()
    try:
        late = ActorRegistry(second)
        early = ActorRegistry(first)
        early.ensure({"Arakan Army": (2, "MMR")})
        first.commit()
        late.ensure({"Arakan Army": (2, "MMR"), "Chin National Front": (2, "MMR")})
        second.commit()
        assert late.id_for("Arakan Army") == early.id_for("Arakan Army")
        assert (early.created, late.created) == (1, 1)
    finally:
        first.close()
        second.close()
        project.close()
