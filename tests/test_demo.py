"""The demo project holds the seed report's incidents as a careful officer enters them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from sitrep.model import CustomRegion, Incident, IncidentLink, Place
from sitrep.model.enums import Sensitivity, Verification
from sitrep.places.regions import resolve_region
from sitrep.store import Project
from sitrep.store.queries import IncidentFilter, count_incidents, key_figures


def real(project: Project) -> list[Incident]:
    with project.session() as s:
        rows = list(s.scalars(select(Incident).where(Incident.is_synthetic.is_(False))))
        for r in rows:
            _ = r.casualties, r.sources, r.actors
            for a in r.actors:
                _ = a.actor
        return rows


def test_scenario_incidents(demo_project: Project) -> None:
    incidents = real(demo_project)
    assert len(incidents) >= 12
    by_title = {i.title: i for i in incidents}
    blasts = [i for i in incidents if i.local_type == "Mine-site blast"]
    assert sorted(i.date_start for i in blasts) == [dt.date(2025, 6, 3), dt.date(2025, 6, 6)]
    assert sum(i.civilians_killed for i in blasts) == 12  # "around a dozen civilians"
    assert all(i.place_name == "Lone Khin" for i in blasts)
    ambush = next(t for t in by_title if "ambush" in t.lower())
    amb = by_title[ambush]
    assert amb.verification == Verification.CLAIM_UNVERIFIABLE
    assert amb.killed == 0 and amb.killed_claimed >= 10  # a claim is not counted as fact
    heli = next(i for i in incidents if i.local_type == "Aircraft shot down")
    assert heli.date_start == dt.date(2025, 5, 20) and "Bhamo" in heli.title
    commander = next(i for i in incidents if "Battalion 33" in i.title)
    assert commander.sensitivity != Sensitivity.PUBLIC
    assert "victim_names" in commander.sensitive_fields
    for inc in incidents:
        assert inc.sources, inc.title
        assert all(s.reliability and s.credibility for s in inc.sources)
        assert inc.lat is not None and inc.lon is not None
        assert 23 < inc.lat < 29 and 96 < inc.lon < 99
        assert inc.actors
    assert len({i.verification for i in incidents}) >= 4
    assert len({i.date_precision for i in incidents}) >= 3


def test_lone_khin_is_a_user_place_and_blasts_are_linked(demo_project: Project) -> None:
    with demo_project.session() as s:
        place = s.scalar(select(Place).where(Place.name == "Lone Khin"))
        assert place is not None and place.origin == "user"
        assert (place.lat, place.lon) == (25.6564, 96.3568)
        assert s.query(IncidentLink).count() == 1
        assert s.scalar(select(CustomRegion.name)) == "Special Region 1"


def test_synthetic_data_is_marked_and_fills_the_months_before(demo_project: Project) -> None:
    with demo_project.session() as s:
        synthetic = list(s.scalars(select(Incident).where(Incident.is_synthetic)))
        kachin = resolve_region(s, "Kachin")
        may = key_figures(
            s,
            IncidentFilter(
                region=kachin, date_from=dt.date(2025, 5, 1), date_to=dt.date(2025, 5, 31)
            ),
        )
        march = count_incidents(
            s,
            IncidentFilter(
                region=kachin, date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 3, 31)
            ),
        )
    assert len(synthetic) == 300
    assert all(i.title.startswith("[Synthetic]") for i in synthetic)
    assert min(i.date_start for i in synthetic) < dt.date(2025, 1, 1)
    assert may.incidents > 20 and march > 10
    assert "SYNTHETIC" in demo_project.setting("synthetic_note")
