"""The audit log: every insert, update and delete of a record, written in the same flush.

Hooked on the project's sessions so that no code path (form, import, merge) can forget
it. Bulk loads that bypass the ORM write one summary entry themselves. Every entry is
appended to the hash chain of :mod:`sitrep.store.audit_chain` in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, event, inspect, select
from sqlalchemy.orm import Session

from sitrep.model import AuditEntry, Incident, Report
from sitrep.model.base import Record, new_uuid, utcnow
from sitrep.model.enums import Sensitivity
from sitrep.store import audit_chain

if TYPE_CHECKING:
    from sitrep.store.project import Project

_SKIP = {"updated_at", "version", "created_at"}
# shared reference data, readable by every member of a team: its entries reveal no incident
_REFERENCE = {"admin_area", "place", "actor", "custom_region"}


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
                    "sensitivity": obj.sensitivity or Sensitivity.RESTRICTED.value,
                }
            )
    for obj in session.new:
        if isinstance(obj, Record):
            if obj.id is None:  # column defaults apply only at flush; the log needs it now
                obj.id = new_uuid()
            obj.updated_by = user
            values = {k: jsonable(getattr(obj, k)) for k in _columns(obj) if k not in _SKIP}
            entries.append(_entry(session, obj, "insert", values, user))
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
                entries.append(_entry(session, obj, "update", changes, user))
    for obj in session.deleted:
        if isinstance(obj, Record):
            values = {k: jsonable(getattr(obj, k)) for k in _columns(obj) if k not in _SKIP}
            entries.append(_entry(session, obj, "delete", values, user))
    if entries:
        audit_chain.append(session.connection(), entries)


def _entry(
    session: Session, obj: Record, action: str, changes: dict[str, Any], user: str
) -> dict[str, Any]:
    return {
        "at": utcnow(),
        "user": user,
        "table_name": obj.__tablename__,  # type: ignore[attr-defined]
        "record_id": str(obj.id),
        "action": action,
        "changes": changes,
        "sensitivity": entry_sensitivity(session, obj),
    }


def _level(value: Any) -> Sensitivity:
    try:
        return Sensitivity(str(getattr(value, "value", value) or "").strip().lower())
    except ValueError:
        return Sensitivity.RESTRICTED  # unknown: the most careful reading


def _incident_levels(obj: Incident) -> list[Sensitivity]:
    """The incident's level, and the one it had before this flush (an entry that lowers
    it still holds what was written at the higher one)."""
    hist = inspect(obj).attrs["sensitivity"].history
    return [_level(v) for v in (obj.sensitivity, *hist.deleted) if v is not None]


def entry_sensitivity(session: Session, obj: Record) -> str:
    """The level of what an audit entry about ``obj`` reveals.

    A team database's row-level security shows an entry only to members cleared for
    it. An incident's entries take its level (the higher of old and new when it
    changes), a source's, casualty's or attachment's their incident's, a report's its
    classification; shared reference data is public; anything else, restricted.
    """
    table = obj.__tablename__  # type: ignore[attr-defined]
    if table in _REFERENCE:
        return Sensitivity.PUBLIC.value
    levels: list[Sensitivity] = []
    if isinstance(obj, Incident):
        levels = _incident_levels(obj)
    elif isinstance(obj, Report):
        levels = [_level(obj.classification)]
    elif hasattr(obj, "incident_id"):
        with session.no_autoflush:
            incident = getattr(obj, "incident", None)
            if incident is None and obj.incident_id is not None:
                incident = session.get(Incident, obj.incident_id)
        if incident is not None:
            levels = _incident_levels(incident)
    if not levels:
        return Sensitivity.RESTRICTED.value
    return max(levels, key=lambda s: s.rank).value


class RowLevels:
    """The level of audit entries written for rows by SQL (merges, which bypass the ORM
    hook): the same rule as :func:`entry_sensitivity`, from row values; incident levels
    are looked up once each."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.known: dict[str, Sensitivity | None] = {}

    def incident(self, incident_id: Any) -> Sensitivity | None:
        key = str(incident_id)
        if key not in self.known:
            try:
                ident = incident_id if isinstance(incident_id, uuid.UUID) else uuid.UUID(key)
            except ValueError:
                return None
            value = self.conn.scalar(select(Incident.sensitivity).where(Incident.id == ident))
            self.known[key] = None if value is None else _level(value)
        return self.known[key]

    def of(self, table: str, *rows: Mapping[str, Any]) -> str:
        """The level of an entry about ``rows`` (a row, or its before and after)."""
        if table in _REFERENCE:
            return Sensitivity.PUBLIC.value
        levels: list[Sensitivity | None] = []
        for row in rows:
            if table == "incident":
                if row.get("id") is not None:  # its level may be changing: look again
                    self.known.pop(str(row["id"]), None)
                if row.get("sensitivity") is not None:
                    levels.append(_level(row["sensitivity"]))
                elif row.get("id") is not None:
                    levels.append(self.incident(row["id"]))
            for column in ("incident_id", "from_id", "to_id"):
                if row.get(column) is not None:
                    levels.append(self.incident(row[column]))
        found = [lv for lv in levels if lv is not None]
        if not found or len(found) < len(levels):  # one unknown: the most careful reading
            return Sensitivity.RESTRICTED.value
        return max(found, key=lambda lv: lv.rank).value


def install_audit(project: Project) -> None:
    event.listen(project._sessions, "before_flush", _before_flush)


def log_bulk(session: Session, table: str, action: str, summary: dict[str, Any]) -> None:
    """One audit entry for a bulk operation that bypassed the ORM (imports).

    Its summary says what was done and how many records, never their content: public.
    """
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
                "sensitivity": Sensitivity.PUBLIC.value,
            }
        ],
    )
