"""Country codes from what data files give: ISO numeric codes or names.

ACLED gives ``iso`` (numeric) and ``country``; UCDP gives names with historical
qualifiers ("Myanmar (Burma)", "DR Congo (Zaire)"). The look-up uses the shipped
gazetteer's country list plus the few names GeoNames spells differently.
"""

from __future__ import annotations

import re
from functools import lru_cache

from sitrep.places.names import fold

_EXTRA = {
    "burma": "MMR",
    "dr congo": "COD",
    "democratic republic of congo": "COD",
    "congo": "COG",
    "ivory coast": "CIV",
    "cote d ivoire": "CIV",
    "russia": "RUS",
    "syria": "SYR",
    "iran": "IRN",
    "laos": "LAO",
    "vietnam": "VNM",
    "south korea": "KOR",
    "north korea": "PRK",
    "turkey": "TUR",
    "eswatini": "SWZ",
    "kingdom of eswatini": "SWZ",
    "bosnia herzegovina": "BIH",
    "palestine": "PSE",
    "yemen north yemen": "YEM",
    "cambodia kampuchea": "KHM",
    "czechia": "CZE",
    "macedonia": "MKD",
    "north macedonia": "MKD",
    "united states": "USA",
    "united states of america": "USA",
}
_PAREN = re.compile(r"\s*\([^)]*\)")


@lru_cache(maxsize=512)
def country_iso_for(numeric: str, name: str) -> str:
    """ISO 3166-1 alpha-3 code for an ISO numeric code or a country name ('' if unknown)."""
    from sitrep.places.gazetteer import country_tables

    by_name, by_num, _ = country_tables()
    text = numeric.strip()
    if text.isdigit() and int(text) in by_num:
        return by_num[int(text)]
    for candidate in (name, _PAREN.sub("", name)):
        key = fold(candidate)
        if not key:
            continue
        if key in _EXTRA:
            return _EXTRA[key]
        if key in by_name:
            return by_name[key]
    inner = re.findall(r"\(([^)]*)\)", name)
    for candidate in inner:
        key = fold(candidate)
        if key in _EXTRA or key in by_name:
            return _EXTRA.get(key) or by_name[key]
    return ""
