"""Report records: numbering per region and kind, revisions, default periods and sections.

A :class:`~sitrep.model.Report` is what the author works on (region, period, narrative,
status); each generated document adds a :class:`~sitrep.model.ReportFile` recording the
filter, a hash of the data and a snapshot of incident versions, so the next report can
say what changed since and a document can be rebuilt identically. Numbers count per
region and kind; generating the same region, kind and period again (for a flash
update: the same incidents) adds a revision to that report instead of a new number.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sitrep.errors import SitrepError, ValidationError
from sitrep.model import AdminArea, Report, ReportFile
from sitrep.model.enums import ReportKind, ReportStatus
from sitrep.places.regions import AreaRef, Region, area_ref, region

DEFAULT_SECTIONS: tuple[str, ...] = (
    "Highlights",
    "Situation overview",
    "Humanitarian impact",
    "Access constraints",
    "Outlook",
)
FLASH_SECTIONS: tuple[str, ...] = ("Highlights", "Situation overview", "Humanitarian impact")
HIGHLIGHTS = "Highlights"
OVERVIEW = "Situation overview"

PeriodLength = Literal["week", "month"]


def default_period(today: dt.date, length: PeriodLength = "week") -> tuple[dt.date, dt.date]:
    """The last *full* week (Monday–Sunday) or calendar month before ``today``."""
    if length == "week":
        this_monday = today - dt.timedelta(days=today.weekday())
        start = this_monday - dt.timedelta(days=7)
        return start, start + dt.timedelta(days=6)
    first_this_month = today.replace(day=1)
    last_prev = first_this_month - dt.timedelta(days=1)
    start = last_prev.replace(day=1)
    return start, last_prev.replace(day=calendar.monthrange(last_prev.year, last_prev.month)[1])


def check_period(date_from: dt.date | None, date_to: dt.date | None) -> None:
    if date_from is None or date_to is None:
        raise ValidationError("A report needs a period: give both a start and an end date.")
    if date_from > date_to:
        raise ValidationError(
            f"The period is empty: it starts on {date_from:%d %B %Y}, "
            f"after its end on {date_to:%d %B %Y}.",
            field="period",
        )


def next_number(session: Session, region_key: str, kind: ReportKind) -> int:
    current = session.scalar(
        select(func.max(Report.number)).where(Report.region_key == region_key, Report.kind == kind)
    )
    return int(current or 0) + 1


def default_sections(kind: ReportKind) -> list[dict[str, str]]:
    names = FLASH_SECTIONS if kind is ReportKind.FLASH else DEFAULT_SECTIONS
    return [{"title": name, "body": ""} for name in names]


def region_of(report: Report, session: Session) -> Region:
    """The region a stored report covers (its areas as they are now in the project)."""
    refs: list[AreaRef] = []
    for raw in report.region_area_ids:
        area = session.get(AdminArea, uuid.UUID(str(raw)))
        if area is not None:
            refs.append(area_ref(area))
    if not refs:
        raise SitrepError(
            f"The areas of region '{report.region_name}' are no longer in this project."
        )
    if len(refs) == 1:
        return region(session, refs[0].name, tuple(refs))  # the area's name as it is now
    return region(session, report.region_name, tuple(refs))


def find_report(session: Session, region: Region, kind: ReportKind, number: int) -> Report | None:
    return session.scalar(
        select(Report).where(
            Report.region_key == region.key, Report.kind == kind, Report.number == number
        )
    )


def find_same(
    session: Session,
    region: Region,
    kind: ReportKind,
    date_from: dt.date,
    date_to: dt.date,
    incident_ids: tuple[uuid.UUID, ...] = (),
) -> Report | None:
    """The report of this region, kind and period (and incidents) already in the project."""
    wanted = sorted(str(i) for i in incident_ids)
    for report in session.scalars(
        select(Report)
        .where(
            Report.region_key == region.key,
            Report.kind == kind,
            Report.period_from == date_from,
            Report.period_to == date_to,
        )
        .order_by(Report.number.desc())
    ):
        if sorted(str(i) for i in report.incident_ids or []) == wanted:
            return report
    return None


def next_revision(session: Session, report_id: uuid.UUID) -> int:
    current = session.scalar(
        select(func.max(ReportFile.revision)).where(ReportFile.report_id == report_id)
    )
    return int(current or 0) + 1


def create_report(
    session: Session,
    region: Region,
    date_from: dt.date,
    date_to: dt.date,
    *,
    kind: ReportKind = ReportKind.PERIODIC,
    number: int | None = None,
    classification: str = "INTERNAL",
    sections: list[dict[str, str]] | None = None,
    comparison: str = "auto",
    incident_ids: tuple[uuid.UUID, ...] = (),
) -> Report:
    """A new draft report with the next number for its region and kind."""
    check_period(date_from, date_to)
    if number is None:
        number = next_number(session, region.key, kind)
    elif number < 1:
        raise ValidationError("A report number must be 1 or more.", field="number")
    elif find_report(session, region, kind, number) is not None:
        raise ValidationError(
            f"{region.name} already has a {kind.value} report No. {number}.", field="number"
        )
    report = Report(
        kind=kind,
        number=number,
        region_key=region.key,
        region_name=region.name,
        region_area_ids=[str(a.id) for a in region.areas],
        period_from=date_from,
        period_to=date_to,
        status=ReportStatus.DRAFT,
        classification=classification,
        sections=sections if sections is not None else default_sections(kind),
        title=report_title(region.title, kind, number),
        comparison=comparison,
        incident_ids=[str(i) for i in incident_ids],
    )
    session.add(report)
    session.flush()
    return report


def report_title(heading: str, kind: ReportKind, number: int) -> str:
    """``Myanmar: Kachin State – Situation Report No. 4`` (the heading names the country)."""
    what = "Flash Update" if kind is ReportKind.FLASH else "Situation Report"
    return f"{heading} – {what} No. {number}"


def sections_of(report: Report) -> list[dict[str, str]]:
    """The sections as clean ``{"title", "body"}`` dicts (tolerant of old/odd JSON)."""
    out: list[dict[str, str]] = []
    for raw in report.sections or []:
        if isinstance(raw, dict):
            out.append({"title": str(raw.get("title", "")), "body": str(raw.get("body", ""))})
    return out


def previous_final(
    session: Session, region_key: str, period_to: dt.date, exclude: uuid.UUID | None = None
) -> tuple[Report, ReportFile] | None:
    """The latest document issued as *final* for the same region, of an earlier period.

    A file generated as final counts (``sitrep report --final``, or Final in the report
    editor), and so does the last file of a report marked final afterwards; a draft is
    never "the previous report"."""
    conds = [
        Report.region_key == region_key,
        Report.kind == ReportKind.PERIODIC,
        Report.period_to < period_to,
    ]
    if exclude is not None:
        conds.append(Report.id != exclude)
    stmt = select(Report).where(*conds).order_by(Report.period_to.desc(), Report.number.desc())
    for candidate in session.scalars(stmt):
        files = sorted(candidate.files, key=lambda f: (f.revision, f.id))
        final = [f for f in files if f.status == ReportStatus.FINAL.value]
        if final:
            return candidate, final[-1]
        if candidate.status == ReportStatus.FINAL and files:
            return candidate, files[-1]
    return None
