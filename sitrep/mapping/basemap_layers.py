"""The project's basemaps as the map page sees them: opened files and page entries.

In the app the page gets a tile URL per basemap (served by the ``sitrep-map:`` scheme);
an exported HTML map gets the tiles themselves, embedded for the map's extent up to a
size cap (a colleague's browser then shows the basemap with no network and no file).
Names and attributions come from files made by others. Leaflet's layer control and
attribution insert them as HTML, so names are escaped here (shown as typed) and
attributions reduced to plain text (their links dropped) and escaped.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from typing import Any

from sitrep.places.basemaps import Basemap, OpenBasemap, plain_html
from sitrep.places.tiles import Tileset, tile_range

EMBED_CAP_BYTES = 8_000_000  # of tile data in an exported HTML map (≈ 11 MB as base64)
EMBED_MAX_TILES_PER_ZOOM = 2048


def _entry(b: Basemap, tileset: Tileset) -> dict[str, Any]:
    info = tileset.info
    return {
        "name": html.escape(b.name) or "Basemap",  # shown as typed
        "vector": info.is_vector,
        "mime": info.mime,
        "minZoom": info.minzoom,
        "maxNativeZoom": info.maxzoom,
        "bounds": list(info.bounds),
        "attribution": plain_html(info.attribution or b.name),
        "layers": list(info.vector_layers),
        "url": None,
        "tiles": None,
    }


def served_entries(opened: list[OpenBasemap], url_for: Any) -> list[dict[str, Any]]:
    """Page entries whose tiles come from ``url_for(index)`` (the app's scheme)."""
    entries = []
    for i, o in enumerate(opened):
        entry = _entry(o.basemap, o.tileset)
        entry["url"] = url_for(i)
        entries.append(entry)
    return entries


@dataclass(frozen=True)
class Embedded:
    tiles: dict[str, str]  # "z/x/y" -> base64
    max_zoom: int | None  # deepest zoom embedded whole (None: none fitted)
    capped: bool  # deeper zooms left out for size
    size: int  # bytes of tile data


def embed_tiles(
    tileset: Tileset,
    bounds: tuple[float, float, float, float],
    cap: int = EMBED_CAP_BYTES,
) -> Embedded:
    """Every tile over ``bounds`` zoom by zoom, while a whole zoom level fits under ``cap``."""
    info = tileset.info
    west, south, east, north = bounds
    pad_x, pad_y = max(0.2, (east - west) * 0.25), max(0.2, (north - south) * 0.25)
    padded = (
        max(-180.0, west - pad_x),
        max(-85.0, south - pad_y),
        min(180.0, east + pad_x),
        min(85.0, north + pad_y),
    )
    iw, is_, ie, in_ = info.bounds
    clipped = (max(padded[0], iw), max(padded[1], is_), min(padded[2], ie), min(padded[3], in_))
    if clipped[0] >= clipped[2] or clipped[1] >= clipped[3]:
        return Embedded({}, None, False, 0)
    tiles: dict[str, str] = {}
    size, deepest, capped = 0, None, False
    for z in range(info.minzoom, min(info.maxzoom, 18) + 1):
        xs, ys = tile_range(clipped, z)
        if len(xs) * len(ys) > EMBED_MAX_TILES_PER_ZOOM:
            capped = True
            break
        level: dict[str, bytes] = {}
        for x in xs:
            for y in ys:
                data = tileset.tile(z, x, y)
                if data:
                    level[f"{z}/{x}/{y}"] = data
        level_size = sum(len(d) for d in level.values())
        if size + level_size > cap:
            capped = True
            break
        size += level_size
        tiles.update({k: base64.b64encode(v).decode("ascii") for k, v in level.items()})
        deepest = z
    return Embedded(tiles, deepest, capped, size)


def embedded_entry(
    o: OpenBasemap, bounds: tuple[float, float, float, float], cap: int = EMBED_CAP_BYTES
) -> tuple[dict[str, Any] | None, str]:
    """The exported page's entry for one basemap, and a sentence saying what went in."""
    got = embed_tiles(o.tileset, bounds, cap)
    name = o.basemap.name
    if got.max_zoom is None:
        return None, f"basemap '{name}' left out (no tiles of it fit the map's area and size cap)"
    entry = _entry(o.basemap, o.tileset)
    entry["tiles"] = got.tiles
    entry["maxNativeZoom"] = got.max_zoom
    note = f"basemap '{name}' embedded to zoom {got.max_zoom}"
    if got.capped:
        note += (
            f" of {o.tileset.info.maxzoom} (capped at {EMBED_CAP_BYTES // 1_000_000} MB; "
            "closer in, its tiles are enlarged)"
        )
        entry["attribution"] += " · " + plain_html(
            f"tiles embedded to zoom {got.max_zoom}, enlarged beyond"
        )
    return entry, note
