"""Incident "documents" (an incident with its child rows) as plain data, and their hash.

A merge compares whole documents: an edit to a casualty row is an edit to the incident.
The content hash leaves out what differs between two copies of the *same* content —
row ids, bookkeeping columns, the human reference — so that the same ACLED event
imported independently by two colleagues hashes the same.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, select

from sitrep.model import (
    Attachment,
    Casualty,
    ExternalId,
    Incident,
    IncidentActor,
    Source,
)
from sitrep.store.audit import jsonable

INCIDENT: Table = Incident.__table__  # type: ignore[assignment]
# in insertion order: casualty rows refer to source rows
CHILDREN: dict[str, Table] = {
    "source": Source.__table__,  # type: ignore[dict-item]
    "casualty": Casualty.__table__,  # type: ignore[dict-item]
    "incident_actor": IncidentActor.__table__,  # type: ignore[dict-item]
    "external_id": ExternalId.__table__,  # type: ignore[dict-item]
    "attachment": Attachment.__table__,  # type: ignore[dict-item]
}

BOOKKEEPING = {"created_at", "updated_at", "updated_by", "version"}
NOT_CONTENT = BOOKKEEPING | {"id", "incident_id", "reference", "author", "place_id", "source_id"}

# Columns added after merge bases were first stored, with their default: left out of the
# hash while they hold it, so an upgrade alone does not make every incident look changed.
ADDED_LATER: dict[str, Any] = {"victim_names": "", "denies_involvement": False}

Row = dict[str, Any]


def load_documents(conn: Connection, ids: Sequence[Any]) -> dict[Any, dict[str, Any]]:
    """Incident documents by id: ``{"incident": row, "casualty": [rows], ...}``."""
    docs: dict[Any, dict[str, Any]] = {}
    for chunk in chunks(list(ids), 500):
        for row in conn.execute(select(INCIDENT).where(INCIDENT.c.id.in_(chunk))).mappings():
            docs[row["id"]] = {"incident": dict(row), **{name: [] for name in CHILDREN}}
        for name, table in CHILDREN.items():
            stmt = select(table).where(table.c.incident_id.in_(chunk))
            for row in conn.execute(stmt).mappings():
                docs[row["incident_id"]][name].append(dict(row))
    return docs


def content_hash(doc: Mapping[str, Any]) -> str:
    def clean(row: Mapping[str, Any]) -> dict[str, Any]:
        return {
            k: jsonable(v)
            for k, v in sorted(row.items())
            if k not in NOT_CONTENT and not (k in ADDED_LATER and v == ADDED_LATER[k])
        }

    data: dict[str, Any] = {"incident": clean(doc["incident"])}
    for name in CHILDREN:
        rows = [clean(r) for r in doc.get(name, [])]
        data[name] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def row_hash(row: Mapping[str, Any]) -> str:
    clean = {k: jsonable(v) for k, v in sorted(row.items()) if k not in BOOKKEEPING}
    text = json.dumps(clean, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
