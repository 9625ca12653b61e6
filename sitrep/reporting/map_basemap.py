"""The project's basemap under the report's static map, drawn from its tiles offline.

The static map's axes are longitude/latitude (scaled for the middle latitude); tiles
are Web Mercator. Raster tiles are stitched into one image and resampled row by row to
the axes' latitudes (longitude is linear in both), then shown under the outlines.
Vector tiles are decoded (``mapbox-vector-tile``) and drawn with the same plain style
as the app's page (water blue, land cover pale, roads and boundaries as lines); their
labels are left out, because the report places its own town labels and two sets of
names would collide.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from sitrep.places.tiles import Tileset, tile_lat, tile_range, tile_xy

MAX_TILES = 64  # per static map: a 16.5 cm map at 200 dpi needs far fewer
WATER = "#B9D3E6"
LAND_COVER = "#E4ECD9"
ROAD = "#A39584"
BOUNDARY = "#9A7FA8"


@dataclass(frozen=True)
class Drawn:
    """What went under the map, for its sources line."""

    zoom: int
    tiles: int
    vector: bool


def choose_zoom(tileset: Tileset, extent: tuple[float, float, float, float], width_px: int) -> int:
    """The tile zoom whose pixels match the figure's (clamped to the file's zooms)."""
    west, _, east, _ = extent
    wanted = math.log2(max(width_px, 1) * 360.0 / (256.0 * max(east - west, 1e-6)))
    z = max(tileset.info.minzoom, min(tileset.info.maxzoom, math.ceil(wanted)))
    while z > tileset.info.minzoom:
        xs, ys = tile_range(extent, z)
        if len(xs) * len(ys) <= MAX_TILES:
            break
        z -= 1
    return z


def draw_basemap(
    ax: Any, tileset: Tileset, extent: tuple[float, float, float, float], width_px: int
) -> Drawn | None:
    """Draw the tiles covering ``extent`` on ``ax`` (under everything); None if none."""
    z = choose_zoom(tileset, extent, width_px)
    if tileset.info.is_vector:
        return _draw_vector(ax, tileset, extent, z)
    return _draw_raster(ax, tileset, extent, z)


def _draw_raster(
    ax: Any, tileset: Tileset, extent: tuple[float, float, float, float], z: int
) -> Drawn | None:
    from PIL import Image

    xs, ys = tile_range(extent, z)
    mosaic = Image.new("RGBA", (len(xs) * 256, len(ys) * 256), (0, 0, 0, 0))
    count = 0
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            data = tileset.tile(z, x, y)
            if not data:
                continue
            try:
                tile = Image.open(io.BytesIO(data)).convert("RGBA")
            except OSError:
                continue  # one unreadable tile leaves a hole, not a failed report
            if tile.size != (256, 256):
                tile = tile.resize((256, 256))
            mosaic.paste(tile, (i * 256, j * 256))
            count += 1
    if not count:
        return None
    pixels = np.asarray(mosaic)
    west, south, east, north = extent
    # columns: longitude is linear in both projections
    fx0, _ = tile_xy(west, 0.0, z)
    fx1, _ = tile_xy(east, 0.0, z)
    cols = np.clip(
        ((np.linspace(fx0, fx1, pixels.shape[1]) - xs.start) * 256).astype(int),
        0,
        pixels.shape[1] - 1,
    )
    # rows: each output row's latitude, looked up in Mercator
    rows_out = pixels.shape[0]
    lats = north - (np.arange(rows_out) + 0.5) * (north - south) / rows_out
    fy = np.array([tile_xy(0.0, float(lat), z)[1] for lat in lats])
    rows = np.clip(((fy - ys.start) * 256).astype(int), 0, pixels.shape[0] - 1)
    image = pixels[rows][:, cols]
    ax.imshow(
        image,
        extent=(west, east, south, north),
        origin="upper",
        zorder=0.5,
        interpolation="bilinear",
        aspect=ax.get_aspect(),
    )
    return Drawn(z, count, vector=False)


def _kind(layer: str) -> str:
    n = layer.lower()
    if re.search(r"water|ocean|lake|river|sea", n):
        return "waterway" if "way" in n else "water"
    if re.search(r"road|transport|street|highway|rail", n):
        return "road"
    if re.search(r"bound|admin", n):
        return "boundary"
    if re.search(r"place|poi|label|settlement|town|city|build", n):
        return "skip"
    return "land"


def _draw_vector(
    ax: Any, tileset: Tileset, extent: tuple[float, float, float, float], z: int
) -> Drawn | None:
    import mapbox_vector_tile
    from matplotlib.collections import LineCollection, PolyCollection

    xs, ys = tile_range(extent, z)
    polys: dict[str, list[np.ndarray[Any, Any]]] = {"water": [], "land": []}
    lines: dict[str, list[np.ndarray[Any, Any]]] = {
        "water": [],
        "road": [],
        "boundary": [],
        "land": [],
    }
    count = 0
    for x in xs:
        for y in ys:
            data = tileset.tile(z, x, y)
            if not data:
                continue
            try:
                decoded = mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})
            except Exception:  # noqa: BLE001 - a damaged tile leaves a hole, not a failed report
                continue
            count += 1
            for layer, content in decoded.items():
                kind = _kind(layer)
                if kind == "skip":
                    continue
                extent_units = float(content.get("extent", 4096))
                for feature in content.get("features", []):
                    _collect(feature["geometry"], kind, x, y, z, extent_units, polys, lines)
    if not count:
        return None
    if polys["land"]:
        ax.add_collection(
            PolyCollection(
                polys["land"], facecolor=LAND_COVER, edgecolor="none", alpha=0.8, zorder=0.6
            )
        )
    if polys["water"]:
        ax.add_collection(
            PolyCollection(polys["water"], facecolor=WATER, edgecolor="none", zorder=0.7)
        )
    styles = {
        "water": (WATER, 0.6),
        "land": ("#B8B0A2", 0.3),
        "road": (ROAD, 0.6),
        "boundary": (BOUNDARY, 0.5),
    }
    for kind, segments in lines.items():
        if segments:
            colour, width = styles[kind]
            ax.add_collection(
                LineCollection(segments, colors=colour, linewidths=width, zorder=0.8)
            )
    return Drawn(z, count, vector=True)


def _collect(
    geometry: dict[str, Any],
    kind: str,
    x: int,
    y: int,
    z: int,
    units: float,
    polys: dict[str, list[np.ndarray[Any, Any]]],
    lines: dict[str, list[np.ndarray[Any, Any]]],
) -> None:
    def lonlat(ring: list[list[float]]) -> np.ndarray[Any, Any]:
        pts = np.asarray(ring, dtype=float)
        lon = (x + pts[:, 0] / units) / 2**z * 360.0 - 180.0
        lat = np.array([tile_lat(y + py / units, z) for py in pts[:, 1]])
        return np.column_stack([lon, lat])

    gtype, coords = geometry.get("type"), geometry.get("coordinates")
    if not coords:
        return
    if gtype == "Polygon" and kind in {"water", "land"}:
        polys[kind].append(lonlat(coords[0]))
    elif gtype == "MultiPolygon" and kind in {"water", "land"}:
        polys[kind].extend(lonlat(p[0]) for p in coords)
    elif gtype == "LineString":
        lines["water" if kind == "waterway" else kind].append(lonlat(coords))
    elif gtype == "MultiLineString":
        lines["water" if kind == "waterway" else kind].extend(lonlat(c) for c in coords)
