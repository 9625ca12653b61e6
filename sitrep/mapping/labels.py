"""Place and boundary names for the map, served per viewport like the incidents.

A page that received every name of the shipped gazetteer (147,000 places) or of a
village-level boundary pack would flood the screen and the bridge. Instead, for each
view the page asks for the names that matter *there and at that zoom*: capitals and
large towns when zoomed out, villages only when zoomed in, the project's own places
(added by its officers or a gazetteer pack) and the names of its admin areas. At most
:data:`LABEL_LIMIT` come back, most important first; the page drops those that would
overlap one already drawn (:file:`resources/map/sitrep_map.js`).

Importance comes from what the gazetteer holds: GeoNames population, and the capital
of each country (:file:`resources/gazetteer/capitals.json`, from the same GeoNames
release). GeoNames has no feature class in the shipped file, so "city", "town" and
"village" are population bands.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from itertools import pairwise
from typing import Any

import numpy as np
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from sitrep.model import AdminArea, Place
from sitrep.paths import resource

LABEL_LIMIT = 60  # names per view, before the page drops overlapping ones
CAPITALS_FILE = ("gazetteer", "capitals.json")

# the smallest population labelled at each zoom (index = zoom, last value beyond)
MIN_POPULATION = [
    5_000_000,  # 0
    3_000_000,
    2_000_000,
    1_000_000,  # 3
    500_000,
    200_000,  # 5
    80_000,
    30_000,  # 7
    10_000,
    3_000,  # 9
    0,
]
CITY, TOWN = 100_000, 10_000  # population bands of the label classes
PROJECT_MIN_ZOOM = 8  # the project's own places (villages, sites) from this zoom
# admin level -> zooms at which its names are shown (coarse levels when zoomed out)
ADMIN_ZOOMS = {0: (3, 6), 1: (5, 9), 2: (7, 11), 3: (9, 13), 4: (11, 22)}


@dataclass(frozen=True)
class Label:
    """One name to draw. ``rank``: lower is more important (drawn first)."""

    name: str
    lat: float
    lon: float
    kind: str  # capital, city, town, village, project, admin0 … admin4
    rank: int
    population: int = 0


def min_population(zoom: int) -> int:
    return MIN_POPULATION[max(0, min(zoom, len(MIN_POPULATION) - 1))]


def place_kind(population: int, capital: bool) -> str:
    if capital:
        return "capital"
    if population >= CITY:
        return "city"
    if population >= TOWN:
        return "town"
    return "village"


# areas' names before the places inside them of similar weight: they say where one is
_RANK = {"capital": 0, "admin0": 1, "admin1": 2, "city": 3, "admin2": 4, "town": 5}
_RANK.update({"admin3": 6, "project": 7, "admin4": 8, "village": 9})


@dataclass(frozen=True)
class _Gazetteer:
    """The shipped gazetteer's places as arrays, largest first (read once, ~10 MB)."""

    lat: np.ndarray
    lon: np.ndarray
    population: np.ndarray
    capital: np.ndarray
    names: list[str]


@cache
def capital_ids() -> frozenset[int]:
    """GeoNames ids of the national capitals."""
    data = json.loads(resource(*CAPITALS_FILE).read_text(encoding="utf-8"))
    return frozenset(int(v) for v in data["capitals"].values())


_load_lock = threading.Lock()


def gazetteer_ready() -> bool:
    """Whether the gazetteer's arrays are in memory (reading them takes about 0.7 s)."""
    return _read_gazetteer.cache_info().currsize > 0


def load_gazetteer(then: Callable[[], None]) -> None:
    """Read the gazetteer's arrays in a background thread, then call ``then`` there."""

    def run() -> None:
        _gazetteer()
        then()

    threading.Thread(target=run, name="sitrep-map-names", daemon=True).start()


def _gazetteer() -> _Gazetteer:
    with _load_lock:  # one reader; a second caller waits for its arrays
        return _read_gazetteer()


@cache
def _read_gazetteer() -> _Gazetteer:
    from sitrep.places.gazetteer import gazetteer_path
    from sitrep.store.engine import connect_sqlite

    db: sqlite3.Connection = connect_sqlite(gazetteer_path(), immutable=True)
    try:
        rows = db.execute(
            "SELECT id, name, lat, lon, population FROM place ORDER BY population DESC, id"
        ).fetchall()
    finally:
        db.close()
    capitals = capital_ids()
    is_capital = np.fromiter((r[0] in capitals for r in rows), dtype=bool, count=len(rows))
    # capitals first, then by population: the order labels are taken in
    order = np.argsort(~is_capital, kind="stable")
    return _Gazetteer(
        lat=np.fromiter((rows[i][2] for i in order), dtype=np.float64, count=len(rows)),
        lon=np.fromiter((rows[i][3] for i in order), dtype=np.float64, count=len(rows)),
        population=np.fromiter((rows[i][4] for i in order), dtype=np.int64, count=len(rows)),
        capital=is_capital[order],
        names=[rows[i][1] for i in order],
    )


def gazetteer_labels(
    west: float, south: float, east: float, north: float, zoom: int, limit: int = LABEL_LIMIT
) -> list[Label]:
    """The shipped gazetteer's most important places in the box for this zoom."""
    g = _gazetteer()
    wanted = (g.lat >= south) & (g.lat <= north) & (g.lon >= west) & (g.lon <= east)
    wanted &= g.capital | (g.population >= min_population(zoom))
    out = []
    for i in np.flatnonzero(wanted)[:limit]:
        pop, cap = int(g.population[i]), bool(g.capital[i])
        kind = place_kind(pop, cap)
        out.append(Label(g.names[i], float(g.lat[i]), float(g.lon[i]), kind, _RANK[kind], pop))
    return out


def project_labels(
    session: Session, west: float, south: float, east: float, north: float, zoom: int, limit: int
) -> list[Label]:
    """The project's own located places in the box (from ``PROJECT_MIN_ZOOM`` on)."""
    if zoom < PROJECT_MIN_ZOOM:
        return []
    rows = session.execute(
        select(Place.name, Place.lat, Place.lon)
        .where(Place.lat.between(south, north), Place.lon.between(west, east))
        # places officers added come before those of a pack (fewer, and chosen)
        .order_by((Place.origin == "user").desc(), Place.name)
        .limit(limit)
    )
    return [
        Label(n, float(la), float(lo), "project", _RANK["project"])
        for n, la, lo in rows
        if la is not None and lo is not None
    ]


def _ring_centre(ring: list[Any]) -> tuple[float, float, float] | None:
    """Area-weighted centroid (lon, lat) and absolute area of one polygon ring."""
    area = cx = cy = 0.0
    for (x0, y0, *_), (x1, y1, *_) in pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        return None
    return cx / (3 * area), cy / (3 * area), abs(area) / 2


def label_point(geometry_text: str | None) -> tuple[float, float] | None:
    """Where an area's name goes: the centroid of its largest polygon (lon, lat)."""
    try:
        geom = json.loads(geometry_text or "")
    except ValueError:
        return None
    if not isinstance(geom, dict):
        return None
    polygons = geom.get("coordinates") or []
    if geom.get("type") == "Polygon":
        polygons = [polygons]
    elif geom.get("type") != "MultiPolygon":
        return None
    best: tuple[float, float, float] | None = None
    for polygon in polygons:
        if not polygon:
            continue
        centre = _ring_centre(polygon[0])
        if centre is not None and (best is None or centre[2] > best[2]):
            best = centre
    return None if best is None else (best[0], best[1])


def admin_labels(
    session: Session, west: float, south: float, east: float, north: float, zoom: int, limit: int
) -> list[Label]:
    """Names of the project's admin areas with a boundary, at the levels this zoom shows.

    Largest areas first; an area whose name point is outside the view is left out (its
    neighbour's label would otherwise sit at the edge of the screen).
    """
    levels = [lvl for lvl, (lo, hi) in ADMIN_ZOOMS.items() if lo <= zoom <= hi]
    if not levels:
        return []
    size = (AdminArea.max_lon - AdminArea.min_lon) * (AdminArea.max_lat - AdminArea.min_lat)
    rows = session.execute(
        select(AdminArea.name, AdminArea.level, AdminArea.geometry)
        .where(
            AdminArea.geometry.is_not(None),
            AdminArea.level.in_(levels),
            and_(
                AdminArea.min_lon <= east,
                AdminArea.max_lon >= west,
                AdminArea.min_lat <= north,
                AdminArea.max_lat >= south,
            ),
        )
        .order_by(AdminArea.level, size.desc())
        .limit(limit * 2)
    )
    out = []
    for name, level, geometry in rows:
        point = label_point(geometry)
        if point is None:
            continue
        lon, lat = point
        if west <= lon <= east and south <= lat <= north:
            kind = f"admin{level}"
            out.append(Label(name, lat, lon, kind, _RANK[kind]))
    return out[:limit]


def first_zoom(population: int, capital: bool) -> int:
    """The zoom from which a gazetteer place is named."""
    if capital:
        return 0
    return next(z for z, least in enumerate(MIN_POPULATION) if population >= least)


def export_labels(
    session: Session,
    bounds: tuple[float, float, float, float],
    *,
    project_places: bool = True,
    limit: int = 1500,
) -> list[dict[str, Any]]:
    """Names for an exported map, which has no Python to ask: every name of the area
    (padded) up to ``limit`` with the zooms it shows at; the page picks per view.

    ``project_places=False`` for a file leaving below *internal*: the project's own
    places (a site an officer added) stay in the project; gazetteer and boundary names
    are public."""
    west, south, east, north = bounds
    pad_x, pad_y = max(0.2, (east - west) * 0.25), max(0.2, (north - south) * 0.25)
    box = (west - pad_x, south - pad_y, east + pad_x, north + pad_y)
    out: list[dict[str, Any]] = []
    for lb in gazetteer_labels(*box, zoom=len(MIN_POPULATION), limit=limit):
        out.append({**asdict(lb), "minZoom": first_zoom(lb.population, lb.kind == "capital")})
    if project_places:
        for lb in project_labels(session, *box, zoom=PROJECT_MIN_ZOOM, limit=limit):
            out.append({**asdict(lb), "minZoom": PROJECT_MIN_ZOOM})
    for level, (lo, hi) in sorted(ADMIN_ZOOMS.items()):
        for lb in admin_labels(session, *box, zoom=lo, limit=limit):
            if lb.kind == f"admin{level}":
                out.append({**asdict(lb), "minZoom": lo, "maxZoom": hi})
    out.sort(key=lambda lb: (lb["rank"], -lb["population"], lb["name"]))
    return out[:limit]


def view_labels(
    session: Session,
    west: float,
    south: float,
    east: float,
    north: float,
    zoom: int,
    limit: int = LABEL_LIMIT,
    *,
    gazetteer: bool = True,
) -> list[dict[str, Any]]:
    """Every name for one view, most important first, at most ``limit`` (JSON-ready).

    ``gazetteer=False``: without the shipped gazetteer (while its arrays are read)."""
    labels = [
        *(gazetteer_labels(west, south, east, north, zoom, limit) if gazetteer else []),
        *project_labels(session, west, south, east, north, zoom, limit),
        *admin_labels(session, west, south, east, north, zoom, limit),
    ]
    labels.sort(key=lambda lb: (lb.rank, -lb.population, lb.name))
    return [asdict(lb) for lb in labels[:limit]]
