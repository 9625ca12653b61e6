"""Import, step 3: write the checked records in one transaction.

Rows whose external id (``acled``/``ucdp``/… scheme) is already in the project update
that incident when something changed and are left alone otherwise, so importing the
same file twice adds nothing. New incidents go through
:func:`sitrep.store.incidents.bulk_insert_incidents` and executemany inserts of their
casualties, sources, actors and external ids, with the models' column defaults
(:func:`sitrep.model.defaults.insert_defaults`); updates go through
:func:`save_incident` (one audited ORM save each).

Imports into one project are serialised (SQLite: the write lock is taken before the
file's ids are matched; PostgreSQL: a transaction-level advisory lock), so two imports
of the same file at once add it once, and actors are created with
``INSERT … ON CONFLICT DO NOTHING`` so no writer can trip over another's new actor.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, select, type_coerce
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from uuid6 import uuid7

from sitrep.errors import SitrepError
from sitrep.interchange import datasets
from sitrep.interchange.import_read import ImportCancelled, Progress
from sitrep.interchange.parsed_rows import IncidentRecord
from sitrep.model import (
    Actor,
    Casualty,
    ExternalId,
    Incident,
    IncidentActor,
    Source,
)
from sitrep.model.defaults import insert_defaults
from sitrep.model.harm import harm_totals
from sitrep.places.areas import AreaResolver
from sitrep.store.bulk import fast_insert, table_of
from sitrep.store.incidents import bulk_insert_incidents, save_incident

if TYPE_CHECKING:
    from sitrep.interchange.importer import ImportResult

_PG_IMPORT_LOCK = 0x5172_1250  # pg_advisory_xact_lock key: one import at a time
LOCK_WAIT_SECONDS = 600.0


def hold_import_lock(session: Session, tick: Callable[[int, str], None]) -> None:
    """Take the project's write lock before reading what is already there, so a
    concurrent import of the same file waits and then finds every row unchanged.

    SQLite: ``BEGIN IMMEDIATE`` (retried while another writer holds the lock, the
    progress callback may cancel); PostgreSQL: an advisory lock held until commit.
    """
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_IMPORT_LOCK})")
        return
    if conn.dialect.name != "sqlite" or conn.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        return
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if "locked" not in str(exc.orig):
                raise
            if time.monotonic() > deadline:
                raise SitrepError(
                    "Another import or save kept the project busy for too long; "
                    "nothing was imported. Try again when it has finished."
                ) from exc
            tick(0, "waiting for another import to finish")


def _harm(rec: IncidentRecord) -> dict[str, int]:
    """The incident's harm totals, by the model's one rule (imports carry no claims)."""
    return dict(harm_totals(rec.casualties).__dict__)


def _signature(
    values: dict[str, Any],
    casualties: list[tuple[Any, ...]],
    actors: list[tuple[str, str]],
    sources: list[str],
) -> tuple[Any, ...]:
    """What decides "unchanged" on re-import (admin areas excluded: the project may
    have re-assigned them from a boundary pack)."""
    lat = values.get("lat")
    lon = values.get("lon")
    return (
        values["date_start"],
        values["date_end"],
        int(values["date_precision"]),
        values["place_name"],
        None if lat is None else round(float(lat), 6),
        None if lon is None else round(float(lon), 6),
        int(values["location_precision"]),
        values["country_iso"],
        values["event_type"],
        values["sub_event_type"],
        values.get("local_type"),
        values["title"],
        values["narrative"],
        bool(values["civilian_targeting"]),
        tuple(sorted(casualties)),
        tuple(sorted(actors)),
        tuple(sources),
    )


def _record_values(rec: IncidentRecord) -> dict[str, Any]:
    return {
        "date_start": rec.date_start,
        "date_end": rec.date_end,
        "date_precision": int(rec.date_precision),
        "place_name": rec.place_name,
        "lat": rec.lat,
        "lon": rec.lon,
        "location_precision": int(rec.location_precision),
        "country_iso": rec.country_iso,
        "event_type": rec.event_type,
        "sub_event_type": rec.sub_event_type,
        "local_type": rec.local_type,
        "title": rec.title,
        "narrative": rec.narrative,
        "civilian_targeting": rec.civilian_targeting,
    }


def _record_signature(rec: IncidentRecord) -> tuple[Any, ...]:
    return _signature(
        _record_values(rec),
        [(c.outcome.value, c.affiliation.value, c.low, c.best, c.high) for c in rec.casualties],
        [(a.name, a.role.value) for a in rec.actors],
        [s.name for s in rec.sources],
    )


def _chunks(items: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _raw(column: Any) -> Any:
    """An id column read as stored (hex text on SQLite): comparing ~200k ids needs no
    UUID objects, which cost more than the query itself."""
    return type_coerce(column, String)


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _existing_signatures(
    session: Session, scheme: str, wanted: set[uuid.UUID]
) -> dict[uuid.UUID, tuple[tuple[Any, ...], bool]]:
    """incident id -> (signature, has admin areas), for incidents with ids of ``scheme``.

    One query per table joined on the scheme (no long IN lists); enum values come back
    as StrEnum members, which compare equal to the strings of a record's signature.
    """
    conn = session.connection()
    ext = ExternalId.__table__
    inc = Incident.__table__
    by_scheme = ext.c.scheme == scheme
    cas: dict[uuid.UUID, list[tuple[Any, ...]]] = {}
    c = Casualty.__table__
    for row in conn.execute(
        select(_raw(c.c.incident_id), c.c.outcome, c.c.affiliation, c.c.low, c.c.best, c.c.high)
        .join(ext, ext.c.incident_id == c.c.incident_id)
        .where(by_scheme)
    ).all():
        cas.setdefault(row[0], []).append(tuple(row[1:]))
    act: dict[uuid.UUID, list[tuple[str, str]]] = {}
    ia, a = IncidentActor.__table__, Actor.__table__
    for inc_id, name, role in conn.execute(
        select(_raw(ia.c.incident_id), a.c.name, ia.c.role)
        .join(a, a.c.id == ia.c.actor_id)
        .join(ext, ext.c.incident_id == ia.c.incident_id)
        .where(by_scheme)
    ).all():
        act.setdefault(inc_id, []).append((name, role))
    src: dict[uuid.UUID, list[str]] = {}
    s = Source.__table__
    for inc_id, name in conn.execute(
        select(_raw(s.c.incident_id), s.c.name)
        .join(ext, ext.c.incident_id == s.c.incident_id)
        .where(by_scheme)
        .order_by(s.c.incident_id, s.c.position)
    ).all():
        src.setdefault(inc_id, []).append(name)
    keys = (
        "id", "date_start", "date_end", "date_precision", "place_name", "lat", "lon",
        "location_precision", "country_iso", "event_type", "sub_event_type", "local_type",
        "title", "narrative", "civilian_targeting", "admin1_id",
    )  # fmt: skip
    out: dict[uuid.UUID, tuple[tuple[Any, ...], bool]] = {}
    for row in conn.execute(
        select(_raw(inc.c.id), *(inc.c[k] for k in keys[1:]))
        .join(ext, ext.c.incident_id == inc.c.id)
        .where(by_scheme)
    ).all():
        values = dict(zip(keys, row, strict=True))
        inc_id = values["id"]
        if inc_id not in wanted:
            continue
        out[inc_id] = (
            _signature(values, cas.get(inc_id, []), act.get(inc_id, []), src.get(inc_id, [])),
            values["admin1_id"] is not None,
        )
    return out


class ActorRegistry:
    """Actors by name, created race-free: a name another import (or a colleague's
    form) created meanwhile is taken, never inserted twice (the name is unique)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.ids: dict[str, Any] = {
            name: actor_id for actor_id, name in session.execute(select(Actor.id, Actor.name))
        }
        self.created = 0

    def id_for(self, name: str) -> Any:
        return self.ids[name]

    def ensure(self, wanted: dict[str, tuple[int, str]]) -> None:
        """Make sure every name of ``wanted`` (name -> (inter code, country)) exists:
        INSERT … ON CONFLICT DO NOTHING, then read the ids back."""
        missing = {n: v for n, v in wanted.items() if n not in self.ids}
        if not missing:
            return
        base = insert_defaults(Actor, user=self.session.info.get("user", ""))
        proposed = {name: uuid7() for name in missing}
        rows = [
            {**base, "id": proposed[name], "name": name, "inter_code": code, "country_iso": iso}
            for name, (code, iso) in missing.items()
        ]
        conn = self.session.connection()
        dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(dialect_insert(Actor).on_conflict_do_nothing(index_elements=["name"]), rows)
        names = list(missing)
        for batch in _chunks(names):
            for actor_id, name in conn.execute(
                select(Actor.id, Actor.name).where(Actor.name.in_(batch))
            ):
                self.ids[name] = actor_id
                if actor_id == proposed[name]:
                    self.created += 1

    def ensure_for(self, records: list[IncidentRecord]) -> None:
        self.ensure({a.name: (a.inter_code, r.country_iso) for r in records for a in r.actors})


def apply_records(
    session: Session,
    records: list[IncidentRecord],
    result: ImportResult,
    progress: Progress | None,
    dry_run: bool,
    dataset: datasets.DatasetInfo,
) -> None:
    total = len(records)

    def tick(done: int, phase: str) -> None:
        if progress is not None and progress(done, total, phase) is False:
            raise ImportCancelled("The import was cancelled; the project is unchanged.")

    if not dry_run:
        hold_import_lock(session, tick)
    tick(0, "matching")
    existing: dict[tuple[str, str], uuid.UUID] = {}
    for scheme in {r.scheme for r in records if r.external_id}:
        for value, inc_id in session.execute(
            select(ExternalId.value, _raw(ExternalId.incident_id)).where(
                ExternalId.scheme == scheme
            )
        ):
            existing[(scheme, value)] = inc_id
    matched = {
        id(r): existing[(r.scheme, r.external_id)]
        for r in records
        if r.external_id and (r.scheme, r.external_id) in existing
    }
    old: dict[uuid.UUID, tuple[tuple[Any, ...], bool]] = {}
    wanted = set(matched.values())
    for scheme in {r.scheme for r in records if id(r) in matched}:
        old.update(_existing_signatures(session, scheme, wanted))
    resolver = AreaResolver(session)
    actors = ActorRegistry(session)
    new_records: list[IncidentRecord] = []
    changed: list[tuple[IncidentRecord, uuid.UUID]] = []
    for rec in records:
        inc_id = matched.get(id(rec))
        if inc_id is None:
            new_records.append(rec)
        elif old.get(inc_id, ((), False))[0] == _record_signature(rec):
            result.unchanged += 1
            result.incident_ids.append(_as_uuid(inc_id))
        else:
            changed.append((rec, _as_uuid(inc_id)))
    result.added = len(new_records)
    result.updated = len(changed)
    if dry_run:
        for rec in new_records:
            resolver.resolve(rec.admin_names, rec.admin_pcodes, rec.country_iso)
        result.areas_created = len(resolver.created)
        result.actors_created = len(
            {a.name for r in new_records + [c[0] for c in changed] for a in r.actors}
            - set(actors.ids)
        )
        tick(total, "done")
        return

    done = result.unchanged
    datasets.ensure_dataset(session, dataset)
    tick(done, "writing")
    user = session.info.get("user", "")
    # ids in SQLite's stored form (32 hex digits), which fast_insert passes through
    as_text = session.get_bind().dialect.name == "sqlite"

    def next_id() -> Any:
        value = uuid7()
        return value.hex if as_text else value

    new_ids: list[Any] = []
    for batch in _chunks(new_records, 2000):
        incidents: list[dict[str, Any]] = []
        casualties: list[dict[str, Any]] = []
        sources: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        externals: list[dict[str, Any]] = []
        casualty_base = insert_defaults(Casualty, user=user)
        source_base = insert_defaults(Source, user=user)
        actors.ensure_for(batch)
        for rec in batch:
            inc_id = next_id()
            admin = resolver.resolve(rec.admin_names, rec.admin_pcodes, rec.country_iso)
            row = _record_values(rec)
            row.update(_harm(rec))
            row.update(
                id=inc_id,
                admin1_id=admin[0],
                admin2_id=admin[1],
                admin3_id=admin[2],
                dataset_key=dataset.key,
                harm_unrecorded=rec.unrecorded,
                verification="unverified",
                sensitivity="internal",
                review_status="draft",
            )
            incidents.append(row)
            new_ids.append(inc_id)
            for pos, c in enumerate(rec.casualties):
                casualties.append(
                    {
                        **casualty_base,
                        "id": next_id(),
                        "incident_id": inc_id,
                        "position": pos,
                        "outcome": c.outcome,
                        "affiliation": c.affiliation,
                        "low": c.low,
                        "best": c.best,
                        "high": c.high,
                    }
                )
            for pos, s in enumerate(rec.sources):
                sources.append(
                    {
                        **source_base,
                        "id": next_id(),
                        "incident_id": inc_id,
                        "position": pos,
                        "name": s.name,
                        "source_type": s.source_type,
                        "published": s.published,
                        "url": s.url,
                        "excerpt": s.excerpt,
                        "graded": False,
                    }
                )
            for a in rec.actors:
                links.append(
                    {
                        "incident_id": inc_id,
                        "actor_id": actors.id_for(a.name),
                        "role": a.role,
                    }
                )
            if rec.external_id:
                externals.append(
                    {"incident_id": inc_id, "scheme": rec.scheme, "value": rec.external_id}
                )
        resolver.flush()
        bulk_insert_incidents(session, incidents, what=f"import ({result.format})")
        for model, rows in (
            (Casualty, casualties),
            (Source, sources),
            (IncidentActor, links),
            (ExternalId, externals),
        ):
            fast_insert(session, table_of(model), rows)
        done += len(batch)
        tick(done, "writing")
    result.incident_ids.extend(_as_uuid(i) for i in new_ids)
    actors.ensure_for([rec for rec, _ in changed])
    for rec, inc_id in changed:
        _update(session, inc_id, rec, resolver, actors, dataset)
        result.incident_ids.append(inc_id)
        done += 1
        if done % 100 == 0:
            tick(done, "updating")
    result.areas_created = len(resolver.created)
    result.actors_created = actors.created
    tick(total, "done")


def _update(
    session: Session,
    inc_id: uuid.UUID,
    rec: IncidentRecord,
    resolver: AreaResolver,
    actors: ActorRegistry,
    dataset: datasets.DatasetInfo,
) -> None:
    incident = session.get(Incident, inc_id)
    assert incident is not None
    for key, value in _record_values(rec).items():
        setattr(incident, key, value)
    incident.dataset_key = dataset.key
    incident.harm_unrecorded = rec.unrecorded
    if incident.admin1_id is None:
        admin = resolver.resolve(rec.admin_names, rec.admin_pcodes, rec.country_iso)
        resolver.flush()
        incident.admin1_id, incident.admin2_id, incident.admin3_id = admin
    incident.casualties.clear()
    incident.sources.clear()
    incident.actors.clear()
    session.flush()
    for c in rec.casualties:
        incident.casualties.append(
            Casualty(
                outcome=c.outcome, affiliation=c.affiliation, low=c.low, best=c.best, high=c.high
            )
        )
    for s in rec.sources:
        incident.sources.append(
            Source(
                name=s.name,
                source_type=s.source_type,
                published=s.published,
                url=s.url,
                excerpt=s.excerpt,
                graded=False,
            )
        )
    for a in rec.actors:
        incident.actors.append(IncidentActor(actor_id=actors.id_for(a.name), role=a.role))
    save_incident(session, incident)
