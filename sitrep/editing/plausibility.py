"""Warnings about dates that are possible but probably wrong (the user may keep them).

A source cannot report an incident before it happened: an incident dated after every
one of its sources, or a source dated long before the incident, most often means a
date typed wrong (the month and day swapped, the wrong year). These are not errors —
a source may be a warning issued in advance — so the form shows them and saves on the
user's second request.
"""

from __future__ import annotations

import datetime as dt

from sitrep.editing.dates import DateOrder, read_date
from sitrep.editing.draft import IncidentDraft, Problem
from sitrep.errors import ValidationError

SOURCE_LONG_BEFORE_DAYS = 7
"""A source dated more than this many days before the incident is questioned."""


def _day(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def _date(text: str, order: DateOrder | None) -> dt.date | None:
    try:
        return read_date(text, order)
    except ValidationError:
        return None  # unreadable dates are errors, reported by check_draft


def date_warnings(draft: IncidentDraft, order: DateOrder | None = None) -> list[Problem]:
    """Dates of the draft a user should look at again before saving."""
    start = _date(draft.date_start, order)
    if start is None:
        return []
    dated = [
        (i, src.name.strip() or f"source {i + 1}", d)
        for i, src in enumerate(draft.sources)
        if (d := _date(src.published, order)) is not None
    ]
    if not dated:
        return []
    latest = max(d for _, _, d in dated)
    if start > latest:
        every = "its only source" if len(dated) == 1 else "every one of its sources"
        return [
            Problem(
                "date_start",
                f"The incident is dated {_day(start)}, after {every} (dated "
                f"{_day(latest)}): a source cannot report what has not happened yet. "
                "Check the dates; save again to keep them.",
            )
        ]
    warnings = []
    for i, name, published in dated:
        days = (start - published).days
        if days > SOURCE_LONG_BEFORE_DAYS:
            warnings.append(
                Problem(
                    "source_published",
                    f"{name} is dated {_day(published)}, {days} days before the incident "
                    f"({_day(start)}): is it about this incident? Save again to keep it.",
                    i,
                )
            )
    return warnings
