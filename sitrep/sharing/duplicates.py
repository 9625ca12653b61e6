"""Likely duplicates — the same event entered twice — and merging two incidents into one.

Colleagues enter the same event separately (two field reports of one air strike, a
partner's file merged beside our own entry). A pair is a candidate when it is near in
space and time; its score adds agreement on type, actors and sources. Thresholds are
the user's to adjust. Merging keeps the first incident's fields and moves every
source, casualty row, actor, external id and attachment of the second onto it; the
second's reference stays findable as an external id, every change is audited, and the
last duplicate merge can be undone.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, insert, or_, select, update

from sitrep.errors import SitrepError
from sitrep.model import Actor, IncidentLink, Source
from sitrep.model.base import utcnow
from sitrep.model.enums import LinkKind, Outcome
from sitrep.sharing import exchanges
from sitrep.sharing.documents import CHILDREN, INCIDENT, load_documents
from sitrep.sharing.journal import Journal, batch_entries, check_untouched_since, undo_batch
from sitrep.sharing.merge import MERGED_SCHEME
from sitrep.sharing.plan import harm_columns
from sitrep.store import Project

LINKS: Table = IncidentLink.__table__  # type: ignore[assignment]
SOURCES: Table = Source.__table__  # type: ignore[assignment]
DIRECTION = "duplicate merge"


@dataclass(frozen=True)
class Thresholds:
    """When two incidents are shown as likely duplicates (all adjustable)."""

    km: float = 10.0  # at most this far apart (same place name when coordinates lack)
    days: int = 1  # start dates at most this many days apart
    same_type: bool = True  # the same ACLED event type
    min_score: float = 0.5  # 0..1, see :func:`score`


@dataclass(frozen=True)
class Candidate:
    a: uuid.UUID
    b: uuid.UUID
    a_ref: str
    b_ref: str
    a_title: str
    b_title: str
    score: float
    distance_km: float | None
    days_apart: int
    reasons: tuple[str, ...] = field(default=())


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def _jaccard(a: set[Any], b: set[Any]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _source_keys(rows: Iterable[Any]) -> dict[Any, set[str]]:
    keys: dict[Any, set[str]] = {}
    for r in rows:
        for key in (r.url.strip().casefold(), r.name.strip().casefold()):
            if key and not key.startswith("[withheld]"):
                keys.setdefault(r.incident_id, set()).add(key)
    return keys


def find_duplicates(conn: Connection, thresholds: Thresholds = Thresholds()) -> list[Candidate]:
    """Likely duplicate pairs, best first (pairs marked "not a duplicate" left out)."""
    t = INCIDENT
    rows = list(
        conn.execute(
            select(
                t.c.id,
                t.c.reference,
                t.c.title,
                t.c.date_start,
                t.c.lat,
                t.c.lon,
                t.c.place_name,
                t.c.event_type,
                t.c.sub_event_type,
            ).order_by(t.c.date_start)
        )
    )
    actors: dict[Any, set[Any]] = {}
    for inc_id, actor_id in conn.execute(
        select(CHILDREN["incident_actor"].c.incident_id, CHILDREN["incident_actor"].c.actor_id)
    ):
        actors.setdefault(inc_id, set()).add(actor_id)
    sources = _source_keys(
        conn.execute(select(SOURCES.c.incident_id, SOURCES.c.name, SOURCES.c.url))
    )
    dismissed = {
        frozenset((r.from_id, r.to_id))
        for r in conn.execute(select(LINKS).where(LINKS.c.kind == LinkKind.NOT_DUPLICATE))
    }
    window = dt.timedelta(days=thresholds.days)
    found: list[Candidate] = []
    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            if b.date_start - a.date_start > window:
                break
            if thresholds.same_type and a.event_type != b.event_type:
                continue
            if frozenset((a.id, b.id)) in dismissed:
                continue
            candidate = _pair(a, b, actors, sources, thresholds)
            if candidate is not None:
                found.append(candidate)
    return sorted(found, key=lambda c: (-c.score, c.a_ref, c.b_ref))


def _pair(
    a: Any,
    b: Any,
    actors: dict[Any, set[Any]],
    sources: dict[Any, set[str]],
    th: Thresholds,
) -> Candidate | None:
    reasons = []
    distance = None
    if None not in (a.lat, a.lon, b.lat, b.lon):
        distance = _km(a.lat, a.lon, b.lat, b.lon)
        if distance > th.km:
            return None
        space = 1.0 - distance / th.km if th.km else 1.0
        reasons.append(f"{distance:.1f} km apart")
    elif a.place_name and a.place_name.casefold() == b.place_name.casefold():
        space = 0.7
        reasons.append(f"both at {a.place_name}")
    else:
        return None
    days = abs((b.date_start - a.date_start).days)
    time = 1.0 - days / (th.days + 1)
    reasons.append(
        "same day" if days == 0 else f"{days} day apart" if days == 1 else f"{days} days apart"
    )
    same_sub = a.sub_event_type == b.sub_event_type
    if same_sub:
        reasons.append(f"both {a.sub_event_type}")
    shared_actors = _jaccard(actors.get(a.id, set()), actors.get(b.id, set()))
    if shared_actors:
        reasons.append(f"{len(actors[a.id] & actors[b.id])} actors in common")
    shared_sources = _jaccard(sources.get(a.id, set()), sources.get(b.id, set()))
    if shared_sources:
        reasons.append("a source in common")
    score = (
        0.35 * space
        + 0.25 * time
        + 0.15 * (1.0 if same_sub else 0.0)
        + 0.15 * shared_actors
        + 0.10 * shared_sources
    )
    if score < th.min_score:
        return None
    return Candidate(
        a.id,
        b.id,
        a.reference,
        b.reference,
        a.title,
        b.title,
        round(score, 3),
        None if distance is None else round(distance, 2),
        days,
        tuple(reasons),
    )


def pair_candidate(
    a: Any,
    b: Any,
    actors: dict[Any, set[Any]],
    sources: dict[Any, set[str]],
    thresholds: Thresholds,
) -> Candidate | None:
    """The duplicate rule for one pair (rows with id, reference, title, date_start, lat,
    lon, place_name, sub_event_type): also used to flag drafts from a report."""
    return _pair(a, b, actors, sources, thresholds)


# --------------------------------------------------------------------------- review


@dataclass(frozen=True)
class SideBySide:
    """Two incidents field by field, as the review shows them."""

    rows: list[tuple[str, str, str]]  # (field, first, second)
    warnings: list[str]


def side_by_side(conn: Connection, a: uuid.UUID, b: uuid.UUID) -> SideBySide:
    docs = load_documents(conn, [a, b])
    if a not in docs or b not in docs:
        raise SitrepError("One of the two incidents no longer exists.")
    actor_table: Table = Actor.__table__  # type: ignore[assignment]
    names = {r.id: r.name for r in conn.execute(select(actor_table.c.id, actor_table.c.name))}

    def show(doc: dict[str, Any], key: str) -> str:
        inc = doc["incident"]
        if key == "actors":
            return "; ".join(
                f"{names.get(r['actor_id'], '?')} ({getattr(r['role'], 'value', r['role'])})"
                for r in doc["incident_actor"]
            )
        if key == "sources":
            return "; ".join(r["name"] for r in doc["source"])
        if key == "casualties":
            return "; ".join(
                f"{r['best']} {getattr(r['outcome'], 'value', r['outcome'])}"
                + (" (claim)" if r["is_party_claim"] else "")
                for r in doc["casualty"]
            )
        if key == "coordinates":
            return "" if inc["lat"] is None else f"{inc['lat']:.4f}, {inc['lon']:.4f}"
        value = inc.get(key)
        return str(getattr(value, "value", value) if value is not None else "")

    fields = [
        "reference",
        "title",
        "date_start",
        "place_name",
        "coordinates",
        "event_type",
        "sub_event_type",
        "actors",
        "sources",
        "casualties",
        "killed",
        "verification",
        "sensitivity",
        "narrative",
    ]
    rows = [(f.replace("_", " "), show(docs[a], f), show(docs[b], f)) for f in fields]
    return SideBySide(rows, _warnings(docs[a], docs[b]))


def _warnings(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """What a user must know before merging: casualty rows of both add up."""
    out = []
    for outcome in Outcome:
        both = [
            sum(r["best"] for r in doc["casualty"] if Outcome(r["outcome"]) is outcome)
            for doc in (a, b)
        ]
        if all(both):
            out.append(
                f"Both record people {outcome.value}: merged, the totals add up "
                f"({both[0]} + {both[1]} = {sum(both)}). If both report the same people, "
                "edit the casualty rows after merging."
            )
    return out


# --------------------------------------------------------------------------- merging


@dataclass(frozen=True)
class DuplicateMerge:
    kept: str
    absorbed: str
    moved: int


def resolve_incident(conn: Connection, text: str) -> uuid.UUID:
    """An incident by its reference (``KCN-2025-0007``) or UUID."""
    try:
        wanted = uuid.UUID(text)
        found = conn.scalar(select(INCIDENT.c.id).where(INCIDENT.c.id == wanted))
    except ValueError:
        found = conn.scalar(select(INCIDENT.c.id).where(INCIDENT.c.reference == text.strip()))
    if found is None:
        raise SitrepError(f"There is no incident '{text}' in this project.")
    return found  # type: ignore[no-any-return]


def merge_incidents(project: Project, keep: str, absorb: str) -> DuplicateMerge:
    """Merge ``absorb`` into ``keep``: every source and casualty claim is kept."""
    with project.engine.begin() as conn:
        a, b = resolve_incident(conn, keep), resolve_incident(conn, absorb)
        if a == b:
            raise SitrepError("An incident cannot be merged with itself.")
        docs = load_documents(conn, [a, b])
        ours, other = docs[a], docs[b]
        batch = str(uuid.uuid4())
        journal = Journal(conn, project.user, batch, "dedup")
        moved = _move_children(journal, conn, ours, other)
        a_ref, b_ref = ours["incident"]["reference"], other["incident"]["reference"]
        journal.insert(
            CHILDREN["external_id"],
            [
                {"incident_id": a, "scheme": MERGED_SCHEME, "value": str(b)},
                {"incident_id": a, "scheme": "merged reference", "value": b_ref},
            ],
        )
        _repoint_links(journal, conn, a, b)
        journal.delete(INCIDENT, other["incident"], b)
        casualties = ours["casualty"] + other["casualty"]
        after: dict[str, Any] = harm_columns(casualties, ours["incident"])
        after.update(
            version=int(ours["incident"]["version"]) + 1,
            updated_at=utcnow(),
            updated_by=project.user,
        )
        journal.update(INCIDENT, {"id": a}, ours["incident"], after, a)
        first, last = journal.span()
        seq = exchanges.record_exchange(
            conn,
            exchange_id=batch,
            direction=DIRECTION,
            peer=f"{b_ref} into {a_ref}",
            # the record names both incidents: a team database shows it at their level
            level=journal.levels.of("incident", ours["incident"], other["incident"]),
            user=project.user,
            bases={},
        )
        conn.execute(
            update(exchanges.EXCHANGES)
            .where(exchanges.EXCHANGES.c.id == seq)
            .values(audit_from=first, audit_to=last)
        )
    return DuplicateMerge(a_ref, b_ref, moved)


def _move_children(
    journal: Journal, conn: Connection, ours: dict[str, Any], other: dict[str, Any]
) -> int:
    a = ours["incident"]["id"]
    moved = 0
    for name in ("source", "casualty", "attachment"):
        offset = max((int(r.get("position") or 0) for r in ours[name]), default=-1) + 1
        for row in other[name]:
            after: dict[str, Any] = {"incident_id": a}
            if "position" in row:
                after["position"] = int(row["position"] or 0) + offset
            journal.update(CHILDREN[name], {"id": row["id"]}, row, after, row["id"])
            moved += 1
    have = {(r["actor_id"], r["role"]) for r in ours["incident_actor"]}
    for row in other["incident_actor"]:
        journal.delete(CHILDREN["incident_actor"], row)
        if (row["actor_id"], row["role"]) not in have:
            journal.insert(CHILDREN["incident_actor"], [dict(row, incident_id=a)])
            moved += 1
    for row in other["external_id"]:
        journal.update(
            CHILDREN["external_id"],
            {"scheme": row["scheme"], "value": row["value"]},
            row,
            {"incident_id": a},
            a,
        )
        moved += 1
    return moved


def _repoint_links(journal: Journal, conn: Connection, a: Any, b: Any) -> None:
    rows = [
        dict(r)
        for r in conn.execute(
            select(LINKS).where(or_(LINKS.c.from_id == b, LINKS.c.to_id == b))
        ).mappings()
    ]
    have = {
        (r.from_id, r.to_id, r.kind)
        for r in conn.execute(select(LINKS).where(or_(LINKS.c.from_id == a, LINKS.c.to_id == a)))
    }
    for row in rows:
        journal.delete(LINKS, row, b)
        new = dict(row)
        new["from_id"] = a if row["from_id"] == b else row["from_id"]
        new["to_id"] = a if row["to_id"] == b else row["to_id"]
        key = (new["from_id"], new["to_id"], new["kind"])
        if new["from_id"] != new["to_id"] and key not in have:
            journal.insert(LINKS, [new])
            have.add(key)


def mark_not_duplicate(project: Project, first: str, second: str) -> None:
    """Remember that two incidents are distinct events: never proposed again."""
    with project.engine.begin() as conn:
        a, b = resolve_incident(conn, first), resolve_incident(conn, second)
        exists = conn.execute(
            select(LINKS.c.kind).where(
                LINKS.c.from_id == a, LINKS.c.to_id == b, LINKS.c.kind == LinkKind.NOT_DUPLICATE
            )
        ).first()
        if exists is None:
            conn.execute(
                insert(LINKS).values(from_id=a, to_id=b, kind=LinkKind.NOT_DUPLICATE, note="")
            )


def undo_last_duplicate_merge(project: Project) -> str:
    """Undo the last merge of two incidents; refused if either was edited since."""
    table = exchanges.EXCHANGES
    with project.engine.begin() as conn:
        ex = conn.execute(
            select(table)
            .where(table.c.direction == DIRECTION, table.c.undone.is_(False))
            .order_by(table.c.id.desc())
            .limit(1)
        ).first()
        if ex is None:
            raise SitrepError("There is no merge of duplicates to undo in this project.")
        entries = batch_entries(conn, ex.exchange_id, ex.audit_from, ex.audit_to)
        check_untouched_since(conn, entries, ex.audit_to, f"the merge of {ex.peer}")
        journal = Journal(conn, project.user, ex.exchange_id, "dedup undone")
        undo_batch(conn, entries, journal)
        journal.flush()
        conn.execute(update(table).where(table.c.id == ex.id).values(undone=True))
    return str(ex.peer)
