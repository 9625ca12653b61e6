"""Small parsers shared by the importers (numbers, coordinates, taxonomy look-ups)."""

from __future__ import annotations

import math
from functools import lru_cache

from sitrep.interchange.parsed_rows import RowError
from sitrep.model.taxonomy import ACLED_TAXONOMY, SUB_TO_TYPE
from sitrep.places.names import fold

MISSING = {"", "na", "n/a", "null", "none", "nan", "-"}

MAX_COUNT = 10_000_000
"""No incident harms more people; a larger figure is a typing or export error (and
would overflow the database's integer columns)."""


def blank(value: str | None) -> bool:
    """Empty, or a placeholder such as ``NA`` (R exports) or ``null``."""
    if not value:
        return True
    if len(value) > 6:
        return value.isspace()
    return value.strip().lower() in MISSING


def parse_float(value: str, column: str, what: str) -> float:
    text = value.strip().replace(",", ".") if value.count(",") == 1 and "." not in value else value
    try:
        number = float(text)
    except ValueError:
        raise RowError(column, f"{what} '{value}' is not a number") from None
    if math.isnan(number) or math.isinf(number):
        raise RowError(column, f"{what} '{value}' is not a number")
    return number


def parse_coordinate(value: str, column: str, *, latitude: bool) -> float:
    what = "latitude" if latitude else "longitude"
    number = parse_float(value, column, what.capitalize())
    limit = 90 if latitude else 180
    if not -limit <= number <= limit:
        raise RowError(column, f"{what.capitalize()} {value} is outside -{limit}..{limit}")
    return number


def parse_count(value: str, column: str, what: str, *, required: bool = False) -> int:
    """A count of people: a whole number of zero or more (empty = 0 unless required)."""
    if blank(value):
        if required:
            raise RowError(column, f"the number of {what} is missing")
        return 0
    try:
        number = float(value.strip())
    except ValueError:
        raise RowError(column, f"the number of {what} '{value}' is not a number") from None
    if math.isnan(number) or number < 0 or not number.is_integer():
        raise RowError(column, f"the number of {what} '{value}' is not a whole number ≥ 0")
    if number > MAX_COUNT:
        raise RowError(
            column,
            f"the number of {what} '{value.strip()}' is larger than any real count "
            f"(at most {MAX_COUNT:,})",
        )
    return int(number)


_TYPES = {fold(t): t for t in ACLED_TAXONOMY}
_SUBS = {fold(s): s for s in SUB_TO_TYPE}


@lru_cache(maxsize=256)
def match_event_type(value: str) -> str | None:
    return _TYPES.get(fold(value))


@lru_cache(maxsize=512)
def match_sub_event_type(value: str) -> str | None:
    return _SUBS.get(fold(value))


def split_list(value: str, sep: str = ";") -> list[str]:
    if not value:
        return []
    if sep not in value:
        return [] if blank(value) else [value.strip()]
    return [part.strip() for part in value.split(sep) if not blank(part)]
