"""Undoing the last merge: every change it made is reversed from the audit log, unless
someone has edited those records since."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from sitrep.errors import SitrepError
from sitrep.sharing import exchanges
from sitrep.sharing.journal import Journal, batch_entries, check_untouched_since, undo_batch
from sitrep.store import Project


@dataclass(frozen=True)
class UndoResult:
    source: str
    at: dt.datetime
    reversed: int


def last_merge(project: Project) -> tuple[str, dt.datetime] | None:
    """The file name and time of the merge ``undo_last_merge`` would undo."""
    table = exchanges.EXCHANGES
    with project.engine.connect() as conn:
        row = conn.execute(
            select(table.c.peer, table.c.at)
            .where(table.c.direction == "received", table.c.undone.is_(False))
            .order_by(table.c.id.desc())
            .limit(1)
        ).first()
    return (row.peer, row.at) if row else None


def undo_last_merge(project: Project) -> UndoResult:
    """Reverse every change of the last merge (it is audited too); refuse if edited since."""
    table = exchanges.EXCHANGES
    with project.engine.begin() as conn:
        ex = conn.execute(
            select(table)
            .where(table.c.direction == "received", table.c.undone.is_(False))
            .order_by(table.c.id.desc())
            .limit(1)
        ).first()
        if ex is None:
            raise SitrepError("There is no merge to undo in this project.")
        batch = _batch_of(conn, ex)
        entries = batch_entries(conn, batch, ex.audit_from, ex.audit_to)
        what = f"the merge of {ex.peer}"
        check_untouched_since(conn, entries, ex.audit_to, what)
        journal = Journal(conn, project.user, batch, "merge undone")
        n = undo_batch(conn, entries, journal)
        journal.flush()
        conn.execute(exchanges.BASES.delete().where(exchanges.BASES.c.exchange == ex.id))
        conn.execute(update(table).where(table.c.id == ex.id).values(undone=True))
    return UndoResult(ex.peer, ex.at, n)


def _batch_of(conn: Connection, ex: Any) -> str:
    from sitrep.sharing.journal import AUDIT

    if ex.audit_from is None:
        return ""
    changes = conn.scalar(select(AUDIT.c.changes).where(AUDIT.c.id == ex.audit_from))
    return str((changes or {}).get("batch", ""))
