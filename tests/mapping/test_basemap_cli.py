"""``sitrep basemap add|list|move|remove`` and where a moved project finds its basemaps."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from sitrep.cli import main
from sitrep.places import basemaps
from sitrep.places.tiles import BasemapError
from sitrep.store import open_project
from tests.tilefixtures import make_mbtiles, make_pmtiles


def stored(project: Path) -> list[dict[str, object]]:
    db = sqlite3.connect(project)
    row = db.execute("SELECT value FROM project_setting WHERE key = 'basemaps'").fetchone()
    db.close()
    return json.loads(row[0]) if row else []


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "stick" / "kachin.sitrep"
    path.parent.mkdir()
    assert main(["new", str(path)]) == 0
    return path


def test_add_list_move_remove(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    maps = project.parent / "maps"
    maps.mkdir()
    raster = make_mbtiles(maps / "kachin.mbtiles", metadata={"name": "Kachin relief"})
    vector = make_pmtiles(maps / "roads.pmtiles", fmt="pbf")
    assert main(["basemap", "add", str(project), str(raster)]) == 0
    assert main(["basemap", "add", str(project), str(vector), "--name", "Roads"]) == 0
    out = capsys.readouterr().out
    assert "Added basemap 'Kachin relief' (MBTiles PNG, zoom 0–2)" in out
    assert "Added basemap 'Roads' (PMTiles vector, zoom 0–2)" in out
    saved = stored(project)
    assert [b["name"] for b in saved] == ["Kachin relief", "Roads"]
    assert saved[0]["relative"] == "maps/kachin.mbtiles"  # from the project's folder
    assert saved[0]["path"] == str(raster.resolve())

    assert main(["basemap", "move", str(project), "roads", "--to", "1"]) == 0
    assert [b["name"] for b in stored(project)] == ["Roads", "Kachin relief"]
    capsys.readouterr()
    assert main(["basemap", "list", str(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("1. Roads — PMTiles vector, zoom 0–2 — ")
    assert lines[1].startswith("2. Kachin relief — MBTiles PNG")

    assert main(["basemap", "remove", str(project), "Roads"]) == 0
    assert [b["name"] for b in stored(project)] == ["Kachin relief"]
    assert vector.exists()  # the file itself is left alone


def test_the_same_file_twice_is_refused(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raster = make_mbtiles(tmp_path / "a.mbtiles")
    assert main(["basemap", "add", str(project), str(raster)]) == 0
    assert main(["basemap", "add", str(project), str(raster)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["Error: a.mbtiles is already a basemap of this project ('Test basemap')."] or (
        len(err) == 1 and "already a basemap" in err[0]
    )


def test_a_corrupt_file_is_refused_with_one_line(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.pmtiles"
    bad.write_bytes(b"PMTiles\x03" + b"\x00" * 50)
    assert main(["basemap", "add", str(project), str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.pmtiles is damaged" in err[0]
    assert stored(project) == []


def test_unknown_name_and_position_are_user_errors(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["basemap", "add", str(project), str(make_mbtiles(tmp_path / "a.mbtiles"))]) == 0
    assert main(["basemap", "remove", str(project), "Nope"]) == 1
    assert "no basemap named 'Nope' (it has: 'Test basemap')" in capsys.readouterr().err
    assert main(["basemap", "move", str(project), "Test basemap", "--to", "3"]) == 1
    assert "Position 3 is outside 1 to 1" in capsys.readouterr().err


def test_a_project_moved_with_its_maps_folder_finds_them(project: Path, tmp_path: Path) -> None:
    maps = project.parent / "maps"
    maps.mkdir()
    make_mbtiles(maps / "kachin.mbtiles")
    assert main(["basemap", "add", str(project), str(maps / "kachin.mbtiles")]) == 0
    # the stick is plugged into another machine: another drive, another folder
    moved = tmp_path / "elsewhere" / "stick"
    shutil.move(str(project.parent), str(moved))
    p = open_project(str(moved / "kachin.sitrep"))
    try:
        with p.session() as s:
            (basemap,) = basemaps.registered(s)
        assert (
            basemaps.locate(basemap, basemaps.project_folder(p))
            == moved / "maps" / "kachin.mbtiles"
        )
    finally:
        p.close()


def test_another_file_with_the_same_name_is_not_taken(project: Path) -> None:
    path = make_mbtiles(project.parent / "kachin.mbtiles")
    assert main(["basemap", "add", str(project), str(path)]) == 0
    path.unlink()
    make_mbtiles(path, zooms=range(0, 2))  # same name, other content
    p = open_project(str(project))
    try:
        with p.session() as s:
            (basemap,) = basemaps.registered(s)
        with pytest.raises(BasemapError, match="is not the file that was added"):
            basemaps.locate(basemap, basemaps.project_folder(p))
        path.unlink()
        with pytest.raises(BasemapError, match="is missing"):
            basemaps.locate(basemap, basemaps.project_folder(p))
    finally:
        p.close()
