"""Exporting incidents in the formats of the field, each taking an IncidentFilter.

- CSV (UTF-8 with BOM, so Excel opens non-Latin text correctly) and XLSX (styled
  header, frozen header row and first column, filters, real dates): one row per
  incident, harm totals, actors by role, sources, admin names and P-codes.
- HXL-tagged CSV: the same with a hashtag row under the header (libhxl reads it;
  Sitrep's own importer maps it back through the hashtags).
- GeoJSON (RFC 7946): a FeatureCollection of Points in WGS84 longitude/latitude;
  incidents without coordinates have a null geometry.
- ACLED-format CSV: ACLED's current columns; precision codes converted to ACLED's
  coarser ones; imported into an empty project it gives back the same incidents.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sitrep.errors import Cancelled, SitrepError
from sitrep.interchange import acled
from sitrep.interchange.cells import guard
from sitrep.model import (
    Actor,
    AdminArea,
    ExternalId,
    Incident,
    IncidentActor,
    Source,
)
from sitrep.model.enums import (
    ActorRole,
    DatePrecision,
    LocationPrecision,
    Sensitivity,
    SourceType,
)
from sitrep.model.harm import recorded_value
from sitrep.sharing.redaction import (
    RedactionContext,
    leaving_filter,
    needs_redaction,
    redact_document,
)
from sitrep.store.bulk import table_of
from sitrep.store.project import Project
from sitrep.store.queries import IncidentFilter, select_incidents
from sitrep.store.targets import check_output_target

EXPORT_FORMATS = ("csv", "xlsx", "geojson", "hxl", "acled")
SUFFIXES = {"csv": ".csv", "xlsx": ".xlsx", "geojson": ".geojson", "hxl": ".csv", "acled": ".csv"}

ExportProgress = Callable[[int, int], bool | None]


@dataclass
class ExportRow:
    """An incident with what the flat formats need from related tables."""

    incident: Any  # an Incident, or a row with the same attributes
    admin: list[tuple[str, str]]  # (name, pcode) for levels 1..3
    actors: dict[ActorRole, list[tuple[str, int]]] = field(default_factory=dict)
    sources: list[tuple[str, SourceType]] = field(default_factory=list)
    external: list[tuple[str, str]] = field(default_factory=list)


def _chunks(items: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def iter_rows(
    session: Session, flt: IncidentFilter, level: Sensitivity = Sensitivity.INTERNAL
) -> Iterator[ExportRow]:
    """Filtered incidents up to ``level`` in date order, redacted by the one policy
    (:mod:`sitrep.sharing.policy`) below *internal*; related rows loaded in batches."""
    flt = leaving_filter(flt, level)
    redact = needs_redaction(level)
    ctx = RedactionContext.load(session.connection(), level) if redact else None
    areas = {
        a_id: (name, pcode or "")
        for a_id, name, pcode in session.execute(
            select(AdminArea.id, AdminArea.name, AdminArea.pcode)
        )
    }
    actor_info = {
        a_id: (name, code)
        for a_id, name, code in session.execute(select(Actor.id, Actor.name, Actor.inter_code))
    }
    ids = list(
        session.scalars(
            select_incidents(flt, Incident.id).order_by(Incident.date_start, Incident.reference)
        )
    )
    incident_table, source_table = table_of(Incident), table_of(Source)
    for chunk in _chunks(ids):
        # plain rows (attribute access like the ORM object, without identity-map costs)
        incidents = {
            r.id: r
            for r in session.execute(
                select(*incident_table.c).where(incident_table.c.id.in_(chunk))
            )
        }
        links: dict[uuid.UUID, list[dict[str, Any]]] = {}
        for inc_id, actor_id, role in session.execute(
            select(IncidentActor.incident_id, IncidentActor.actor_id, IncidentActor.role).where(
                IncidentActor.incident_id.in_(chunk)
            )
        ):
            links.setdefault(inc_id, []).append(
                {"incident_id": inc_id, "actor_id": actor_id, "role": ActorRole(role)}
            )
        sources: dict[uuid.UUID, list[dict[str, Any]]] = {}
        for row in session.execute(
            select(*source_table.c)
            .where(source_table.c.incident_id.in_(chunk))
            .order_by(source_table.c.incident_id, source_table.c.position)
        ).mappings():
            sources.setdefault(row["incident_id"], []).append(dict(row))
        external: dict[uuid.UUID, list[tuple[str, str]]] = {}
        for inc_id, scheme, value in session.execute(
            select(ExternalId.incident_id, ExternalId.scheme, ExternalId.value)
            .where(ExternalId.incident_id.in_(chunk))
            .order_by(ExternalId.scheme)
        ):
            external.setdefault(inc_id, []).append((scheme, value))
        for inc_id in chunk:
            inc: Any = incidents[inc_id]
            inc_links = links.get(inc_id, [])
            inc_sources = sources.get(inc_id, [])
            names = actor_info
            if ctx is not None:
                doc: dict[str, Any] = {
                    "incident": dict(inc._mapping),
                    "source": inc_sources,
                    "incident_actor": inc_links,
                }
                redact_document(doc, ctx)
                inc = SimpleNamespace(**doc["incident"])
                names = actor_info | {
                    p["id"]: (p["name"], p["inter_code"]) for p in ctx.placeholders.values()
                }
            admin = [
                areas.get(a, ("", "")) if a else ("", "")
                for a in (inc.admin1_id, inc.admin2_id, inc.admin3_id)
            ]
            actors: dict[ActorRole, list[tuple[str, int]]] = {}
            for link in sorted(inc_links, key=lambda r: names.get(r["actor_id"], ("", 0))[0]):
                name, code = names.get(link["actor_id"], ("", 0))
                actors.setdefault(ActorRole(link["role"]), []).append((name, code))
            yield ExportRow(
                inc,
                admin,
                actors,
                [(r["name"], SourceType(r["source_type"])) for r in inc_sources],
                external.get(inc_id, []),
            )


# --------------------------------------------------------------------------- flat columns


def _harm(row: ExportRow, key: str) -> int | None:
    inc = row.incident
    return recorded_value(getattr(inc, key), inc.harm_unrecorded, key, inc.killed)


def _names(row: ExportRow, *roles: ActorRole) -> str:
    return "; ".join(n for r in roles for n, _ in row.actors.get(r, []))


# (column, HXL hashtag, value getter)
FLAT_COLUMNS: tuple[tuple[str, str, Callable[[ExportRow], Any]], ...] = (
    ("id", "#meta+id", lambda r: str(r.incident.id)),
    ("reference", "#event+code", lambda r: r.incident.reference),
    ("date_start", "#date+start", lambda r: r.incident.date_start),
    ("date_end", "#date+end", lambda r: r.incident.date_end),
    ("date_precision", "#meta+precision+date", lambda r: int(r.incident.date_precision)),
    ("event_type", "#event+type", lambda r: r.incident.event_type),
    ("sub_event_type", "#event+type+sub", lambda r: r.incident.sub_event_type),
    ("local_type", "#event+type+local", lambda r: r.incident.local_type or ""),
    ("title", "#event+title", lambda r: r.incident.title),
    ("place_name", "#loc+name", lambda r: r.incident.place_name),
    ("latitude", "#geo+lat", lambda r: r.incident.lat),
    ("longitude", "#geo+lon", lambda r: r.incident.lon),
    (
        "location_precision",
        "#meta+precision+location",
        lambda r: int(r.incident.location_precision),
    ),
    ("country_iso", "#country+code", lambda r: r.incident.country_iso),
    ("admin1", "#adm1+name", lambda r: r.admin[0][0]),
    ("admin1_pcode", "#adm1+code", lambda r: r.admin[0][1]),
    ("admin2", "#adm2+name", lambda r: r.admin[1][0]),
    ("admin2_pcode", "#adm2+code", lambda r: r.admin[1][1]),
    ("admin3", "#adm3+name", lambda r: r.admin[2][0]),
    ("admin3_pcode", "#adm3+code", lambda r: r.admin[2][1]),
    # a figure the incident's data does not record is left empty, never written as 0
    ("killed", "#affected+killed", lambda r: _harm(r, "killed")),
    ("civilians_killed", "#affected+killed+civilians", lambda r: _harm(r, "civilians_killed")),
    ("injured", "#affected+injured", lambda r: _harm(r, "injured")),
    ("abducted_detained", "#affected+abducted", lambda r: _harm(r, "abducted_detained")),
    ("killed_claimed", "#affected+killed+claimed", lambda r: r.incident.killed_claimed),
    (
        "actors_side_a",
        "#group+name+first",
        lambda r: _names(r, ActorRole.SIDE_A, ActorRole.PERPETRATOR),
    ),
    (
        "actors_side_b",
        "#group+name+second",
        lambda r: _names(r, ActorRole.SIDE_B, ActorRole.TARGET),
    ),
    (
        "actors_associated",
        "#group+name+associated",
        lambda r: _names(r, ActorRole.ASSOCIATED_A, ActorRole.ASSOCIATED_B),
    ),
    ("civilian_targeting", "#meta+civilian_targeting", lambda r: r.incident.civilian_targeting),
    ("narrative", "#description", lambda r: r.incident.narrative),
    ("sources", "#meta+source", lambda r: "; ".join(n for n, _ in r.sources)),
    ("verification", "#status+verification", lambda r: str(r.incident.verification)),
    ("sensitivity", "#meta+sensitivity", lambda r: str(r.incident.sensitivity)),
    ("review_status", "#status+review", lambda r: str(r.incident.review_status)),
    (
        "external_ids",
        "#meta+external",
        lambda r: "; ".join(f"{s}:{v}" for s, v in r.external),
    ),
)


def _flat(row: ExportRow) -> list[Any]:
    return [getter(row) for _, _, getter in FLAT_COLUMNS]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _write_csv(
    rows: Iterator[ExportRow], out: Path, *, hxl: bool, tick: Callable[[], None]
) -> int:
    n = 0
    with out.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow([c for c, _, _ in FLAT_COLUMNS])
        if hxl:
            writer.writerow([h for _, h, _ in FLAT_COLUMNS])
        for row in rows:
            writer.writerow([guard(_text(v)) for v in _flat(row)])
            n += 1
            tick()
    return n


XLSX_WIDTHS = {
    "id": 38, "title": 40, "narrative": 60, "place_name": 22, "sources": 30,
    "event_type": 26, "sub_event_type": 30, "actors_side_a": 30, "actors_side_b": 30,
    "actors_associated": 24, "external_ids": 20, "date_start": 12, "date_end": 12,
}  # fmt: skip


def _write_xlsx(rows: Iterator[ExportRow], out: Path, tick: Callable[[], None]) -> int:
    """Stream the rows to a workbook with XlsxWriter's constant-memory mode: each row
    goes to disk as it is written (openpyxl's write-only mode still built a cell object
    per value and took 4 × the CSV export). Numbers and dates stay typed cells; text is
    always a text cell, never a formula; yes/no for booleans, empty for None."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(out), {"constant_memory": True, "strings_to_numbers": False, "in_memory": False}
    )
    try:
        ws = wb.add_worksheet("Incidents")
        header = wb.add_format(
            {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79", "bottom": 1,
             "valign": "vcenter"}
        )  # fmt: skip
        day = wb.add_format({"num_format": "yyyy-mm-dd"})
        stamp = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        for i, (name, _, _) in enumerate(FLAT_COLUMNS):
            ws.set_column(i, i, XLSX_WIDTHS.get(name, 14))
            ws.write_string(0, i, name, header)
        ws.freeze_panes(1, 2)
        write_string, write_number, write_datetime = (
            ws.write_string,
            ws.write_number,
            ws.write_datetime,
        )
        n = 0
        for row in rows:
            n += 1
            for col, value in enumerate(_flat(row)):
                if value is None:
                    continue
                if isinstance(value, bool):
                    write_string(n, col, "yes" if value else "no")
                elif isinstance(value, int | float):
                    write_number(n, col, value)
                elif isinstance(value, dt.datetime):
                    write_datetime(n, col, value.replace(tzinfo=None), stamp)
                elif isinstance(value, dt.date):
                    write_datetime(n, col, value, day)
                elif value != "":
                    write_string(n, col, str(value))
            tick()
        ws.autofilter(0, 0, n, len(FLAT_COLUMNS) - 1)
    finally:
        wb.close()
    return n


def _write_geojson(rows: Iterator[ExportRow], out: Path, tick: Callable[[], None]) -> int:
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        fh.write('{"type": "FeatureCollection", "features": [\n')
        for row in rows:
            values = dict(zip([c for c, _, _ in FLAT_COLUMNS], _flat(row), strict=True))
            lat, lon = values.pop("latitude"), values.pop("longitude")
            props = {
                k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()
            }
            geometry = (
                {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}
                if lat is not None and lon is not None
                else None
            )
            feature = {
                "type": "Feature",
                "id": props["id"],
                "geometry": geometry,
                "properties": props,
            }
            fh.write((",\n" if n else "") + json.dumps(feature, ensure_ascii=False))
            n += 1
            tick()
        fh.write("\n]}\n")
    return n


# --------------------------------------------------------------------------- ACLED

_DISORDER = {
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
_SCALES = {
    SourceType.LOCAL_MEDIA: "Subnational",
    SourceType.NATIONAL_MEDIA: "National",
    SourceType.INTERNATIONAL_MEDIA: "International",
    SourceType.SOCIAL_MEDIA: "New media",
    SourceType.PARTNER: "Local partner-Other",
}


def acled_row(row: ExportRow, country: Callable[[str], tuple[str, str]]) -> list[str]:
    inc = row.incident
    side_a = row.actors.get(ActorRole.SIDE_A, []) + row.actors.get(ActorRole.PERPETRATOR, [])
    side_b = row.actors.get(ActorRole.SIDE_B, []) + row.actors.get(ActorRole.TARGET, [])
    assoc_a = [n for n, _ in side_a[1:]] + [
        n for n, _ in row.actors.get(ActorRole.ASSOCIATED_A, [])
    ]
    assoc_b = [n for n, _ in side_b[1:]] + [
        n for n, _ in row.actors.get(ActorRole.ASSOCIATED_B, [])
    ]
    inter1 = side_a[0][1] if side_a else 0
    inter2 = side_b[0][1] if side_b else 0
    codes = sorted(c for c in (inter1, inter2) if c)
    interaction = "".join(str(c) for c in codes) + ("0" if len(codes) == 1 else "")
    event_id = next((v for s, v in row.external if s == acled.SCHEME), inc.reference)
    numeric, name = country(inc.country_iso)
    scales = sorted({_SCALES[t] for _, t in row.sources if t in _SCALES})
    values = {
        "event_id_cnty": event_id,
        "event_date": inc.date_start.isoformat(),
        "year": str(inc.date_start.year),
        "time_precision": str(DatePrecision(inc.date_precision).to_acled()),
        "disorder_type": _DISORDER.get(inc.event_type, "Political violence"),
        "event_type": inc.event_type,
        "sub_event_type": inc.sub_event_type,
        "actor1": side_a[0][0] if side_a else "",
        "assoc_actor_1": "; ".join(assoc_a),
        "inter1": str(inter1) if side_a else "",
        "actor2": side_b[0][0] if side_b else "",
        "assoc_actor_2": "; ".join(assoc_b),
        "inter2": str(inter2) if side_b else "",
        "interaction": interaction,
        "civilian_targeting": "Civilian targeting" if inc.civilian_targeting else "",
        "iso": numeric,
        "region": "",
        "country": name,
        "admin1": row.admin[0][0],
        "admin2": row.admin[1][0],
        "admin3": row.admin[2][0],
        "location": inc.place_name,
        "latitude": "" if inc.lat is None else f"{inc.lat:.6f}".rstrip("0").rstrip("."),
        "longitude": "" if inc.lon is None else f"{inc.lon:.6f}".rstrip("0").rstrip("."),
        "geo_precision": str(LocationPrecision(inc.location_precision).to_acled()),
        "source": "; ".join(n for n, _ in row.sources),
        "source_scale": "-".join(scales),
        "notes": inc.narrative,
        "fatalities": str(inc.killed),
        "tags": "",
        "timestamp": str(int(inc.updated_at.timestamp())) if inc.updated_at else "",
    }
    return [values[c] for c in acled.EXPORT_COLUMNS]


def _write_acled(rows: Iterator[ExportRow], out: Path, tick: Callable[[], None]) -> int:
    from sitrep.places.gazetteer import country_tables

    _, by_num, names = country_tables()
    numeric = {iso3: str(num) for num, iso3 in by_num.items()}

    def country(iso3: str) -> tuple[str, str]:
        return numeric.get(iso3, ""), names.get(iso3, iso3)

    n = 0
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(acled.EXPORT_COLUMNS)
        for row in rows:
            writer.writerow([guard(v) for v in acled_row(row, country)])
            n += 1
            tick()
    return n


# --------------------------------------------------------------------------- entry point


def count_matching(session: Session, flt: IncidentFilter) -> int:
    """How many incidents ``flt`` selects (counted over the incident table even when
    the filter is empty)."""
    from sqlalchemy import func

    stmt = select(func.count()).select_from(select_incidents(flt, Incident.id).subquery())
    return int(session.scalar(stmt) or 0)


class ExportCancelled(Cancelled):
    """The user cancelled an export; no file was written."""


def export_incidents(
    project: Project,
    out: Path | str,
    fmt: str = "csv",
    flt: IncidentFilter | None = None,
    *,
    level: Sensitivity = Sensitivity.INTERNAL,
    progress: ExportProgress | None = None,
) -> int:
    """Write the incidents ``flt`` selects, up to ``level``, to ``out``; returns how many.

    Below *internal*, what the redaction policy withholds is withheld here too; the
    default level leaves restricted incidents out, so they never leave by accident.

    The file is written beside ``out`` and moved into place at the end, so a cancelled
    or failed export never leaves a half-written file.
    """
    out = Path(out)
    fmt = fmt.lower()
    if fmt not in EXPORT_FORMATS:
        raise SitrepError(
            f"Unknown export format '{fmt}'; use one of {', '.join(EXPORT_FORMATS)}."
        )
    if not out.parent.exists():
        raise SitrepError(f"The folder {out.parent} does not exist.")
    check_output_target(out, what="export")
    flt = leaving_filter(flt or IncidentFilter(), level)
    tmp = out.with_name(f".{out.name}.part")
    with project.session() as session:
        total = count_matching(session, flt)
        done = 0

        def tick() -> None:
            nonlocal done
            done += 1
            report = progress is not None and (done % 200 == 0 or done == total)
            if report and progress(done, total) is False:  # type: ignore[misc]
                raise ExportCancelled("The export was cancelled; no file was written.")

        rows = iter_rows(session, flt, level)
        try:
            if fmt in {"csv", "hxl"}:
                n = _write_csv(rows, tmp, hxl=fmt == "hxl", tick=tick)
            elif fmt == "xlsx":
                n = _write_xlsx(rows, tmp, tick)
            elif fmt == "geojson":
                n = _write_geojson(rows, tmp, tick)
            else:
                n = _write_acled(rows, tmp, tick)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    try:
        check_output_target(out, what="export")  # still so after a long export?
    except SitrepError:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)
    return n
