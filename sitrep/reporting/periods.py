"""Which period a report compares with: the previous calendar period, or one of equal length.

An editor comparing June with "2–31 May" (30 days before) gets a number nobody else
has; June is compared with May. So a period of whole calendar months (or a quarter, or a
year) is compared with the same number of months just before, a period of whole
Monday–Sunday weeks with the weeks just before, and any other period with the period of
equal length just before it. ``equal`` forces the last rule; ``calendar`` insists on
the first and refuses a period that is not whole weeks or months.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sitrep.errors import ValidationError

Comparison = Literal["auto", "calendar", "equal"]
COMPARISONS: tuple[Comparison, ...] = ("auto", "calendar", "equal")
COMPARISON_LABELS: dict[str, str] = {
    "auto": "previous calendar week or month (else equal length)",
    "calendar": "previous calendar week, month or quarter",
    "equal": "previous period of equal length",
}


@dataclass(frozen=True)
class Previous:
    date_from: dt.date
    date_to: dt.date
    basis: str  # "week", "2 weeks", "month", "3 months", "quarter", "year", "equal length"

    def describe(self) -> str:
        """``the previous calendar month (May 2025)``, for the notes under the figures."""
        from sitrep.reporting.wording import period_text

        if self.basis == "equal length":
            what = "the previous period of equal length"
        elif self.basis == "week":
            what = "the previous week"
        elif self.basis.endswith("weeks"):
            what = f"the previous {self.basis}"
        else:
            what = f"the previous calendar {self.basis}"
        if self.basis == "month":
            span = f"{self.date_from:%B %Y}"
        else:
            span = period_text(self.date_from, self.date_to)
        return f"{what} ({span})"


def check_comparison(value: str) -> Comparison:
    if value not in COMPARISONS:
        raise ValidationError(
            f"'{value}' is not a way to choose the previous period: use "
            + ", ".join(COMPARISONS)
            + ".",
            field="comparison",
        )
    return value


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) - months
    return dt.date(index // 12, index % 12 + 1, 1)


def whole_months(date_from: dt.date, date_to: dt.date) -> int:
    """How many whole calendar months the period is (0 if it is not)."""
    last_day = calendar.monthrange(date_to.year, date_to.month)[1]
    if date_from.day != 1 or date_to.day != last_day:
        return 0
    return (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1


def whole_weeks(date_from: dt.date, date_to: dt.date) -> int:
    """How many whole Monday–Sunday weeks the period is (0 if it is not)."""
    days = (date_to - date_from).days + 1
    if date_from.weekday() != 0 or days % 7:
        return 0
    return days // 7


def previous_period(date_from: dt.date, date_to: dt.date, mode: str = "auto") -> Previous:
    check_comparison(mode)
    days = (date_to - date_from).days + 1
    if mode != "equal":
        months = whole_months(date_from, date_to)
        if months:
            start = _months_before(date_from, months)
            end = date_from - dt.timedelta(days=1)
            if months == 1:
                basis = "month"
            elif months == 3 and date_from.month in (1, 4, 7, 10):
                basis = "quarter"
            elif months == 12 and date_from.month == 1:
                basis = "year"
            else:
                basis = f"{months} months"
            return Previous(start, end, basis)
        weeks = whole_weeks(date_from, date_to)
        if weeks:
            return Previous(
                date_from - dt.timedelta(days=days),
                date_from - dt.timedelta(days=1),
                "week" if weeks == 1 else f"{weeks} weeks",
            )
        if mode == "calendar":
            raise ValidationError(
                f"The period {date_from:%d %B %Y} – {date_to:%d %B %Y} is not whole calendar "
                "weeks (Monday to Sunday) or months, so it has no previous calendar period; "
                "compare it with the previous period of equal length instead.",
                field="comparison",
            )
    return Previous(
        date_from - dt.timedelta(days=days), date_from - dt.timedelta(days=1), "equal length"
    )
