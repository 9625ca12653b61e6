"""Merging a colleague's project file into ours, without losing or duplicating anything.

Rules (DESIGN.md, Sharing):
- records are matched by UUID; incidents also by external id (the same ACLED event
  imported by both sides), admin areas by P-code or name, actors by name;
- a record only they changed since the last exchange (the *merge base*) takes their
  version; one only we changed keeps ours; one both changed is a **conflict**: ours
  stays, theirs is stored in ``merge_conflict`` for the user to decide — both kept;
- nothing is ever deleted by a merge; merging the same file twice changes nothing.
All of it runs in one transaction: an error leaves the project as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from sitrep.errors import SitrepError
from sitrep.model import (
    Actor,
    AdminArea,
    Blob,
    CustomRegion,
    EventType,
    IncidentLink,
    LocalType,
    MergeBase,
    MergeConflict,
    Place,
    SubEventType,
)
from sitrep.sharing.crypto import decrypt_to_temp, is_encrypted
from sitrep.sharing.documents import CHILDREN, INCIDENT, chunks, content_hash, load_documents
from sitrep.store import Project, open_project
from sitrep.store.audit import jsonable
from sitrep.store.incidents import next_references

Progress = Callable[[int, int], None]


@dataclass
class MergeResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_ours: int = 0
    conflicts: list[str] = field(default_factory=list)
    renumbered: list[tuple[str, str]] = field(default_factory=list)
    other_records: int = 0

    def summary(self) -> str:
        parts = [
            f"{self.added} incidents added",
            f"{self.updated} updated with their newer version",
            f"{self.unchanged} unchanged",
        ]
        if self.kept_ours:
            parts.append(f"{self.kept_ours} kept as ours (only we changed them)")
        parts.append(f"{len(self.conflicts)} conflicts")
        text = ", ".join(parts) + "."
        if self.conflicts:
            text += " Conflicts (ours kept, theirs stored for review): " + "; ".join(
                self.conflicts[:10]
            )
            if len(self.conflicts) > 10:
                text += f" and {len(self.conflicts) - 10} more"
        if self.renumbered:
            text += " Renumbered (reference already used here): " + ", ".join(
                f"{a} -> {b}" for a, b in self.renumbered[:10]
            )
        return text


def _t(cls: Any) -> Table:
    return cls.__table__  # type: ignore[no-any-return]


def merge_project(
    project: Project,
    other: Path,
    *,
    passphrase: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> MergeResult:
    other = Path(other)
    if not other.exists():
        raise SitrepError(f"There is no file at {other}.")
    if project.is_file and Path(project.location).resolve() == other.resolve():
        raise SitrepError("A project cannot be merged into itself.")
    # Never touch the colleague's file: work on a private copy (migrations run on it).
    if is_encrypted(other):
        if not passphrase:
            raise SitrepError(f"{other.name} is encrypted: give its passphrase.")
        copy = decrypt_to_temp(other, passphrase)
    else:
        fd, name = tempfile.mkstemp(suffix=".sitrep", prefix="sitrep-merge-")
        os.close(fd)
        copy = Path(name)
        shutil.copyfile(other, copy)
    theirs = None
    try:
        theirs = open_project(copy, user=project.user)
        source_name = other.name
        with theirs.engine.connect() as src, project.engine.begin() as dst:
            merger = _Merger(src, dst, source_name)
            result = merger.run(progress)
            if dry_run:
                dst.rollback()
        return result
    finally:
        if theirs is not None:
            theirs.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(copy) + suffix).unlink(missing_ok=True)
        for backup in copy.parent.glob(copy.stem + ".backup-*"):
            backup.unlink(missing_ok=True)


class _Merger:
    def __init__(self, src: Connection, dst: Connection, source_name: str) -> None:
        self.src, self.dst, self.source_name = src, dst, source_name
        self.area_map: dict[Any, Any] = {}
        self.actor_map: dict[Any, Any] = {}
        self.place_map: dict[Any, Any] = {}
        self.result = MergeResult()
        self.new_bases: dict[str, str] = {}

    def run(self, progress: Progress | None) -> MergeResult:
        self._taxonomy()
        self._areas()
        self._actors()
        self._places()
        self._custom_regions()
        self._blobs()
        self._incidents(progress)
        self._links()
        self._write_bases()
        return self.result

    # ------------------------------------------------------------------ reference data

    def _taxonomy(self) -> None:
        for cls in (EventType, SubEventType, LocalType):
            table = _t(cls)
            have = set(self.dst.scalars(select(table.c.name)))
            rows = [
                dict(r)
                for r in self.src.execute(select(table)).mappings()
                if r["name"] not in have
            ]
            if rows:
                self.dst.execute(insert(table), rows)

    def _areas(self) -> None:
        table = _t(AdminArea)
        ours = [dict(r) for r in self.dst.execute(select(table)).mappings()]
        by_id = {r["id"]: r for r in ours}
        by_pcode = {r["pcode"]: r for r in ours if r["pcode"]}
        by_name = {(r["level"], r["name_norm"], r["parent_id"]): r for r in ours}
        theirs = [
            dict(r) for r in self.src.execute(select(table).order_by(table.c.level)).mappings()
        ]
        for row in theirs:
            parent = self.area_map.get(row["parent_id"], row["parent_id"])
            match = (
                by_id.get(row["id"])
                or (by_pcode.get(row["pcode"]) if row["pcode"] else None)
                or by_name.get((row["level"], row["name_norm"], parent))
            )
            if match is not None:
                self.area_map[row["id"]] = match["id"]
                if match["geometry"] is None and row["geometry"] is not None:
                    self.dst.execute(
                        update(table)
                        .where(table.c.id == match["id"])
                        .values(
                            geometry=row["geometry"],
                            min_lon=row["min_lon"],
                            min_lat=row["min_lat"],
                            max_lon=row["max_lon"],
                            max_lat=row["max_lat"],
                        )
                    )
                continue
            row["parent_id"] = parent
            self.dst.execute(insert(table), [row])
            self.area_map[row["id"]] = row["id"]
            by_id[row["id"]] = row
            self.result.other_records += 1

    def _actors(self) -> None:
        table = _t(Actor)
        ours = {r["id"]: r for r in self.dst.execute(select(table)).mappings()}
        by_name = {r["name"].casefold(): r["id"] for r in ours.values()}
        pending = [dict(r) for r in self.src.execute(select(table)).mappings()]
        while pending:
            progressed = False
            for row in list(pending):
                if row["id"] in ours or row["name"].casefold() in by_name:
                    self.actor_map[row["id"]] = (
                        row["id"] if row["id"] in ours else by_name[row["name"].casefold()]
                    )
                    pending.remove(row)
                    progressed = True
                    continue
                parent = row["parent_id"]
                if parent is not None and parent not in self.actor_map:
                    continue
                row["parent_id"] = self.actor_map.get(parent) if parent else None
                self.dst.execute(insert(table), [row])
                self.actor_map[row["id"]] = row["id"]
                by_name[row["name"].casefold()] = row["id"]
                pending.remove(row)
                progressed = True
                self.result.other_records += 1
            if not progressed:  # parent cycle in their data: insert without parents
                for row in pending:
                    row["parent_id"] = None
                self.dst.execute(insert(table), pending)
                for row in pending:
                    self.actor_map[row["id"]] = row["id"]
                pending = []

    def _places(self) -> None:
        table = _t(Place)
        have = set(self.dst.scalars(select(table.c.id)))
        rows = []
        for found in self.src.execute(select(table)).mappings():
            self.place_map[found["id"]] = found["id"]
            if found["id"] in have:
                continue
            row = dict(found)
            for level in (1, 2, 3, 4):
                key = f"admin{level}_id"
                row[key] = self.area_map.get(row[key], row[key])
            rows.append(row)
        if rows:
            self.dst.execute(insert(table), rows)
            self.result.other_records += len(rows)

    def _custom_regions(self) -> None:
        table = _t(CustomRegion)
        have_ids = set(self.dst.scalars(select(table.c.id)))
        have_names = {n.casefold() for n in self.dst.scalars(select(table.c.name))}
        for found in self.src.execute(select(table)).mappings():
            if found["id"] in have_ids or found["name"].casefold() in have_names:
                continue
            row = dict(found)
            row["area_ids"] = [str(self.area_map.get(_uuid(a), _uuid(a))) for a in row["area_ids"]]
            self.dst.execute(insert(table), [row])

    def _blobs(self) -> None:
        table = _t(Blob)
        have = set(self.dst.scalars(select(table.c.sha256)))
        missing = [s for s in self.src.scalars(select(table.c.sha256)) if s not in have]
        for chunk in chunks(missing, 20):
            rows = [
                dict(r)
                for r in self.src.execute(
                    select(table).where(table.c.sha256.in_(chunk))
                ).mappings()
            ]
            self.dst.execute(insert(table), rows)

    # ------------------------------------------------------------------ incidents

    def _remap(self, doc: dict[str, Any]) -> None:
        inc = doc["incident"]
        for level in (1, 2, 3, 4):
            key = f"admin{level}_id"
            inc[key] = self.area_map.get(inc[key], inc[key])
        inc["place_id"] = self.place_map.get(inc["place_id"], inc["place_id"])
        for row in doc["incident_actor"]:
            row["actor_id"] = self.actor_map.get(row["actor_id"], row["actor_id"])

    def _incidents(self, progress: Progress | None) -> None:
        ids = list(self.src.scalars(select(INCIDENT.c.id)))
        ext = CHILDREN["external_id"]
        ours_by_ext = {(r.scheme, r.value): r.incident_id for r in self.dst.execute(select(ext))}
        bases_table = _t(MergeBase)
        bases = {r.record_id: r.content_hash for r in self.dst.execute(select(bases_table))}
        our_refs = set(self.dst.scalars(select(INCIDENT.c.reference)))
        done = 0
        for batch in chunks(ids, 300):
            theirs = load_documents(self.src, batch)
            for doc in theirs.values():
                self._remap(doc)
            our_ids: dict[Any, Any] = {}
            for tid, doc in theirs.items():
                our_ids[tid] = tid
                for row in doc["external_id"]:
                    match = ours_by_ext.get((row["scheme"], row["value"]))
                    if match is not None:
                        our_ids[tid] = match
                        break
            ours = load_documents(self.dst, list(set(our_ids.values())))
            for tid, doc in theirs.items():
                oid = our_ids[tid]
                self._merge_one(doc, ours.get(oid), oid, bases, our_refs)
            done += len(theirs)
            if progress:
                progress(done, len(ids))

    def _merge_one(
        self,
        doc: dict[str, Any],
        ours: dict[str, Any] | None,
        our_id: Any,
        bases: dict[str, str],
        our_refs: set[str],
    ) -> None:
        inc = doc["incident"]
        h_theirs = content_hash(doc)
        if ours is None:
            if inc["reference"] in our_refs:
                new_ref = next_references_conn(self.dst, inc["date_start"].year)
                self.result.renumbered.append((inc["reference"], new_ref))
                doc["external_id"].append(
                    {
                        "id": None,
                        "incident_id": inc["id"],
                        "scheme": "reference",
                        "value": f"{self.source_name}:{inc['reference']}",
                    }
                )
                inc["reference"] = new_ref
            our_refs.add(inc["reference"])
            self._insert_document(doc)
            self._set_base(str(inc["id"]), h_theirs)
            self.result.added += 1
            return
        h_ours = content_hash(ours)
        base = bases.get(str(our_id))
        if h_ours == h_theirs:
            self.result.unchanged += 1
            if base != h_ours:
                self._set_base(str(our_id), h_ours)
        elif base == h_ours:
            self._replace_document(ours, doc)
            self._set_base(str(our_id), h_theirs)
            self.result.updated += 1
        elif base == h_theirs:
            self.result.kept_ours += 1
        else:
            label = f"{ours['incident']['reference']} {ours['incident']['title']}"
            existing = self.dst.execute(
                select(_t(MergeConflict).c.id).where(
                    _t(MergeConflict).c.record_id == str(our_id),
                    _t(MergeConflict).c.resolved.is_(False),
                )
            ).first()
            payload = _jsonable_doc(doc)
            if existing is None or self._stored_theirs(existing[0]) != payload:
                self.dst.execute(
                    insert(_t(MergeConflict)).values(
                        unit="incident",
                        record_id=str(our_id),
                        label=label[:300],
                        theirs=payload,
                        their_user=str(inc.get("updated_by") or ""),
                        their_source=self.source_name,
                    )
                )
            self.result.conflicts.append(label)

    def _stored_theirs(self, conflict_id: int) -> Any:
        table = _t(MergeConflict)
        return self.dst.scalar(select(table.c.theirs).where(table.c.id == conflict_id))

    def _insert_document(self, doc: dict[str, Any]) -> None:
        self.dst.execute(insert(INCIDENT), [doc["incident"]])
        for name, table in CHILDREN.items():
            rows = doc[name]
            if name == "external_id":
                rows = [{k: v for k, v in r.items() if k != "id"} for r in rows]
            if rows:
                self.dst.execute(insert(table), rows)

    def _replace_document(self, ours: dict[str, Any], theirs: dict[str, Any]) -> None:
        our_id = ours["incident"]["id"]
        for name in reversed(list(CHILDREN)):
            table = CHILDREN[name]
            self.dst.execute(table.delete().where(table.c.incident_id == our_id))
        row = dict(theirs["incident"])
        row["id"] = our_id
        row["reference"] = ours["incident"]["reference"]
        row["version"] = max(int(ours["incident"]["version"]), int(row["version"])) + 1
        self.dst.execute(update(INCIDENT).where(INCIDENT.c.id == our_id).values(**row))
        for name, table in CHILDREN.items():
            rows = []
            for child in theirs[name]:
                child = dict(child)
                child["incident_id"] = our_id
                if name == "external_id":
                    child.pop("id", None)
                rows.append(child)
            if rows:
                self.dst.execute(insert(table), rows)

    def _set_base(self, record_id: str, content: str) -> None:
        self.new_bases[record_id] = content

    def _write_bases(self) -> None:
        """Everything now equal on both sides is the base of the next exchange."""
        table = _t(MergeBase)
        items = list(self.new_bases.items())
        for chunk in chunks(items, 500):
            keys = [k for k, _ in chunk]
            self.dst.execute(
                table.delete().where(table.c.unit == "incident", table.c.record_id.in_(keys))
            )
            self.dst.execute(
                insert(table),
                [{"unit": "incident", "record_id": k, "content_hash": v} for k, v in chunk],
            )

    def _links(self) -> None:
        table = _t(IncidentLink)
        have = {(r.from_id, r.to_id, r.kind) for r in self.dst.execute(select(table))}
        ids = set(self.dst.scalars(select(INCIDENT.c.id)))
        rows = [
            dict(r)
            for r in self.src.execute(select(table)).mappings()
            if (r["from_id"], r["to_id"], r["kind"]) not in have
            and r["from_id"] in ids
            and r["to_id"] in ids
        ]
        if rows:
            self.dst.execute(insert(table), rows)


def next_references_conn(conn: Connection, year: int) -> str:
    from sqlalchemy.orm import Session

    session = Session(bind=conn)
    try:
        ref = next_references(session, year)[0]
        session.flush()
    finally:
        session.close()
    return ref


def _uuid(value: str) -> Any:
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return value


def _jsonable_doc(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        name: (
            {k: jsonable(v) for k, v in rows.items()}
            if isinstance(rows, dict)
            else [{k: jsonable(v) for k, v in r.items()} for r in rows]
        )
        for name, rows in doc.items()
    }


__all__ = ["MergeResult", "merge_project"]
