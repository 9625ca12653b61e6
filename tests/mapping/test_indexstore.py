"""The map index saved with the project: used when current, never when the data it
holds has changed since (by this app, an import, a merge or another process), and the
same as an index read afresh."""

from __future__ import annotations

import csv
import datetime as dt
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select, text, update

from sitrep.mapping import indexstore
from sitrep.mapping.grid import Viewport
from sitrep.mapping.pointindex import PointIndex
from sitrep.model import EventType, Incident, MapIndexBlob
from sitrep.model.enums import Sensitivity
from sitrep.store import Project, create_project, open_project
from sitrep.store.incidents import bulk_insert_incidents
from sitrep.store.queries import IncidentFilter
from tests.conftest import make_incident

TYPES = ["Battles", "Protests", "Riots", "Explosions/Remote violence"]
SUBS = ["Armed clash", "Peaceful protest", "Mob violence", "Air/drone strike"]


def add_points(project: Project, n: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        k = rng.randrange(len(TYPES))
        rows.append(
            {
                "title": f"p{seed}-{i}",
                "date_start": dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(500)),
                "event_type": TYPES[k],
                "sub_event_type": SUBS[k],
                "lat": rng.uniform(-30, 50) if i % 50 else None,
                "lon": rng.uniform(-100, 150) if i % 50 else None,
            }
        )
    with project.session() as s:
        bulk_insert_incidents(s, rows)


def load(project: Project) -> indexstore.LoadedIndex:
    """What the map pane does: load or read afresh, then save what it read."""
    with project.session() as s:
        loaded = indexstore.load_or_build(s)
    if loaded.save_as is not None:
        with project.session() as s:
            assert indexstore.save(s, loaded.index, loaded.save_as)
    return loaded


def fresh(project: Project) -> PointIndex:
    with project.session() as s:
        return PointIndex.load(s)


def assert_same(a: PointIndex, b: PointIndex) -> None:
    assert a.types == b.types
    for name in ("lat", "lon", "day", "type_code"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype
        assert np.array_equal(x, y, equal_nan=name in ("lat", "lon"))
    flt = IncidentFilter(date_from=dt.date(2024, 3, 1), event_types=("Battles", "Riots"))
    for view in (Viewport(-180, -85, 180, 85, 2), Viewport(0, 0, 40, 40, 6)):
        assert a.grid_cells(flt, view) == b.grid_cells(flt, view)
    assert a.without_coordinates(flt) == b.without_coordinates(flt)


@pytest.fixture
def points(project: Project) -> Project:
    add_points(project, 400)
    return project


def test_saved_index_is_used_and_equals_a_fresh_one(points: Project) -> None:
    first = load(points)
    assert not first.from_store
    again = load(points)
    assert again.from_store and again.save_as is None
    assert_same(again.index, fresh(points))
    assert_same(again.index, first.index)


def _insert(p: Project) -> None:
    make_incident(p, title="new one", lat=10.0, lon=20.0)


def _move(p: Project) -> None:
    with p.session() as s:
        inc = s.scalars(select(Incident).where(Incident.lat.is_not(None)).limit(1)).one()
        assert inc.lat is not None
        inc.lat = inc.lat + 0.5


def _redate(p: Project) -> None:
    with p.session() as s:
        inc = s.scalars(select(Incident).limit(1)).one()
        inc.date_start = inc.date_end = dt.date(2023, 1, 1)


def _retype(p: Project) -> None:
    with p.session() as s:
        inc = s.scalars(select(Incident).where(Incident.event_type == "Battles").limit(1)).one()
        inc.event_type, inc.sub_event_type = "Riots", "Mob violence"


def _delete(p: Project) -> None:
    with p.session() as s:
        s.delete(s.scalars(select(Incident).limit(1)).one())


def _bulk(p: Project) -> None:
    add_points(p, 30, seed=9)


def _taxonomy(p: Project) -> None:
    with p.session() as s:
        s.execute(update(EventType).where(EventType.name == "Riots").values(position=-1))


def _other_process(p: Project) -> None:
    # a plain sqlite3 connection knows nothing of the saved index
    conn = sqlite3.connect(p.location)
    with conn:
        conn.execute("UPDATE incident SET lon = 1.5 WHERE lon IS NOT NULL AND rowid = 7")
    conn.close()


def _csv_import(p: Project) -> None:
    from sitrep.interchange.importer import import_file

    path = Path(p.location).with_name("more.csv")
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["date", "event_type", "sub_event_type", "latitude", "longitude", "title"])
        w.writerow(["2024-02-03", "Battles", "Armed clash", "12.5", "33.25", "imported"])
    import_file(p, path)


def _merge(p: Project) -> None:
    from sitrep.sharing.export import export_project
    from sitrep.sharing.merge import merge_project

    folder = Path(p.location).parent
    partner = create_project(folder / "partner.sitrep", name="P", user="p")
    make_incident(partner, title="theirs", lat=-5.0, lon=7.0, sensitivity=Sensitivity.PUBLIC)
    export_project(partner, folder / "shared.sitrep", level=Sensitivity.PARTNER)
    partner.close()
    assert merge_project(p, folder / "shared.sitrep").added == 1


CHANGES: dict[str, Callable[[Project], None]] = {
    "insert": _insert,
    "move": _move,
    "redate": _redate,
    "retype": _retype,
    "delete": _delete,
    "bulk insert": _bulk,
    "taxonomy order": _taxonomy,
    "another process": _other_process,
    "csv import": _csv_import,
    "merge": _merge,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_makes_the_saved_index_stale(points: Project, change: str) -> None:
    load(points)
    CHANGES[change](points)
    after = load(points)
    assert not after.from_store  # read afresh, and saved again
    assert_same(after.index, fresh(points))
    again = load(points)
    assert again.from_store
    assert_same(again.index, fresh(points))


def test_an_edit_the_map_does_not_show_keeps_it(points: Project) -> None:
    load(points)
    with points.session() as s:
        inc = s.scalars(select(Incident).limit(1)).one()
        inc.title, inc.narrative = "renamed", "more words"
    assert load(points).from_store


def test_a_change_while_it_is_read_is_never_saved_under_the_old_count(points: Project) -> None:
    with points.session() as s:
        loaded = indexstore.load_or_build(s)
    assert loaded.save_as is not None
    _insert(points)  # lands after the read, before the save
    with points.session() as s:
        assert not indexstore.save(s, loaded.index, loaded.save_as)
    assert not load(points).from_store


@pytest.mark.parametrize(
    "spoil",
    [
        "UPDATE map_index SET schema = '0009'",
        "UPDATE map_index SET format = format + 1",
        "UPDATE map_index SET count = count - 1",
        "DROP TRIGGER map_change_incident_update",
    ],
)
def test_an_index_from_another_schema_or_format_is_not_used(points: Project, spoil: str) -> None:
    load(points)
    with points.session() as s:
        s.execute(text(spoil))
    assert indexstore.load_saved(points.new_session()) is None
    assert_same(load(points).index, fresh(points))


def test_an_encrypted_project_keeps_its_index_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "secret.sitrep"
    project = create_project(path, name="S", passphrase="correct horse battery")
    add_points(project, 200)
    built = load(project)
    project.close()
    assert b"SQLite format 3" not in path.read_bytes()[:16]
    project = open_project(path, passphrase="correct horse battery")
    try:
        again = load(project)
        assert again.from_store
        assert_same(again.index, built.index)
        assert_same(again.index, fresh(project))
    finally:
        project.close()


def test_the_saved_index_never_travels_in_a_shared_copy(points: Project, tmp_path: Path) -> None:
    from sitrep.sharing.export import export_project

    load(points)
    export_project(points, tmp_path / "out.sitrep", level=Sensitivity.INTERNAL)
    copy = open_project(tmp_path / "out.sitrep")
    try:
        with copy.session() as s:
            assert s.scalars(select(MapIndexBlob)).first() is None
    finally:
        copy.close()


def test_empty_project(project: Project) -> None:
    assert len(load(project).index) == 0
    again = load(project)
    assert again.from_store and len(again.index) == 0


@pytest.mark.parametrize("old", ["project-schema-0001.sitrep", "project-schema-0009.sitrep"])
def test_a_project_from_before_the_saved_index_gets_one(tmp_path: Path, old: str) -> None:
    import shutil

    path = tmp_path / old
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / old, path)
    project = open_project(path)  # upgraded: the counter and its triggers are made
    try:
        assert not load(project).from_store
        again = load(project)
        assert again.from_store and len(again.index) > 0
        assert_same(again.index, fresh(project))
    finally:
        project.close()
