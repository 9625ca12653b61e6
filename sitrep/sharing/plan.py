"""Writing one incident's merge plan (the values taken from the other side and the rows
added) and recomputing its harm totals: shared by the merge and conflict resolution."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, select

from sitrep.model.base import utcnow
from sitrep.model.harm import harm_totals, recorded_by_rows
from sitrep.sharing.documents import CHILDREN, INCIDENT
from sitrep.sharing.journal import Journal
from sitrep.sharing.redaction import row_key
from sitrep.sharing.threeway import Plan
from sitrep.store.audit import jsonable


def apply_plan(
    journal: Journal,
    conn: Connection,
    ours: dict[str, Any],
    plan: Plan,
    user: str,
    ensure_actor: Callable[[Any], None] | None = None,
) -> None:
    """Write a plan's taken values and added rows, then the incident's harm totals."""
    our_id = ours["incident"]["id"]
    rows_by_key = {(name, row_key(name, r)): r for name in CHILDREN for r in ours.get(name, [])}
    for (name, key), values in plan.rows.items():
        row = rows_by_key[(name, key)]
        table = CHILDREN[name]
        pk = _row_pk(name, row)
        journal.update(table, pk, row, values, row.get("id", our_id))
    order = list(CHILDREN)
    source_ids = {r["id"] for r in ours.get("source", [])}
    source_ids |= {r["id"] for n, r in plan.add if n == "source"}
    for name, row in sorted(plan.add, key=lambda item: order.index(item[0])):
        new = dict(row)
        new["incident_id"] = our_id
        if name == "external_id":
            new.pop("id", None)
        if name == "casualty" and new.get("source_id") not in source_ids:
            new["source_id"] = None
        if name == "incident_actor" and ensure_actor is not None:
            ensure_actor(new["actor_id"])
        journal.insert(CHILDREN[name], [new])
    casualties = [
        dict(r)
        for r in conn.execute(
            select(CHILDREN["casualty"]).where(CHILDREN["casualty"].c.incident_id == our_id)
        ).mappings()
    ]
    after = dict(plan.incident)
    after.update(harm_columns(casualties, {**ours["incident"], **plan.incident}))
    before = ours["incident"]
    if (
        any(jsonable(before.get(k)) != jsonable(v) for k, v in after.items())
        or plan.rows
        or plan.add
    ):
        after["version"] = int(before["version"]) + 1
        after["updated_at"] = utcnow()
        after["updated_by"] = user
    journal.update(INCIDENT, {"id": our_id}, before, after, our_id)


def _row_pk(name: str, row: dict[str, Any]) -> dict[str, Any]:
    if name == "incident_actor":
        return {
            "incident_id": row["incident_id"],
            "actor_id": row["actor_id"],
            "role": row["role"],
        }
    if name == "external_id":
        return {"scheme": row["scheme"], "value": row["value"]}
    return {"id": row["id"]}


def harm_columns(casualties: list[dict[str, Any]], incident: dict[str, Any]) -> dict[str, int]:
    """The incident's harm totals and unrecorded flags from its rows, by the model's rules
    (claims apart, figures its data does not record kept unrecorded)."""
    rows = [SimpleNamespace(**r) for r in casualties]
    verification = incident.get("verification")
    out = dict(harm_totals(rows, verification).__dict__)
    out["harm_unrecorded"] = int(
        recorded_by_rows(rows, int(incident.get("harm_unrecorded") or 0), verification)
    )
    return out
