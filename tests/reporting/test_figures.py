"""Figures against values computed here from the scenario's own data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from sitrep.model import Incident, Report
from sitrep.model.enums import ReportKind, ReportStatus, Verification
from sitrep.places.regions import resolve_region
from sitrep.reporting import wording
from sitrep.reporting.build import generate, spec_for_cli
from sitrep.reporting.figures import collect
from sitrep.store import Project
from sitrep.store.incidents import save_incident
from tests.conftest import make_incident
from tests.reporting import scenario


@pytest.fixture
def project(project_db: Project) -> Project:
    """Every test here runs on a project file and on PostgreSQL (tests/conftest.py)."""
    return project_db


def test_key_figures_and_previous_period(kachin: tuple[Project, dict[str, Any]]) -> None:
    project, _ = kachin
    with project.session() as s:
        data = collect(s, resolve_region(s, "Kachin"), *scenario.PERIOD)
    assert data.figures.as_dict() == scenario.expected(scenario.PERIOD)
    assert data.previous.as_dict() == scenario.expected(scenario.PREVIOUS)
    assert (data.previous_from, data.previous_to) == scenario.PREVIOUS
    rows = [s for s in scenario.INCIDENTS if scenario.in_period(s)]
    # low = best; high = best + 2 for each civilian casualty row (see scenario.build)
    assert data.killed_low == sum(s.killed for s in rows)
    assert data.killed_high == sum(s.killed for s in rows) + 2 * sum(1 for s in rows if s.civ)
    assert data.figures.killed_claimed == sum(s.claimed for s in rows)
    assert len(data.incidents) == len(rows)
    assert "Reported shelling, later retracted" not in {r.title for r in data.incidents}
    assert len(data.trace["killed"]) == sum(1 for s in rows if s.killed)
    assert [r.date for r in data.incidents] == sorted(r.date for r in data.incidents)


def test_custom_region_counts_only_its_areas(kachin: tuple[Project, dict[str, Any]]) -> None:
    project, _ = kachin
    with project.session() as s:
        data = collect(s, resolve_region(s, "Special Region 1"), *scenario.PERIOD)
    rows = [
        s
        for s in scenario.INCIDENTS
        if scenario.in_period(s) and s.township in ("Waingmaw", "Myitkyina")
    ]
    assert data.figures.incidents == len(rows)
    assert data.figures.killed == sum(s.killed for s in rows)


def test_claims_are_worded_as_claims(kachin: tuple[Project, dict[str, Any]]) -> None:
    project, _ = kachin
    with project.session() as s:
        data = collect(s, resolve_region(s, "Kachin"), *scenario.PERIOD)
    ambush = next(r for r in data.incidents if r.title.startswith("KIA ambush"))
    assert wording.claim_sentence(ambush) == (
        "KIA said 10 members of Military of Myanmar were killed; "
        "this could not be independently verified."
    )
    assert "this could not be independently verified" in wording.incident_sentence(ambush)
    blast = next(r for r in data.incidents if r.title.startswith("Blast"))
    assert wording.claim_sentence(blast) == ""
    assert "7 civilians killed; 4 injured." in wording.incident_sentence(blast)
    assert "claimed a further 10 deaths" in wording.seeded_overview(data)


def test_changes_since_previous_final_report(
    kachin: tuple[Project, dict[str, Any]], tmp_path: Any
) -> None:
    project, areas = kachin
    with project.session() as s:
        region = resolve_region(s, "Kachin")
        spec = spec_for_cli(s, region, *scenario.PERIOD, ReportKind.PERIODIC, None)
    first = generate(project, spec, tmp_path / "one.docx")
    with project.session() as s:
        s.get_one(Report, first.report_id).status = ReportStatus.FINAL
        bhamo = s.scalars(select(Incident).where(Incident.title.startswith("Clashes at"))).one()
        bhamo.casualties[0].best = bhamo.casualties[0].high = 5
        save_incident(s, bhamo)
        drone = s.scalars(select(Incident).where(Incident.title.startswith("Drone"))).one()
        drone.verification = Verification.RETRACTED
        save_incident(s, drone)
    late = make_incident(
        project,
        title="Late report of shelling",
        date_start=dt.date(2025, 6, 4),
        admin1_id=areas["state"].id,
        admin3_id=areas["townships"]["Bhamo"].id,
    )
    nxt = (dt.date(2025, 6, 9), dt.date(2025, 6, 15))
    make_incident(
        project,
        title="Clash in the next week",
        date_start=dt.date(2025, 6, 10),
        admin1_id=areas["state"].id,
        admin3_id=areas["townships"]["Bhamo"].id,
    )
    with project.session() as s:
        spec = spec_for_cli(s, region, *nxt, ReportKind.PERIODIC, None)
    second = generate(project, spec, tmp_path / "two.docx")
    changes = second.data.changes
    assert changes.previous_title == "Myanmar: Kachin State – Situation Report No. 1"
    assert [r.reference for r in changes.late] == [late.reference]
    assert len(changes.revised) == 1
    assert "killed revised from 3 to 5" in changes.revised[0].what
    assert [r.title for r in changes.retracted] == ["Drone strike near a market in မြစ်ကြီးနား"]
    assert second.number == 2
