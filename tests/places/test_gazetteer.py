"""The shipped GeoNames gazetteer: prefix search, case/diacritic-insensitive; countries."""

from __future__ import annotations

import pytest

from sitrep.places.attribution import ATTRIBUTION_TEXT, ATTRIBUTIONS
from sitrep.places.countries import country_iso_for
from sitrep.places.gazetteer import connection, gazetteer_path, search_world
from sitrep.places.names import fold


@pytest.mark.parametrize("typed", ["hpakan", "HPAKAN", "Hpākān", "hpāk", "Hpakant", "ဖားကန့်"])
def test_hpakan_finds_hpakan(typed: str) -> None:
    hits = search_world(typed, 5)
    assert hits and hits[0].name == "Hpākān"
    assert hits[0].country_iso == "MMR"
    assert abs(hits[0].lat - 25.61) < 0.05 and abs(hits[0].lon - 96.31) < 0.05


def test_prefix_search_orders_exact_then_larger_places() -> None:
    hits = search_world("myitkyina", 5)
    assert hits[0].name == "Myitkyina"
    london = search_world("london", 10)
    assert london[0].name == "London" and london[0].country_iso == "GBR"
    exact = [h for h in london if fold(h.name) == "london"]
    assert london[: len(exact)] == exact  # exact names first, then longer names
    for group in (exact, london[len(exact) :]):
        pops = [h.population for h in group]
        assert pops == sorted(pops, reverse=True)
    assert len({h.geonames_id for h in search_world("par", 50)}) == len(search_world("par", 50))


def test_country_filter_and_nothing_found() -> None:
    assert all(h.country_iso == "MMR" for h in search_world("ba", 20, country_iso="mmr"))
    assert search_world("zzzzqqq", 5) == []
    assert search_world("  ", 5) == []


def test_gazetteer_file_is_small_and_says_its_source() -> None:
    assert gazetteer_path().stat().st_size < 20_000_000
    meta = dict(connection().execute("SELECT key, value FROM meta"))
    assert "GeoNames" in meta["source"] and "CC BY 4.0" in meta["licence"]
    (n,) = connection().execute("SELECT count(*) FROM place WHERE country = 'MMR'").fetchone()
    assert n >= 500


@pytest.mark.parametrize(
    ("numeric", "name", "iso3"),
    [
        ("104", "", "MMR"),
        ("", "Myanmar (Burma)", "MMR"),
        ("", "Burma", "MMR"),
        ("", "DR Congo (Zaire)", "COD"),
        ("50", "Bangladesh", "BGD"),
        ("", "Mexico", "MEX"),
        ("", "Atlantis", ""),
    ],
)
def test_country_codes(numeric: str, name: str, iso3: str) -> None:
    assert country_iso_for(numeric, name) == iso3


def test_attributions_name_geonames_and_natural_earth() -> None:
    assert "GeoNames" in ATTRIBUTION_TEXT and "CC BY 4.0" in ATTRIBUTION_TEXT
    assert "Natural Earth" in ATTRIBUTION_TEXT
    assert all(url.startswith("https://") for _, _, url in ATTRIBUTIONS)
