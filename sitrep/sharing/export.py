"""Exporting a project, or a slice of it, as a ``.sitrep`` file a colleague can open.

The slice follows the shared :class:`~sitrep.store.queries.IncidentFilter` plus a
confidentiality level; what travels of every table and column at that level is decided
by the one policy (:mod:`sitrep.sharing.policy`, applied by
:mod:`sitrep.sharing.redaction`). Records keep their UUIDs so the file merges back, and
the export is recorded as an exchange (what was sent, at which level, withheld what)
so that merging it back compares with exactly that.

The copy is built in memory and written once, encrypted first when asked: no plaintext
copy ever touches the disk. The bytes go to a hidden ``.part`` file beside the target
that is renamed into place, so an error or a kill never leaves a half-written file
under the target's name (and, for an encrypted export, nothing but ciphertext at all).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, insert, select

from sitrep.errors import Cancelled, SitrepError
from sitrep.model import (
    Actor,
    Base,
    Blob,
    Dataset,
    IncidentActor,
    IncidentLink,
    Place,
    ProjectSetting,
    Report,
    ReportFile,
)
from sitrep.model.enums import Sensitivity
from sitrep.sharing import exchanges
from sitrep.sharing.crypto import check_passphrase, encrypt_bytes
from sitrep.sharing.documents import CHILDREN, INCIDENT, chunks, fingerprint, load_documents
from sitrep.sharing.policy import (
    INTERNAL,
    RESTRICTED,
    SHARED_SETTINGS,
    Rows,
    classification_level,
    rule,
)
from sitrep.sharing.redaction import RedactionContext, needs_redaction, redact_document, redact_row
from sitrep.store import Project
from sitrep.store.memory import create_memory_project, project_bytes, sweep_old_leftovers
from sitrep.store.queries import IncidentFilter, select_incidents
from sitrep.store.targets import check_output_target

# progress(done, total); returning False cancels the export (no file is written)
Progress = Callable[[int, int], bool | None]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    incidents: int
    redacted: int
    encrypted: bool
    level: Sensitivity


def _table(cls: Any) -> Table:
    return cls.__table__  # type: ignore[no-any-return]


def _insert(dst: Connection, table: Table, rows: list[dict[str, Any]], level: Sensitivity) -> None:
    if rows:
        dst.execute(insert(table), [redact_row(table.name, r, level) for r in rows])


def export_project(
    project: Project,
    out: Path,
    *,
    flt: IncidentFilter | None = None,
    level: Sensitivity = Sensitivity.RESTRICTED,
    passphrase: str | None = None,
    progress: Progress | None = None,
    replace_project: bool = False,
) -> ExportResult:
    """Write the slice ``flt`` selects, up to ``level``, as a shared project at ``out``.

    ``replace_project`` (``--force``) may replace an existing project file that is not
    open; the project being exported and its side files are never written over.
    """
    out = Path(out)
    if not out.parent.is_dir():
        raise SitrepError(f"The folder {out.parent} does not exist.")
    check_output_target(out, what="export", replace_project=replace_project)
    if project.read_only:  # the project records every exchange, for later merges
        raise SitrepError(
            f"{project.location} is read-only, and a shared export is recorded in the "
            "project; copy it to a folder you can write to first (nothing was written)."
        )
    if passphrase is not None:
        check_passphrase(passphrase)
    sweep_old_leftovers()
    flt = replace(flt or IncidentFilter(), max_sensitivity=level)
    exchange_id = str(uuid.uuid4())
    with project.engine.begin() as conn:
        sender = exchanges.project_id(conn)
    target = create_memory_project(name=project.setting("name") or project.name, user=project.user)
    try:
        with project.engine.connect() as src, target.engine.begin() as dst:
            copied = _copy_slice(src, dst, flt, level, progress)
            meta = {
                "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "export_level": level.value,
                "export_filter": json.dumps(_shared_filter(flt)),
                "export_redacted": "yes" if needs_redaction(level) else "no",
                "exchange_id": exchange_id,
                "project_id": str(uuid.uuid4()),  # the copy is a project of its own
                "exchange_project": sender,
                "exchange_lineage": json.dumps(exchanges.received_exchange_ids(src)),
                "export_withheld": json.dumps(
                    {rid: sorted(paths) for rid, paths in copied.withheld.items() if paths}
                ),
            }
            for key, value in meta.items():
                exchanges.put_setting(dst, key, value)
        data = project_bytes(target)
    finally:
        target.close()
    # a last look before writing: a cancel after the last batch still counts
    if progress is not None and progress(copied.count, copied.count) is False:
        raise Cancelled("The export was cancelled; no file was written.")
    if passphrase is not None:
        data = encrypt_bytes(data, passphrase)
    check_output_target(out, what="export", replace_project=replace_project)  # still so?
    _write_replacing(out, data)
    with project.engine.begin() as conn:
        exchanges.record_exchange(
            conn,
            exchange_id=exchange_id,
            direction="sent",
            peer=out.name,
            level=level.value,
            user=project.user,
            bases=copied.bases,
        )
    return ExportResult(out, copied.count, copied.redacted, passphrase is not None, level)


def _write_replacing(out: Path, data: bytes) -> None:
    part = out.with_name(f".{out.name}.part-{os.getpid()}")
    try:
        with part.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, out)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def _shared_filter(flt: IncidentFilter) -> dict[str, Any]:
    """What the file says about its slice (the free-text search can name people: left out)."""
    described = flt.describe()
    return {k: described[k] for k in ("region", "from", "to", "event_types", "max_sensitivity")}


@dataclass
class _Copied:
    """What the export has written so far, and what it withheld (for the exchange)."""

    count: int = 0
    redacted: int = 0
    withheld: dict[str, set[str]] = field(default_factory=dict)
    bases: dict[str, dict[str, Any]] = field(default_factory=dict)
    places: set[Any] = field(default_factory=set)
    actors: set[Any] = field(default_factory=set)
    datasets: set[str] = field(default_factory=set)
    blobs: set[str] = field(default_factory=set)


def _copy_slice(
    src: Connection,
    dst: Connection,
    flt: IncidentFilter,
    level: Sensitivity,
    progress: Progress | None,
) -> _Copied:
    settings = _table(ProjectSetting)
    for row in src.execute(select(settings).where(settings.c.key.in_(SHARED_SETTINGS))):
        exchanges.put_setting(dst, row.key, row.value)
    for table in Base.metadata.sorted_tables:  # a table without a rule stops the export
        table_rule = rule(table.name)
        if table_rule.rows is Rows.ALL and table_rule.travels(level):
            _copy_missing(src, dst, table, level)

    copied = _Copied()
    ctx = RedactionContext.load(src, level)
    ids = list(src.scalars(select_incidents(flt, INCIDENT.c.id)))
    total = len(ids)
    done = 0
    for batch in chunks(ids, 500):
        docs = load_documents(src, batch)
        place_ids: set[Any] = set()
        actor_ids: set[Any] = set()
        blob_ids: set[str] = set()
        for doc in docs.values():
            paths = redact_document(doc, ctx)
            rid = str(doc["incident"]["id"])
            if any(not p.endswith((".updated_by", ".author")) for p in paths):
                copied.redacted += 1
            copied.withheld[rid] = paths
            copied.bases[rid] = fingerprint(doc, paths)
            if doc["incident"]["place_id"] is not None:
                place_ids.add(doc["incident"]["place_id"])
            actor_ids.update(r["actor_id"] for r in doc["incident_actor"])
            blob_ids.update(r["sha256"] for r in doc["attachment"])
        # places, actors and blobs first: incidents and attachments refer to them
        keys = {d["incident"]["dataset_key"] for d in docs.values()}
        _copy_datasets(src, dst, keys, copied, level)
        _copy_places(src, dst, place_ids, copied, level)
        _copy_actors(src, dst, actor_ids, copied, ctx, level)
        _copy_blobs(src, dst, blob_ids, copied, level)
        _insert(dst, INCIDENT, [d["incident"] for d in docs.values()], level)
        for name, table in CHILDREN.items():
            _insert(dst, table, [r for d in docs.values() for r in d[name]], level)
        done += len(docs)
        if progress is not None and progress(done, total) is False:
            raise Cancelled("The export was cancelled; no file was written.")
    copied.count = total
    _copy_unused(src, dst, copied, level)
    exported = set(ids)
    links = _table(IncidentLink)
    _insert(
        dst,
        links,
        [
            dict(r)
            for r in src.execute(select(links)).mappings()
            if r["from_id"] in exported and r["to_id"] in exported
        ],
        level,
    )
    _copy_reports(src, dst, level)
    return copied


def _copy_missing(src: Connection, dst: Connection, table: Table, level: Sensitivity) -> None:
    """Rows the new project does not have yet (the taxonomy is seeded in it already)."""
    pk = [c.name for c in table.primary_key.columns]
    have = {tuple(r) for r in dst.execute(select(*(table.c[k] for k in pk)))}
    stmt = select(table)
    if "level" in table.c and table.name == "admin_area":
        stmt = stmt.order_by(table.c.level)
    rows = [dict(r) for r in src.execute(stmt).mappings() if tuple(r[k] for k in pk) not in have]
    for chunk in chunks(rows, 500):
        _insert(dst, table, chunk, level)


def _copy_datasets(
    src: Connection, dst: Connection, keys: set[Any], copied: _Copied, level: Sensitivity
) -> None:
    """The datasets exported incidents came from, so the copy's reports credit them."""
    datasets = _table(Dataset)
    todo = [k for k in keys if k is not None and k not in copied.datasets]
    if todo:
        rows = [
            dict(r)
            for r in src.execute(select(datasets).where(datasets.c.key.in_(todo))).mappings()
        ]
        _insert(dst, datasets, rows, level)
    copied.datasets.update(todo)


def _copy_places(
    src: Connection, dst: Connection, ids: Iterable[Any], copied: _Copied, level: Sensitivity
) -> None:
    places = _table(Place)
    todo = [p for p in ids if p not in copied.places]
    for chunk in chunks(todo, 500):
        _insert(
            dst,
            places,
            [
                dict(r)
                for r in src.execute(select(places).where(places.c.id.in_(chunk))).mappings()
            ],
            level,
        )
    copied.places.update(todo)


def _copy_actors(
    src: Connection,
    dst: Connection,
    ids: Iterable[Any],
    copied: _Copied,
    ctx: RedactionContext,
    level: Sensitivity,
) -> None:
    """Actors the exported rows name, parents first; stand-ins for withheld victims."""
    actors = _table(Actor)
    stand_ins = {p["id"]: p for p in ctx.placeholders.values()}
    new_stand_ins = [stand_ins[a] for a in ids if a in stand_ins and a not in copied.actors]
    _insert(dst, actors, new_stand_ins, level)
    copied.actors.update(p["id"] for p in new_stand_ins)
    wanted = {a for a in ids if a not in copied.actors and a not in stand_ins}
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
            if parent is not None and parent not in rows and parent not in copied.actors:
                frontier.add(parent)
    ordered: list[dict[str, Any]] = []
    while rows:
        ready = [
            r for r in rows.values() if r["parent_id"] is None or r["parent_id"] in copied.actors
        ]
        if not ready:  # a cycle: break it rather than fail the export
            ready = list(rows.values())[:1]
            ready[0]["parent_id"] = None
        for r in ready:
            ordered.append(r)
            copied.actors.add(r["id"])
            del rows[r["id"]]
    _insert(dst, actors, ordered, level)


def _copy_blobs(
    src: Connection, dst: Connection, ids: set[str], copied: _Copied, level: Sensitivity
) -> None:
    if not rule("blob").travels(level):
        return
    blobs = _table(Blob)
    todo = [b for b in ids if b not in copied.blobs]
    for chunk in chunks(todo, 50):
        _insert(
            dst,
            blobs,
            [
                dict(r)
                for r in src.execute(select(blobs).where(blobs.c.sha256.in_(chunk))).mappings()
            ],
            level,
        )
    copied.blobs.update(todo)


def _copy_unused(src: Connection, dst: Connection, copied: _Copied, level: Sensitivity) -> None:
    """Places and actors no incident uses travel to colleagues (internal and up); the whole
    project (restricted) takes them all. Those used only by incidents left out never do."""
    if level.rank < INTERNAL.rank:
        return
    places, actors = _table(Place), _table(Actor)
    place_ids = set(src.scalars(select(places.c.id)))
    actor_ids = set(src.scalars(select(actors.c.id)))
    if level is not RESTRICTED:
        place_ids -= set(src.scalars(select(INCIDENT.c.place_id).distinct()))
        used = set(src.scalars(select(_table(IncidentActor).c.actor_id).distinct()))
        actor_ids -= used
    ctx = RedactionContext(level)
    _copy_places(src, dst, place_ids, copied, level)
    _copy_actors(src, dst, actor_ids, copied, ctx, level)


def _copy_reports(src: Connection, dst: Connection, level: Sensitivity) -> None:
    """Reports travel up to their own classification, their files with the whole project."""
    reports, files = _table(Report), _table(ReportFile)
    if not rule("report").travels(level):
        return
    rows = [
        dict(r)
        for r in src.execute(select(reports)).mappings()
        if classification_level(r["classification"]).rank <= level.rank
    ]
    _insert(dst, reports, rows, level)
    if rows and rule("report_file").travels(level):
        ids = [r["id"] for r in rows]
        for chunk in chunks(ids, 500):
            _insert(
                dst,
                files,
                [
                    dict(r)
                    for r in src.execute(
                        select(files).where(files.c.report_id.in_(chunk))
                    ).mappings()
                ],
                level,
            )
