"""How precisely an incident's location is known follows from how it was given.

The form used to say "exact location" for every new incident, even one with no
coordinates, place or area. Here the precision is derived from what the user gave: a
place from the gazetteer or the project, or a point picked on the map or typed, is a
location (UCDP ``where_prec`` 1); an admin area alone is that area's level; nothing at
all is the country. A precision the data cannot support — "exact" without coordinates,
"district" without a district — is refused with a sentence saying why.
"""

from __future__ import annotations

from sitrep.model.enums import LocationPrecision

# Coded as UCDP codes them: an area of level 2 or deeper (district, township, village
# tract) is ADM2 at best; a state/region is ADM1.
_NEEDS_COORDINATES = (LocationPrecision.EXACT, LocationPrecision.NEAR)


def suggested_precision(has_coordinates: bool, area_level: int | None) -> LocationPrecision:
    """The precision what was given supports: coordinates, else the area's level."""
    if has_coordinates:
        return LocationPrecision.EXACT
    if area_level is not None and area_level >= 2:
        return LocationPrecision.ADMIN2
    if area_level == 1:
        return LocationPrecision.ADMIN1
    return LocationPrecision.COUNTRY


def precision_problem(
    precision: LocationPrecision, has_coordinates: bool, area_level: int | None
) -> str:
    """Why ``precision`` cannot be claimed for this location ('' when it can).

    ``area_level`` is the level of the chosen admin area (0 country, 1 state/region …
    4 village tract), ``None`` without one.
    """
    if has_coordinates or precision not in (*_NEEDS_COORDINATES, *_NEEDS_AREA):
        return ""
    if precision in _NEEDS_COORDINATES:
        return (
            f"'{precision.label}' needs coordinates: choose a place, pick the point on "
            "the map or type latitude and longitude, or say how precisely it is known."
        )
    needed = _NEEDS_AREA[precision]
    if area_level is None or area_level < needed:
        what = "a district or smaller area" if needed == 2 else "an admin area"
        return f"'{precision.label}' needs {what} (or coordinates); choose one under Admin area."
    return ""


_NEEDS_AREA = {LocationPrecision.ADMIN2: 2, LocationPrecision.ADMIN1: 1}


def allowed_precisions(has_coordinates: bool, area_level: int | None) -> list[LocationPrecision]:
    """The precisions a user may choose for this location."""
    return [p for p in LocationPrecision if not precision_problem(p, has_coordinates, area_level)]
