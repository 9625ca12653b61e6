"""Draw a small raster MBTiles basemap of Kachin State from data Sitrep ships.

    .venv/bin/python scripts/kachin_mbtiles.py OUT.mbtiles [--max-zoom 10]

For trying offline basemaps and for the README screenshot (docs/screenshots/
map-mbtiles.png) without downloading anything: Natural Earth country outlines (public
domain) as land, neighbours tinted, and the shipped GeoNames towns (CC BY 4.0) named by
population as one zooms in. Tiles are 256 px PNG, Web Mercator, rows stored TMS-style
as the MBTiles specification says.
"""

from __future__ import annotations

import argparse
import io
import json
import sqlite3
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitrep.paths import resource  # noqa: E402
from sitrep.places.tiles import tile_range, tile_xy  # noqa: E402

AREA = (95.0, 23.0, 99.5, 28.8)  # west, south, east, north: Kachin State and around
HOME, LAND, SEA = "#EFE9D8", "#E2E0D6", "#C9DCEB"
BORDER, TOWN, INK = "#8E7F6A", "#5B4B3A", "#2F2A25"
FONT = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default()


def countries() -> list[tuple[str, list[list[list[float]]]]]:
    data = json.loads(resource("basemap", "naturalearth_110m_countries.geojson").read_text())
    out = []
    for f in data["features"]:
        geom = f["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        out.extend((str(f["properties"].get("iso", "")), poly) for poly in polys)
    return out


def towns(limit: int = 400) -> list[tuple[str, float, float, int]]:
    db = sqlite3.connect(resource("gazetteer", "world.sqlite"))
    west, south, east, north = AREA
    rows = db.execute(
        "SELECT name, lon, lat, population FROM place WHERE lon BETWEEN ? AND ? "
        "AND lat BETWEEN ? AND ? ORDER BY population DESC LIMIT ?",
        (west, east, south, north, limit),
    ).fetchall()
    db.close()
    return [(str(n), float(lo), float(la), int(p)) for n, lo, la, p in rows]


def draw_tile(z: int, x: int, y: int, shapes: list, places: list) -> bytes:  # type: ignore[type-arg]
    img = Image.new("RGB", (256, 256), SEA)
    d = ImageDraw.Draw(img)

    def px(lon: float, lat: float) -> tuple[float, float]:
        fx, fy = tile_xy(lon, lat, z)
        return (fx - x) * 256, (fy - y) * 256

    for iso, poly in shapes:
        fill = HOME if iso == "MMR" else LAND
        d.polygon([px(lon, lat) for lon, lat in poly[0]], fill=fill, outline=BORDER)
        for hole in poly[1:]:
            d.polygon([px(lon, lat) for lon, lat in hole], fill=SEA)
    # a 1° graticule, faint, so the scale of the blank areas can be read
    for lon in range(int(AREA[0]), int(AREA[2]) + 2):
        d.line([px(lon, -80), px(lon, 80)], fill="#D8D2C2", width=1)
    for lat in range(int(AREA[1]), int(AREA[3]) + 2):
        d.line([px(-179, lat), px(179, lat)], fill="#D8D2C2", width=1)
    shown = max(3, {5: 4, 6: 8, 7: 16, 8: 40, 9: 90}.get(z, 200))
    label_font = font(11 if z < 9 else 12)
    for name, lon, lat, _pop in places[:shown]:
        cx, cy = px(lon, lat)
        if not (-120 < cx < 376 and -20 < cy < 276):
            continue
        d.ellipse([cx - 2.5, cy - 2.5, cx + 2.5, cy + 2.5], fill=TOWN)
        d.text((cx + 5, cy - 8), name, fill=INK, font=label_font, stroke_width=2, stroke_fill=HOME)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--min-zoom", type=int, default=5)
    parser.add_argument("--max-zoom", type=int, default=10)
    args = parser.parse_args()
    if args.output.exists():
        args.output.unlink()
    shapes, places = countries(), towns()
    db = sqlite3.connect(args.output)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
        "tile_data BLOB)"
    )
    db.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
    meta = {
        "name": "Kachin (drawn from Natural Earth and GeoNames)",
        "format": "png",
        "type": "baselayer",
        "bounds": ",".join(str(v) for v in AREA),
        "minzoom": str(args.min_zoom),
        "maxzoom": str(args.max_zoom),
        "attribution": "Natural Earth (public domain); towns: GeoNames (CC BY 4.0)",
    }
    db.executemany("INSERT INTO metadata VALUES (?, ?)", list(meta.items()))
    count = 0
    for z in range(args.min_zoom, args.max_zoom + 1):
        xs, ys = tile_range(AREA, z)
        for x in xs:
            for y in ys:
                data = draw_tile(z, x, y, shapes, places)
                db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2**z - 1 - y, data))
                count += 1
    db.commit()
    db.close()
    size = args.output.stat().st_size
    zooms = f"zoom {args.min_zoom}–{args.max_zoom}"
    print(f"Wrote {args.output}: {count} tiles, {zooms}, {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
