"""Merge bases per exchange: what was sent to whom at which level, and what came back.

Every shared file carries its ``exchange_id``; the sending project records, per
incident, a fingerprint of the document *as the colleague received it* (redacted, with
the withheld paths). A file coming back names its exchange (or the exchanges its
project received, ``exchange_lineage``), so a merge compares with what that colleague
really had — never with the last export to someone else at another level.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, and_, insert, or_, select

from sitrep.model import ExchangeBase, MergeFingerprint, ProjectSetting, ShareExchange
from sitrep.model.base import utcnow
from sitrep.sharing.documents import chunks, fingerprint_hash

EXCHANGES: Table = ShareExchange.__table__  # type: ignore[assignment]
BASES: Table = ExchangeBase.__table__  # type: ignore[assignment]
FINGERPRINTS: Table = MergeFingerprint.__table__  # type: ignore[assignment]
SETTINGS: Table = ProjectSetting.__table__  # type: ignore[assignment]


def setting(conn: Connection, key: str) -> str:
    return str(conn.scalar(select(SETTINGS.c.value).where(SETTINGS.c.key == key)) or "")


def put_setting(conn: Connection, key: str, value: str) -> None:
    conn.execute(SETTINGS.delete().where(SETTINGS.c.key == key))
    conn.execute(insert(SETTINGS).values(key=key, value=value))


def project_id(conn: Connection) -> str:
    """This project's identity in exchanges (made the first time it is needed)."""
    value = setting(conn, "project_id")
    if not value:
        value = str(uuid.uuid4())
        put_setting(conn, "project_id", value)
    return value


def received_exchange_ids(conn: Connection) -> list[str]:
    """The exchanges this project received: written into its own exports as their lineage.

    A project file that is itself a colleague's shared copy, opened and worked on as it
    is, received the exchange it was made by: its exports name it too, so what it sends
    back is merged against what it was sent.
    """
    stmt = (
        select(EXCHANGES.c.exchange_id)
        .where(EXCHANGES.c.direction == "received", EXCHANGES.c.undone.is_(False))
        .distinct()
    )
    received = set(conn.scalars(stmt))
    born_from = setting(conn, "exchange_id")
    if born_from:
        received.add(born_from)
    return sorted(received)


@dataclass(frozen=True)
class FileOrigin:
    """What a shared file says about where it comes from."""

    exchange_id: str = ""
    project_id: str = ""  # the project that made the file (its ``exchange_project``)
    lineage: tuple[str, ...] = ()
    level: str = ""
    withheld: Mapping[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, conn: Connection) -> FileOrigin:
        def loads(key: str, default: Any) -> Any:
            try:
                return json.loads(setting(conn, key) or "null") or default
            except ValueError:
                return default

        return cls(
            setting(conn, "exchange_id"),
            setting(conn, "exchange_project"),
            tuple(loads("exchange_lineage", [])),
            setting(conn, "export_level"),
            loads("export_withheld", {}),
        )


def store_fingerprints(conn: Connection, fps: Mapping[str, dict[str, Any]]) -> dict[str, str]:
    """Store each fingerprint once; record id -> its hash."""
    hashes = {rid: fingerprint_hash(fp) for rid, fp in fps.items()}
    unique = {h: fps[rid] for rid, h in hashes.items()}
    for chunk in chunks(list(unique), 500):
        have = set(conn.scalars(select(FINGERPRINTS.c.hash).where(FINGERPRINTS.c.hash.in_(chunk))))
        rows = [{"hash": h, "fields": unique[h]} for h in chunk if h not in have]
        if rows:
            conn.execute(insert(FINGERPRINTS), rows)
    return hashes


def record_exchange(
    conn: Connection,
    *,
    exchange_id: str,
    direction: str,
    peer: str,
    level: str,
    user: str,
    bases: Mapping[str, dict[str, Any]],
    peer_project: str = "",
) -> int:
    """Record one exchange and its bases; returns its row id."""
    seq = conn.execute(
        insert(EXCHANGES)
        .values(
            exchange_id=exchange_id,
            direction=direction,
            peer=peer,
            peer_project=peer_project,
            level=level,
            at=utcnow(),
            user=user,
            undone=False,
        )
        .returning(EXCHANGES.c.id)
    ).scalar_one()
    hashes = store_fingerprints(conn, bases)
    rows = [{"exchange": seq, "record_id": rid, "fingerprint": h} for rid, h in hashes.items()]
    for chunk in chunks(rows, 1000):
        conn.execute(insert(BASES), chunk)
    return int(seq)


def was_sent_here(conn: Connection, exchange_id: str) -> bool:
    if not exchange_id:
        return False
    stmt = select(EXCHANGES.c.id).where(
        EXCHANGES.c.direction == "sent", EXCHANGES.c.exchange_id == exchange_id
    )
    return conn.execute(stmt).first() is not None


def candidate_exchanges(conn: Connection, origin: FileOrigin) -> list[int]:
    """Our exchanges a file can be based on, newest first."""
    sent_ids = {origin.exchange_id, *origin.lineage} - {""}
    conds = []
    if sent_ids:
        conds.append(and_(EXCHANGES.c.direction == "sent", EXCHANGES.c.exchange_id.in_(sent_ids)))
    if origin.project_id:
        conds.append(
            and_(
                EXCHANGES.c.direction == "received",
                EXCHANGES.c.peer_project == origin.project_id,
            )
        )
    if not conds:
        return []
    stmt = (
        select(EXCHANGES.c.id)
        .where(or_(*conds), EXCHANGES.c.undone.is_(False))
        .order_by(EXCHANGES.c.id.desc())
    )
    return list(conn.scalars(stmt))


def bases_for(
    conn: Connection, exchanges: list[int], record_ids: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """The newest base among ``exchanges`` of each record (record id -> fingerprint)."""
    if not exchanges:
        return {}
    rank = {seq: i for i, seq in enumerate(exchanges)}  # 0 = newest
    best: dict[str, tuple[int, str]] = {}
    for chunk in chunks(list(record_ids), 500):
        stmt = select(BASES.c.exchange, BASES.c.record_id, BASES.c.fingerprint).where(
            BASES.c.record_id.in_(chunk), BASES.c.exchange.in_(exchanges)
        )
        for seq, rid, fp in conn.execute(stmt):
            if rid not in best or rank[seq] < best[rid][0]:
                best[rid] = (rank[seq], fp)
    wanted = {fp for _, fp in best.values()}
    data: dict[str, dict[str, Any]] = {}
    for chunk in chunks(list(wanted), 500):
        for h, fields in conn.execute(
            select(FINGERPRINTS.c.hash, FINGERPRINTS.c.fields).where(
                FINGERPRINTS.c.hash.in_(chunk)
            )
        ):
            data[h] = fields
    return {rid: data[fp] for rid, (_, fp) in best.items() if fp in data}
