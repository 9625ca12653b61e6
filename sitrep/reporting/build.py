"""Generate a situation report: figures -> charts -> map -> DOCX -> record.

Used by ``sitrep report`` and by the report editor's worker thread alike. The document
is written to a temporary file beside the target and renamed into place only when
complete, so an error or a cancel never leaves a half-written file at the target; the
:class:`~sitrep.model.ReportFile` record is added in the same step.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sitrep.errors import SitrepError
from sitrep.model import AdminArea, Place, Report, ReportFile
from sitrep.model.enums import ReportKind, ReportStatus
from sitrep.places.regions import Region
from sitrep.reporting import charts, staticmap
from sitrep.reporting.docx_writer import DocxWriter, ReportMeta
from sitrep.reporting.figures import ReportData, collect
from sitrep.reporting.records import (
    check_period,
    create_report,
    default_sections,
    find_report,
    next_number,
    region_of,
    report_title,
    sections_of,
)
from sitrep.reporting.templates import template_path
from sitrep.store import Project

Progress = Callable[[int, str], None]


class Cancelled(Exception):
    """The user cancelled the generation; nothing was written."""


@dataclass
class ReportSpec:
    """What to generate: an existing report, or a new one with the next number."""

    region: Region
    date_from: dt.date
    date_to: dt.date
    kind: ReportKind = ReportKind.PERIODIC
    number: int | None = None
    report_id: uuid.UUID | None = None
    classification: str = "INTERNAL"
    status: ReportStatus = ReportStatus.DRAFT
    sections: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Generated:
    path: Path
    report_id: uuid.UUID
    number: int
    title: str
    data: ReportData


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
    )


def spec_for_cli(
    session: Session,
    region: Region,
    date_from: dt.date,
    date_to: dt.date,
    kind: ReportKind,
    number: int | None,
) -> ReportSpec:
    """``--number N`` regenerates report N if it exists (keeping its narrative)."""
    check_period(date_from, date_to)
    if number is not None:
        if number < 1:
            raise SitrepError("A report number must be 1 or more.")
        existing = find_report(session, region, kind, number)
        if existing is not None:
            spec = spec_for_report(session, existing)
            spec.date_from, spec.date_to = date_from, date_to
            return spec
    return ReportSpec(
        region=region,
        date_from=date_from,
        date_to=date_to,
        kind=kind,
        number=number,
        sections=default_sections(kind),
    )


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
    session: Session, data: ReportData
) -> tuple[list[staticmap.MapPoint], list[staticmap.MapArea], list[staticmap.MapLabel]]:
    points = [
        staticmap.MapPoint(r.lon, r.lat, r.event_type, r.killed, synthetic=r.is_synthetic)
        for r in data.incidents
        if r.lat is not None and r.lon is not None
    ]
    region_ids = {a.id for a in data.region.areas}
    areas: list[staticmap.MapArea] = []
    for area in session.scalars(
        select(AdminArea).where(AdminArea.geometry.is_not(None), AdminArea.level <= 3)
    ):
        geom = staticmap.parse_geometry(area.geometry)
        if geom is not None:
            areas.append(staticmap.MapArea(area.level, geom, area.id in region_ids))
    lons = [p.lon for p in points] or [96.0]
    lats = [p.lat for p in points] or [25.0]
    pad = 0.6
    labels = [
        staticmap.MapLabel(name, lon, lat)
        for name, lon, lat in session.execute(
            select(Place.name, Place.lon, Place.lat)
            .where(
                Place.kind.in_(("town", "city", "capital")),
                Place.lon.between(min(lons) - pad, max(lons) + pad),
                Place.lat.between(min(lats) - pad, max(lats) + pad),
            )
            .order_by(Place.name)
            .limit(60)
        )
        if lon is not None and lat is not None
    ]
    return points, areas, labels


def generate(
    project: Project,
    spec: ReportSpec,
    output: str | Path,
    *,
    template: Path | None = None,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    today: dt.date | None = None,
) -> Generated:
    """Build the document at ``output`` and record it; raise on any problem."""
    out = Path(output)
    step = progress or (lambda _p, _m: None)

    def checkpoint(percent: int, message: str) -> None:
        if is_cancelled is not None and is_cancelled():
            raise Cancelled("Report generation cancelled; nothing was written.")
        step(percent, message)

    check_period(spec.date_from, spec.date_to)
    if not out.parent.is_dir():
        raise SitrepError(f"The folder {out.parent} does not exist.")
    template_file = resolve_template(project, spec.kind, template)
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
        )
        if data.figures.incidents == 0:
            raise SitrepError(
                f"No incidents in {spec.region.name} between {spec.date_from} and "
                f"{spec.date_to}: there is nothing to report. Check the region and the dates."
            )
        number = spec.number or next_number(s, spec.region.key, spec.kind)
        checkpoint(25, "Drawing the map")
        points, areas, labels = map_inputs(s, data)
        organisation = _setting(s, "organisation") or _setting(s, "name") or project.name
        logo_setting = _setting(s, "logo")
    logo = Path(logo_setting) if logo_setting else None
    if logo is not None and not logo.is_file():
        raise SitrepError(
            f"The organisation's logo {logo} is missing. Restore it, or clear the project "
            "setting 'logo'."
        )
    map_png = staticmap.incident_map(points, areas, labels)
    checkpoint(40, "Drawing the chart")
    chart_png = charts.weekly_chart(data.weekly, data.chart_from, spec.date_from, spec.date_to)
    checkpoint(50, "Writing the document")
    meta = ReportMeta(
        title=report_title(spec.region.name, spec.kind, number),
        organisation=organisation,
        logo=logo,
        classification=spec.classification,
        kind=spec.kind,
        number=number,
        issued=today or dt.date.today(),
        sections=spec.sections or default_sections(spec.kind),
        status=spec.status,
    )
    writer = DocxWriter(template_file, data, meta)
    writer.build(map_png, chart_png, progress=checkpoint)
    checkpoint(85, "Saving")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.stem}-", suffix=".docx.part", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        writer.save(tmp)
        checkpoint(95, "Recording the report")
        with project.session() as s:
            if spec.report_id is not None:
                report = s.get(Report, spec.report_id)
                if report is None:
                    raise SitrepError("The report was deleted while it was being generated.")
                report.period_from, report.period_to = spec.date_from, spec.date_to
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
                )
            report.files.append(
                ReportFile(
                    path=str(out.resolve()),
                    filter_json=data.filter.describe(),
                    data_hash=data.data_hash,
                    figures_json=data.figures_json(),
                    snapshot=data.snapshot,
                )
            )
            s.flush()
            report_id = report.id
            os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    step(100, "Done")
    return Generated(out, report_id, number, meta.title, data)


def _setting(session: Session, key: str) -> str:
    from sitrep.model import ProjectSetting

    row = session.get(ProjectSetting, key)
    return row.value if row else ""
