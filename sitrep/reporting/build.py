"""Generate a situation report: figures -> charts -> map -> DOCX (+ JSON) -> record.

Used by ``sitrep report`` and by the report editor's worker thread alike. The document
and its JSON figures are written to temporary files beside their targets and moved into
place together, in the same step that records the :class:`~sitrep.model.ReportFile`
(see :mod:`sitrep.reporting.outputs`): an error, a full disk or a cancel leaves no file
and no stored report. Generating a report again adds a revision to it.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sitrep.errors import Cancelled, SitrepError
from sitrep.model import AdminArea, Place, Report, ReportFile
from sitrep.model.enums import ReportKind, ReportStatus
from sitrep.paths import resource
from sitrep.places.basemaps import Basemap, close_all, open_basemaps, plain_text, project_folder
from sitrep.places.regions import Region
from sitrep.reporting import charts, schedule, staticmap
from sitrep.reporting.docx_writer import DEFAULT_ANNEX_LIMIT, DocxWriter, ReportMeta
from sitrep.reporting.figures import ReportData, collect
from sitrep.reporting.flash import FlashContext, flash_context
from sitrep.reporting.outputs import StagedFiles, check_target
from sitrep.reporting.periods import check_comparison
from sitrep.reporting.records import (
    check_period,
    create_report,
    default_sections,
    find_report,
    find_same,
    next_number,
    next_revision,
    region_of,
    report_title,
    sections_of,
)
from sitrep.store import Project

Progress = Callable[[int, str], None]


@dataclass
class ReportSpec:
    """What to generate: an existing report (a new revision), or a new one."""

    region: Region
    date_from: dt.date
    date_to: dt.date
    kind: ReportKind = ReportKind.PERIODIC
    number: int | None = None
    report_id: uuid.UUID | None = None
    classification: str = "INTERNAL"
    status: ReportStatus = ReportStatus.DRAFT
    sections: list[dict[str, str]] = field(default_factory=list)
    comparison: str = "auto"
    incident_ids: tuple[uuid.UUID, ...] = ()
    annex_limit: int = DEFAULT_ANNEX_LIMIT


@dataclass
class Generated:
    path: Path
    report_id: uuid.UUID
    number: int
    title: str
    data: ReportData
    revision: int = 1
    json_path: Path | None = None


def spec_for_report(session: Session, report: Report) -> ReportSpec:
    return ReportSpec(
        region=region_of(report, session),
        date_from=report.period_from,
        date_to=report.period_to,
        kind=ReportKind(report.kind),
        number=report.number,
        report_id=report.id,
        classification=report.classification,
        status=ReportStatus(report.status),
        sections=sections_of(report),
        comparison=report.comparison or "auto",
        incident_ids=tuple(uuid.UUID(str(i)) for i in report.incident_ids or []),
    )


def spec_for_cli(
    session: Session,
    region: Region,
    date_from: dt.date,
    date_to: dt.date,
    kind: ReportKind,
    number: int | None,
    *,
    comparison: str | None = None,
    final: bool = False,
    incident_ids: tuple[uuid.UUID, ...] = (),
    classification: str | None = None,
) -> ReportSpec:
    """``--number N`` regenerates report N if it exists (keeping its narrative); the
    same region, kind and period (and incidents) as an existing report revises it."""
    check_period(date_from, date_to)
    if comparison is not None:
        check_comparison(comparison)
    existing: Report | None = None
    if number is not None:
        if number < 1:
            raise SitrepError("A report number must be 1 or more.")
        existing = find_report(session, region, kind, number)
    else:
        existing = find_same(session, region, kind, date_from, date_to, incident_ids)
    if existing is not None:
        spec = spec_for_report(session, existing)
        spec.date_from, spec.date_to = date_from, date_to
        if incident_ids:
            spec.incident_ids = incident_ids
    else:
        spec = ReportSpec(
            region=region,
            date_from=date_from,
            date_to=date_to,
            kind=kind,
            number=number,
            sections=default_sections(kind),
            incident_ids=incident_ids,
        )
    spec.status = ReportStatus.FINAL if final else ReportStatus.DRAFT
    if comparison is not None:
        spec.comparison = comparison
    if classification is not None:
        spec.classification = classification
    return spec


def template_path(kind: str) -> Path:
    """The shipped reference template of a report kind (built by
    ``scripts/report_templates.py``); an organisation may choose its own instead."""
    return resource("templates", f"{kind}.docx")


def resolve_template(project: Project, kind: ReportKind, template: Path | None) -> Path:
    """The template to use: given path, the project's own, or the shipped one."""
    chosen = template
    if chosen is None:
        custom = project.setting(f"report_template.{kind.value}")
        chosen = Path(custom) if custom else template_path(kind.value)
    if not chosen.is_file():
        raise SitrepError(
            f"The report template {chosen} is missing. Restore it, or choose another "
            "template (a .docx file with the Sitrep styles)."
        )
    return chosen


def map_inputs(
    session: Session, data: ReportData, context: FlashContext | None = None
) -> tuple[list[staticmap.MapPoint], list[staticmap.MapArea], list[staticmap.MapLabel]]:
    """Points, boundaries and reference towns for the report's map.

    The frame is the region's boundary when the project has one, else its incidents
    (of the period, or of any time for a nil report); only boundaries and towns inside
    it are read. A flash update's earlier incidents nearby are drawn as context."""
    points = [
        staticmap.MapPoint(r.lon, r.lat, r.event_type, r.killed, synthetic=r.is_synthetic)
        for r in data.incidents
        if r.lat is not None and r.lon is not None
    ]
    if context is not None:
        points = [
            staticmap.MapPoint(r.lon, r.lat, r.event_type, r.killed, context=True)
            for r in context.nearby
            if r.lat is not None and r.lon is not None
        ] + points
    region_ids = {a.id for a in data.region.areas}
    frame = _frame(session, data, points)
    areas: list[staticmap.MapArea] = []
    labels: list[staticmap.MapLabel] = []
    if frame is None:
        return points, areas, labels
    west, south, east, north = frame
    pad = max(east - west, north - south) * 0.35 + 0.2
    west, south, east, north = west - pad, south - pad, east + pad, north + pad
    from sqlalchemy import and_, or_

    near = and_(
        AdminArea.max_lon >= west,
        AdminArea.min_lon <= east,
        AdminArea.max_lat >= south,
        AdminArea.min_lat <= north,
    )
    for area in session.scalars(
        select(AdminArea).where(
            AdminArea.geometry.is_not(None),
            AdminArea.level <= 3,
            or_(near, AdminArea.min_lon.is_(None), AdminArea.id.in_(region_ids)),
        )
    ):
        geom = staticmap.parse_geometry(area.geometry)
        if geom is None:
            continue
        gw, gs, ge, gn = geom.bounds
        if area.id in region_ids or (ge >= west and gw <= east and gn >= south and gs <= north):
            areas.append(staticmap.MapArea(area.level, geom, area.id in region_ids))
    labels = [
        staticmap.MapLabel(name, lon, lat)
        for name, lon, lat in session.execute(
            select(Place.name, Place.lon, Place.lat)
            .where(
                Place.kind.in_(("town", "city", "capital")),
                Place.lon.between(west, east),
                Place.lat.between(south, north),
            )
            .order_by(Place.name)
            .limit(2000)
        )
        if lon is not None and lat is not None
    ]
    if len(labels) < 5:  # the project has no towns here: the shipped gazetteer's largest
        from sitrep.places.gazetteer import towns_in

        labels += [
            staticmap.MapLabel(t.name, t.lon, t.lat, t.population)
            for t in towns_in(west, south, east, north)
        ]
    return points, areas, labels


def _frame(
    session: Session, data: ReportData, points: list[staticmap.MapPoint]
) -> tuple[float, float, float, float] | None:
    from sqlalchemy import func

    from sitrep.model import Incident
    from sitrep.store.queries import select_incidents

    ids = [a.id for a in data.region.areas]
    bounds = [
        geom.bounds
        for text in session.scalars(
            select(AdminArea.geometry).where(
                AdminArea.id.in_(ids), AdminArea.geometry.is_not(None)
            )
        )
        if (geom := staticmap.parse_geometry(text)) is not None
    ]
    if bounds:
        return (
            min(b[0] for b in bounds),
            min(b[1] for b in bounds),
            max(b[2] for b in bounds),
            max(b[3] for b in bounds),
        )
    if points:
        return (
            min(p.lon for p in points),
            min(p.lat for p in points),
            max(p.lon for p in points),
            max(p.lat for p in points),
        )
    anytime = data.filter.with_period(None, None)
    row = session.execute(
        select_incidents(
            anytime,
            func.min(Incident.lon),
            func.min(Incident.lat),
            func.max(Incident.lon),
            func.max(Incident.lat),
        )
    ).one()
    if row[0] is None:
        return None
    return (float(row[0]), float(row[1]), float(row[2]), float(row[3]))


def generate(
    project: Project,
    spec: ReportSpec,
    output: str | Path,
    *,
    json_output: str | Path | None = None,
    template: Path | None = None,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    today: dt.date | None = None,
) -> Generated:
    """Build the document at ``output`` (and the figures at ``json_output``), record it;
    raise on any problem, leaving no file and no record behind."""
    out = Path(output)
    json_out = Path(json_output) if json_output is not None else None
    step = progress or (lambda _p, _m: None)

    def checkpoint(percent: int, message: str) -> None:
        if is_cancelled is not None and is_cancelled():
            raise Cancelled("Report generation cancelled; nothing was written.")
        step(percent, message)

    check_period(spec.date_from, spec.date_to)
    check_comparison(spec.comparison)
    check_target(out)
    if json_out is not None:
        check_target(json_out, "figures")
        if json_out.resolve() == out.resolve():
            raise SitrepError("The figures (JSON) and the report must be different files.")
    if spec.kind is ReportKind.FLASH and not spec.incident_ids:
        raise SitrepError(
            "A flash update is about chosen incidents: select them in the table "
            "(Reports > Flash update from selected incidents) or give --incident REF."
        )
    template_file = resolve_template(project, spec.kind, template)
    issued = today or dt.date.today()
    checkpoint(5, "Counting incidents")
    with project.session() as s:
        report = s.get(Report, spec.report_id) if spec.report_id else None
        data = collect(
            s,
            spec.region,
            spec.date_from,
            spec.date_to,
            classification=spec.classification,
            report_key=(report.region_key, report.period_to, report.id)
            if report is not None
            else (spec.region.key, spec.date_to, None),
            comparison=spec.comparison,
            incident_ids=spec.incident_ids,
        )
        if spec.kind is ReportKind.FLASH and not data.incidents:
            raise SitrepError(
                "None of the chosen incidents can go in this flash update: they were "
                "retracted, or are above its classification."
            )
        number = spec.number or next_number(s, spec.region.key, spec.kind)
        revision = next_revision(s, report.id) if report is not None else 1
        replaces = _replaces(report) if report is not None else ""
        context = None
        if spec.kind is ReportKind.FLASH:
            context = flash_context(s, data)
        checkpoint(25, "Drawing the map")
        points, areas, labels = map_inputs(s, data, context)
        opened, _missing = open_basemaps(s, project_folder(project))
        organisation = _setting(s, "organisation") or _setting(s, "name") or project.name
        logo_setting = _setting(s, "logo")
        contact = schedule.contact_lines(_setting(s, schedule.CONTACT))
        next_due = schedule.next_report_date(_setting(s, schedule.NEXT_REPORT), issued)
    logo = Path(logo_setting) if logo_setting else None
    if logo is not None and not logo.is_file():
        raise SitrepError(
            f"The organisation's logo {logo} is missing. Restore it, or clear the project "
            "setting 'logo'."
        )
    subject = _subject_label(data, areas)
    drawn: dict[str, Any] = {}
    try:  # the project's first basemap that opens, as in the app and the HTML export
        base = opened[0] if opened else None
        map_png = staticmap.incident_map(
            points,
            areas,
            labels,
            subject=subject,
            basemap=base.tileset if base is not None else None,
            layout=drawn,
        )
    finally:
        close_all(opened)
    basemap_source = (
        _basemap_source(base.basemap, base.tileset.info.attribution)
        if base is not None and drawn.get("basemap") is not None
        else None
    )
    checkpoint(40, "Drawing the chart")
    chart_png = (
        charts.weekly_chart(data.weekly, data.chart_from, spec.date_from, spec.date_to)
        if spec.kind is ReportKind.PERIODIC
        else b""
    )
    checkpoint(50, "Writing the document")
    title = report_title(spec.region.title, spec.kind, number)
    meta = ReportMeta(
        title=title,
        organisation=organisation,
        logo=logo,
        classification=spec.classification,
        kind=spec.kind,
        number=number,
        issued=issued,
        sections=spec.sections or default_sections(spec.kind),
        status=spec.status,
        revision=revision,
        replaces=replaces,
        next_report=next_due,
        contact=contact,
        annex_limit=spec.annex_limit,
        map_sources=_map_sources(areas, labels) + ([basemap_source] if basemap_source else []),
    )
    writer = DocxWriter(template_file, data, meta, flash=context)
    writer.build(map_png, chart_png, progress=checkpoint)
    checkpoint(85, "Saving")
    figures = data.figures_json()
    figures.update(title=title, number=number, revision=revision, status=spec.status.value)
    staged = StagedFiles()
    try:
        staged.write(out, writer.to_bytes())
        if json_out is not None:
            text = json.dumps(figures, ensure_ascii=False, indent=2) + "\n"
            staged.write(json_out, text.encode("utf-8"))
        checkpoint(95, "Recording the report")
        with project.session() as s:
            report_id = _record(s, spec, number, title, revision, data, out, json_out)
            staged.place()
        # committed: the files stay
    except BaseException:
        staged.undo()
        raise
    staged.cleanup()
    step(100, "Done")
    return Generated(out, report_id, number, title, data, revision, json_out)


def _record(
    s: Session,
    spec: ReportSpec,
    number: int,
    title: str,
    revision: int,
    data: ReportData,
    out: Path,
    json_out: Path | None,
) -> uuid.UUID:
    if spec.report_id is not None:
        report = s.get(Report, spec.report_id)
        if report is None:
            raise SitrepError("The report was deleted while it was being generated.")
        report.period_from, report.period_to = spec.date_from, spec.date_to
        report.comparison = spec.comparison
        report.incident_ids = [str(i) for i in spec.incident_ids]
    else:
        report = create_report(
            s,
            spec.region,
            spec.date_from,
            spec.date_to,
            kind=spec.kind,
            number=number,
            classification=spec.classification,
            sections=spec.sections or default_sections(spec.kind),
            comparison=spec.comparison,
            incident_ids=spec.incident_ids,
        )
    report.title = title
    report.status = spec.status
    report.files.append(
        ReportFile(
            path=str(out.resolve()),
            filter_json=data.filter.describe(),
            data_hash=data.data_hash,
            figures_json=data.figures_json(),
            snapshot=data.snapshot,
            revision=revision,
            status=spec.status.value,
            json_path=str(json_out.resolve()) if json_out is not None else None,
        )
    )
    s.flush()
    return report.id


def _replaces(report: Report) -> str:
    """``revision 1 of 8 June 2025`` — what a new revision replaces."""
    if not report.files:
        return ""
    last = report.files[-1]
    return f"revision {last.revision} of {last.created_at.day} {last.created_at:%B %Y}"


def _subject_label(data: ReportData, areas: list[staticmap.MapArea]) -> staticmap.MapLabel | None:
    """The report's subject, named on the map: the region (or the flash update's place)."""
    region_geoms = [a.geometry for a in areas if a.in_region]
    if region_geoms:
        from shapely.ops import unary_union

        point = unary_union(region_geoms).representative_point()
        return staticmap.MapLabel(data.region.place, point.x, point.y)
    located = [r for r in data.incidents if r.lat is not None and r.lon is not None]
    if not located:
        return None
    lon = sum(r.lon for r in located if r.lon is not None) / len(located)
    lat = sum(r.lat for r in located if r.lat is not None) / len(located)
    return staticmap.MapLabel(data.region.place, lon, lat)


def _map_sources(areas: list[staticmap.MapArea], labels: list[staticmap.MapLabel]) -> list[str]:
    sources = ["country outlines from Natural Earth (public domain)"]
    if areas:
        sources.append("admin boundaries from the project's boundary pack")
    if any(label.weight for label in labels):
        sources.append("towns from GeoNames (CC BY 4.0)")
    elif labels:
        sources.append("towns from the project's places")
    return sources


def _basemap_source(basemap: Basemap, attribution: str) -> str:
    credit = plain_text(attribution)
    return f"basemap '{basemap.name}'" + (f" ({credit})" if credit else "")


def _setting(session: Session, key: str) -> str:
    from sitrep.model import ProjectSetting

    row = session.get(ProjectSetting, key)
    return row.value if row else ""
