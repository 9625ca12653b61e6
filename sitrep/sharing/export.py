"""Exporting a project, or a slice of it, as a ``.sitrep`` file a colleague can open.

The slice follows the shared :class:`~sitrep.store.queries.IncidentFilter` plus a
confidentiality level; below *internal*, sensitive fields are withheld
(:mod:`sitrep.sharing.redaction`). Records keep their UUIDs so the file merges back.
The file is written beside the target and renamed into place at the end: an error
leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, insert, select

from sitrep.errors import SitrepError
from sitrep.model import (
    Actor,
    AdminArea,
    Blob,
    CustomRegion,
    IncidentLink,
    LocalType,
    MergeBase,
    Place,
    ProjectSetting,
    Report,
)
from sitrep.model.enums import Sensitivity
from sitrep.sharing.crypto import encrypt_file
from sitrep.sharing.documents import CHILDREN, INCIDENT, chunks, content_hash, load_documents
from sitrep.sharing.redaction import needs_redaction, redact_document
from sitrep.store import Project, create_project
from sitrep.store.queries import IncidentFilter, select_incidents

Progress = Callable[[int, int], None]

SHARED_SETTINGS = ("name", "organisation", "country", "reference_prefix", "synthetic_note")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    incidents: int
    redacted: int
    encrypted: bool
    level: Sensitivity


def _table(cls: Any) -> Table:
    return cls.__table__  # type: ignore[no-any-return]


def _copy(
    src: Connection, dst: Connection, table: Table, where: Any = None
) -> list[dict[str, Any]]:
    stmt = select(table) if where is None else select(table).where(where)
    rows = [dict(r) for r in src.execute(stmt).mappings()]
    if rows:
        dst.execute(insert(table), rows)
    return rows


def export_project(
    project: Project,
    out: Path,
    *,
    flt: IncidentFilter | None = None,
    level: Sensitivity = Sensitivity.RESTRICTED,
    passphrase: str | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    out = Path(out)
    if not out.parent.is_dir():
        raise SitrepError(f"The folder {out.parent} does not exist.")
    flt = replace(flt or IncidentFilter(), max_sensitivity=level)
    redact = needs_redaction(level)
    part = out.with_name(f".{out.name}.part-{os.getpid()}")
    plain = part.with_suffix(".plain") if passphrase else part
    for leftover in (part, plain):
        leftover.unlink(missing_ok=True)
    target = create_project(plain, name=project.setting("name") or project.name, user=project.user)
    try:
        with project.engine.connect() as src, target.engine.begin() as dst:
            count, redacted, bases = _copy_slice(src, dst, flt, redact, level, progress)
        with target.engine.connect() as conn:  # one self-contained file, no -wal beside it
            conn.exec_driver_sql("PRAGMA journal_mode = DELETE")
        target.close()
        if passphrase:
            encrypt_file(plain, part, passphrase)
            plain.unlink()
        os.replace(part, out)
    except BaseException:
        target.close()
        for leftover in (part, plain):
            leftover.unlink(missing_ok=True)
        raise
    _store_bases(project, bases)
    return ExportResult(out, count, redacted, bool(passphrase), level)


def _copy_slice(
    src: Connection,
    dst: Connection,
    flt: IncidentFilter,
    redact: bool,
    level: Sensitivity,
    progress: Progress | None,
) -> tuple[int, int, list[dict[str, str]]]:
    settings = _table(ProjectSetting)
    for row in src.execute(select(settings).where(settings.c.key.in_(SHARED_SETTINGS))):
        dst.execute(settings.delete().where(settings.c.key == row.key))
        dst.execute(insert(settings).values(key=row.key, value=row.value))
    meta = {
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "export_level": level.value,
        "export_filter": json.dumps(flt.describe()),
        "export_redacted": "yes" if redact else "no",
    }
    for key, value in meta.items():
        dst.execute(insert(settings).values(key=key, value=value))

    have_local = set(dst.scalars(select(_table(LocalType).c.name)))
    for local in src.execute(select(_table(LocalType))).mappings():
        if local["name"] not in have_local:
            dst.execute(insert(_table(LocalType)), dict(local))

    areas = _table(AdminArea)
    rows = [dict(r) for r in src.execute(select(areas).order_by(areas.c.level)).mappings()]
    if rows:
        dst.execute(insert(areas), rows)
    _copy(src, dst, _table(CustomRegion))

    ids = list(src.scalars(select_incidents(flt, INCIDENT.c.id)))
    total = len(ids)
    copied = _Copied.of(dst)
    done = redacted = 0
    bases: list[dict[str, str]] = []
    for batch in chunks(ids, 500):
        docs = load_documents(src, batch)
        place_ids: set[Any] = set()
        actor_ids: set[Any] = set()
        blob_ids: set[str] = set()
        for doc in docs.values():
            if redact and redact_document(doc):
                redacted += 1
            if doc["incident"]["place_id"] is not None:
                place_ids.add(doc["incident"]["place_id"])
            actor_ids.update(r["actor_id"] for r in doc["incident_actor"])
            blob_ids.update(r["sha256"] for r in doc["attachment"])
            bases.append(
                {
                    "unit": "incident",
                    "record_id": str(doc["incident"]["id"]),
                    "content_hash": content_hash(doc),
                }
            )
        # places and actors first: incidents reference them
        _copy_places_actors(src, dst, place_ids, actor_ids, copied)
        dst.execute(insert(INCIDENT), [d["incident"] for d in docs.values()])
        for name, table in CHILDREN.items():
            rows = [r for d in docs.values() for r in d[name]]
            if name == "attachment":
                continue  # after blobs
            if rows:
                dst.execute(insert(table), rows)
        atts = [r for d in docs.values() for r in d["attachment"]]
        _copy_blobs(src, dst, blob_ids, copied)
        if atts:
            dst.execute(insert(CHILDREN["attachment"]), atts)
        done += len(docs)
        if progress:
            progress(done, total)
    # the user's own places travel even when no exported incident uses them
    places = _table(Place)
    user_places = set(src.scalars(select(places.c.id).where(places.c.origin == "user")))
    _copy_places_actors(src, dst, user_places, set(), copied)
    links = _table(IncidentLink)
    exported = set(ids)
    link_rows = [
        dict(r)
        for r in src.execute(select(links)).mappings()
        if r["from_id"] in exported and r["to_id"] in exported
    ]
    if link_rows:
        dst.execute(insert(links), link_rows)
    if not redact:
        reports = _table(Report)
        _copy(src, dst, reports)
    if bases:
        dst.execute(insert(_table(MergeBase)), bases)
    return total, redacted, bases


@dataclass
class _Copied:
    """Ids already in the exported file, read once: batches add to them as they go."""

    places: set[Any]
    actors: set[Any]
    blobs: set[str]

    @classmethod
    def of(cls, dst: Connection) -> _Copied:
        return cls(
            set(dst.scalars(select(_table(Place).c.id))),
            set(dst.scalars(select(_table(Actor).c.id))),
            set(dst.scalars(select(_table(Blob).c.sha256))),
        )


def _copy_places_actors(
    src: Connection, dst: Connection, place_ids: set[Any], actor_ids: set[Any], copied: _Copied
) -> None:
    places = _table(Place)
    actors = _table(Actor)
    todo = [p for p in place_ids if p not in copied.places]
    for chunk in chunks(todo, 500):
        _copy(src, dst, places, places.c.id.in_(chunk))
    copied.places.update(todo)
    have_actors = copied.actors
    wanted = {a for a in actor_ids if a not in have_actors}
    # parents first: follow parent_id upwards
    rows: dict[Any, dict[str, Any]] = {}
    frontier = set(wanted)
    while frontier:
        found = [
            dict(r)
            for chunk in chunks(list(frontier), 500)
            for r in src.execute(select(actors).where(actors.c.id.in_(chunk))).mappings()
        ]
        frontier = set()
        for r in found:
            rows[r["id"]] = r
            parent = r["parent_id"]
            if parent is not None and parent not in rows and parent not in have_actors:
                frontier.add(parent)
    ordered: list[dict[str, Any]] = []
    placed: set[Any] = set()
    while rows:
        ready = [
            r
            for r in rows.values()
            if r["parent_id"] is None or r["parent_id"] in placed or r["parent_id"] in have_actors
        ]
        if not ready:  # a cycle: break it rather than fail the export
            ready = list(rows.values())[:1]
            ready[0]["parent_id"] = None
        for r in ready:
            ordered.append(r)
            placed.add(r["id"])
            del rows[r["id"]]
    if ordered:
        dst.execute(insert(actors), ordered)
        have_actors.update(r["id"] for r in ordered)


def _copy_blobs(src: Connection, dst: Connection, blob_ids: set[str], copied: _Copied) -> None:
    blobs = _table(Blob)
    todo = [b for b in blob_ids if b not in copied.blobs]
    for chunk in chunks(todo, 50):
        _copy(src, dst, blobs, blobs.c.sha256.in_(chunk))
    copied.blobs.update(todo)


def _store_bases(project: Project, bases: list[dict[str, str]]) -> None:
    """Record in *our* project what the colleague received: the next merge's base."""
    table = _table(MergeBase)
    with project.engine.begin() as conn:
        for chunk in chunks(bases, 500):
            keys = [b["record_id"] for b in chunk]
            conn.execute(table.delete().where(table.c.record_id.in_(keys)))
            conn.execute(insert(table), chunk)
