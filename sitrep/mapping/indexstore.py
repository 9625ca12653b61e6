"""The map's point index saved in the project, so a large project's map opens fast.

Reading the index of a million incidents (one scan of ``ix_incident_date_geo``) takes
seconds; reading the same arrays back as one blob takes a small fraction of that. A
saved index is used only when it is certainly current:

- ``map_change.counter`` counts every change the index depends on (an incident added,
  deleted, or its date, type or position changed; the taxonomy changed). Triggers keep it
  (migration 0012), so every writer counts, whatever it knows of this module: the app,
  an import or merge, another process, a migration repairing data.
- the saved index records the counter it was built at, the project's schema revision and
  the blob format; any difference, or a missing trigger (a table rebuilt by a later
  migration loses its triggers), and the index is read afresh instead.

An index is saved only when the counter did not move while it was read, so the arrays
always belong to the counter stored beside them. The blob lives in the project database:
encrypted with it, never in a shared copy (``sitrep.sharing.policy``). On PostgreSQL
nothing is saved (see the migration) and the index is read from the database as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Table, delete, insert, text
from sqlalchemy.orm import Session

from sitrep.mapping.pointindex import PointIndex
from sitrep.model import MapIndexBlob

FORMAT = 1  # lat, lon (float64), day (int32), type code (int16), little-endian
_ITEM_BYTES = 8 + 8 + 4 + 2
TRIGGERS = (
    "map_change_incident_insert",
    "map_change_incident_delete",
    "map_change_incident_update",
    "map_change_type_insert",
    "map_change_type_delete",
    "map_change_type_update",
)
MAP_INDEX: Table = MapIndexBlob.__table__  # type: ignore[assignment]

_STATE = text(
    "SELECT c.counter, m.change, m.schema, m.format, m.count, v.version_num, "
    "(SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ("
    + ", ".join(f"'{name}'" for name in TRIGGERS)
    + ")) FROM map_change AS c, map_index AS m, alembic_version AS v "
    "WHERE c.id = 1 AND m.id = 1"
)


@dataclass(frozen=True)
class LoadedIndex:
    index: PointIndex
    # the change counter to save a freshly read index under; None: loaded from the
    # project, or it cannot be saved (PostgreSQL, or the data changed while it was read)
    save_as: int | None
    from_store: bool


def saves_here(session: Session) -> bool:
    """Whether this database keeps a saved index (SQLite with migration 0012)."""
    return session.get_bind().dialect.name == "sqlite"


def change_counter(session: Session) -> int | None:
    if not saves_here(session):
        return None
    value = session.scalar(text("SELECT counter FROM map_change WHERE id = 1"))
    return None if value is None else int(value)


def load_saved(session: Session) -> PointIndex | None:
    """The saved index if it is current (see the module docstring), else None."""
    if not saves_here(session):
        return None
    state = session.execute(_STATE).first()
    if state is None:
        return None
    counter, change, schema, fmt, count, revision, triggers = state
    if counter != change or schema != revision or fmt != FORMAT or triggers != len(TRIGGERS):
        return None
    row = session.execute(
        text("SELECT types, data FROM map_index WHERE id = 1 AND change = :c"), {"c": change}
    ).first()
    if row is None:
        return None
    types = json.loads(row[0]) if isinstance(row[0], str) else row[0]
    return unpack(bytes(row[1]), int(count), [str(t) for t in types])


def load_or_build(session: Session) -> LoadedIndex:
    """The saved index when current; otherwise read afresh (and say under which counter
    it may be saved: only if nothing changed while it was read)."""
    saved = load_saved(session)
    if saved is not None:
        return LoadedIndex(saved, None, True)
    before = change_counter(session)
    index = PointIndex.load(session)
    after = change_counter(session)
    return LoadedIndex(index, before if before is not None and before == after else None, False)


def save(session: Session, index: PointIndex, change: int) -> bool:
    """Store ``index`` as read at counter ``change``; False (nothing written) when the
    project has changed since, or does not keep a saved index."""
    if change_counter(session) != change:
        return False
    revision = session.scalar(text("SELECT version_num FROM alembic_version"))
    session.execute(delete(MAP_INDEX))
    session.execute(
        insert(MAP_INDEX).values(
            id=1,
            change=change,
            schema=revision,
            format=FORMAT,
            count=len(index),
            types=list(index.types),
            data=pack(index),
        )
    )
    return True


def pack(index: PointIndex) -> bytes:
    return b"".join(
        np.ascontiguousarray(a, dtype=dtype).tobytes()
        for a, dtype in (
            (index.lat, "<f8"),
            (index.lon, "<f8"),
            (index.day, "<i4"),
            (index.type_code, "<i2"),
        )
    )


def unpack(data: bytes, count: int, types: list[str]) -> PointIndex | None:
    """The arrays of :func:`pack` (views of ``data``, no copy); None if it does not fit."""
    if len(data) != count * _ITEM_BYTES:
        return None
    n = count
    lat = np.frombuffer(data, "<f8", n, 0).astype(np.float64, copy=False)
    lon = np.frombuffer(data, "<f8", n, 8 * n).astype(np.float64, copy=False)
    day = np.frombuffer(data, "<i4", n, 16 * n).astype(np.int32, copy=False)
    code = np.frombuffer(data, "<i2", n, 20 * n).astype(np.int16, copy=False)
    if n and (int(code.min()) < 0 or int(code.max()) >= len(types)):
        return None
    return PointIndex(lat, lon, day, code, types)
