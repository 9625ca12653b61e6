"""Reading a date as a person types it, without ever guessing.

Every date field of the app (incident form, filter bar, report editor, export dialog)
goes through :func:`read_date`, so they all accept the same forms: what the fields show
(``2025-06-12``), the compact ``20250612``, month names (``12 June 2025``,
``June 12, 2025``, ``12-Jun-2025``) and numbers in the order this computer writes dates
(``12/06/2025`` is 12 June where dates are written day first, 6 December where they
are written month first). Anything else is refused with one plain sentence saying
why; a text that could mean two dates is never resolved by a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from sitrep.errors import ValidationError

MIN_YEAR, MAX_YEAR = 1900, 2100
SHOWN_FORMAT = "2025-06-12"  # how the fields show a date (ISO 8601)


class DateOrder(StrEnum):
    """The order in which this computer writes a date in numbers."""

    DMY = "day/month/year"
    MDY = "month/day/year"
    YMD = "year/month/day"


MONTHS: dict[str, int] = {}
for _number, _name in enumerate(
    (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ),
    start=1,
):
    MONTHS[_name] = _number
    MONTHS[_name[:3]] = _number
MONTHS["sept"] = 9

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})$")
_ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)
_WORDS = re.compile(r"[a-z]+|\d+", re.IGNORECASE)


def order_from_pattern(pattern: str) -> DateOrder:
    """The order of a date pattern such as Qt's short format ``dd/MM/yyyy`` or ``M/d/yy``."""
    positions = {c: pattern.find(c) for c in "dMy"}
    if any(p < 0 for p in positions.values()):
        return DateOrder.YMD
    ordered = "".join(sorted(positions, key=lambda c: positions[c]))
    return {"dMy": DateOrder.DMY, "Mdy": DateOrder.MDY}.get(ordered, DateOrder.YMD)


def read_date(text: str, order: DateOrder | None = None, *, what: str = "Date") -> dt.date | None:
    """The date ``text`` stands for, ``None`` when it is empty.

    ``order`` is how this computer writes dates in numbers; without it a date such as
    ``12/06/2025`` is refused as ambiguous. Raises :class:`ValidationError` with a plain
    sentence (starting with ``what``) when the text is not a date.
    """
    clean = " ".join(text.split())
    if not clean:
        return None
    quoted = f"{what} '{clean}'"
    if m := _ISO.match(clean):
        return _make(int(m[1]), int(m[2]), int(m[3]), quoted)
    if m := _COMPACT.match(clean):
        return _make(int(m[1]), int(m[2]), int(m[3]), quoted)
    if m := _NUMERIC.match(clean):
        return _numeric(m[1], m[2], m[3], order, quoted)
    words = _WORDS.findall(_ORDINAL.sub("", clean))
    if any(w.isalpha() and len(w) >= 3 for w in words):
        return _with_month_name(words, quoted)
    raise ValidationError(f"{quoted} is not a date; {_forms(order)}.")


def _forms(order: DateOrder | None) -> str:
    example = {
        DateOrder.DMY: ", 12/06/2025",
        DateOrder.MDY: ", 06/12/2025",
        DateOrder.YMD: "",
        None: "",
    }[order]
    return f"write it as {SHOWN_FORMAT}, 20250612, 12 June 2025{example}"


def _make(year: int, month: int, day: int, quoted: str) -> dt.date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            f"{quoted}: the year {year} is not between {MIN_YEAR} and {MAX_YEAR}."
        )
    if not 1 <= month <= 12:
        raise ValidationError(f"{quoted}: {month} is not a month (1 to 12).")
    try:
        return dt.date(year, month, day)
    except ValueError:
        last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
        name = dt.date(year, month, 1).strftime("%B")
        raise ValidationError(
            f"{quoted}: {name} {year} has no day {day} (it has {last})."
        ) from None


def _numeric(a: str, b: str, c: str, order: DateOrder | None, quoted: str) -> dt.date:
    if len(c) != 4:
        raise ValidationError(f"{quoted}: write the year with four digits, e.g. 2025.")
    if order is None or order is DateOrder.YMD:
        if a == b:  # 06/06/2025 reads the same either way
            return _make(int(c), int(b), int(a), quoted)
        raise ValidationError(
            f"{quoted} could be day/month or month/day; write it as {SHOWN_FORMAT} "
            "or with the month's name (12 June 2025)."
        )
    day, month = (a, b) if order is DateOrder.DMY else (b, a)
    if not 1 <= int(month) <= 12:
        raise ValidationError(
            f"{quoted}: {int(month)} is not a month; this computer writes dates "
            f"{order.value}, e.g. {_example(order)}."
        )
    return _make(int(c), int(month), int(day), quoted)


def _example(order: DateOrder) -> str:
    return "12/06/2025" if order is DateOrder.DMY else "06/12/2025"


def _with_month_name(words: list[str], quoted: str) -> dt.date:
    months = [MONTHS.get(w.casefold()) for w in words]
    named = [m for m in months if m is not None]
    unknown = [w for w, m in zip(words, months, strict=True) if w.isalpha() and m is None]
    if unknown:
        raise ValidationError(f"{quoted}: '{unknown[0]}' is not the name of a month.")
    numbers = [w for w in words if w.isdigit()]
    if len(named) != 1 or len(numbers) != 2:
        raise ValidationError(
            f"{quoted} needs a day, a month and a four-digit year, e.g. 12 June 2025."
        )
    years = [n for n in numbers if len(n) == 4]
    days = [n for n in numbers if len(n) <= 2]
    if len(years) != 1 or len(days) != 1:
        raise ValidationError(
            f"{quoted} needs a day, a month and a four-digit year, e.g. 12 June 2025."
        )
    return _make(int(years[0]), named[0], int(days[0]), quoted)


def show_date(value: dt.date | None) -> str:
    """A date as every date field shows it."""
    return value.isoformat() if value is not None else ""
