"""The detail pane: the selected incident in full, as read-only text.

Everything shown is escaped: a narrative containing HTML shows as the text it is.
"""

from __future__ import annotations

import uuid
from html import escape

from PySide6.QtWidgets import QTextBrowser, QWidget
from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session

from sitrep.model import Incident, IncidentLink
from sitrep.model.enums import (
    Credibility,
    DatePrecision,
    LocationPrecision,
    Reliability,
)
from sitrep.model.harm import at_least_outcomes, harm_text
from sitrep.store import Project

EMPTY = "<p style='color:#777'>Select an incident to see it in full.</p>"


def _row(label: str, value: str) -> str:
    if not value:
        return ""
    return (
        f"<tr><td style='color:#555;padding-right:8px'>{escape(label)}</td><td>{value}</td></tr>"
    )


def incident_html(inc: Incident, links: list[tuple[str, str, str]] | None = None) -> str:
    """The incident as HTML (all user text escaped)."""
    e = escape
    when = inc.date_start.isoformat()
    if inc.date_end and inc.date_end != inc.date_start:
        when += f" to {inc.date_end.isoformat()}"
    if inc.time_local:
        when += f" {e(inc.time_local)}"
    when += f" <span style='color:#777'>({DatePrecision(inc.date_precision).label})</span>"
    areas = [a.name for a in (inc.admin4, inc.admin3, inc.admin2, inc.admin1) if a is not None]
    where = e(inc.place_name)
    if areas:
        where += " — " + e(", ".join(areas))
    coords = ""
    if inc.lat is not None and inc.lon is not None:
        coords = f"{inc.lat:.5f}, {inc.lon:.5f}"
        coords += (
            f" <span style='color:#777'>({LocationPrecision(inc.location_precision).label})</span>"
        )
    what = e(f"{inc.event_type} › {inc.sub_event_type}")
    if inc.local_type:
        what += f" <span style='color:#777'>(local type: {e(inc.local_type)})</span>"
    actors = "<br>".join(
        f"{e(link.actor.name)} <span style='color:#777'>— {e(str(link.role))}"
        f"{', denies involvement' if link.denies_involvement else ''}</span>"
        for link in sorted(inc.actors, key=lambda a: str(a.role))
    )
    harm = ""
    if inc.casualties:
        cells = "".join(
            "<tr>"
            f"<td>{e(str(c.outcome))}</td><td>{e(str(c.affiliation))}</td>"
            f"<td align='right'>{c.low}</td><td align='right'><b>{c.best}</b></td>"
            f"<td align='right'>{c.high}</td>"
            f"<td>{'party claim' if c.is_party_claim else ''}</td></tr>"
            for c in inc.casualties
        )
        harm = (
            "<table cellspacing='0' cellpadding='2' border='1' style='border-collapse:collapse'>"
            "<tr><th>Outcome</th><th>Affiliation</th><th>Low</th><th>Best</th><th>High</th>"
            f"<th></th></tr>{cells}</table>"
        )
    sources = "<br>".join(
        f"<b>{e(s.grading)}</b> {e(s.name)}"
        f" <span style='color:#777'>({e(str(s.source_type))}"
        f"{', ' + s.published.isoformat() if s.published else ''})</span>"
        + (
            f"<br><span style='color:#777;font-size:small'>"
            f"{e(Reliability(s.reliability).definition)}; "
            f"{e(Credibility(int(s.credibility)).definition)}</span>"
            if s.graded
            else "<br><span style='color:#777;font-size:small'>came with an imported "
            "dataset; not graded by us</span>"
        )
        + (f"<br><i>“{e(s.excerpt)}”</i>" if s.excerpt else "")
        for s in inc.sources
    )
    attachments = ", ".join(e(a.filename) for a in inc.attachments)
    external = ", ".join(f"{e(x.scheme)} {e(x.value)}" for x in inc.external_ids)
    linked = "<br>".join(
        f"{e(kind)}: <b>{e(ref)}</b> {e(title)}" for kind, ref, title in (links or [])
    )
    narrative = e(inc.narrative).replace("\n", "<br>")
    totals = harm_text(inc, at_least=at_least_outcomes(inc.casualties, inc.verification))
    table = "".join(
        [
            _row("When", when),
            _row("Where", where),
            _row("Coordinates", coords),
            _row("What", what),
            _row("Actors", actors),
            _row("Harm", e(totals)),
            _row("Victims", e(inc.victim_names or "")),
            _row("Verification", e(str(inc.verification))),
            _row("Sensitivity", e(str(inc.sensitivity))),
            _row("Review", e(str(inc.review_status))),
            _row("Author", e(inc.author)),
            _row("Attachments", attachments),
            _row("Other ids", external),
            _row("Linked", linked),
        ]
    )
    return (
        f"<h3 style='margin-bottom:2px'>{e(inc.reference)} — {e(inc.title or inc.place_name)}</h3>"
        f"<table>{table}</table>"
        + (f"<h4>Casualties</h4>{harm}" if harm else "")
        + (f"<h4>Sources</h4>{sources}" if sources else "")
        + (f"<h4>Narrative</h4><p>{narrative}</p>" if narrative else "")
        + f"<p style='color:#999;font-size:small'>Version {inc.version}, "
        f"updated {inc.updated_at:%Y-%m-%d %H:%M} by {e(inc.updated_by)}</p>"
    )


class DetailPane(QTextBrowser):
    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.incident_id: uuid.UUID | None = None
        self.setOpenExternalLinks(False)
        self.setHtml(EMPTY)

    def show_incident(self, incident_id: uuid.UUID | None) -> None:
        self.incident_id = incident_id
        if incident_id is None:
            self.setHtml(EMPTY)
            return
        with self.project.session() as s:
            inc = s.get(Incident, incident_id)
            html = incident_html(inc, _links(s, incident_id)) if inc is not None else EMPTY
        self.setHtml(html)

    def refresh(self) -> None:
        self.show_incident(self.incident_id)


def _links(session: Session, incident_id: uuid.UUID) -> list[tuple[str, str, str]]:
    """(kind, reference, title) of incidents linked to this one, either direction."""
    other = case(
        (IncidentLink.from_id == incident_id, IncidentLink.to_id), else_=IncidentLink.from_id
    )
    rows = session.execute(
        select(IncidentLink.kind, Incident.reference, Incident.title)
        .join(Incident, Incident.id == other)
        .where(or_(IncidentLink.from_id == incident_id, IncidentLink.to_id == incident_id))
        .order_by(Incident.date_start)
    )
    return [(str(getattr(k, "value", k)), ref, title) for k, ref, title in rows]
