"""The shipped world gazetteer (GeoNames, CC BY 4.0), read-only.

A small SQLite file built by ``packaging/build_gazetteer.py``; names are stored folded
(:func:`sitrep.places.names.fold`) in a ``WITHOUT ROWID`` table keyed by
(name, population), so a prefix search is one index range scan.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sitrep.paths import resource
from sitrep.places.names import fold
from sitrep.store.engine import connect_sqlite

_local = threading.local()


@dataclass(frozen=True)
class GazetteerPlace:
    geonames_id: int
    name: str
    lat: float
    lon: float
    country_iso: str
    population: int

    @property
    def label(self) -> str:
        return f"{self.name} ({self.country_iso})"


def gazetteer_path() -> Path:
    return resource("gazetteer", "world.sqlite")


def connection(path: Path | None = None) -> sqlite3.Connection:
    """A read-only connection per thread (the GUI searches from the UI thread)."""
    path = path or gazetteer_path()
    cache: dict[str, sqlite3.Connection] = getattr(_local, "conns", None) or {}
    _local.conns = cache
    key = str(path)
    if key not in cache:
        cache[key] = connect_sqlite(path, immutable=True)
    return cache[key]


def towns_in(
    west: float, south: float, east: float, north: float, limit: int = 150
) -> list[GazetteerPlace]:
    """The largest shipped places inside a box (reference towns for a report's map)."""
    rows = (
        connection()
        .execute(
            "SELECT id, name, lat, lon, country, population FROM place"
            " WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?"
            " ORDER BY population DESC, name LIMIT ?",
            (south, north, west, east, limit),
        )
        .fetchall()
    )
    return [GazetteerPlace(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]


def prefix_upper_bound(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def search_world(
    text: str, limit: int = 20, *, country_iso: str | None = None, path: Path | None = None
) -> list[GazetteerPlace]:
    """Places whose name (or a variant spelling) starts with ``text``, largest first."""
    key = fold(text)
    if not key:
        return []
    db = connection(path)
    params: list[object] = [key, prefix_upper_bound(key)]
    where = ""
    if country_iso:
        where = " AND p.country = ?"
        params.append(country_iso.upper())
    # Exact-name matches first, then by population; a place found by two spellings once.
    rows = db.execute(
        "SELECT p.id, p.name, p.lat, p.lon, p.country, p.population, MIN(n.key <> ?) AS rank"
        " FROM name n JOIN place p ON p.id = n.place_id"
        f" WHERE n.key >= ? AND n.key < ?{where}"
        " GROUP BY p.id ORDER BY rank, p.population DESC, p.name LIMIT ?",
        [key, *params, limit],
    ).fetchall()
    return [GazetteerPlace(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]


def search_gazetteer(session: object, text: str, limit: int = 20) -> list[object]:
    """Gazetteer hits as :class:`sitrep.places.search.PlaceHit` rows.

    The hook :func:`sitrep.places.search.search_places` calls after the project's own
    places; ``session`` is unused (the gazetteer is not in the project).
    """
    from sitrep.places.search import PlaceHit  # type: ignore[import-not-found,unused-ignore]

    return [
        PlaceHit(
            name=p.name,
            lat=p.lat,
            lon=p.lon,
            origin="gazetteer",
            country_iso=p.country_iso,
            admin_names=(country_name(p.country_iso),),
        )
        for p in search_world(text, limit)
    ]


@lru_cache(maxsize=1)
def country_tables() -> tuple[dict[str, str], dict[int, str], dict[str, str]]:
    """The gazetteer's countries as (folded name/ISO2/ISO3 → ISO3, ISO numeric → ISO3,
    ISO3 → English name): read once, shared by import matching and ACLED export."""
    db = connection()
    by_name: dict[str, str] = {}
    by_num: dict[int, str] = {}
    names: dict[str, str] = {}
    for iso2, iso3, num, name in db.execute("SELECT iso2, iso3, isonumeric, name FROM country"):
        by_name[fold(name)] = iso3
        by_name[fold(iso2)] = iso3
        by_name[fold(iso3)] = iso3
        names[iso3] = name
        if num:
            by_num[int(num)] = iso3
    return by_name, by_num, names


def country_name(iso3: str) -> str:
    return country_tables()[2].get(iso3.upper(), iso3)
