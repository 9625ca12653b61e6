"""The contact block and the "next report" date, from project settings.

``report_contact``: who to contact, one line each (name, role, email, phone), printed
at the end of the report as OCHA sitreps do. ``next_report``: when the next report is
due, as ``weekly``, ``fortnightly``, ``monthly``, a number of days, or a date
(YYYY-MM-DD); empty for no line. Set them with ``sitrep settings PROJECT KEY VALUE``.
"""

from __future__ import annotations

import calendar
import datetime as dt

from sitrep.errors import ValidationError

CONTACT = "report_contact"
NEXT_REPORT = "next_report"
_INTERVALS = {"weekly": 7, "fortnightly": 14, "biweekly": 14}


def contact_lines(value: str) -> list[str]:
    return [line.strip() for line in value.replace("\\n", "\n").splitlines() if line.strip()]


def next_report_date(value: str, issued: dt.date) -> dt.date | None:
    """The date the next report is due, from the setting; None when not set."""
    text = value.strip().lower()
    if not text:
        return None
    if text in _INTERVALS:
        return issued + dt.timedelta(days=_INTERVALS[text])
    if text == "monthly":
        index = issued.year * 12 + issued.month  # the same day next month (or its last day)
        year, month = divmod(index, 12)
        month += 1
        day = min(issued.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day)
    if text.isdigit():
        return issued + dt.timedelta(days=int(text))
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"The project setting next_report is '{value}': use weekly, fortnightly, "
            "monthly, a number of days or a date (YYYY-MM-DD).",
            field=NEXT_REPORT,
        ) from None
