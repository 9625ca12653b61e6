"""One wording of an incident's harm: the detail pane, the map popup, the report's incident
bullets and the DOCX annex all say the same words for the same incident."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from sqlalchemy import select

from sitrep.mapping.data import incident_points
from sitrep.model import Incident
from sitrep.model.enums import Affiliation, Outcome
from sitrep.model.harm import Unrecorded
from sitrep.places.regions import resolve_region
from sitrep.reporting import wording
from sitrep.reporting.docx_xml import annex_cells
from sitrep.reporting.figures import collect
from sitrep.store import Project
from sitrep.store.queries import IncidentFilter
from tests.conftest import make_incident
from tests.reporting import scenario

EXPECTED = {
    # at least 1,234 killed, two of them civilians, some injured and detained
    "Shelling of the market": (
        "at least 1,234 killed (2 civilians); 4 injured; at least 3 abducted or detained"
    ),
    # an ACLED-like row: deaths recorded, the civilian share and injuries not
    "Clash near the river": "5 killed (civilians not recorded); injuries not recorded",
    "Arrests at the checkpoint": "1 abducted or detained",
}


def _add_incidents(project: Project) -> None:
    with project.session() as s:
        blast = s.scalars(select(Incident).where(Incident.title.startswith("Blast"))).one()
        where = {k: getattr(blast, k) for k in ("admin1_id", "admin2_id", "admin3_id")}
    day = scenario.PERIOD[0] + dt.timedelta(days=1)
    make_incident(
        project,
        title="Shelling of the market",
        date_start=day,
        casualties=[
            {"best": 2, "affiliation": Affiliation.CIVILIAN},
            {"best": 1232, "affiliation": Affiliation.SIDE_A, "at_least": True},
            {"outcome": Outcome.INJURED, "best": 4},
            {"outcome": Outcome.DETAINED, "best": 3, "at_least": True},
        ],
        **where,
    )
    clash = make_incident(
        project,
        title="Clash near the river",
        date_start=day,
        casualties=[{"best": 5, "affiliation": Affiliation.UNKNOWN}],
        **where,
    )
    with project.session() as s:
        row = s.get_one(Incident, clash.id)
        row.harm_unrecorded = int(Unrecorded.CIVILIANS | Unrecorded.INJURED)
    make_incident(
        project,
        title="Arrests at the checkpoint",
        date_start=day,
        casualties=[{"outcome": Outcome.DETAINED, "best": 1}],
        **where,
    )


def test_detail_pane_map_popup_report_and_annex_say_the_same(
    kachin: tuple[Project, dict[str, Any]],
) -> None:
    from sitrep.ui.detail_pane import incident_html  # builds text only; no window

    project, _ = kachin
    _add_incidents(project)
    with project.session() as s:
        data = collect(s, resolve_region(s, "Kachin"), *scenario.PERIOD)
        rows = {r.title: r for r in data.incidents}
        popups = {
            p["properties"]["title"]: p["properties"] for p in incident_points(s, IncidentFilter())
        }
        for title, words in EXPECTED.items():
            row = rows[title]
            assert wording.harm_phrase(row) == words
            assert f" {words[0].upper()}{words[1:]}." in wording.incident_sentence(
                row
            )  # a sentence
            assert words in annex_cells(row)[5]
            assert popups[title]["harm"] == words
            inc = s.scalars(select(Incident).where(Incident.title == title)).one()
            assert f"<td>{html.escape(words)}</td>" in incident_html(inc)
