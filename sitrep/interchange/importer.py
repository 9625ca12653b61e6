"""Importing a file into a project: read, check every row, then write in one go.

1. The file is read (encoding and dialect detected) and its format recognised.
2. Every row becomes an :class:`IncidentRecord` or a :class:`RowProblem` (row, column,
   reason); every record is checked with the model's own validation.
3. Unless ``skip_invalid`` is set, one bad row refuses the whole file and nothing is
   written. Otherwise the good rows are written in ONE transaction: a cancel (the
   progress callback returns False) or any error rolls everything back.
4. Rows whose external id (``acled``/``ucdp``/… scheme) is already in the project
   update that incident when something changed, and are left alone otherwise, so
   importing the same file twice adds nothing. ``dry_run`` reports what would be
   added/updated/unchanged and writes nothing.

New incidents go through :func:`sitrep.store.incidents.bulk_insert_incidents` and
executemany inserts of their casualties, sources, actors and external ids; updates go
through :func:`save_incident` (one audited ORM save each).
"""

from __future__ import annotations

import gc
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import String, insert, select, type_coerce
from sqlalchemy.orm import Session

from sitrep.errors import SitrepError, ValidationError
from sitrep.interchange import acled, datasets, ucdp
from sitrep.interchange.geojson_io import GEOMETRY_ERROR, read_geojson
from sitrep.interchange.mapping import (
    ColumnMapping,
    MappedRowParser,
    guess_mapping,
    layout_key,
    local_types,
    mapping_for_layout,
    save_mapping,
)
from sitrep.interchange.readers import Table, read_table
from sitrep.interchange.records import IncidentRecord, RowError, RowProblem, write_report
from sitrep.model import (
    Actor,
    Casualty,
    ExternalId,
    Incident,
    IncidentActor,
    Source,
)
from sitrep.model.base import new_uuid, utcnow
from sitrep.model.harm import harm_totals
from sitrep.model.validation import validate_incident
from sitrep.places.areas import AreaResolver
from sitrep.store.bulk import fast_insert, table_of
from sitrep.store.incidents import bulk_insert_incidents, known_sub_event_types, save_incident
from sitrep.store.project import Project
from sitrep.store.targets import check_output_target

FORMATS = ("auto", "acled", "ucdp", "csv", "xlsx", "geojson")

Progress = Callable[[int, int, str], bool | None]
"""``progress(done, total, phase)``; return False to cancel (everything is rolled back)."""


class ImportCancelled(SitrepError):
    """The user cancelled an import; the project is unchanged."""


class ImportRejected(SitrepError):
    """The file has invalid rows and ``skip_invalid`` was not given; nothing was written."""

    def __init__(self, message: str, result: ImportResult) -> None:
        super().__init__(message)
        self.result = result


@dataclass
class ImportResult:
    format: str
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    areas_created: int = 0
    actors_created: int = 0
    dry_run: bool = False
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    report_path: Path | None = None
    incident_ids: list[uuid.UUID] = field(default_factory=list)

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.severity == "error"]

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        text = (
            f"{self.rows} rows read ({self.format}): {self.added} incidents {verb} added, "
            f"{self.updated} updated, {self.unchanged} unchanged"
        )
        if self.invalid:
            text += f", {self.invalid} rows skipped as invalid"
        if self.areas_created:
            text += f"; {self.areas_created} admin areas {verb} added"
        return text + "."


# --------------------------------------------------------------------------- reading


@dataclass
class ParsedFile:
    format: str
    table: Table
    records: list[IncidentRecord]
    problems: list[RowProblem]
    notes: list[str]


def detect_format(path: Path, table: Table | None = None) -> str:
    suffix = path.suffix.lower()
    if suffix in {".geojson", ".json"}:
        return "geojson"
    if table is not None:
        if acled.looks_like_acled(table.columns):
            return "acled"
        if ucdp.looks_like_ucdp(table.columns):
            return "ucdp"
    return "xlsx" if suffix in {".xlsx", ".xlsm"} else "csv"


def load_table(path: Path, fmt: str = "auto") -> tuple[str, Table]:
    """Read the file and settle its format."""
    if not path.exists():
        raise SitrepError(f"There is no file {path}.")
    if fmt not in FORMATS:
        raise SitrepError(f"Unknown import format '{fmt}'; use one of {', '.join(FORMATS)}.")
    if fmt == "geojson" or (fmt == "auto" and path.suffix.lower() in {".geojson", ".json"}):
        return "geojson", read_geojson(path)
    table = read_table(path)
    if fmt == "auto":
        fmt = detect_format(path, table)
    if fmt == "acled" and not acled.looks_like_acled(table.columns):
        raise SitrepError(
            f"{path.name} is not an ACLED export: it lacks the columns event_id_cnty, "
            "event_date, event_type and fatalities."
        )
    if fmt == "ucdp" and not ucdp.looks_like_ucdp(table.columns):
        raise SitrepError(f"{path.name} is not a UCDP GED file (no type_of_violence/side_a/…).")
    return fmt, table


def default_mapping(session: Session, table: Table) -> ColumnMapping:
    """The saved mapping for this layout, or a guess from names and HXL tags."""
    return mapping_for_layout(session, table.columns) or guess_mapping(
        table.columns, table.hxl_tags
    )


def parse_table(
    fmt: str,
    table: Table,
    mapping: ColumnMapping | None = None,
    local: dict[str, tuple[str, str]] | None = None,
    progress: Progress | None = None,
) -> ParsedFile:
    records: list[IncidentRecord] = []
    problems: list[RowProblem] = []
    notes: list[str] = []
    parse: Callable[[int, dict[str, str]], IncidentRecord]
    if table.encoding and table.encoding not in {"utf-8", "xlsx"}:
        notes.append(f"read as {table.encoding}")
    if fmt == "acled":
        canon = acled.normalise_columns(table.columns)
        cols = {v: k for k, v in canon.items()}
        for name in acled.EXPORT_COLUMNS:
            cols.setdefault(name, name)
        if all(k == v for k, v in canon.items()):
            cols["__identity__"] = "1"  # current export: read the row dicts as they are
        stats = acled.AcledStats()

        def parse(number: int, row: dict[str, str]) -> IncidentRecord:
            return acled.parse_row(number, row, cols, stats)
    elif fmt == "ucdp":
        notes.extend(ucdp.NOTES)
        parse = ucdp.parse_row
    else:
        if mapping is None:
            raise SitrepError("Choose which columns hold which fields (a column mapping).")
        wrong = mapping.problems(table.columns)
        if wrong:
            raise SitrepError("The column mapping is incomplete: " + "; ".join(wrong) + ".")
        parser = MappedRowParser(mapping, local)
        parse = parser.parse
    total = len(table.rows)
    for i, (number, row) in enumerate(table.records()):
        if progress is not None and i % 2000 == 0 and progress(i, total, "reading") is False:
            raise ImportCancelled("The import was cancelled; the project is unchanged.")
        if fmt == "geojson" and row.get(GEOMETRY_ERROR):
            problems.append(RowProblem(number, "geometry", row[GEOMETRY_ERROR]))
            continue
        try:
            record = parse(number, row)
        except RowError as exc:
            problems.append(RowProblem(number, exc.column, exc.reason))
            continue
        for column, note in record.remarks:
            problems.append(RowProblem(number, column, note, "note"))
        records.append(record)
    if fmt == "acled":
        notes.extend(stats.notes())
    if fmt == "geojson" and not table.rows:
        notes.append("the file has no features")
    return ParsedFile(fmt, table, records, problems, notes)


# --------------------------------------------------------------------------- checking

_FIELD_COLUMNS = {
    "acled": {
        "date_start": "event_date",
        "date_end": "event_date",
        "latitude": "latitude",
        "longitude": "longitude",
        "event_type": "event_type",
        "sub_event_type": "sub_event_type",
        "title": "location",
    },
    "ucdp": {"date_start": "date_start", "date_end": "date_end", "title": "where_coordinates"},
}


def _check(
    records: list[IncidentRecord],
    subs: set[str],
    fmt: str,
    mapping: ColumnMapping | None,
) -> tuple[list[IncidentRecord], list[RowProblem]]:
    good: list[IncidentRecord] = []
    problems: list[RowProblem] = []
    columns = dict(_FIELD_COLUMNS.get(fmt, {}))
    if mapping is not None:
        columns.update(mapping.columns)
    seen: dict[tuple[str, str], int] = {}
    for rec in records:
        probe = SimpleNamespace(
            date_start=rec.date_start,
            date_end=rec.date_end,
            time_local=None,
            lat=rec.lat,
            lon=rec.lon,
            event_type=rec.event_type,
            sub_event_type=rec.sub_event_type,
            title=rec.title,
            place_name=rec.place_name,
            casualties=[
                SimpleNamespace(outcome=c.outcome, low=c.low, best=c.best, high=c.high)
                for c in rec.casualties
            ],
        )
        try:
            validate_incident(probe, subs)
        except ValidationError as exc:
            fld = exc.field or ""
            problems.append(RowProblem(rec.row, columns.get(fld, fld), str(exc)))
            continue
        if rec.external_id:
            key = (rec.scheme, rec.external_id)
            if key in seen:
                problems.append(
                    RowProblem(
                        rec.row,
                        columns.get("external_id", "id"),
                        f"the id {rec.external_id} was already used by row {seen[key]}",
                    )
                )
                continue
            seen[key] = rec.row
        good.append(rec)
    return good, problems


# --------------------------------------------------------------------------- writing


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


def uuid7_batch(count: int, *, as_text: bool = False) -> Iterator[Any]:
    """``count`` UUID v7 (time-ordered, random tail), a few times faster than ``uuid6``
    per id; an import of 28k rows needs about 120k of them. ``as_text`` gives them in
    the form SQLite stores (32 hex digits), which :func:`fast_insert` passes through."""
    ms = time.time_ns() // 1_000_000
    rand = os.urandom(10 * count)
    head = (ms << 80) | (0x7 << 76)
    for i in range(count):
        r = int.from_bytes(rand[i * 10 : i * 10 + 10], "big")
        value = head | ((r >> 64) & 0xFFF) << 64 | (0b10 << 62) | (r & _RAND_B)
        yield f"{value:032x}" if as_text else uuid.UUID(int=value)


_RAND_B = (1 << 62) - 1


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


class _ActorRegistry:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.ids: dict[str, uuid.UUID] = {
            name: actor_id for actor_id, name in session.execute(select(Actor.id, Actor.name))
        }
        self.new: list[dict[str, Any]] = []

    def id_for(self, name: str, inter_code: int, country_iso: str) -> uuid.UUID:
        found = self.ids.get(name)
        if found is None:
            found = new_uuid()
            self.ids[name] = found
            now = utcnow()
            self.new.append(
                {
                    "id": found,
                    "name": name,
                    "aliases": [],
                    "inter_code": inter_code,
                    "country_iso": country_iso,
                    "parent_id": None,
                    "created_at": now,
                    "updated_at": now,
                    "updated_by": self.session.info.get("user", ""),
                    "version": 1,
                }
            )
        return found

    def flush(self) -> None:
        if self.new:
            self.session.connection().execute(insert(Actor), self.new)
            self.created = getattr(self, "created", 0) + len(self.new)
            self.new = []


def _apply(
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
    actors = _ActorRegistry(session)
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
    ids = uuid7_batch(
        sum(1 + len(r.casualties) + len(r.sources) for r in new_records),
        as_text=session.get_bind().dialect.name == "sqlite",
    )
    new_ids: list[Any] = []
    for batch in _chunks(new_records, 2000):
        incidents: list[dict[str, Any]] = []
        casualties: list[dict[str, Any]] = []
        sources: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        externals: list[dict[str, Any]] = []
        now = utcnow()
        for rec in batch:
            inc_id = next(ids)
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
                        "id": next(ids),
                        "incident_id": inc_id,
                        "position": pos,
                        "outcome": c.outcome,
                        "affiliation": c.affiliation,
                        "sex": "unknown",
                        "age_group": "unknown",
                        "low": c.low,
                        "best": c.best,
                        "high": c.high,
                        "source_id": None,
                        "is_party_claim": False,
                        "note": "",
                        "created_at": now,
                        "updated_at": now,
                        "updated_by": user,
                        "version": 1,
                    }
                )
            for pos, s in enumerate(rec.sources):
                sources.append(
                    {
                        "id": next(ids),
                        "incident_id": inc_id,
                        "position": pos,
                        "name": s.name,
                        "source_type": s.source_type,
                        "published": s.published,
                        "url": s.url,
                        "excerpt": s.excerpt,
                        "reliability": "F",
                        "credibility": 6,
                        "graded": False,
                        "created_at": now,
                        "updated_at": now,
                        "updated_by": user,
                        "version": 1,
                    }
                )
            for a in rec.actors:
                links.append(
                    {
                        "incident_id": inc_id,
                        "actor_id": actors.id_for(a.name, a.inter_code, rec.country_iso),
                        "role": a.role,
                    }
                )
            if rec.external_id:
                externals.append(
                    {"incident_id": inc_id, "scheme": rec.scheme, "value": rec.external_id}
                )
        resolver.flush()
        actors.flush()
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
    for rec, inc_id in changed:
        _update(session, inc_id, rec, resolver, actors, dataset)
        result.incident_ids.append(inc_id)
        done += 1
        if done % 100 == 0:
            tick(done, "updating")
    result.areas_created = len(resolver.created)
    result.actors_created = getattr(actors, "created", 0)
    tick(total, "done")


def _update(
    session: Session,
    inc_id: uuid.UUID,
    rec: IncidentRecord,
    resolver: AreaResolver,
    actors: _ActorRegistry,
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
        actor_id = actors.id_for(a.name, a.inter_code, rec.country_iso)
        actors.flush()
        incident.actors.append(IncidentActor(actor_id=actor_id, role=a.role))
    save_incident(session, incident)


# --------------------------------------------------------------------------- entry point


def import_file(
    project: Project,
    path: Path | str,
    *,
    fmt: str = "auto",
    mapping: ColumnMapping | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    report_path: Path | str | None = None,
    progress: Progress | None = None,
    remember_mapping: bool = True,
    credit: DatasetCredit | None = None,
) -> ImportResult:
    """Import ``path`` into ``project`` (see the module docstring for the rules).

    ``credit`` names the dataset and its citation and licence as reports will credit
    them (UCDP GED and ACLED are known; another file is credited by its name).
    """
    if not dry_run:
        project.require_writable()
    if report_path is not None:
        check_output_target(report_path, what="validation report")
    with _gc_paused():
        return _import_file(
            project,
            Path(path),
            fmt=fmt,
            mapping=mapping,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            report_path=report_path,
            progress=progress,
            remember_mapping=remember_mapping,
            credit=credit or DatasetCredit(),
        )


@dataclass(frozen=True)
class DatasetCredit:
    """What the user says about the dataset being imported (all optional)."""

    name: str = ""
    citation: str = ""
    licence: str = ""


def dataset_for(
    fmt: str, path: Path, mapping: ColumnMapping | None, credit: DatasetCredit
) -> datasets.DatasetInfo:
    known = datasets.KNOWN.get(fmt)
    if known is None:
        fields = [*mapping.columns, *mapping.constants] if mapping is not None else []
        known = datasets.for_file(path.name, fields, name=credit.name)
    return datasets.with_credit(
        known, name=credit.name, citation=credit.citation, licence=credit.licence
    )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """An import makes hundreds of thousands of small objects that live until it ends;
    the cyclic garbage collector would scan them again and again (≈40% of the time).
    It runs once afterwards instead."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import_file(
    project: Project,
    path: Path,
    *,
    fmt: str,
    mapping: ColumnMapping | None,
    dry_run: bool,
    skip_invalid: bool,
    report_path: Path | str | None,
    progress: Progress | None,
    remember_mapping: bool,
    credit: DatasetCredit,
) -> ImportResult:
    fmt, table = load_table(path, fmt)
    with project.session() as session:
        if fmt not in {"acled", "ucdp"} and mapping is None:
            mapping = default_mapping(session, table)
        parsed = parse_table(fmt, table, mapping, local_types(session), progress)
        subs = known_sub_event_types(session)
    records, problems = _check(parsed.records, subs, fmt, mapping)
    problems = sorted(parsed.problems + problems, key=lambda p: (p.row or 0, p.severity))
    result = ImportResult(
        format=fmt,
        rows=len(table.rows),
        dry_run=dry_run,
        problems=problems,
        notes=parsed.notes,
    )
    result.invalid = len({p.row for p in result.errors})
    if report_path is not None:
        result.report_path = Path(report_path)
    if result.errors and not skip_invalid:
        if result.report_path:
            write_report(result.report_path, _report_rows(result))
        first = result.errors[0]
        where = f" (see {result.report_path})" if result.report_path else ""
        raise ImportRejected(
            f"{result.invalid} of {result.rows} rows of {path.name} cannot be imported, "
            f"so nothing was imported{where}. First problem: row {first.row}, column "
            f"'{first.column}': {first.reason}. Fix the file, or import the other rows "
            "with --skip-invalid.",
            result,
        )
    session = project.new_session()
    try:
        _apply(
            session, records, result, progress, dry_run, dataset_for(fmt, path, mapping, credit)
        )
        if dry_run:
            session.rollback()
        else:
            if mapping is not None and remember_mapping and fmt not in {"acled", "ucdp"}:
                save_mapping(session, layout_key(table.columns), mapping)
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    if not dry_run and result.incident_ids:
        from sitrep.places.admin_assign import assign_if_boundaries

        assigned = assign_if_boundaries(project, result.incident_ids)
        if assigned:
            result.notes.append(
                f"{assigned} incidents placed in admin areas by the project's boundaries"
            )
    if result.report_path:
        write_report(result.report_path, _report_rows(result))
    return result


def _report_rows(result: ImportResult) -> list[RowProblem]:
    notes = [RowProblem(None, "", note, "note") for note in result.notes]
    return notes + result.problems


def count_by(records: list[IncidentRecord], key: Callable[[IncidentRecord], str]) -> Counter[str]:
    return Counter(key(r) for r in records)
