"""Saving incidents: validation, harm totals and human references in one place.

Every writer (form, importer, merge, demo) goes through :func:`save_incident` or, for
large imports, :func:`bulk_insert_incidents`, so no path can skip validation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sitrep.model import Incident, ProjectSetting, SubEventType
from sitrep.model.base import new_uuid
from sitrep.model.defaults import insert_defaults
from sitrep.model.harm import refresh_harm_totals
from sitrep.model.validation import validate_incident
from sitrep.store.audit import log_bulk
from sitrep.store.bulk import fast_insert, table_of

DEFAULT_PREFIX = "INC"
# what a reference prefix may be ("KCN" in KCN-2025-0142); `sitrep new --prefix` checks it
PREFIX_PATTERN = re.compile(r"^[A-Z0-9]{2,8}$")


def reference_prefix(session: Session) -> str:
    row = session.get(ProjectSetting, "reference_prefix")
    return row.value if row and row.value else DEFAULT_PREFIX


def next_references(session: Session, year: int, count: int = 1) -> list[str]:
    """Reserve ``count`` references like ``KCN-2025-0142`` for ``year``.

    The counter lives in the project (one row per year, updated in the caller's
    transaction), so concurrent writers on PostgreSQL serialise on that row.
    """
    prefix = reference_prefix(session)
    key = f"reference_seq:{year}"
    row = session.get(ProjectSetting, key, with_for_update=True)
    if row is None:
        like = f"{prefix}-{year}-"
        existing = session.scalars(
            select(Incident.reference).where(
                Incident.reference >= like, Incident.reference < f"{prefix}-{year}."
            )
        )
        last = max(
            (int(r.rsplit("-", 1)[1]) for r in existing if r.rsplit("-", 1)[1].isdigit()),
            default=0,
        )
        row = ProjectSetting(key=key, value=str(last))
        session.add(row)
    start = int(row.value) + 1
    row.value = str(start + count - 1)
    return [f"{prefix}-{year}-{n:04d}" for n in range(start, start + count)]


def known_sub_event_types(session: Session) -> set[str]:
    return set(session.scalars(select(SubEventType.name)))


def save_incident(session: Session, incident: Incident) -> Incident:
    """Validate, recompute harm totals, give a reference if new, and add to the session."""
    if incident.date_end is None:
        incident.date_end = incident.date_start
    validate_incident(incident, known_sub_event_types(session))
    refresh_harm_totals(incident)
    if not incident.reference:
        incident.reference = next_references(session, incident.date_start.year)[0]
    for i, source in enumerate(incident.sources):
        source.position = i
    for i, row in enumerate(incident.casualties):
        row.position = i
    session.add(incident)
    session.flush()
    return incident


_COLUMNS = {c.key for c in Incident.__table__.columns}


def bulk_insert_incidents(
    session: Session, rows: Iterable[Mapping[str, Any]], *, what: str = "bulk insert"
) -> int:
    """Insert already-validated incident rows fast (Core executemany, no ORM objects).

    Rows are dicts of :class:`Incident` columns; missing references are allocated here.
    One audit entry summarises the load.
    """
    user = session.info.get("user", "")
    batch: list[dict[str, Any]] = []
    total = 0
    pending_refs: dict[int, list[dict[str, Any]]] = {}
    defaults = {**insert_defaults(Incident, user=user), "author": user}

    def flush() -> None:
        nonlocal batch
        for year, items in pending_refs.items():
            for item, ref in zip(items, next_references(session, year, len(items)), strict=True):
                item["reference"] = ref
        pending_refs.clear()
        if batch:
            fast_insert(session, table_of(Incident), batch)
        batch = []

    for row in rows:
        unknown = set(row) - _COLUMNS
        if unknown:
            raise ValueError(f"unknown incident columns {sorted(unknown)}")
        full = {**defaults, **row}
        if "id" not in full:  # (setdefault would make an id for every row given one)
            full["id"] = new_uuid()
        full.setdefault("date_end", full["date_start"])
        if not full.get("reference"):
            pending_refs.setdefault(full["date_start"].year, []).append(full)
        batch.append(full)
        total += 1
        if len(batch) >= 5000:
            flush()
    flush()
    log_bulk(session, "incident", "insert", {"what": what, "count": total})
    return total
