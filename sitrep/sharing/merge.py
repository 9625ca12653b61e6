"""Merging a colleague's project file into ours, without losing or duplicating anything.

Rules (DESIGN.md, Sharing):
- records are matched by UUID; incidents also by external id (the same ACLED event
  imported by both sides), admin areas by P-code or name, actors by name;
- the base of each incident is what *that* colleague held after the last exchange with
  us (:mod:`sitrep.sharing.exchanges`), compared field by field
  (:mod:`sitrep.sharing.threeway`): a field withheld in what they received never
  overwrites ours; their additions of sources and casualty rows are added, their
  removals are conflicts; nothing is ever deleted by a merge;
- every change is written to the audit log with the value before
  (:mod:`sitrep.sharing.journal`), and the last merge can be undone;
- merging the same file twice changes nothing. All of it runs in one transaction.
The colleague's file is read into memory (decrypted there when encrypted): no copy of
it, plaintext or not, is written anywhere.

Why one long module: one ``_Merger`` carries the id maps of a single transaction
through every step (areas, actors, incidents, links); writing a plan is
:mod:`sitrep.sharing.plan`, undoing a merge :mod:`sitrep.sharing.undo`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, select, update

from sitrep.errors import Cancelled, SitrepError
from sitrep.model import (
    Actor,
    AdminArea,
    Blob,
    CustomRegion,
    Dataset,
    EventType,
    IncidentLink,
    LocalType,
    MergeConflict,
    Place,
    SubEventType,
)
from sitrep.model.base import utcnow
from sitrep.sharing import exchanges
from sitrep.sharing.crypto import decrypt_bytes, is_encrypted
from sitrep.sharing.documents import CHILDREN, INCIDENT, chunks, fingerprint, load_documents
from sitrep.sharing.journal import Journal
from sitrep.sharing.plan import apply_plan, harm_columns
from sitrep.sharing.redaction import WITHHELD
from sitrep.sharing.threeway import Item, Plan, differs_beyond_withheld, plan_merge

# the last merge can be undone: sitrep.sharing.undo (named here for callers of the merge)
from sitrep.sharing.undo import UndoResult, last_merge, undo_last_merge
from sitrep.store import Project
from sitrep.store.audit import jsonable
from sitrep.store.incidents import next_references
from sitrep.store.memory import open_memory_project, read_project_file, sweep_old_leftovers

# progress(done, total); returning False cancels the merge (everything is rolled back)
Progress = Callable[[int, int], bool | None]
MERGED_SCHEME = "merged-into"  # external id kept on an incident that absorbed a duplicate


@dataclass
class MergeResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_ours: int = 0
    conflicts: list[str] = field(default_factory=list)
    renumbered: list[tuple[str, str]] = field(default_factory=list)
    other_records: int = 0
    rows_added: int = 0
    kept_deleted: int = 0
    without_base: int = 0

    def summary(self) -> str:
        parts = [
            f"{self.added} incidents added",
            f"{self.updated} updated with changes only they made",
            f"{self.unchanged} unchanged",
        ]
        if self.kept_ours:
            parts.append(f"{self.kept_ours} kept as ours (only we changed them)")
        if self.kept_deleted:
            parts.append(f"{self.kept_deleted} we had deleted left deleted")
        parts.append(f"{len(self.conflicts)} conflicts")
        text = ", ".join(parts) + "."
        if self.rows_added:
            text += f" {self.rows_added} sources, casualty or actor rows added."
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


def open_shared_file(other: Path, passphrase: str | None, user: str) -> Project:
    """A colleague's file as a project in memory, decrypted there when encrypted."""
    if is_encrypted(other):
        if not passphrase:
            raise SitrepError(f"{other.name} is encrypted: give its passphrase.")
        data = decrypt_bytes(other.read_bytes(), passphrase, other.name)
        return open_memory_project(data, label=other.name, user=user)
    return read_project_file(other, user=user)


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
    sweep_old_leftovers()
    theirs = open_shared_file(other, passphrase, project.user)
    try:
        with theirs.engine.connect() as src, project.engine.begin() as dst:
            merger = _Merger(src, dst, other.name, project.user)
            result = merger.run(progress)
            # a last look before committing: a cancel after the last batch still counts
            if progress is not None and progress(merger.total, merger.total) is False:
                raise Cancelled("The merge was cancelled; the project is unchanged.")
            if dry_run:
                dst.rollback()
        return result
    finally:
        theirs.close()


class _Merger:
    def __init__(self, src: Connection, dst: Connection, source_name: str, user: str) -> None:
        self.src, self.dst, self.source_name, self.user = src, dst, source_name, user
        self.area_map: dict[Any, Any] = {}
        self.actor_map: dict[Any, Any] = {}
        self.place_map: dict[Any, Any] = {}
        self.result = MergeResult()
        self.origin = exchanges.FileOrigin.read(src)
        self.batch = str(uuid.uuid4())
        self.journal = Journal(dst, user, self.batch, "merge")
        self.received: dict[str, dict[str, Any]] = {}
        self.their_actors: dict[Any, dict[str, Any]] = {}
        self.own_key = self.peer_key = ""
        self.peer_dataset: dict[str, Any] | None = None
        self.total = 0  # their incidents, counted when the merge reaches them

    def run(self, progress: Progress | None) -> MergeResult:
        self._taxonomy()
        self._datasets()
        self._areas()
        self._actors()
        self._places()
        self._custom_regions()
        self._blobs()
        self._incidents(progress)
        self._links()
        first, last = self.journal.span()
        seq = exchanges.record_exchange(
            self.dst,
            exchange_id=self.origin.exchange_id or f"file:{self.source_name}",
            direction="received",
            peer=self.source_name,
            level=self.origin.level,
            user=self.user,
            bases=self.received,
            peer_project=self.origin.project_id,
        )
        table = exchanges.EXCHANGES
        self.dst.execute(
            update(table).where(table.c.id == seq).values(audit_from=first, audit_to=last)
        )
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
            self.journal.insert(table, rows)

    def _datasets(self) -> None:
        """Datasets their incidents came from (by key), and the dataset that credits
        their own records: in our project they are the colleague's data, not ours."""
        table = _t(Dataset)
        have = set(self.dst.scalars(select(table.c.key)))
        self.journal.insert(
            table,
            [dict(r) for r in self.src.execute(select(table)).mappings() if r["key"] not in have],
        )
        self.own_key = f"project:{exchanges.project_id(self.dst)}"
        their_id = self.origin.project_id or self.source_name
        self.peer_key = f"project:{their_id}"[:120]
        if self.peer_key == self.own_key or self.peer_key in have:
            return
        who = (
            exchanges.setting(self.src, "organisation")
            or exchanges.setting(self.src, "name")
            or self.source_name
        )
        self.peer_dataset = {
            "key": self.peer_key,
            "name": who[:200],
            "citation": f"Shared by {who} in a Sitrep project file ({self.source_name}).",
            "licence": "",
            "url": "",
            "unrecorded": 0,
            "created_at": utcnow(),
        }

    def _credit(self, inc: dict[str, Any]) -> None:
        """Our records coming back are ours; their own records are credited to them."""
        if inc.get("dataset_key") is None:
            if self.peer_dataset is not None:
                self.journal.insert(_t(Dataset), [self.peer_dataset])
                self.peer_dataset = None
            inc["dataset_key"] = self.peer_key

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
                    bounds = ("geometry", "min_lon", "min_lat", "max_lon", "max_lat")
                    self.journal.update(
                        table,
                        {"id": match["id"]},
                        {k: match[k] for k in bounds},
                        {k: row[k] for k in bounds},
                        match["id"],
                    )
                continue
            row["parent_id"] = parent
            self.journal.insert(table, [row])
            self.area_map[row["id"]] = row["id"]
            by_id[row["id"]] = row
            self.result.other_records += 1

    def _actors(self) -> None:
        """Their actors matched by id or name; new ones added, stand-ins only when used."""
        table = _t(Actor)
        ours = {r["id"]: r for r in self.dst.execute(select(table)).mappings()}
        by_name = {r["name"].casefold(): r["id"] for r in ours.values()}
        pending = []
        for found in self.src.execute(select(table)).mappings():
            row = dict(found)
            self.their_actors[row["id"]] = row
            if row["name"].startswith(WITHHELD) and row["id"] not in ours:
                continue  # a stand-in for a withheld victim: added only if a new row uses it
            pending.append(row)
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
                    if parent in {p["id"] for p in pending}:
                        continue
                    parent = None  # a parent they did not send (withheld)
                row["parent_id"] = self.actor_map.get(parent) if parent else None
                self.journal.insert(table, [row])
                self.actor_map[row["id"]] = row["id"]
                by_name[row["name"].casefold()] = row["id"]
                pending.remove(row)
                progressed = True
                self.result.other_records += 1
            if not progressed:  # parent cycle in their data: insert without parents
                for row in pending:
                    row["parent_id"] = None
                self.journal.insert(table, pending)
                for row in pending:
                    self.actor_map[row["id"]] = row["id"]
                pending = []

    def _ensure_actor(self, actor_id: Any) -> None:
        """A stand-in actor, added the first time one of their new rows needs it."""
        if actor_id in self.actor_map.values():
            return
        have = self.dst.scalar(select(_t(Actor).c.id).where(_t(Actor).c.id == actor_id))
        if have is None and actor_id in self.their_actors:
            row = dict(self.their_actors[actor_id])
            row["parent_id"] = None
            self.journal.insert(_t(Actor), [row])
        self.actor_map[actor_id] = actor_id

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
        self.journal.insert(table, rows)
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
            self.journal.insert(table, [row])

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
            self.journal.insert(table, rows)

    # ------------------------------------------------------------------ incidents

    def _remap(self, doc: dict[str, Any]) -> None:
        inc = doc["incident"]
        for level in (1, 2, 3, 4):
            key = f"admin{level}_id"
            inc[key] = self.area_map.get(inc[key], inc[key])
        inc["place_id"] = self.place_map.get(inc["place_id"], inc["place_id"])
        if inc.get("dataset_key") == self.own_key:
            inc["dataset_key"] = None  # one of our own records, coming back
        for row in doc["incident_actor"]:
            row["actor_id"] = self.actor_map.get(row["actor_id"], row["actor_id"])

    def _incidents(self, progress: Progress | None) -> None:
        ids = list(self.src.scalars(select(INCIDENT.c.id)))
        self.total = len(ids)
        ext = CHILDREN["external_id"]
        ours_by_ext = {(r.scheme, r.value): r.incident_id for r in self.dst.execute(select(ext))}
        merged_into = {
            value: inc_id
            for (scheme, value), inc_id in ours_by_ext.items()
            if scheme == MERGED_SCHEME
        }
        candidates = exchanges.candidate_exchanges(self.dst, self.origin)
        # a file we exported ourselves lists *our* redaction: its base says all of it
        their_redaction = not exchanges.was_sent_here(self.dst, self.origin.exchange_id)
        our_refs = set(self.dst.scalars(select(INCIDENT.c.reference)))
        done = 0
        for batch in chunks(ids, 300):
            theirs = load_documents(self.src, batch)
            for doc in theirs.values():
                self._remap(doc)
            our_ids: dict[Any, Any] = {}
            for tid, doc in theirs.items():
                our_ids[tid] = merged_into.get(str(tid), tid)
                for row in doc["external_id"]:
                    match = ours_by_ext.get((row["scheme"], row["value"]))
                    if match is not None and row["scheme"] != MERGED_SCHEME:
                        our_ids[tid] = match
                        break
            ours = load_documents(self.dst, list(set(our_ids.values())))
            # an incident we merged into another (a duplicate) keeps its own base: their
            # changes to it since are judged against what they had of it
            base_keys = {
                tid: str(tid) if str(tid) in merged_into else str(oid)
                for tid, oid in our_ids.items()
            }
            bases = exchanges.bases_for(self.dst, candidates, list(base_keys.values()))
            for tid, doc in theirs.items():
                oid = our_ids[tid]
                withheld = (
                    set(self.origin.withheld.get(str(tid), [])) if their_redaction else set()
                )
                key = base_keys[tid]
                self._merge_one(doc, ours.get(oid), oid, key, bases.get(key), withheld, our_refs)
            done += len(theirs)
            if progress is not None and progress(done, len(ids)) is False:
                raise Cancelled("The merge was cancelled; the project is unchanged.")

    def _merge_one(
        self,
        doc: dict[str, Any],
        ours: dict[str, Any] | None,
        our_id: Any,
        base_key: str,
        base: dict[str, Any] | None,
        withheld: set[str],
        our_refs: set[str],
    ) -> None:
        inc = doc["incident"]
        if ours is None:
            if base is not None:  # we had it and deleted it
                if fingerprint(doc)["incident"] == base["incident"] or _same_content(doc, base):
                    self.result.kept_deleted += 1
                else:
                    self._conflict(
                        our_id,
                        f"{inc['reference']} {inc['title']}",
                        doc,
                        [Item("incident", "", None, "deleted here", None, None)],
                    )
                self.received[base_key] = fingerprint(doc, set(base["withheld"]), withheld)
                return
            if inc["reference"] in our_refs:
                new_ref = _next_reference(self.dst, inc["date_start"].year)
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
            self.received[str(inc["id"])] = fingerprint(doc, None, withheld)
            self.result.added += 1
            return
        if base is None:
            self.result.without_base += 1
        plan = plan_merge(ours, doc, base, withheld)
        if plan.changes:
            self._apply(ours, plan)
            self.result.updated += 1
        elif not plan.conflicts:
            ours_changed = (
                differs_beyond_withheld(fingerprint(ours), base)
                if base is not None
                else _differs(ours, doc)
            )
            if ours_changed and _differs(ours, doc):
                self.result.kept_ours += 1
            else:
                self.result.unchanged += 1
        if plan.conflicts:
            label = f"{ours['incident']['reference']} {ours['incident']['title']}"
            self._conflict(our_id, label, doc, plan.conflicts)
        carried = set(base["withheld"]) if base else set()
        self.received[base_key] = fingerprint(doc, carried, withheld)

    def _conflict(self, our_id: Any, label: str, doc: dict[str, Any], items: list[Item]) -> None:
        table = _t(MergeConflict)
        payload = {
            "incident": {k: jsonable(v) for k, v in doc["incident"].items()},
            "document": _jsonable_doc(doc),
            "items": [i.as_json() for i in items],
        }
        existing = self.dst.execute(
            select(table.c.theirs).where(
                table.c.record_id == str(our_id), table.c.resolved.is_(False)
            )
        ).scalars()
        if any(e.get("items") == payload["items"] for e in existing):
            self.result.conflicts.append(label)
            return
        self.journal.insert(
            table,
            [
                {
                    "unit": "incident",
                    "record_id": str(our_id),
                    "label": label[:300],
                    "theirs": payload,
                    "their_user": str(doc["incident"].get("updated_by") or ""),
                    "their_source": self.source_name,
                    "created_at": utcnow(),
                    "resolved": False,
                }
            ],
        )
        self.result.conflicts.append(
            label + " (" + "; ".join(i.describe() for i in items[:3]) + ")"
        )

    def _insert_document(self, doc: dict[str, Any]) -> None:
        inc = dict(doc["incident"])
        self._credit(inc)
        inc.update(harm_columns(doc["casualty"], inc))
        self.journal.insert(INCIDENT, [inc])
        for name, table in CHILDREN.items():
            rows = [dict(r) for r in doc[name]]
            if name == "external_id":
                rows = [{k: v for k, v in r.items() if k != "id"} for r in rows]
            if name == "incident_actor":
                for r in rows:
                    self._ensure_actor(r["actor_id"])
            self.journal.insert(table, rows)

    def _apply(self, ours: dict[str, Any], plan: Plan) -> None:
        apply_plan(self.journal, self.dst, ours, plan, self.user, self._ensure_actor)
        self.result.rows_added += len(plan.add)

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
        self.journal.insert(table, rows)


def _differs(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    return fingerprint(ours) != fingerprint(theirs)


def _same_content(doc: dict[str, Any], base: dict[str, Any]) -> bool:
    fp = fingerprint(doc)
    return all(fp[k] == base.get(k) for k in fp if not k.startswith("withheld"))


def _next_reference(conn: Connection, year: int) -> str:
    from sqlalchemy.orm import Session

    session = Session(bind=conn)
    try:
        ref = next_references(session, year)[0]
        session.flush()
    finally:
        session.close()
    return ref


def _uuid(value: str) -> Any:
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


__all__ = ["MergeResult", "UndoResult", "last_merge", "merge_project", "undo_last_merge"]
