from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sitrep.errors import ValidationError
from sitrep.model.enums import ReportKind
from sitrep.places.regions import resolve_region
from sitrep.reporting.records import (
    DEFAULT_SECTIONS,
    create_report,
    default_period,
    next_number,
)
from sitrep.store import Project


@pytest.fixture
def project(project_db: Project) -> Project:
    """Every test here runs on a project file and on PostgreSQL (tests/conftest.py)."""
    return project_db


@pytest.mark.parametrize(
    ("today", "length", "expected"),
    [
        (dt.date(2025, 6, 11), "week", (dt.date(2025, 6, 2), dt.date(2025, 6, 8))),
        (dt.date(2025, 6, 9), "week", (dt.date(2025, 6, 2), dt.date(2025, 6, 8))),
        (dt.date(2025, 6, 8), "week", (dt.date(2025, 5, 26), dt.date(2025, 6, 1))),
        (dt.date(2025, 3, 15), "month", (dt.date(2025, 2, 1), dt.date(2025, 2, 28))),
        (dt.date(2025, 1, 1), "month", (dt.date(2024, 12, 1), dt.date(2024, 12, 31))),
    ],
)
def test_default_period_is_last_full_week_or_month(
    today: dt.date, length: Any, expected: tuple[dt.date, dt.date]
) -> None:
    assert default_period(today, length) == expected


def test_numbers_follow_region_and_kind(kachin: tuple[Project, dict[str, Any]]) -> None:
    project, _ = kachin
    d1, d2 = dt.date(2025, 6, 2), dt.date(2025, 6, 8)
    with project.session() as s:
        kachin_region = resolve_region(s, "Kachin")
        special = resolve_region(s, "Special Region 1")
        first = create_report(s, kachin_region, d1, d2)
        second = create_report(s, kachin_region, d1, d2)
        flash = create_report(s, kachin_region, d1, d1, kind=ReportKind.FLASH)
        other = create_report(s, special, d1, d2)
        assert (first.number, second.number, flash.number, other.number) == (1, 2, 1, 1)
        assert first.title == "Myanmar: Kachin State – Situation Report No. 1"
        assert flash.title == "Myanmar: Kachin State – Flash Update No. 1"
        assert [sec["title"] for sec in first.sections] == list(DEFAULT_SECTIONS)
        assert next_number(s, kachin_region.key, ReportKind.PERIODIC) == 3
        with pytest.raises(ValidationError, match=r"already has a periodic report No\. 2"):
            create_report(s, kachin_region, d1, d2, number=2)


def test_period_must_not_be_reversed(kachin: tuple[Project, dict[str, Any]]) -> None:
    project, _ = kachin
    with project.session() as s:
        region = resolve_region(s, "Kachin")
        with pytest.raises(ValidationError, match="The period is empty"):
            create_report(s, region, dt.date(2025, 6, 8), dt.date(2025, 6, 2))
