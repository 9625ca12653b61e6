"""Whole-incident snapshots, so that a deletion or an edit can be undone exactly.

A snapshot holds the column values of the incident row and of every row that hangs
off it (actors, casualties, sources, attachments, external ids, links), with their
original UUIDs. Restoring writes them back through the ORM, so the audit log records
the undo like any other change. Attachment content (blobs) is never deleted, so a
restored attachment finds its bytes again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from sitrep.errors import ConflictError
from sitrep.model import (
    Attachment,
    Casualty,
    ExternalId,
    Incident,
    IncidentActor,
    IncidentLink,
    Source,
)

Row = dict[str, Any]
_SKIP = {"version"}


def _columns(obj: Any) -> Row:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns if c.key not in _SKIP}


@dataclass(frozen=True)
class IncidentSnapshot:
    incident: Row
    actors: list[Row] = field(default_factory=list)
    casualties: list[Row] = field(default_factory=list)
    sources: list[Row] = field(default_factory=list)
    attachments: list[Row] = field(default_factory=list)
    external_ids: list[Row] = field(default_factory=list)
    links: list[Row] = field(default_factory=list)

    @property
    def id(self) -> uuid.UUID:
        return self.incident["id"]  # type: ignore[no-any-return]

    @property
    def reference(self) -> str:
        return str(self.incident.get("reference", ""))


def snapshot_incident(session: Session, incident_id: uuid.UUID) -> IncidentSnapshot:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise ConflictError("This incident no longer exists; it may have been deleted.")
    links = session.scalars(
        select(IncidentLink).where(
            or_(IncidentLink.from_id == incident_id, IncidentLink.to_id == incident_id)
        )
    )
    return IncidentSnapshot(
        incident=_columns(incident),
        actors=[_columns(a) for a in incident.actors],
        casualties=[_columns(c) for c in incident.casualties],
        sources=[_columns(s) for s in incident.sources],
        attachments=[_columns(a) for a in incident.attachments],
        external_ids=[_columns(e) for e in incident.external_ids],
        links=[_columns(link) for link in links],
    )


def delete_incident(session: Session, incident_id: uuid.UUID) -> IncidentSnapshot:
    """Delete an incident and return what is needed to bring it back."""
    snap = snapshot_incident(session, incident_id)
    session.execute(
        delete(IncidentLink).where(
            or_(IncidentLink.from_id == incident_id, IncidentLink.to_id == incident_id)
        )
    )
    incident = session.get(Incident, incident_id)
    session.delete(incident)
    session.flush()
    return snap


def restore_incident(session: Session, snap: IncidentSnapshot) -> Incident:
    """Put the incident back as it was in ``snap`` (re-inserted, or its edits reverted)."""
    incident = session.get(Incident, snap.id)
    if incident is None:
        incident = Incident(**snap.incident)
        session.add(incident)
    else:
        for key, value in snap.incident.items():
            if key not in {"id", "created_at"}:
                setattr(incident, key, value)
        # Children go back with their own ids: clear first, flush, then re-add.
        incident.actors.clear()
        incident.casualties.clear()
        incident.sources.clear()
        incident.attachments.clear()
        incident.external_ids.clear()
        session.flush()
    incident.sources.extend(Source(**row) for row in snap.sources)
    session.flush()  # casualties may point at these sources
    incident.actors.extend(IncidentActor(**row) for row in snap.actors)
    incident.casualties.extend(Casualty(**row) for row in snap.casualties)
    incident.attachments.extend(Attachment(**row) for row in snap.attachments)
    incident.external_ids.extend(ExternalId(**row) for row in snap.external_ids)
    session.flush()
    for row in snap.links:
        other = row["to_id"] if row["from_id"] == snap.id else row["from_id"]
        if (
            session.get(Incident, other) is not None
            and session.get(IncidentLink, (row["from_id"], row["to_id"], row["kind"])) is None
        ):
            session.add(IncidentLink(**row))
    session.flush()
    return incident
