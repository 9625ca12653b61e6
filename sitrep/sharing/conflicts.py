"""Listing and resolving merge conflicts: the user decides, nothing is thrown away.

A conflict holds their document and the items that conflict (a field both changed, a
field they edited though their copy only had it withheld, a row they removed, a row
they changed that we removed). Keeping ours marks it resolved (theirs stays stored);
taking theirs applies *those items only* — never their withheld markers — and every
change goes to the audit log with the value before.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Table, select

from sitrep.errors import SitrepError
from sitrep.model import MergeConflict
from sitrep.sharing.documents import CHILDREN, INCIDENT, load_documents
from sitrep.sharing.journal import Journal, from_json
from sitrep.sharing.plan import apply_plan
from sitrep.sharing.redaction import WITHHELD, row_key
from sitrep.sharing.threeway import Plan, plan_merge
from sitrep.store import Project

TABLE: Table = MergeConflict.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Conflict:
    id: int
    record_id: str
    label: str
    their_user: str
    their_source: str
    created_at: dt.datetime
    their_title: str
    items: tuple[str, ...] = ()


def _describe(item: dict[str, Any]) -> str:
    unit, fld, kind = item.get("unit"), item.get("field"), item.get("kind")
    if kind == "removed":
        return f"they removed a {unit} row"
    if kind == "changed a row we removed":
        return f"they changed a {unit} row we removed"
    if kind == "deleted here":
        return "we deleted this incident; they changed it"
    what = f"{unit}.{fld}" if fld else str(unit)
    ours, theirs = _short(item.get("ours")), _short(item.get("theirs"))
    if kind == "withheld":
        return f"{what}: they edited it though their copy had it withheld ({theirs})"
    return f"{what}: ours {ours}, theirs {theirs}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…'"


def list_conflicts(project: Project, include_resolved: bool = False) -> list[Conflict]:
    stmt = select(TABLE).order_by(TABLE.c.id)
    if not include_resolved:
        stmt = stmt.where(TABLE.c.resolved.is_(False))
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
                tuple(_describe(i) for i in r.theirs.get("items", [])),
            )
            for r in conn.execute(stmt)
        ]


def _their_document(theirs: dict[str, Any]) -> dict[str, Any]:
    stored = theirs.get("document") or {"incident": theirs.get("incident", {})}
    doc: dict[str, Any] = {"incident": from_json(INCIDENT, stored.get("incident", {}))}
    for name, child in CHILDREN.items():
        doc[name] = [from_json(child, r) for r in stored.get(name, theirs.get(name, []))]
    return doc


def resolve_conflict(project: Project, conflict_id: int, keep: Literal["ours", "theirs"]) -> None:
    with project.engine.begin() as conn:
        row = conn.execute(select(TABLE).where(TABLE.c.id == conflict_id)).first()
        if row is None:
            raise SitrepError(f"There is no merge conflict number {conflict_id}.")
        if row.resolved:
            raise SitrepError(f"Merge conflict {conflict_id} is already resolved.")
        journal = Journal(conn, project.user, f"conflict:{conflict_id}", "conflict")
        if keep == "theirs":
            record_id = uuid.UUID(row.record_id)
            theirs = _their_document(row.theirs)
            ours = load_documents(conn, [record_id]).get(record_id)
            items = row.theirs.get("items")
            if ours is None:
                _insert_theirs(journal, theirs)
            else:
                if items is None:  # stored before per-field conflicts: compare whole documents
                    items = [i.as_json() for i in plan_merge(ours, theirs, None).conflicts]
                _take_theirs(journal, conn, ours, theirs, items, project.user)
        journal.update(
            TABLE,
            {"id": conflict_id},
            {"resolved": False},
            {"resolved": True},
            row.record_id,
        )
        journal.flush()


def _take_theirs(
    journal: Journal,
    conn: Any,
    ours: dict[str, Any],
    theirs: dict[str, Any],
    items: list[dict[str, Any]],
    user: str,
) -> None:
    plan = Plan()
    our_rows = {(n, row_key(n, r)): r for n in CHILDREN for r in ours.get(n, [])}
    their_rows = {(n, row_key(n, r)): r for n in CHILDREN for r in theirs.get(n, [])}
    for item in items:
        unit, key, fld, kind = item["unit"], item["key"], item["field"], item["kind"]
        if unit == "incident" and fld:
            value = theirs["incident"].get(fld)
            if not (isinstance(value, str) and value.startswith(WITHHELD)):
                plan.incident[fld] = value
        elif kind == "removed" and (unit, key) in our_rows:
            row = our_rows[(unit, key)]
            journal.delete(CHILDREN[unit], row)
        elif kind == "changed a row we removed" and (unit, key) in their_rows:
            plan.add.append((unit, their_rows[(unit, key)]))
        elif fld and (unit, key) in our_rows and (unit, key) in their_rows:
            value = their_rows[(unit, key)].get(fld)
            if not (isinstance(value, str) and value.startswith(WITHHELD)):
                plan.rows.setdefault((unit, key), {})[fld] = value
    if any(i["kind"] == "removed" for i in items):
        record_id = ours["incident"]["id"]
        ours = load_documents(conn, [record_id])[record_id]
    apply_plan(journal, conn, ours, plan, user)


def _insert_theirs(journal: Journal, theirs: dict[str, Any]) -> None:
    journal.insert(INCIDENT, [theirs["incident"]])
    for name, table in CHILDREN.items():
        rows = [dict(r) for r in theirs.get(name, [])]
        if name == "external_id":
            rows = [{k: v for k, v in r.items() if k != "id"} for r in rows]
        journal.insert(table, rows)


__all__ = ["Conflict", "list_conflicts", "resolve_conflict"]
