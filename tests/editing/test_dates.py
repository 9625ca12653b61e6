"""The one date reader behind every date field: what it accepts, and what it refuses."""

from __future__ import annotations

import datetime as dt

import pytest

from sitrep.editing.dates import DateOrder, order_from_pattern, read_date, show_date
from sitrep.errors import ValidationError

JUNE_12 = dt.date(2025, 6, 12)


@pytest.mark.parametrize(
    "text",
    [
        "2025-06-12",
        " 2025-06-12 ",
        "2025-6-12",
        "2025/06/12",
        "2025.06.12",
        "20250612",
        "12 June 2025",
        "12 june 2025",
        "12 Jun 2025",
        "12th June 2025",
        "June 12, 2025",
        "Jun 12 2025",
        "12-Jun-2025",
        "2025 June 12",
    ],
)
def test_forms_read_the_same_whatever_the_order(text: str) -> None:
    for order in (DateOrder.DMY, DateOrder.MDY, DateOrder.YMD, None):
        assert read_date(text, order) == JUNE_12


def test_numbers_follow_the_systems_order() -> None:
    assert read_date("12/06/2025", DateOrder.DMY) == JUNE_12
    assert read_date("12.06.2025", DateOrder.DMY) == JUNE_12
    assert read_date("06/12/2025", DateOrder.MDY) == JUNE_12
    assert read_date("12/06/2025", DateOrder.MDY) == dt.date(2025, 12, 6)


def test_an_ambiguous_number_date_is_refused_without_an_order() -> None:
    with pytest.raises(ValidationError, match="could be day/month or month/day"):
        read_date("12/06/2025", None)
    assert read_date("06/06/2025", None) == dt.date(2025, 6, 6)  # the same either way


@pytest.mark.parametrize(
    ("text", "order", "message"),
    [
        ("13/25/2025", DateOrder.DMY, "25 is not a month; this computer writes dates day/month"),
        ("13/06/2025", DateOrder.MDY, "13 is not a month; this computer writes dates month/day"),
        ("12/06/25", DateOrder.DMY, "four digits"),
        ("2025-13-01", DateOrder.DMY, "13 is not a month"),
        ("2025-06-31", DateOrder.DMY, "June 2025 has no day 31 (it has 30)"),
        ("2025-02-29", DateOrder.DMY, "February 2025 has no day 29 (it has 28)"),
        ("2025-12-32", DateOrder.DMY, "December 2025 has no day 32 (it has 31)"),
        ("12 Juin 2025", DateOrder.DMY, "'Juin' is not the name of a month"),
        ("12 June", DateOrder.DMY, "needs a day, a month and a four-digit year"),
        ("June 2025", DateOrder.DMY, "needs a day, a month and a four-digit year"),
        ("2025-06-1x", DateOrder.DMY, "is not a date"),
        ("2025-02025-06-12", DateOrder.DMY, "is not a date"),
        ("202506123", DateOrder.DMY, "is not a date"),
        ("0025-06-12", DateOrder.DMY, "the year 25 is not between 1900 and 2100"),
        ("yesterday", DateOrder.DMY, "'yesterday' is not the name of a month"),
    ],
)
def test_what_cannot_be_read_is_refused_with_a_reason(
    text: str, order: DateOrder, message: str
) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_date(text, order)


def test_empty_is_no_date() -> None:
    assert read_date("", DateOrder.DMY) is None
    assert read_date("   ", None) is None
    assert show_date(None) == ""
    assert show_date(JUNE_12) == "2025-06-12"


def test_the_message_names_the_field() -> None:
    with pytest.raises(ValidationError, match=r"^Start date '2025-06-31'"):
        read_date("2025-06-31", DateOrder.DMY, what="Start date")


@pytest.mark.parametrize(
    ("pattern", "order"),
    [
        ("dd/MM/yyyy", DateOrder.DMY),
        ("d.M.yy", DateOrder.DMY),
        ("M/d/yy", DateOrder.MDY),
        ("yyyy-MM-dd", DateOrder.YMD),
        ("yy/M/d", DateOrder.YMD),
        ("", DateOrder.YMD),
    ],
)
def test_order_from_a_locale_pattern(pattern: str, order: DateOrder) -> None:
    assert order_from_pattern(pattern) is order
