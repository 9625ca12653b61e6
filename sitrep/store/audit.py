"""The audit log: every insert, update and delete of a record, written in the same flush.

Hooked on the project's sessions so that no code path (form, import, merge) can forget
it. Bulk loads that bypass the ORM write one summary entry themselves. Every entry is
appended to the hash chain of :mod:`sitrep.store.audit_chain` in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from sitrep.model import AuditEntry
from sitrep.model.base import Record, new_uuid, utcnow
from sitrep.store import audit_chain

if TYPE_CHECKING:
    from sitrep.store.project import Project

_SKIP = {"updated_at", "version", "created_at"}


def jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def _columns(obj: Record) -> list[str]:
    return [attr.key for attr in inspect(obj).mapper.column_attrs]


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    user = session.info.get("user", "")
    entries: list[dict[str, Any]] = []
    for obj in list(session.new):  # an entry added by hand joins the chain like the rest
        if isinstance(obj, AuditEntry):
            session.expunge(obj)
            entries.append(
                {
                    "at": obj.at or utcnow(),
                    "user": obj.user if obj.user is not None else user,
                    "table_name": obj.table_name,
                    "record_id": obj.record_id,
                    "action": obj.action,
                    "changes": obj.changes or {},
                }
            )
    for obj in session.new:
        if isinstance(obj, Record):
            if obj.id is None:  # column defaults apply only at flush; the log needs it now
                obj.id = new_uuid()
            obj.updated_by = user
            values = {k: jsonable(getattr(obj, k)) for k in _columns(obj) if k not in _SKIP}
            entries.append(_entry(obj, "insert", values, user))
    for obj in session.dirty:
        if isinstance(obj, Record) and session.is_modified(obj, include_collections=False):
            changes: dict[str, Any] = {}
            state = inspect(obj)
            for key in _columns(obj):
                if key in _SKIP:
                    continue
                hist = state.attrs[key].history
                if hist.has_changes():
                    old = hist.deleted[0] if hist.deleted else None
                    new = hist.added[0] if hist.added else None
                    if old != new:
                        changes[key] = [jsonable(old), jsonable(new)]
            if changes:
                obj.updated_by = user
                entries.append(_entry(obj, "update", changes, user))
    for obj in session.deleted:
        if isinstance(obj, Record):
            values = {k: jsonable(getattr(obj, k)) for k in _columns(obj) if k not in _SKIP}
            entries.append(_entry(obj, "delete", values, user))
    if entries:
        audit_chain.append(session.connection(), entries)


def _entry(obj: Record, action: str, changes: dict[str, Any], user: str) -> dict[str, Any]:
    return {
        "at": utcnow(),
        "user": user,
        "table_name": obj.__tablename__,  # type: ignore[attr-defined]
        "record_id": str(obj.id),
        "action": action,
        "changes": changes,
    }


def install_audit(project: Project) -> None:
    event.listen(project._sessions, "before_flush", _before_flush)


def log_bulk(session: Session, table: str, action: str, summary: dict[str, Any]) -> None:
    """One audit entry for a bulk operation that bypassed the ORM (imports)."""
    audit_chain.append(
        session.connection(),
        [
            {
                "at": utcnow(),
                "user": session.info.get("user", ""),
                "table_name": table,
                "record_id": "*",
                "action": action,
                "changes": summary,
            }
        ],
    )
