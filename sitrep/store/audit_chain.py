"""The audit log as a hash chain: a changed, removed or inserted entry shows.

Every entry carries ``seq`` (1, 2, 3 … with no gap), ``prev_hash`` (the hash of entry
``seq - 1``, empty for the first) and ``hash`` = SHA-256 of a canonical JSON of its
content and ``prev_hash``. Editing an entry changes its hash; removing one leaves a gap
in ``seq`` and a ``prev_hash`` that names nobody. The database refuses UPDATE and DELETE
of entries (triggers of migration 0011); this chain is what shows it when someone with
the file or a superuser account went around them.

Hashes are computed here, in Python, on both databases, so that one function writes
them and :func:`verify` checks them. Appending takes the writers' lock first (a
transaction-level advisory lock on PostgreSQL, the write lock on SQLite) so that two
writers never both append after the same tip; a unique index on ``seq`` makes a fork
impossible even so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, insert, select, text

from sitrep.model import AuditEntry
from sitrep.store.changes import notify_change

AUDIT: Table = AuditEntry.__table__  # type: ignore[assignment]
# pg_advisory_xact_lock key: "SITRAUDT" as a 64-bit integer, ours alone in the database
ADVISORY_KEY = 0x5349545241554454
CONTENT = ("at", "user", "table_name", "record_id", "action", "changes", "sensitivity")
# an entry written without a level is read as restricted (the column's default)
DEFAULT_LEVEL = "restricted"


def canonical_at(value: Any) -> str:
    """A time stamp as the same text whichever database returned it.

    SQLite gives back naive UTC, PostgreSQL aware times in the session's zone; both are
    written as UTC with microseconds.
    """
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return str(value.strftime("%Y-%m-%dT%H:%M:%S.%f"))


def normal_changes(changes: Any) -> Any:
    """``changes`` as it reads back from a JSON column (tuples become lists, keys text)."""
    return json.loads(json.dumps(changes if changes is not None else {}, ensure_ascii=False))


def entry_hash(entry: Mapping[Any, Any], seq: int, prev_hash: str) -> str:
    """SHA-256 (hex) of an entry's content, its place in the chain and the previous hash."""
    doc = {
        "seq": seq,
        "prev_hash": prev_hash,
        "at": canonical_at(entry["at"]),
        "user": entry["user"] or "",
        "table_name": entry["table_name"],
        "record_id": entry["record_id"],
        "action": entry["action"],
        "changes": normal_changes(entry["changes"]),
        # who may read the entry on a team database: lowering it would show it to more
        # people, so it is part of what the chain protects
        "sensitivity": entry.get("sensitivity") or DEFAULT_LEVEL,
    }
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def lock_chain(conn: Connection) -> None:
    """Become the only writer appending to the chain until this transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({ADVISORY_KEY})")
    else:
        # any write statement takes SQLite's write lock (held to the end of the
        # transaction); this one changes no row, so the append-only trigger never fires
        conn.exec_driver_sql("UPDATE audit_log SET seq = seq WHERE 0")


def tip(conn: Connection) -> tuple[int, str]:
    """The last entry's ``seq`` and ``hash`` (0 and "" for an empty log).

    On a team database row-level security hides entries above the writer's clearance,
    so the tip is read through ``sitrep_audit_tip()`` (see :mod:`sitrep.store.team`),
    which sees them all and tells only the last seq and hash.
    """
    if conn.dialect.name == "postgresql" and conn.scalar(
        text("SELECT to_regprocedure('sitrep_audit_tip()') IS NOT NULL")
    ):
        last = conn.execute(text("SELECT seq, hash FROM sitrep_audit_tip()")).first()
        if last is None or last.seq is None:
            return 0, ""
        return int(last.seq), str(last.hash)
    row = conn.execute(
        select(AUDIT.c.seq, AUDIT.c.hash)
        .where(AUDIT.c.seq.is_not(None))
        .order_by(AUDIT.c.seq.desc())
        .limit(1)
    ).first()
    return (int(row.seq), str(row.hash)) if row is not None else (0, "")


def chain_rows(conn: Connection, entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``entries`` with ``seq``, ``prev_hash`` and ``hash`` after the current tip.

    The caller inserts them in this order in the same transaction (see :func:`append`).
    """
    lock_chain(conn)
    seq, prev = tip(conn)
    rows = []
    for entry in entries:
        row = {k: entry.get(k) for k in CONTENT}
        row["sensitivity"] = row["sensitivity"] or DEFAULT_LEVEL
        row["changes"] = normal_changes(row["changes"])
        seq += 1
        row["seq"], row["prev_hash"] = seq, prev
        row["hash"] = prev = entry_hash(row, seq, prev)
        rows.append(row)
    return rows


def append(conn: Connection, entries: Iterable[Mapping[str, Any]]) -> list[int]:
    """Append entries to the chain; returns their ids in order."""
    rows = chain_rows(conn, entries)
    if not rows:
        return []
    ids = conn.execute(insert(AUDIT).returning(AUDIT.c.id, sort_by_parameter_order=True), rows)
    notify_change(conn)  # open views elsewhere refresh once this commits
    return [int(i) for i in ids.scalars()]


# --------------------------------------------------------------------------- verifying


@dataclass(frozen=True)
class Break:
    """One place the chain does not hold, in words a person can act on."""

    entry_id: int | None
    seq: int | None
    problem: str

    def __str__(self) -> str:
        where = f"entry {self.entry_id}" if self.entry_id is not None else "the log"
        if self.seq is not None:
            where += f" (seq {self.seq})"
        return f"{where}: {self.problem}"


@dataclass(frozen=True)
class Verification:
    entries: int
    breaks: list[Break]

    @property
    def ok(self) -> bool:
        return not self.breaks


def verify(conn: Connection) -> Verification:
    """Walk the whole log in ``seq`` order and name every break."""
    breaks: list[Break] = []
    expected_seq, prev = 1, ""
    n = 0
    result = conn.execute(
        select(AUDIT).order_by(AUDIT.c.seq.is_(None), AUDIT.c.seq, AUDIT.c.id)
    ).mappings()
    for row in result:
        n += 1
        seq = row["seq"]
        if seq is None:
            breaks.append(Break(row["id"], None, "not in the chain (no seq or hash)"))
            continue
        if seq != expected_seq:
            if seq > expected_seq:
                missing = (
                    f"seq {expected_seq}"
                    if seq == expected_seq + 1
                    else f"seq {expected_seq}-{seq - 1}"
                )
                breaks.append(Break(row["id"], seq, f"missing {missing} before it"))
            else:
                breaks.append(Break(row["id"], seq, f"seq repeated (expected {expected_seq})"))
        if (row["prev_hash"] or "") != prev:
            breaks.append(
                Break(
                    row["id"],
                    seq,
                    f"prev_hash {short(row['prev_hash'])} does not match the hash "
                    f"{short(prev)} before it",
                )
            )
        expected = entry_hash(row, seq, row["prev_hash"] or "")
        if expected != row["hash"]:
            breaks.append(
                Break(
                    row["id"],
                    seq,
                    f"content changed: expected hash {short(expected)}, "
                    f"found {short(row['hash'])}",
                )
            )
        expected_seq, prev = seq + 1, row["hash"] or ""
    return Verification(n, breaks)


def short(digest: str | None) -> str:
    return (digest or "(none)")[:16]
