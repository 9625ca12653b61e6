"""A report never states as fact who did what a source only alleges, nor names victims."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import select

from sitrep.editing.draft import ActorDraft, CasualtyDraft, IncidentDraft
from sitrep.editing.save import save_draft
from sitrep.model import AdminArea
from sitrep.model.enums import ReportKind
from sitrep.places.regions import resolve_region
from sitrep.reporting import wording
from sitrep.reporting.annex import annex_rows
from sitrep.reporting.build import generate, spec_for_cli
from sitrep.reporting.docx_xml import annex_cells
from sitrep.reporting.figures import report_filter
from sitrep.store import Project
from tests.reporting import scenario

VICTIMS = "Daw Lu Ra, Ma Seng Nu"


def _alleged_strike(project: Project) -> str:
    with project.session() as s:
        hpakant = s.scalar(select(AdminArea.id).where(AdminArea.pcode == "MMR001009"))
        inc = save_draft(
            s,
            IncidentDraft(
                title="Air strike on Lone Khin village",
                date_start="2025-06-06",
                event_type="Explosions/Remote violence",
                sub_event_type="Air/drone strike",
                area_id=str(hpakant),
                verification="single source",
                victim_names=VICTIMS,
                sensitive_fields=["victim_names"],
                actors=[
                    ActorDraft("Military of Myanmar", "alleged perpetrator", True),
                    ActorDraft("Civilians (Myanmar)", "target"),
                ],
                casualties=[CasualtyDraft(best=2, low=2, high=2)],
            ),
        )
        return inc.reference


def test_wording_says_allegedly_and_mentions_the_denial(project: Project) -> None:
    scenario.build(project)
    reference = _alleged_strike(project)
    with project.session() as s:
        region = resolve_region(s, "Kachin")
        rows = annex_rows(s, report_filter(region, *scenario.PERIOD, "INTERNAL"))
    (row,) = [r for r in rows if r.reference == reference]
    assert row.side_a == []  # not listed as a party that did it
    assert (row.alleged, row.denying) == (["Military of Myanmar"], ["Military of Myanmar"])
    sentence = wording.incident_sentence(row)
    assert (
        "Allegedly carried out by Military of Myanmar. Military of Myanmar denies involvement."
        in sentence
    )
    actors = annex_cells(row)[4]
    assert "allegedly Military of Myanmar" in actors
    assert "Military of Myanmar denies involvement" in actors


def test_generated_report_attributes_with_care_and_names_no_victim(
    project: Project, tmp_path: Path
) -> None:
    project.set_setting("organisation", "Kachin Relief Network")
    scenario.build(project)
    _alleged_strike(project)
    out = tmp_path / "report.docx"
    with project.session() as s:
        spec = spec_for_cli(
            s, resolve_region(s, "Kachin"), *scenario.PERIOD, ReportKind.PERIODIC, None
        )
    generate(project, spec, out, today=dt.date(2025, 6, 10))
    doc = Document(str(out))
    text = "\n".join(t.text or "" for t in doc.element.body.iter(qn("w:t")))
    assert "allegedly Military of Myanmar" in text
    assert "denies involvement" in text
    for name in VICTIMS.split(", "):
        assert name not in text
