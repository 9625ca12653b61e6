"""Listing and resolving merge conflicts: the user decides, nothing is thrown away.

Keeping ours marks the conflict resolved (theirs stays stored in the log); taking
theirs replaces our incident with their version, and our version is written to the
audit log first so it can still be read.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Date, DateTime, Table, Uuid, insert, select, update

from sitrep.errors import SitrepError
from sitrep.model import AuditEntry, MergeBase, MergeConflict
from sitrep.sharing.documents import CHILDREN, INCIDENT, content_hash, load_documents
from sitrep.store import Project
from sitrep.store.audit import jsonable


@dataclass(frozen=True)
class Conflict:
    id: int
    record_id: str
    label: str
    their_user: str
    their_source: str
    created_at: dt.datetime
    their_title: str


def list_conflicts(project: Project, include_resolved: bool = False) -> list[Conflict]:
    table: Table = MergeConflict.__table__  # type: ignore[assignment]
    stmt = select(table).order_by(table.c.id)
    if not include_resolved:
        stmt = stmt.where(table.c.resolved.is_(False))
    with project.engine.connect() as conn:
        return [
            Conflict(
                r.id,
                r.record_id,
                r.label,
                r.their_user,
                r.their_source,
                r.created_at,
                str(r.theirs.get("incident", {}).get("title", "")),
            )
            for r in conn.execute(stmt)
        ]


def _from_json(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key not in table.c:
            continue
        col_type = table.c[key].type
        if value is not None and isinstance(col_type, Uuid):
            value = uuid.UUID(str(value))
        elif value is not None and isinstance(col_type, DateTime):
            value = dt.datetime.fromisoformat(value)
        elif value is not None and isinstance(col_type, Date):
            value = dt.date.fromisoformat(value)
        out[key] = value
    return out


def resolve_conflict(project: Project, conflict_id: int, keep: Literal["ours", "theirs"]) -> None:
    table: Table = MergeConflict.__table__  # type: ignore[assignment]
    with project.engine.begin() as conn:
        row = conn.execute(select(table).where(table.c.id == conflict_id)).first()
        if row is None:
            raise SitrepError(f"There is no merge conflict number {conflict_id}.")
        if row.resolved:
            raise SitrepError(f"Merge conflict {conflict_id} is already resolved.")
        record_id = uuid.UUID(row.record_id)
        (ours,) = load_documents(conn, [record_id]).values()
        theirs = row.theirs
        if keep == "theirs":
            conn.execute(
                insert(AuditEntry.__table__).values(  # type: ignore[arg-type]
                    at=dt.datetime.now(dt.UTC),
                    user=project.user,
                    table_name="incident",
                    record_id=row.record_id,
                    action="replaced by merge",
                    changes={
                        "ours_before": {
                            k: (
                                [{c: jsonable(v) for c, v in r.items()} for r in rows]
                                if isinstance(rows, list)
                                else {c: jsonable(v) for c, v in rows.items()}
                            )
                            for k, rows in ours.items()
                        },
                        "source": row.their_source,
                    },
                )
            )
            for name in reversed(list(CHILDREN)):
                child = CHILDREN[name]
                conn.execute(child.delete().where(child.c.incident_id == record_id))
            inc = _from_json(INCIDENT, theirs["incident"])
            inc["id"] = record_id
            inc["reference"] = ours["incident"]["reference"]
            inc["version"] = int(ours["incident"]["version"]) + 1
            conn.execute(update(INCIDENT).where(INCIDENT.c.id == record_id).values(**inc))
            for name, child in CHILDREN.items():
                rows = []
                for r in theirs.get(name, []):
                    r = _from_json(child, r)
                    r["incident_id"] = record_id
                    if name == "external_id":
                        r.pop("id", None)
                    rows.append(r)
                if rows:
                    conn.execute(insert(child), rows)
        # either way, what we now hold is the agreed state with that colleague
        bases: Table = MergeBase.__table__  # type: ignore[assignment]
        conn.execute(bases.delete().where(bases.c.record_id == row.record_id))
        conn.execute(
            insert(bases).values(
                unit="incident",
                record_id=row.record_id,
                content_hash=content_hash(_decoded(theirs)),
            )
        )
        conn.execute(update(table).where(table.c.id == conflict_id).values(resolved=True))


def _decoded(theirs: dict[str, Any]) -> dict[str, Any]:
    """Their document with typed values, to hash the way a merge will see it."""
    doc: dict[str, Any] = {"incident": _from_json(INCIDENT, theirs["incident"])}
    for name, child in CHILDREN.items():
        doc[name] = [_from_json(child, r) for r in theirs.get(name, [])]
    return doc
