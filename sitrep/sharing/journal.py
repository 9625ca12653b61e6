"""Every change a merge makes, written to the audit log with the value before — and undone.

Merges (of a colleague's file, of two duplicate incidents) write with SQL statements,
not ORM objects, so the audit hook of :mod:`sitrep.store.audit` does not see them; they
go through a :class:`Journal` instead. Each entry names its batch (``changes["batch"]``)
and holds what is needed to reverse it: the key, the whole row for inserts and deletes,
before and after for updates. :func:`undo_batch` reverses a batch newest first.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table, Uuid, and_, insert, select, update

from sitrep.errors import SitrepError
from sitrep.model import AuditEntry, Base
from sitrep.model.base import utcnow
from sitrep.store import audit_chain
from sitrep.store.audit import RowLevels, jsonable

AUDIT: Table = AuditEntry.__table__  # type: ignore[assignment]
LARGE = {"geometry", "data"}  # not copied into the log (boundaries, attachment bytes)


def _deep(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_deep(v) for v in value]
    return jsonable(value)


def _json_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: ("<not logged>" if k in LARGE else _deep(v)) for k, v in row.items()}


def from_json(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """JSON values back to what the table's columns take."""
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


# tables whose primary key is made by the database: a row is found by what is unique in it
NATURAL_KEYS = {"external_id": ("scheme", "value"), "merge_conflict": ("record_id", "created_at")}


def _key(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    names = NATURAL_KEYS.get(table.name) or [c.name for c in table.primary_key.columns]
    return {name: row[name] for name in names}


def _record_id(row: Mapping[str, Any], key: Mapping[str, Any]) -> Any:
    rid = row.get("id")
    if isinstance(rid, uuid.UUID):
        return rid
    if row.get("incident_id") is not None:
        return row["incident_id"]
    if row.get("record_id") is not None:
        return row["record_id"]
    return "|".join(str(v) for v in key.values())


def _where(table: Table, key: Mapping[str, Any]) -> Any:
    return and_(*(table.c[k] == v for k, v in key.items()))


class Journal:
    """Writes through SQL and logs each change for the audit trail and for undo."""

    def __init__(self, conn: Connection, user: str, batch: str, label: str) -> None:
        self.conn, self.user, self.batch, self.label = conn, user, batch, label
        self.entries: list[dict[str, Any]] = []
        self.ids: list[int] = []
        self.levels = RowLevels(conn)

    def _log(
        self,
        table: Table,
        record_id: Any,
        action: str,
        changes: dict[str, Any],
        *rows: Mapping[str, Any],
    ) -> None:
        self.entries.append(
            {
                "at": utcnow(),
                "user": self.user,
                "table_name": table.name,
                "record_id": str(record_id),
                "action": action,
                "changes": {"batch": self.batch, "by": self.label, **changes},
                "sensitivity": self.levels.of(table.name, *rows),
            }
        )
        if len(self.entries) >= 500:
            self.flush()

    def insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        self.conn.execute(insert(table), rows)
        for row in rows:
            key = _key(table, row)
            self._log(
                table,
                _record_id(row, key),
                f"{self.label} insert",
                {"key": _deep(key), "row": _json_row(row)},
                row,
            )

    def update(
        self,
        table: Table,
        key: dict[str, Any],
        before: Mapping[str, Any],
        after: Mapping[str, Any],
        record_id: Any,
    ) -> None:
        changed = {k: v for k, v in after.items() if jsonable(before.get(k)) != jsonable(v)}
        if not changed:
            return
        # a record's time stamp and version change with it, logged so undo restores them
        if "updated_at" in table.c and "updated_at" not in changed:
            changed["updated_at"] = utcnow()
        if "version" in table.c and "version" not in changed and before.get("version"):
            changed["version"] = int(before["version"]) + 1
        self.conn.execute(update(table).where(_where(table, key)).values(**changed))
        self._log(
            table,
            record_id,
            f"{self.label} update",
            {
                "key": _deep(key),
                "before": {k: _deep(before.get(k)) for k in changed},
                "after": {k: _deep(v) for k, v in changed.items()},
            },
            {**key, **before},
            {**key, **changed},
        )

    def delete(self, table: Table, row: Mapping[str, Any], record_id: Any = None) -> None:
        key = _key(table, row)
        record_id = record_id if record_id is not None else _record_id(row, key)
        self.conn.execute(table.delete().where(_where(table, key)))
        self._log(
            table,
            record_id,
            f"{self.label} delete",
            {"key": _deep(key), "row": _json_row(row)},
            row,
        )

    def flush(self) -> None:
        if self.entries:
            self.ids.extend(audit_chain.append(self.conn, self.entries))
            self.entries = []

    def span(self) -> tuple[int | None, int | None]:
        self.flush()
        return (min(self.ids), max(self.ids)) if self.ids else (None, None)


def batch_entries(conn: Connection, batch: str, first: int | None, last: int | None) -> list[Any]:
    if first is None or last is None:
        return []
    rows = conn.execute(
        select(AUDIT).where(AUDIT.c.id >= first, AUDIT.c.id <= last).order_by(AUDIT.c.id.desc())
    ).all()
    return [r for r in rows if isinstance(r.changes, dict) and r.changes.get("batch") == batch]


def check_untouched_since(
    conn: Connection, entries: list[Any], last: int | None, what: str
) -> None:
    """Refuse to undo when a record the batch changed was edited afterwards."""
    if last is None:
        return
    touched = {e.record_id for e in entries}
    later = conn.execute(
        select(AUDIT.c.record_id, AUDIT.c.table_name).where(AUDIT.c.id > last)
    ).all()
    edited = sorted({r.record_id for r in later if r.record_id in touched})
    if edited:
        from sitrep.model import Incident

        table: Table = Incident.__table__  # type: ignore[assignment]
        refs = []
        for rid in edited[:5]:
            try:
                ref = conn.scalar(select(table.c.reference).where(table.c.id == uuid.UUID(rid)))
            except ValueError:
                ref = None
            refs.append(ref or rid)
        raise SitrepError(
            f"Cannot undo {what}: records it changed were edited since "
            f"({', '.join(refs)}). Undo or redo those edits by hand instead."
        )


def undo_batch(conn: Connection, entries: list[Any], journal: Journal) -> int:
    """Reverse ``entries`` (newest first); each reversal is itself logged."""
    tables = Base.metadata.tables
    n = 0
    for entry in entries:
        table = tables[entry.table_name]
        changes = entry.changes
        key = from_json(table, changes["key"])
        action = entry.action.rsplit(" ", 1)[-1]
        if action == "insert":
            current = conn.execute(select(table).where(_where(table, key))).mappings().first()
            if current is not None:
                journal.delete(table, dict(current), entry.record_id)
        elif action == "delete":
            row = from_json(table, changes["row"])
            if any(v == "<not logged>" for v in row.values()):
                raise SitrepError(
                    f"Cannot restore a {table.name} row: its content was not logged."
                )
            journal.insert(table, [row])
        elif action == "update":
            before = from_json(table, changes["before"])
            after = from_json(table, changes["after"])
            journal.update(table, key, after, before, entry.record_id)
        n += 1
    return n
