"""Checks every incident passes before it is saved, from the form, an import or a merge.

Each failure is a :class:`~sitrep.errors.ValidationError` naming the field as a user
sees it, so the form can mark it and an import report can say which column was wrong.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection

from sitrep.errors import ValidationError
from sitrep.model.enums import Outcome
from sitrep.model.harm import incident_is_claim
from sitrep.model.taxonomy import SUB_TO_TYPE

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def check_latitude(value: float | None) -> None:
    if value is None:
        return
    if not isinstance(value, int | float) or math.isnan(value) or not -90 <= value <= 90:
        raise ValidationError(
            f"Latitude {value} is out of range: it must be between -90 and 90 degrees.",
            field="latitude",
        )


def check_longitude(value: float | None) -> None:
    if value is None:
        return
    if not isinstance(value, int | float) or math.isnan(value) or not -180 <= value <= 180:
        raise ValidationError(
            f"Longitude {value} is out of range: it must be between -180 and 180 degrees.",
            field="longitude",
        )


def check_coordinates(lat: float | None, lon: float | None) -> None:
    if (lat is None) != (lon is None):
        raise ValidationError(
            "Give both latitude and longitude, or neither.",
            field="latitude" if lat is None else "longitude",
        )
    check_latitude(lat)
    check_longitude(lon)


def check_dates(start: dt.date | None, end: dt.date | None) -> None:
    if start is None:
        raise ValidationError("The incident needs a start date.", field="date_start")
    if end is not None and end < start:
        raise ValidationError(
            f"The end date {end.isoformat()} is before the start date {start.isoformat()}.",
            field="date_end",
        )
    if start > dt.date.today() + dt.timedelta(days=1):
        raise ValidationError(
            f"The start date {start.isoformat()} is in the future.", field="date_start"
        )


def check_time(value: str | None) -> None:
    if value and not _TIME.match(value):
        raise ValidationError(
            f"Time '{value}' is not a time of day such as 14:30.", field="time_local"
        )


def check_event_type(
    event_type: str,
    sub_event_type: str,
    known_subs: Collection[str] | None = None,
) -> None:
    """The pair must be a known type / sub-type of the project taxonomy."""
    mapping = SUB_TO_TYPE
    if known_subs is not None and sub_event_type not in known_subs:
        raise ValidationError(
            f"Sub-event type '{sub_event_type}' is not in this project's taxonomy.",
            field="sub_event_type",
        )
    if event_type not in set(mapping.values()):
        raise ValidationError(
            f"Event type '{event_type}' is not one of: "
            f"{', '.join(sorted(set(mapping.values())))}.",
            field="event_type",
        )
    if sub_event_type not in mapping:
        raise ValidationError(
            f"Sub-event type '{sub_event_type}' is not a known sub-event type.",
            field="sub_event_type",
        )
    if mapping[sub_event_type] != event_type:
        raise ValidationError(
            f"Sub-event type '{sub_event_type}' belongs to '{mapping[sub_event_type]}', "
            f"not to '{event_type}'.",
            field="sub_event_type",
        )


def check_estimate(low: int, best: int, high: int, what: str = "casualties") -> None:
    for name, value in (("low", low), ("best", best), ("high", high)):
        if value is None or int(value) != value or value < 0:
            raise ValidationError(
                f"The {name} estimate of {what} must be a whole number of zero or more.",
                field=f"casualty_{name}",
            )
    if not low <= best <= high:
        raise ValidationError(
            f"The best estimate of {what} ({best}) must lie between the low ({low}) "
            f"and high ({high}) estimates.",
            field="casualty_best",
        )


def check_outcome(value: str) -> None:
    try:
        Outcome(value)
    except ValueError:
        raise ValidationError(
            f"'{value}' is not a casualty outcome; use one of "
            f"{', '.join(o.value for o in Outcome)}.",
            field="casualty_outcome",
        ) from None


def validate_incident(incident: object, known_subs: Collection[str] | None = None) -> None:
    """Run every check on an :class:`~sitrep.model.entities.Incident` (or look-alike)."""
    inc = incident
    check_dates(inc.date_start, inc.date_end)  # type: ignore[attr-defined]
    check_time(getattr(inc, "time_local", None))
    check_coordinates(inc.lat, inc.lon)  # type: ignore[attr-defined]
    check_event_type(inc.event_type, inc.sub_event_type, known_subs)  # type: ignore[attr-defined]
    if not (getattr(inc, "title", "") or getattr(inc, "place_name", "")):
        raise ValidationError("Give the incident a title or a place.", field="title")
    for row in getattr(inc, "casualties", []):
        check_outcome(row.outcome)
        check_estimate(row.low, row.best, row.high, f"people {Outcome(row.outcome).value}")
    check_claim_rows(getattr(inc, "verification", None), getattr(inc, "casualties", []))


def check_claim_rows(verification: object, rows: Collection[object]) -> None:
    """An incident recorded as an unverifiable claim has only claimed casualty figures.

    The totals never count them either way (:func:`sitrep.model.harm.is_claim`); this
    keeps what the form shows consistent with what the reports count.
    """
    if not incident_is_claim(verification):  # type: ignore[arg-type]
        return
    for number, row in enumerate(rows, start=1):
        if not getattr(row, "is_party_claim", False):
            raise ValidationError(
                "This incident is recorded as a claim that could not be independently "
                f"verified, so its casualty figures are claims: mark casualty row {number} "
                "as a party's claim, or change the verification status.",
                field="casualty_claim",
            )
