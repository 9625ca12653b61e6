"""Likely duplicates of a proposal among the project's incidents, with the rule the
duplicate review uses (:func:`sitrep.sharing.duplicates.pair_candidate`)."""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from sitrep.editing.draft import IncidentDraft
from sitrep.model import Incident
from sitrep.sharing.duplicates import Thresholds, pair_candidate

_DRAFT_ID = uuid.UUID(int=0)
# built once: a batch checks every proposal, and building the statement cost more
# than running it
_NEARBY = (
    select(
        Incident.id, Incident.reference, Incident.title, Incident.date_start, Incident.lat,
        Incident.lon, Incident.place_name, Incident.sub_event_type,
    )
    .where(
        Incident.date_start >= bindparam("first"),
        Incident.date_start <= bindparam("last"),
        Incident.event_type == bindparam("event_type"),
    )
    .limit(200)
)  # fmt: skip


def likely_duplicates(
    session: Session, draft: IncidentDraft, thresholds: Thresholds | None = None
) -> list[str]:
    """References of incidents near in space and time with the same event type."""
    thresholds = thresholds or Thresholds()
    if not draft.date_start or not draft.event_type:
        return []
    start = dt.date.fromisoformat(draft.date_start)
    end = dt.date.fromisoformat(draft.date_end) if draft.date_end else start
    window = dt.timedelta(days=thresholds.days)
    rows = session.execute(
        _NEARBY,
        {"first": start - window, "last": end + window, "event_type": draft.event_type},
    ).all()
    mine = SimpleNamespace(
        id=_DRAFT_ID, reference="(draft)", title=draft.title, date_start=start,
        lat=float(draft.lat) if draft.lat else None, lon=float(draft.lon) if draft.lon else None,
        place_name=draft.place_name, sub_event_type=draft.sub_event_type,
    )  # fmt: skip
    found = []
    for row in rows:
        other = SimpleNamespace(**row._mapping)
        candidate = pair_candidate(mine, other, {}, {}, thresholds)
        if candidate is not None:
            found.append((candidate.score, row.reference))
    return [ref for _, ref in sorted(found, reverse=True)]
