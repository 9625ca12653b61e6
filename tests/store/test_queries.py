"""The query layer against fixtures whose answers are computed independently here."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from sitrep.errors import RegionError
from sitrep.model import CustomRegion
from sitrep.model.enums import Affiliation, Outcome, Sensitivity, Verification
from sitrep.places.regions import resolve_region
from sitrep.store import Project
from sitrep.store.queries import (
    IncidentFilter,
    casualty_breakdown,
    count_incidents,
    counts_by_area,
    counts_by_period,
    counts_by_type,
    date_range,
    key_figures,
    list_incidents,
)
from tests.conftest import make_area, make_incident


@pytest.fixture
def project(project_db: Project) -> Project:
    """Every test here runs on a project file and on PostgreSQL (tests/conftest.py)."""
    return project_db


D = dt.date


@pytest.fixture
def kachin(project: Project) -> dict[str, Any]:
    country = make_area(project, "Myanmar", 0, "MMR")
    kachin = make_area(project, "Kachin", 1, "MMR001", country)
    shan = make_area(project, "Shan (North)", 1, "MMR015", country)
    mohnyin = make_area(project, "Mohnyin", 2, "MMR001D002", kachin)
    bhamo_d = make_area(project, "Bhamo", 2, "MMR001D003", kachin)
    hpakant = make_area(project, "Hpakant", 3, "MMR001009", mohnyin)
    bhamo_t = make_area(project, "Bhamo", 3, "MMR001010", bhamo_d)
    lashio = make_area(project, "Lashio", 3, "MMR015011", shan)
    areas = dict(
        kachin=kachin,
        shan=shan,
        mohnyin=mohnyin,
        bhamo_d=bhamo_d,
        hpakant=hpakant,
        bhamo_t=bhamo_t,
        lashio=lashio,
    )

    def at(township: str, **kw: object) -> dict[str, Any]:
        t = areas[township]
        parent = {"hpakant": mohnyin, "bhamo_t": bhamo_d, "lashio": None}[township]
        state = shan if township == "lashio" else kachin
        return dict(
            admin3_id=t.id, admin2_id=parent.id if parent else None, admin1_id=state.id, **kw
        )

    specs = [
        at(
            "hpakant",
            date_start=D(2025, 6, 3),
            title="Blast one",
            sub_event_type="Shelling/artillery/missile attack",
            event_type="Explosions/Remote violence",
            casualties=[
                dict(
                    outcome=Outcome.KILLED, affiliation=Affiliation.CIVILIAN, low=4, best=6, high=8
                ),
                dict(outcome=Outcome.INJURED, affiliation=Affiliation.CIVILIAN, best=3),
            ],
        ),
        at(
            "hpakant",
            date_start=D(2025, 6, 6),
            title="Blast two",
            sub_event_type="Shelling/artillery/missile attack",
            event_type="Explosions/Remote violence",
            casualties=[
                dict(
                    outcome=Outcome.KILLED, affiliation=Affiliation.CIVILIAN, low=4, best=6, high=8
                )
            ],
        ),
        at(
            "hpakant",
            date_start=D(2025, 6, 7),
            title="Claimed ambush",
            verification=Verification.CLAIM_UNVERIFIABLE,
            casualties=[
                dict(
                    outcome=Outcome.KILLED,
                    affiliation=Affiliation.SIDE_B,
                    best=10,
                    is_party_claim=True,
                )
            ],
        ),
        at(
            "bhamo_t",
            date_start=D(2025, 5, 20),
            title="Helicopters",
            verification=Verification.CORROBORATED,
        ),
        at(
            "bhamo_t",
            date_start=D(2025, 6, 5),
            title="Arrests",
            event_type="Strategic developments",
            sub_event_type="Arrests",
            sensitivity=Sensitivity.RESTRICTED,
            casualties=[
                dict(outcome=Outcome.DETAINED, affiliation=Affiliation.CIVILIAN, best=2),
                dict(outcome=Outcome.ABDUCTED, affiliation=Affiliation.CIVILIAN, best=1),
            ],
        ),
        at(
            "lashio",
            date_start=D(2025, 6, 4),
            title="Elsewhere",
            casualties=[dict(outcome=Outcome.KILLED, affiliation=Affiliation.UNKNOWN, best=5)],
        ),
        at(
            "hpakant",
            date_start=D(2025, 5, 28),
            title="Previous week clash",
            casualties=[dict(outcome=Outcome.KILLED, affiliation=Affiliation.SIDE_A, best=2)],
        ),
    ]
    made = [make_incident(project, **spec) for spec in specs]
    return {"areas": areas, "incidents": made}


def june_week(project: Project, region: str) -> IncidentFilter:
    with project.session() as s:
        r = resolve_region(s, region)
    return IncidentFilter(region=r, date_from=D(2025, 6, 1), date_to=D(2025, 6, 7))


def test_region_any_level_and_period(project: Project, kachin: dict[str, Any]) -> None:
    with project.session() as s:
        assert count_incidents(s, june_week(project, "Kachin State")) == 4
        assert count_incidents(s, june_week(project, "Hpakant")) == 3
        assert count_incidents(s, june_week(project, "Mohnyin")) == 3
        titles = {i.title for i in list_incidents(s, june_week(project, "kachin"))}
    assert titles == {"Blast one", "Blast two", "Claimed ambush", "Arrests"}


def test_key_figures_best_estimates_without_party_claims(
    project: Project, kachin: dict[str, Any]
) -> None:
    with project.session() as s:
        fig = key_figures(s, june_week(project, "Kachin"))
    # independent: civilians 6 + 6 killed; the ambush's 10 is a claim; Lashio is Shan.
    assert fig.incidents == 4
    assert fig.killed == 12
    assert fig.civilians_killed == 12
    assert fig.injured == 3
    assert fig.abducted_detained == 3
    assert fig.areas_affected == 2  # Hpakant and Bhamo townships
    assert fig.killed_claimed == 10


def test_previous_period_of_equal_length(project: Project, kachin: dict[str, Any]) -> None:
    flt = june_week(project, "Kachin")
    prev = flt.previous_period()
    assert (prev.date_from, prev.date_to) == (D(2025, 5, 25), D(2025, 5, 31))
    with project.session() as s:
        assert key_figures(s, prev).killed == 2


def test_counts_by_type_area_week(project: Project, kachin: dict[str, Any]) -> None:
    flt = june_week(project, "Kachin")
    with project.session() as s:
        by_type = {t.event_type: t.incidents for t in counts_by_type(s, flt)}
        by_area = {a.name: (a.incidents, a.killed) for a in counts_by_area(s, flt, 3)}
        weeks = counts_by_period(s, IncidentFilter(region=flt.region), "week")
        months = counts_by_period(s, IncidentFilter(region=flt.region), "month")
        days = counts_by_period(s, flt, "day")
    assert by_type == {"Explosions/Remote violence": 2, "Battles": 1, "Strategic developments": 1}
    assert by_area == {"Hpakant": (3, 12), "Bhamo": (1, 0)}
    expected_weeks: Counter[tuple[dt.date, str]] = Counter()
    for inc in kachin["incidents"]:
        if inc.admin1_id == kachin["areas"]["kachin"].id:
            monday = inc.date_start - dt.timedelta(days=inc.date_start.weekday())
            expected_weeks[(monday, inc.event_type)] += 1
    assert {(w.start, w.event_type): w.incidents for w in weeks} == dict(expected_weeks)
    assert all(w.start.weekday() == 0 for w in weeks)
    assert {m.start for m in months} == {D(2025, 5, 1), D(2025, 6, 1)}
    assert sum(d.incidents for d in days) == 4


def test_casualty_breakdown(project: Project, kachin: dict[str, Any]) -> None:
    flt = june_week(project, "Kachin")
    with project.session() as s:
        rows = {
            (r.outcome, r.affiliation): (r.low, r.best, r.high) for r in casualty_breakdown(s, flt)
        }
        with_claims = casualty_breakdown(s, flt, include_claims=True)
    assert rows[("killed", "civilian")] == (8, 12, 16)
    assert ("killed", "side B") not in rows
    assert any(r.affiliation == "side B" and r.best == 10 for r in with_claims)


def test_other_filters(project: Project, kachin: dict[str, Any]) -> None:
    with project.session() as s:
        assert count_incidents(s, IncidentFilter(text="AMBUSH")) == 1
        assert count_incidents(s, IncidentFilter(event_types=("Battles",))) == 4
        assert count_incidents(s, IncidentFilter(verification=(Verification.CORROBORATED,))) == 1
        assert count_incidents(s, IncidentFilter(max_sensitivity=Sensitivity.INTERNAL)) == 6
        assert count_incidents(s, IncidentFilter(bbox=(96.0, 25.0, 97.0, 26.0))) == 7
        assert date_range(s) == (D(2025, 5, 20), D(2025, 6, 7))


def test_custom_region_and_region_errors(project: Project, kachin: dict[str, Any]) -> None:
    areas = kachin["areas"]
    with project.session() as s:
        s.add(
            CustomRegion(
                name="Jade and Bhamo",
                area_ids=[
                    str(areas["hpakant"].id),
                    str(areas["bhamo_t"].id),
                ],
            )
        )
    with project.session() as s:
        assert count_incidents(s, june_week(project, "jade and bhamo")) == 4
        with pytest.raises(RegionError, match=r"ambiguous.*Bhamo \(district.*Bhamo \(township"):
            resolve_region(s, "Bhamo")
        assert resolve_region(s, "Bhamo Township").areas[0].level == 3
        assert resolve_region(s, "Bhamo district").areas[0].level == 2
        assert resolve_region(s, "MMR001010").areas[0].level == 3
        with pytest.raises(RegionError, match="No region called 'Sagaing'"):
            resolve_region(s, "Sagaing")


LITERAL_TITLES = ("50% of the village burned", "5000 people fled", "a_b road blocked", "axb road")


def search_titles(project: Project, text: str) -> set[str]:
    """Titles the free-text search finds (shared with the PostgreSQL test)."""
    with project.session() as s:
        return {i.title for i in list_incidents(s, IncidentFilter(text=text))}


def add_literal_titles(project: Project) -> None:
    for title in LITERAL_TITLES:
        make_incident(project, title=title)
    make_incident(project, title="path C:\\temp noted")


def test_search_for_percent_and_underscore_finds_them_literally(project: Project) -> None:
    add_literal_titles(project)
    assert search_titles(project, "50%") == {"50% of the village burned"}
    assert search_titles(project, "a_b") == {"a_b road blocked"}
    assert search_titles(project, "%") == {"50% of the village burned"}
    assert search_titles(project, "_") == {"a_b road blocked"}
    assert search_titles(project, "c:\\t") == {"path C:\\temp noted"}
    assert search_titles(project, "road") == {"a_b road blocked", "axb road"}
