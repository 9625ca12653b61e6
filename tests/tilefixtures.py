"""Small MBTiles and PMTiles files made by the tests themselves.

Raster tiles are drawn with Pillow, each in a colour that encodes its XYZ address, so a
test can tell that the right tile (and the right TMS row flip) arrived. Vector tiles are
written with ``mapbox-vector-tile`` (a maintained encoder): one polygon layer, one road.
"""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import mapbox_vector_tile
from PIL import Image, ImageDraw


def tile_colour(z: int, x: int, y: int) -> tuple[int, int, int]:
    """A colour unique to a tile address (XYZ, y from the north)."""
    return ((20 + 35 * z) % 256, 10 + (x * 37) % 200, 10 + (y * 53) % 200)


def raster_tile(z: int, x: int, y: int, fmt: str = "png") -> bytes:
    img = Image.new("RGB", (256, 256), tile_colour(z, x, y))
    ImageDraw.Draw(img).text((8, 8), f"{z}/{x}/{y}", fill=(255, 255, 255))
    out = io.BytesIO()
    img.save(out, format={"png": "PNG", "jpg": "JPEG", "webp": "WEBP"}[fmt])
    return out.getvalue()


def vector_tile(z: int, x: int, y: int) -> bytes:
    """A Mapbox Vector Tile (4096 extent) with a land polygon and a named road."""
    return bytes(
        mapbox_vector_tile.encode(
            [
                {
                    "name": "landcover",
                    "features": [
                        {
                            "geometry": "POLYGON ((200 200, 3800 200, 3800 3800, 200 3800, 200 200))",
                            "properties": {"class": "forest", "tile": f"{z}/{x}/{y}"},
                        }
                    ],
                },
                {
                    "name": "roads",
                    "features": [
                        {
                            "geometry": "LINESTRING (0 2048, 4096 2048)",
                            "properties": {"name": "Myitkyina Road"},
                        }
                    ],
                },
            ]
        )
    )


def addresses(
    zooms: Iterable[int], area: tuple[float, float, float, float] | None = None
) -> list[tuple[int, int, int]]:
    """Every tile of ``zooms``, or only those over ``area`` (west, south, east, north)."""
    from sitrep.places.tiles import tile_range

    out: list[tuple[int, int, int]] = []
    for z in zooms:
        xs, ys = tile_range(area, z) if area else (range(2**z), range(2**z))
        out.extend((z, x, y) for x in xs for y in ys)
    return out


def make_mbtiles(
    path: Path,
    *,
    fmt: str = "png",
    zooms: Iterable[int] = range(0, 3),
    metadata: dict[str, str] | None = None,
    gzip_vector: bool = True,
    area: tuple[float, float, float, float] | None = None,
) -> Path:
    """An MBTiles file (tile rows stored TMS-style, as the specification says)."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
        "tile_data BLOB)"
    )
    zooms = list(zooms)
    meta = {
        "name": "Test basemap",
        "format": fmt,
        "bounds": "-180,-85,180,85",
        "minzoom": str(min(zooms)),
        "maxzoom": str(max(zooms)),
        "attribution": "Test tiles © Sitrep tests",
    }
    if fmt == "pbf":
        meta["json"] = json.dumps(
            {"vector_layers": [{"id": "landcover", "fields": {}}, {"id": "roads", "fields": {}}]}
        )
    meta.update(metadata or {})
    db.executemany("INSERT INTO metadata VALUES (?, ?)", [(k, v) for k, v in meta.items() if v])
    for z, x, y in addresses(zooms, area):
        if fmt == "pbf":
            data = vector_tile(z, x, y)
            data = gzip.compress(data) if gzip_vector else data
        else:
            data = raster_tile(z, x, y, fmt)
        db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2**z - 1 - y, data))
    db.commit()
    db.close()
    return path


def make_pmtiles(path: Path, *, fmt: str = "png", zooms: Iterable[int] = range(0, 3)) -> Path:
    """A PMTiles v3 archive written with the ``pmtiles`` package's writer."""
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import write

    zooms = list(zooms)
    kind = {"png": TileType.PNG, "jpg": TileType.JPEG, "webp": TileType.WEBP, "pbf": TileType.MVT}
    tiles = sorted((zxy_to_tileid(z, x, y), (z, x, y)) for z, x, y in addresses(zooms))
    with write(str(path)) as writer:
        for tile_id, (z, x, y) in tiles:
            if fmt == "pbf":
                data = gzip.compress(vector_tile(z, x, y))
            else:
                data = raster_tile(z, x, y, fmt)
            writer.write_tile(tile_id, data)
        writer.finalize(
            {
                "tile_type": kind[fmt],
                "tile_compression": Compression.GZIP if fmt == "pbf" else Compression.NONE,
                "min_lon_e7": int(-180e7),
                "min_lat_e7": int(-85e7),
                "max_lon_e7": int(180e7),
                "max_lat_e7": int(85e7),
                "center_zoom": 0,
                "center_lon_e7": 0,
                "center_lat_e7": 0,
            },
            {
                "name": "Test PMTiles",
                "attribution": "PMTiles © Sitrep tests",
                "vector_layers": [{"id": "landcover"}, {"id": "roads"}],
            },
        )
    return path
