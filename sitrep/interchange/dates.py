"""Dates as the field writes them: ``2021-01-02``, ``2021-01-02T00:00:00Z``,
``13 November 2020``, ``01-January-2015``, ``02/01/2021`` (day first), Excel serials."""

from __future__ import annotations

import datetime as dt
import re

_FORMATS = (
    "%Y-%m-%d",
    "%d %B %Y",
    "%d-%B-%Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%B %d, %Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d-%b-%y",
)
_ISO_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


class DateFormatError(ValueError):
    pass


def parse_date(text: str, *, month_first: bool = False) -> dt.date:
    """Parse one date; raise :class:`DateFormatError` with a readable message."""
    value = text.strip()
    if not value:
        raise DateFormatError("the date is empty")
    m = _ISO_PREFIX.match(value)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise DateFormatError(f"'{value}' is not a real date") from None
    formats: tuple[str, ...] = _FORMATS
    if month_first:
        formats = tuple(f.replace("%d/%m/%Y", "%m/%d/%Y") for f in _FORMATS)
    for fmt in formats:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    if value.isdigit() and 20000 < int(value) < 80000:  # Excel serial day number
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    raise DateFormatError(
        f"'{value}' is not a date in a known form (such as 2021-01-02 or 13 November 2020)"
    )
