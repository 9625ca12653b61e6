"""Offline basemap files: MBTiles (SQLite) and PMTiles v3, read tile by tile.

Field teams already carry basemaps in these two formats (ODK Collect and QField read
MBTiles; QGIS, MapTiler and HOT's export tool write them; PMTiles is the single-file
format of Protomaps). Both are read in place, never unpacked: a basemap can be gigabytes.

Tiles are addressed as the map asks for them (XYZ, y counted from the north); MBTiles
stores rows the TMS way (from the south), so the row is flipped here and nowhere else.
Vector tiles (Mapbox Vector Tile protobuf) come back uncompressed, whatever the file
stored, so every consumer (the page, the HTML export, the static map) reads plain PBF.

A file that is not what it claims, is damaged, or holds a kind of tile Sitrep cannot
draw is refused when it is opened, with one sentence naming the file and the problem.
"""

from __future__ import annotations

import gzip
import json
import mmap
import sqlite3
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from sitrep.errors import SitrepError

RASTER_FORMATS = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
VECTOR_FORMAT = "pbf"
MIME = {**RASTER_FORMATS, VECTOR_FORMAT: "application/x-protobuf"}
WORLD = (-180.0, -85.0511, 180.0, 85.0511)
_SQLITE_MAGIC = b"SQLite format 3\x00"


class BasemapError(SitrepError):
    """A basemap file cannot be used (missing, damaged, or of a kind Sitrep cannot draw)."""


@dataclass(frozen=True)
class TilesetInfo:
    """What a basemap file says about itself (MBTiles metadata table, PMTiles header)."""

    path: Path
    container: str  # "mbtiles" or "pmtiles"
    format: str  # "png", "jpg", "webp" or "pbf"
    name: str
    bounds: tuple[float, float, float, float]  # west, south, east, north
    minzoom: int
    maxzoom: int
    attribution: str = ""
    vector_layers: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_vector(self) -> bool:
        return self.format == VECTOR_FORMAT

    @property
    def mime(self) -> str:
        return MIME[self.format]


class Tileset(Protocol):
    """An open basemap file."""

    info: TilesetInfo

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The tile at XYZ ``z/x/y`` (vector tiles uncompressed), None where there is none."""
        ...

    def close(self) -> None: ...


def sniff_format(data: bytes) -> str | None:
    """The image format of tile bytes, from their signature (None: not an image)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def plain_pbf(data: bytes) -> bytes:
    """A vector tile without its gzip/zlib wrapping (MBTiles writers usually gzip them)."""
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    if data[:1] == b"\x78" and len(data) > 1 and (data[0] * 256 + data[1]) % 31 == 0:
        try:
            return zlib.decompress(data)
        except zlib.error:
            return data  # a protobuf that merely starts like zlib
    return data


def _format_name(raw: str) -> str | None:
    raw = raw.strip().lower()
    if raw in {"jpeg", "jpg"}:
        return "jpg"
    if raw in {"png", "webp", "pbf"}:
        return raw
    if raw in {"mvt", "application/x-protobuf", "application/vnd.mapbox-vector-tile"}:
        return "pbf"
    return None


def _bounds(text: str, where: Path) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise BasemapError(
            f"{where.name} is damaged: its bounds '{text[:60]}' are not four numbers."
        ) from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise BasemapError(f"{where.name} is damaged: its bounds '{text[:60]}' are impossible.")
    return west, south, east, north


def _vector_layers(meta_json: str) -> tuple[str, ...]:
    try:
        data = json.loads(meta_json) if meta_json else {}
    except ValueError:
        return ()
    layers = data.get("vector_layers") if isinstance(data, dict) else None
    if not isinstance(layers, list):
        return ()
    return tuple(str(v["id"]) for v in layers if isinstance(v, dict) and "id" in v)


def open_tileset(path: Path) -> Tileset:
    """Open an MBTiles or PMTiles file (chosen by its content, not its name)."""
    path = Path(path)
    if not path.is_file():
        raise BasemapError(f"The basemap file {path} does not exist.")
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise BasemapError(f"The basemap file {path} cannot be read ({exc.strerror}).") from None
    if head.startswith(b"PMTiles"):
        return PMTilesFile(path)
    if head == _SQLITE_MAGIC:
        return MBTilesFile(path)
    raise BasemapError(
        f"{path.name} is neither an MBTiles nor a PMTiles file (the only basemap formats "
        "Sitrep reads)."
    )


def read_info(path: Path) -> TilesetInfo:
    """Check a basemap file and say what it holds (the file is closed again)."""
    tileset = open_tileset(path)
    try:
        return tileset.info
    finally:
        tileset.close()


class MBTilesFile:
    """An MBTiles 1.3 file, read-only. SQLite connections are not shared across threads:
    one lock serialises the page's tile requests and a report's reads."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        uri = path.resolve().as_uri() + "?mode=ro"
        try:
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        except sqlite3.Error as exc:
            raise BasemapError(f"{path.name} cannot be opened as MBTiles ({exc}).") from None
        try:
            self.info = self._read_info(path)
        except BasemapError:
            self._db.close()
            raise
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise BasemapError(f"{path.name} is damaged: SQLite says '{exc}'.") from None

    def _read_info(self, path: Path) -> TilesetInfo:
        names = {
            row[0]
            for row in self._db.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
            )
        }
        if "tiles" not in names or "metadata" not in names:
            raise BasemapError(
                f"{path.name} is an SQLite database but not an MBTiles file (it has no "
                "'tiles' and 'metadata' tables)."
            )
        meta = {
            str(k).strip().lower(): str(v) if v is not None else ""
            for k, v in self._db.execute("SELECT name, value FROM metadata")
        }
        first = self._db.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
        if first is None or not first[0]:
            raise BasemapError(f"{path.name} holds no tiles.")
        sample = bytes(first[0])
        if "format" in meta:
            fmt = _format_name(meta["format"])
            if fmt is None:
                raise BasemapError(
                    f"{path.name} holds tiles of format '{meta['format'][:30]}', which Sitrep "
                    "cannot draw (it reads PNG, JPEG, WebP and vector PBF)."
                )
        else:  # MBTiles 1.0 files may not say: the tiles tell
            fmt = sniff_format(sample) or VECTOR_FORMAT
        if fmt in RASTER_FORMATS and sniff_format(sample) != fmt:
            raise BasemapError(
                f"{path.name} is damaged: it says its tiles are {fmt.upper()} but they are not."
            )
        if "minzoom" in meta and "maxzoom" in meta:
            try:
                minzoom, maxzoom = int(float(meta["minzoom"])), int(float(meta["maxzoom"]))
            except ValueError:
                raise BasemapError(
                    f"{path.name} is damaged: its zoom levels are not numbers."
                ) from None
        else:
            lo, hi = self._db.execute(
                "SELECT min(zoom_level), max(zoom_level) FROM tiles"
            ).fetchone()
            minzoom, maxzoom = int(lo), int(hi)
        bounds = _bounds(meta["bounds"], path) if meta.get("bounds") else WORLD
        return TilesetInfo(
            path=path,
            container="mbtiles",
            format=fmt,
            name=meta.get("name") or path.stem,
            bounds=bounds,
            minzoom=max(0, minzoom),
            maxzoom=min(max(minzoom, maxzoom), 24),
            attribution=meta.get("attribution", ""),
            vector_layers=_vector_layers(meta.get("json", "")),
        )

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        if z < 0 or not (0 <= x < 2**z and 0 <= y < 2**z):
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                (z, x, (2**z - 1) - y),  # TMS: rows counted from the south
            ).fetchone()
        if row is None or row[0] is None:
            return None
        data = bytes(row[0])
        return plain_pbf(data) if self.info.is_vector else data

    def close(self) -> None:
        self._db.close()


class PMTilesFile:
    """A PMTiles v3 archive, memory-mapped and read with the ``pmtiles`` package."""

    def __init__(self, path: Path) -> None:
        from pmtiles.reader import Reader  # the maintained reference reader
        from pmtiles.tile import Compression, MagicNumberNotFound, SpecVersionUnsupported

        self._file: BinaryIO = path.open("rb")
        self._map: mmap.mmap | None = None
        try:
            size = path.stat().st_size
            if size < 127:
                raise BasemapError(f"{path.name} is damaged: it is shorter than a PMTiles header.")
            self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
            mapping = self._map

            def get_bytes(offset: int, length: int) -> bytes:
                if offset < 0 or length < 0 or offset + length > size:
                    raise BasemapError(
                        f"{path.name} is damaged: it points past its own end (cut short?)."
                    )
                return mapping[offset : offset + length]

            reader_class: Any = Reader  # the package has no type hints
            self._reader: Any = reader_class(get_bytes)
            try:
                header: Any = self._reader.header()
            except SpecVersionUnsupported:
                raise BasemapError(
                    f"{path.name} is a PMTiles file of version {mapping[7]}; Sitrep reads "
                    "version 3 (convert it with the 'pmtiles convert' tool)."
                ) from None
            except (MagicNumberNotFound, ValueError):
                raise BasemapError(
                    f"{path.name} is damaged: its PMTiles header is unreadable."
                ) from None
            self._compression = header["tile_compression"]
            if header["internal_compression"] != Compression.GZIP:
                raise BasemapError(
                    f"{path.name} stores its directories compressed with "
                    f"{header['internal_compression'].name.lower()}, which Sitrep cannot read "
                    "(only gzip)."
                )
            self.info = self._read_info(path, header)
        except BasemapError:
            self.close()
            raise
        except Exception as exc:  # noqa: BLE001 - any decoding failure means a damaged file
            self.close()
            raise BasemapError(
                f"{path.name} is damaged: its PMTiles directory cannot be read ({exc})."
            ) from None

    def _read_info(self, path: Path, header: Any) -> TilesetInfo:
        from pmtiles.tile import Compression, TileType

        kinds = {
            TileType.PNG: "png",
            TileType.JPEG: "jpg",
            TileType.WEBP: "webp",
            TileType.MVT: VECTOR_FORMAT,
        }
        fmt = kinds.get(header["tile_type"])
        if fmt is None:
            raise BasemapError(
                f"{path.name} holds tiles of type {header['tile_type'].name}, which Sitrep "
                "cannot draw (it reads PNG, JPEG, WebP and vector MVT)."
            )
        allowed = {Compression.NONE, Compression.GZIP, Compression.UNKNOWN}
        if self._compression not in allowed:
            raise BasemapError(
                f"{path.name} compresses its tiles with {self._compression.name.lower()}, "
                "which Sitrep cannot read (only gzip or none)."
            )
        metadata = self._reader.metadata()
        if not isinstance(metadata, dict):
            metadata = {}
        e7 = 10_000_000
        bounds = (
            header["min_lon_e7"] / e7,
            header["min_lat_e7"] / e7,
            header["max_lon_e7"] / e7,
            header["max_lat_e7"] / e7,
        )
        west, south, east, north = bounds
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            bounds = WORLD
        layers = metadata.get("vector_layers")
        names = (
            tuple(str(v["id"]) for v in layers if isinstance(v, dict) and "id" in v)
            if isinstance(layers, list)
            else ()
        )
        # the root directory must decode, or no tile ever will
        self._reader.get(header["min_zoom"], 0, 0)
        return TilesetInfo(
            path=path,
            container="pmtiles",
            format=fmt,
            name=str(metadata.get("name") or path.stem),
            bounds=bounds,
            minzoom=int(header["min_zoom"]),
            maxzoom=int(header["max_zoom"]),
            attribution=str(metadata.get("attribution") or ""),
            vector_layers=names,
        )

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        from pmtiles.tile import Compression

        if z < 0 or not (0 <= x < 2**z and 0 <= y < 2**z) or self._map is None:
            return None
        try:
            data = self._reader.get(z, x, y)
        except (BasemapError, ValueError, OSError, EOFError, zlib.error) as exc:
            raise BasemapError(
                f"{self.info.path.name} is damaged: tile {z}/{x}/{y} cannot be read ({exc})."
            ) from None
        if data is None:
            return None
        data = bytes(data)
        if self._compression == Compression.GZIP or self.info.is_vector:
            data = plain_pbf(data)
        return data

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
            self._map = None
        self._file.close()


# ---------------------------------------------------------------- Web Mercator tile maths

MAX_LAT = 85.0511287798


def tile_xy(lon: float, lat: float, z: int) -> tuple[float, float]:
    """Fractional XYZ tile coordinates of a point at zoom ``z`` (y from the north)."""
    import math

    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    n = 2**z
    x = (lon + 180.0) / 360.0 * n
    rad = math.radians(lat)
    y = (1.0 - math.log(math.tan(rad) + 1.0 / math.cos(rad)) / math.pi) / 2.0 * n
    return x, y


def tile_lat(y: float, z: int) -> float:
    """The latitude of the fractional tile row ``y`` at zoom ``z``."""
    import math

    return math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * y / 2**z))))


def tile_range(bounds: tuple[float, float, float, float], z: int) -> tuple[range, range]:
    """The tile columns and rows covering ``bounds`` (west, south, east, north) at ``z``."""
    west, south, east, north = bounds
    x0, y0 = tile_xy(west, north, z)
    x1, y1 = tile_xy(east, south, z)
    last = 2**z - 1
    xs = range(max(0, int(x0)), min(last, int(x1)) + 1)
    ys = range(max(0, int(y0)), min(last, int(y1)) + 1)
    return xs, ys
