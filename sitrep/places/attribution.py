"""Attributions of the data shipped with Sitrep, shown in the About box."""

from __future__ import annotations

ATTRIBUTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "World gazetteer",
        "Place names and coordinates from GeoNames (https://www.geonames.org), "
        "licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).",
        "https://www.geonames.org",
    ),
    (
        "Country outlines",
        "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com "
        "(public domain).",
        "https://www.naturalearthdata.com",
    ),
)

ATTRIBUTION_TEXT = "\n".join(f"{what}: {text}" for what, text, _ in ATTRIBUTIONS)
"""One paragraph per shipped data set, for plain-text places (About box, --version)."""
