"""What the map shows, as data: incident points with their popup fields, and grid cells.

Everything here is plain values; the page renders text with ``textContent`` so a title
holding HTML shows literally.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from sitrep.mapping.palette import type_colour
from sitrep.model import EventType, Incident, Source
from sitrep.model.entities import source_grading
from sitrep.model.enums import Sensitivity
from sitrep.model.harm import at_least_outcomes, harm_text
from sitrep.sharing.redaction import leaving_filter
from sitrep.store.queries import IncidentFilter, select_incidents


def _value(v: Any) -> str:
    return str(v.value if hasattr(v, "value") else v)


def grading_text(sources: Sequence[Source]) -> str:
    if not sources:
        return "no source recorded"
    return ", ".join(
        f"{s.name} ({source_grading(s.reliability, s.credibility, getattr(s, 'graded', True))})"
        for s in sources
    )


def popup_properties(incident: Incident) -> dict[str, Any]:
    """The fields a marker's popup shows (all text; the page never parses them as HTML)."""
    date = incident.date_start.isoformat()
    if incident.date_end and incident.date_end != incident.date_start:
        date += f" to {incident.date_end.isoformat()}"
    return {
        "id": str(incident.id),
        "ref": incident.reference,
        "title": incident.title,
        "date": date,
        "place": incident.place_name,
        "type": incident.event_type,
        "subtype": incident.sub_event_type,
        "harm": harm_text(
            incident, at_least=at_least_outcomes(incident.casualties, incident.verification)
        ),
        "verification": _value(incident.verification).replace("_", " "),
        "sources": grading_text(incident.sources),
        "colour": type_colour(incident.event_type),
    }


def point_features(incidents: Iterable[Incident]) -> list[dict[str, Any]]:
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [inc.lon, inc.lat]},
            "properties": popup_properties(inc),
        }
        for inc in incidents
        if inc.lat is not None and inc.lon is not None
    ]


def located(flt: IncidentFilter) -> Any:
    """The filtered incidents that have coordinates (only those can be drawn)."""
    return select_incidents(flt).where(Incident.lat.is_not(None), Incident.lon.is_not(None))


def incident_points(
    session: Session, flt: IncidentFilter, limit: int | None = None
) -> list[dict[str, Any]]:
    stmt = (
        located(flt)
        .options(selectinload(Incident.sources), selectinload(Incident.casualties))
        .order_by(Incident.date_start, Incident.reference)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return point_features(session.scalars(stmt))


def redacted_points(
    session: Session, flt: IncidentFilter, level: Sensitivity
) -> list[dict[str, Any]]:
    """The map's points as they may leave at ``level``: the redaction policy applied to
    each incident and its sources (titles, places, coordinates, source names)."""
    from sitrep.sharing.documents import load_documents
    from sitrep.sharing.redaction import RedactionContext, redact_document

    flt = leaving_filter(flt, level)
    ctx = RedactionContext.load(session.connection(), level)
    ids = list(
        session.scalars(
            located(flt)
            .with_only_columns(Incident.id)
            .order_by(Incident.date_start, Incident.reference)
        )
    )
    shown = []
    for start in range(0, len(ids), 500):
        docs = load_documents(session.connection(), ids[start : start + 500])
        for inc_id in ids[start : start + 500]:
            doc = docs[inc_id]
            redact_document(doc, ctx)
            inc = SimpleNamespace(**doc["incident"])
            inc.sources = [SimpleNamespace(**r) for r in doc["source"]]
            inc.casualties = [SimpleNamespace(**r) for r in doc["casualty"]]
            shown.append(inc)
    return point_features(shown)  # type: ignore[arg-type]


def incident_popup(session: Session, incident_id: uuid.UUID) -> dict[str, Any] | None:
    """One incident's point feature (for "show this incident on the map")."""
    inc = session.get(Incident, incident_id)
    if inc is None or inc.lat is None or inc.lon is None:
        return None
    return point_features([inc])[0]


@dataclass(frozen=True)
class Located:
    """How many filtered incidents the map can and cannot place."""

    with_coordinates: int
    without_coordinates: int
    bounds: tuple[float, float, float, float] | None  # west, south, east, north


def located_summary(session: Session, flt: IncidentFilter) -> Located:
    flt = replace(flt, bbox=None)
    n, missing, west, south, east, north = session.execute(
        select_incidents(
            flt,
            func.count(Incident.lat),
            func.count() - func.count(Incident.lat),
            func.min(Incident.lon),
            func.min(Incident.lat),
            func.max(Incident.lon),
            func.max(Incident.lat),
        )
    ).one()
    bounds = None if west is None else (float(west), float(south), float(east), float(north))
    return Located(int(n or 0), int(missing or 0), bounds)


def initial_bounds(
    session: Session, sample: int = 25_000
) -> tuple[float, float, float, float] | None:
    """Where to open the map: the bounds of the located incidents.

    Exact for up to ``2 * sample`` incidents; beyond that, the bounds of the oldest and
    newest ``sample`` (two short index reads instead of a scan of a million rows).
    "Zoom to incidents" is always exact.
    """
    boxes = []
    for order in (Incident.date_start.asc(), Incident.date_start.desc()):
        part = (
            select(Incident.lat, Incident.lon)
            .where(Incident.lat.is_not(None), Incident.lon.is_not(None))
            .order_by(order)
            .limit(sample)
            .subquery()
        )
        boxes.append(
            session.execute(
                select(
                    func.count(),
                    func.min(part.c.lon),
                    func.min(part.c.lat),
                    func.max(part.c.lon),
                    func.max(part.c.lat),
                )
            ).one()
        )
    if not boxes[0][0]:
        return None
    return (
        float(min(b[1] for b in boxes)),
        float(min(b[2] for b in boxes)),
        float(max(b[3] for b in boxes)),
        float(max(b[4] for b in boxes)),
    )


def legend_types(session: Session) -> list[dict[str, str]]:
    """Every event type of the project's taxonomy with its colour, in taxonomy order."""
    names = list(session.scalars(select(EventType.name).order_by(EventType.position)))
    return [{"type": name, "colour": type_colour(name)} for name in names]
