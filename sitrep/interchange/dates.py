"""Dates as the field writes them: ``2021-01-02``, ``2021-01-02T00:00:00Z``,
``13 November 2020``, ``01-January-2015``, ``Nov 13, 2020``, ``02/01/2021`` (day
first), Excel serials.

Month names are English whatever the machine's locale: ACLED and UCDP write them in
English, while ``strptime``'s ``%B``/``%b`` read them in the computer's locale (on a
French machine "13 November 2020" is refused, on a German one "13 March 2020"). So
they are matched against our own table, never with ``%B``.
"""

from __future__ import annotations

import datetime as dt
import re

_ISO_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
"""English month names and abbreviations (lower case) -> month number."""

# 13 November 2020, 01-January-2015, 13 Nov 2020, 13-Nov-20
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:\s+|-)([A-Za-z]+)\.?(?:\s+|-)(\d{4}|\d{2})$")
# November 13, 2020 / Nov 13 2020
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
# 02/01/2021, 02.01.2021 (day first unless month_first), 2021/01/02
_NUMERIC = re.compile(r"^(\d{1,2})([/.])(\d{1,2})\2(\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})([/-])(\d{1,2})\2(\d{1,2})$")


class DateFormatError(ValueError):
    pass


def _year(text: str) -> int:
    """Two-digit years as ``strptime``'s ``%y`` reads them (69–99 → 19xx)."""
    year = int(text)
    if len(text) == 2:
        year += 1900 if year >= 69 else 2000
    return year


def _month(name: str) -> int | None:
    return MONTHS.get(name.lower())


def _parts(value: str, month_first: bool) -> tuple[int, int, int] | None:
    """(year, month, day) of the first form ``value`` is written in, else None."""
    m = _DAY_MONTH_YEAR.match(value)
    if m and (month := _month(m[2])):
        return _year(m[3]), month, int(m[1])
    m = _MONTH_DAY_YEAR.match(value)
    if m and (month := _month(m[1])):
        return int(m[3]), month, int(m[2])
    m = _NUMERIC.match(value)
    if m:
        first, second = int(m[1]), int(m[3])
        if month_first and m[2] == "/":
            first, second = second, first
        return int(m[4]), second, first
    m = _YEAR_FIRST.match(value)
    if m:
        return int(m[1]), int(m[3]), int(m[4])
    return None


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
    parts = _parts(value, month_first)
    if parts is not None:
        try:
            return dt.date(*parts)
        except ValueError:
            pass
    if value.isdigit() and 20000 < int(value) < 80000:  # Excel serial day number
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    raise DateFormatError(
        f"'{value}' is not a date in a known form (such as 2021-01-02 or 13 November 2020)"
    )
