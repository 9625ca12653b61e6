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
# not compared by a merge: bookkeeping, identities, and what is derived from other rows
NOT_COMPARED = BOOKKEEPING | {
    "id",
    "incident_id",
    "reference",
    "killed",
    "civilians_killed",
    "injured",
    "abducted_detained",
    "killed_claimed",
    "harm_unrecorded",  # derived from the rows and the dataset, like the totals
}

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


def content(row: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a row a merge compares, as JSON values (columns added later left out
    while they hold their default, so an upgrade alone changes no comparison)."""
    return {
        k: jsonable(v)
        for k, v in row.items()
        if k not in NOT_COMPARED and not (k in ADDED_LATER and v == ADDED_LATER[k])
    }


def value_hash(value: Any) -> str:
    text = json.dumps(jsonable(value), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def fingerprint(
    doc: Mapping[str, Any],
    withheld: set[str] | None = None,
    withheld_from_us: set[str] | None = None,
) -> dict[str, Any]:
    """Per-field hashes of an incident document, and the paths withheld in the exchange:
    ``withheld`` from the colleague (they never had our value), ``withheld_from_us``
    (their own redaction: we never had theirs).

    What a merge needs of a base: whether a field is still what was exchanged.
    """
    from sitrep.sharing.redaction import row_key

    out: dict[str, Any] = {
        "incident": {k: value_hash(v) for k, v in content(doc["incident"]).items()}
    }
    for name in CHILDREN:
        out[name] = {
            row_key(name, r): {k: value_hash(v) for k, v in content(r).items()}
            for r in doc.get(name, [])
        }
    out["withheld"] = sorted(withheld or ())
    if withheld_from_us:
        out["withheld_from_us"] = sorted(withheld_from_us)
    return out


def fingerprint_hash(fp: Mapping[str, Any]) -> str:
    text = json.dumps(fp, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
