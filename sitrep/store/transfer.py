"""Moving a project between a file and a team server (either way), whole.

Every row of every table is copied as it is: the same UUIDs (so colleagues' files still
merge), the audit log with its ``seq`` and hashes (so ``sitrep audit verify`` still
holds on the copy), attachments' bytes, reports, exchanges and merge bases. The target
is created empty at the current schema (no taxonomy seeded: the source's is copied) and
must not exist yet, or be an empty database.

Time stamps are written as UTC whichever way they go (SQLite keeps them without a
zone, PostgreSQL in the session's zone), so a round trip gives back the same values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, DateTime, Integer, Table, insert, select, text

from sitrep.errors import SitrepError
from sitrep.model import Base
from sitrep.store import targets
from sitrep.store.engine import is_database_url
from sitrep.store.project import Project, create_project

BATCH = 1000
# caches the copy makes again for itself: the saved map index and the change counter it is
# checked against (the target's own migration created that counter's row)
DERIVED_TABLES = frozenset({"map_change", "map_index"})
# progress(table, rows copied so far)
Progress = Callable[[str, int], None]


def copy_project(source: Project, target: str, *, progress: Progress | None = None) -> Project:
    """Copy ``source`` whole into a new project at ``target`` and return it (open).

    A file target is encrypted with the source's key when the source is an encrypted
    file (the same passphrase opens it); copied from a server, a file is plain.
    """
    _check_target(source, target)
    copy = create_project(target, user=source.user, key=source.key, seed=False)
    try:
        with source.engine.connect() as src, copy.engine.begin() as dst:
            for table in Base.metadata.sorted_tables:
                if table.name in DERIVED_TABLES:
                    continue
                n = 0
                for rows in _rows(src, table):
                    dst.execute(insert(table), [_utc(table, r, dst) for r in rows])
                    n += len(rows)
                    if progress is not None:
                        progress(table.name, n)
            if dst.dialect.name == "postgresql":
                _advance_sequences(dst)
    except BaseException:
        copy.close()
        raise
    return copy


def _check_target(source: Project, target: str) -> None:
    if is_database_url(target):
        if target == source.location:
            raise SitrepError("A project cannot be copied onto itself.")
        targets.check_empty_database(target, "copy")
        return
    path = Path(target)
    targets.check_output_target(path, what="copy")
    if path.exists():
        raise SitrepError(
            f"{path} already exists; copy into a new file name (nothing was written)."
        )


def _rows(src: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    """The table's rows in batches, parents before children within a table."""
    self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    order = list(table.primary_key.columns)
    if self_refs:
        rows = [dict(r) for r in src.execute(select(table).order_by(*order)).mappings()]
        rows = _parents_first(rows, self_refs[0])
        for i in range(0, len(rows), BATCH):
            yield rows[i : i + BATCH]
        return
    result = src.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
    for part in result.mappings().partitions(BATCH):
        yield [dict(r) for r in part]


def _parents_first(rows: list[dict[str, Any]], parent: str) -> list[dict[str, Any]]:
    placed: set[Any] = set()
    out: list[dict[str, Any]] = []
    pending = rows
    while pending:
        later = []
        for row in pending:
            if row[parent] is None or row[parent] in placed:
                out.append(row)
                placed.add(row["id"])
            else:
                later.append(row)
        if len(later) == len(pending):  # a parent that is missing (or a cycle): keep as is
            out.extend(later)
            break
        pending = later
    return out


def _utc(table: Table, row: dict[str, Any], dst: Connection) -> dict[str, Any]:
    for column in table.columns:
        value = row.get(column.name)
        if isinstance(value, dt.datetime) and isinstance(column.type, DateTime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=dt.UTC)
            value = value.astimezone(dt.UTC)
            if dst.dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
            row[column.name] = value
    return row


def _advance_sequences(conn: Connection) -> None:
    """Rows came with their integer ids: new rows must be numbered after them."""
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer):
            continue
        column = pk[0].name
        sequence = conn.scalar(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column}
        )
        if sequence:
            largest = f'SELECT MAX("{column}") FROM "{table.name}"'
            conn.execute(
                text(f"SELECT setval(:s, COALESCE(({largest}), 0) + 1, false)"), {"s": sequence}
            )
