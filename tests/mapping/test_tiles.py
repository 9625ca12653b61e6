"""Reading MBTiles and PMTiles basemaps, and refusing files Sitrep cannot use."""

from __future__ import annotations

import gzip
import io
import sqlite3
from pathlib import Path

import mapbox_vector_tile
import pytest
from PIL import Image

from sitrep.places.tiles import BasemapError, open_tileset, read_info
from tests.tilefixtures import make_mbtiles, make_pmtiles, tile_colour


def pixel(data: bytes) -> tuple[int, int, int]:
    r, g, b = Image.open(io.BytesIO(data)).convert("RGB").getpixel((128, 200))  # type: ignore[misc]
    return int(r), int(g), int(b)


@pytest.mark.parametrize("fmt", ["png", "jpg", "webp"])
def test_mbtiles_raster_tiles_come_back_by_xyz_address(tmp_path: Path, fmt: str) -> None:
    path = make_mbtiles(tmp_path / f"base.{fmt}.mbtiles", fmt=fmt)
    tiles = open_tileset(path)
    try:
        assert tiles.info.format == fmt
        assert (tiles.info.minzoom, tiles.info.maxzoom) == (0, 2)
        assert tiles.info.attribution == "Test tiles © Sitrep tests"
        # y counted from the north: (2, 1, 0) is a northern tile, stored as TMS row 3
        data = tiles.tile(2, 1, 0)
        assert data is not None
        got, want = pixel(data), tile_colour(2, 1, 0)
        assert all(abs(a - b) <= 6 for a, b in zip(got, want, strict=True)), (got, want)
        assert tiles.tile(3, 0, 0) is None  # beyond the file's zooms
        assert tiles.tile(2, 4, 0) is None  # outside the world
    finally:
        tiles.close()


def test_mbtiles_vector_tiles_are_served_uncompressed(tmp_path: Path) -> None:
    path = make_mbtiles(tmp_path / "vector.mbtiles", fmt="pbf")
    info = read_info(path)
    assert info.is_vector and info.vector_layers == ("landcover", "roads")
    tiles = open_tileset(path)
    try:
        data = tiles.tile(1, 1, 0)
        assert data is not None and data[:2] != b"\x1f\x8b"
        decoded = mapbox_vector_tile.decode(data)
        assert decoded["landcover"]["features"][0]["properties"]["tile"] == "1/1/0"
        assert decoded["roads"]["features"][0]["properties"]["name"] == "Myitkyina Road"
    finally:
        tiles.close()


def test_mbtiles_without_format_is_read_from_its_tiles(tmp_path: Path) -> None:
    path = make_mbtiles(tmp_path / "old.mbtiles", metadata={"format": "", "minzoom": ""})
    info = read_info(path)
    assert info.format == "png" and (info.minzoom, info.maxzoom) == (0, 2)


@pytest.mark.parametrize("fmt", ["png", "pbf"])
def test_pmtiles_tiles_come_back_by_xyz_address(tmp_path: Path, fmt: str) -> None:
    path = make_pmtiles(tmp_path / "base.pmtiles", fmt=fmt)
    tiles = open_tileset(path)
    try:
        assert tiles.info.container == "pmtiles" and tiles.info.format == fmt
        assert tiles.info.name == "Test PMTiles"
        assert tiles.info.bounds == (-180.0, -85.0, 180.0, 85.0)
        data = tiles.tile(2, 3, 1)
        assert data is not None
        if fmt == "png":
            assert pixel(data)[:3] == tile_colour(2, 3, 1)
        else:
            props = mapbox_vector_tile.decode(data)["landcover"]["features"][0]["properties"]
            assert props["tile"] == "2/3/1"
        assert tiles.tile(5, 0, 0) is None
    finally:
        tiles.close()


def refused(path: Path) -> str:
    with pytest.raises(BasemapError) as caught:
        read_info(path)
    message = str(caught.value)
    assert path.name in message and "\n" not in message
    return message


def test_refuses_a_file_that_is_neither_format(tmp_path: Path) -> None:
    path = tmp_path / "notes.mbtiles"
    path.write_text("just some text, not a basemap")
    assert "neither an MBTiles nor a PMTiles" in refused(path)


def test_refuses_an_sqlite_database_that_is_not_mbtiles(tmp_path: Path) -> None:
    path = tmp_path / "other.mbtiles"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE things (a)")
    db.commit()
    db.close()
    assert "not an MBTiles file" in refused(path)


def test_refuses_an_unsupported_tile_format(tmp_path: Path) -> None:
    path = make_mbtiles(tmp_path / "mlt.mbtiles", metadata={"format": "mlt"})
    assert "format 'mlt'" in refused(path)


def test_refuses_tiles_that_are_not_what_the_metadata_says(tmp_path: Path) -> None:
    path = make_mbtiles(tmp_path / "liar.mbtiles", fmt="png", metadata={"format": "jpg"})
    assert "not" in refused(path) and "JPG" in refused(path)


def test_refuses_a_truncated_mbtiles(tmp_path: Path) -> None:
    path = make_mbtiles(tmp_path / "cut.mbtiles", zooms=range(0, 4))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    assert "damaged" in refused(path) or "holds no tiles" in refused(path)


def test_refuses_a_truncated_pmtiles(tmp_path: Path) -> None:
    path = make_pmtiles(tmp_path / "cut.pmtiles")
    data = path.read_bytes()
    path.write_bytes(data[:200])
    assert "damaged" in refused(path)


def test_refuses_a_pmtiles_of_another_version(tmp_path: Path) -> None:
    path = make_pmtiles(tmp_path / "v2.pmtiles")
    data = bytearray(path.read_bytes())
    data[7] = 2
    path.write_bytes(bytes(data))
    assert "version 2" in refused(path)


def test_refuses_pmtiles_compressed_with_brotli(tmp_path: Path) -> None:
    path = make_pmtiles(tmp_path / "brotli.pmtiles", fmt="pbf")
    data = bytearray(path.read_bytes())
    data[98] = 3  # tile compression: brotli
    path.write_bytes(bytes(data))
    assert "brotli" in refused(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(BasemapError, match="does not exist"):
        read_info(tmp_path / "nowhere.mbtiles")


def test_gzip_helper_leaves_plain_protobuf_alone() -> None:
    from sitrep.places.tiles import plain_pbf

    raw = b"\x1a\x05hello"
    assert plain_pbf(raw) == raw
    assert plain_pbf(gzip.compress(raw)) == raw
