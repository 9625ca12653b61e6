"""What changed since the previous final report of the same region: incidents added
late to its period, revised figures and retractions, against its stored snapshot.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sitrep.model import (
    Incident,
)
from sitrep.model.enums import (
    Verification,
)
from sitrep.reporting.annex import AnnexRow, annex_rows
from sitrep.store.queries import FIGURE_KEYS as FIGURE_KEYS  # re-exported
from sitrep.store.queries import (
    IncidentFilter,
)


@dataclass
class Revision:
    row_reference: str
    date: dt.date
    title: str
    what: str


@dataclass
class Changes:
    """What changed since the previous final report of the same region."""

    previous_title: str | None = None
    previous_issued: dt.date | None = None
    late: list[AnnexRow] = field(default_factory=list)
    revised: list[Revision] = field(default_factory=list)
    retracted: list[Revision] = field(default_factory=list)


_TRACKED = (
    ("killed", "killed"),
    ("civilians_killed", "civilians killed"),
    ("injured", "injured"),
    ("abducted_detained", "abducted or detained"),
)


def changes_since(
    session: Session, report_key: tuple[str, dt.date, uuid.UUID | None], flt: IncidentFilter
) -> Changes:
    """New, revised and retracted incidents against the previous final report."""
    from sitrep.reporting.records import previous_final

    found = previous_final(session, *report_key)
    if found is None:
        return Changes()
    prev, last_file = found
    snap: dict[str, dict[str, Any]] = last_file.snapshot or {}
    changes = Changes(previous_title=prev.title, previous_issued=last_file.created_at.date())
    ids = [uuid.UUID(k) for k in snap]
    current: dict[str, Any] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        for inc in session.execute(
            select(
                Incident.id,
                Incident.version,
                Incident.reference,
                Incident.date_start,
                Incident.title,
                Incident.killed,
                Incident.civilians_killed,
                Incident.injured,
                Incident.abducted_detained,
                Incident.verification,
            ).where(Incident.id.in_(chunk))
        ):
            current[str(inc.id)] = inc
    for key, old in snap.items():
        date = dt.date.fromisoformat(old["date"])
        now = current.get(key)
        if now is None:
            changes.retracted.append(
                Revision(old["ref"], date, old.get("title", ""), "removed from the dataset")
            )
            continue
        if Verification(now.verification) is Verification.RETRACTED:
            changes.retracted.append(Revision(now.reference, date, now.title, "retracted"))
            continue
        if now.version == old.get("v"):
            continue
        parts = [
            f"{label} revised from {old.get(attr, 0)} to {getattr(now, attr)}"
            for attr, label in _TRACKED
            if old.get(attr, 0) != getattr(now, attr)
        ]
        if old.get("verification") != Verification(now.verification).value:
            parts.append(
                f"verification changed from {old.get('verification')} to "
                f"{Verification(now.verification).value}"
            )
        if dt.date.fromisoformat(old["date"]) != now.date_start:
            parts.append(f"date corrected to {now.date_start:%d %b %Y}")
        if parts:
            changes.revised.append(Revision(now.reference, date, now.title, "; ".join(parts)))
    prev_flt = flt.with_period(prev.period_from, prev.period_to)
    changes.late = [r for r in annex_rows(session, prev_flt) if str(r.id) not in snap]
    return changes
