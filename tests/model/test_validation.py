from __future__ import annotations

import datetime as dt

import pytest

from sitrep.errors import ValidationError
from sitrep.model.validation import (
    check_coordinates,
    check_dates,
    check_estimate,
    check_event_type,
    check_time,
)


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        (91.0, 96.0, "latitude"),
        (-90.5, 0.0, "latitude"),
        (25.0, 181.0, "longitude"),
        (25.0, float("nan"), "longitude"),
        (None, 96.0, "latitude"),
        (25.0, None, "longitude"),
    ],
)
def test_bad_coordinates_name_the_field(lat: float | None, lon: float | None, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        check_coordinates(lat, lon)
    assert err.value.field == field


def test_good_coordinates_pass() -> None:
    check_coordinates(25.6564, 96.3568)
    check_coordinates(None, None)
    check_coordinates(-90, 180)


def test_end_before_start_is_refused_with_both_dates() -> None:
    with pytest.raises(ValidationError, match="2025-06-02 is before the start date 2025-06-03"):
        check_dates(dt.date(2025, 6, 3), dt.date(2025, 6, 2))


def test_missing_start_and_future_dates() -> None:
    with pytest.raises(ValidationError, match="needs a start date"):
        check_dates(None, None)
    with pytest.raises(ValidationError, match="in the future"):
        check_dates(dt.date.today() + dt.timedelta(days=30), None)


def test_best_outside_low_high() -> None:
    with pytest.raises(ValidationError, match=r"best estimate .*\(12\).*low \(4\).*high \(8\)"):
        check_estimate(4, 12, 8)
    with pytest.raises(ValidationError, match="whole number"):
        check_estimate(-1, 0, 0)
    check_estimate(10, 12, 15)


def test_unknown_taxonomy_values() -> None:
    with pytest.raises(ValidationError, match="Event type 'Skirmish'"):
        check_event_type("Skirmish", "Armed clash")
    with pytest.raises(ValidationError, match="Sub-event type 'Firefight'"):
        check_event_type("Battles", "Firefight")
    with pytest.raises(ValidationError, match="belongs to 'Explosions/Remote violence'"):
        check_event_type("Battles", "Air/drone strike")
    check_event_type("Strategic developments", "Arrests")


def test_time_of_day() -> None:
    check_time("14:30")
    with pytest.raises(ValidationError):
        check_time("25:00")
