"""A flash update is about one event: the chosen incidents and what surrounds them.

Not a shortened periodic report: it says what happened (each incident's account, time
and place), the harm, who was involved, where the information comes from and how far
it is verified, and puts the event in context with the incidents recorded nearby in
the weeks before. The incidents are chosen by the user (selected rows in the app,
``--incident REF`` on the command line); the region and period follow from them.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from sitrep.errors import SitrepError
from sitrep.model import AdminArea, Incident, Report, Source
from sitrep.model.enums import LocationPrecision, SourceType
from sitrep.places.regions import Region, area_ref, region
from sitrep.reporting.annex import AnnexRow, annex_rows
from sitrep.reporting.figures import ReportData
from sitrep.store.queries import select_incidents

RADIUS_KM = 25.0
DAYS_BEFORE = 30
MAX_NEARBY = 12


@dataclass
class SourceNote:
    source_type: str
    grading: str
    published: dt.date | None


@dataclass
class EventDetail:
    row: AnnexRow
    account: str  # the narrative, or "" when withheld at this classification
    withheld: bool
    time_local: str | None
    location: list[str]  # place, then the admin areas from the smallest up
    precision: str
    impacts: list[str]
    sources: list[SourceNote] = field(default_factory=list)


@dataclass
class FlashContext:
    events: list[EventDetail]
    nearby: list[AnnexRow]
    radius_km: float = RADIUS_KM
    days_before: int = DAYS_BEFORE

    @property
    def first_day(self) -> dt.date:
        return min(e.row.date for e in self.events)


def find_incidents(session: Session, references: list[str]) -> list[Incident]:
    """The incidents with these references (case-insensitive), in the order given."""
    found: list[Incident] = []
    missing: list[str] = []
    for ref in references:
        ref = ref.strip()
        incident = session.scalar(
            select(Incident).where(func.upper(Incident.reference) == ref.upper())
        )
        if incident is None:
            missing.append(ref)
        elif incident not in found:
            found.append(incident)
    if missing:
        raise SitrepError(f"No incident with the reference {', '.join(missing)} in this project.")
    if not found:
        raise SitrepError("Give at least one incident for the flash update (--incident REF).")
    return found


def flash_region(session: Session, incidents: list[Incident]) -> Region:
    """The smallest admin area holding every chosen incident (township, district, …)."""
    for column in ("admin3_id", "admin2_id", "admin1_id"):
        ids = {getattr(i, column) for i in incidents}
        if len(ids) == 1 and None not in ids:
            area = session.get(AdminArea, ids.pop())
            if area is not None:
                return region(session, area.name, (area_ref(area),))
    countries = {i.country_iso for i in incidents if i.country_iso}
    if len(countries) == 1:
        country = session.scalar(
            select(AdminArea).where(AdminArea.level == 0, AdminArea.pcode == countries.pop())
        )
        if country is not None:
            return region(session, country.name, (area_ref(country),))
    raise SitrepError(
        "The chosen incidents share no admin area this project knows: give the region "
        "(--region NAME)."
    )


def flash_period(incidents: list[Incident]) -> tuple[dt.date, dt.date]:
    return min(i.date_start for i in incidents), max(i.date_start for i in incidents)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def flash_context(session: Session, data: ReportData) -> FlashContext:
    """Details of the chosen incidents and the earlier incidents near them."""
    from sitrep.sharing.redaction import needs_redaction

    ceiling = data.filter.max_sensitivity
    redact = ceiling is not None and needs_redaction(ceiling)
    ids = [r.id for r in data.incidents]
    incidents = {i.id: i for i in session.scalars(select(Incident).where(Incident.id.in_(ids)))}
    areas: dict[uuid.UUID, str] = {}
    area_ids = {
        a
        for i in incidents.values()
        for a in (i.admin1_id, i.admin2_id, i.admin3_id, i.admin4_id)
        if a is not None
    }
    if area_ids:
        areas = dict(
            session.execute(
                select(AdminArea.id, AdminArea.name).where(AdminArea.id.in_(area_ids))
            ).all()
        )
    sources: dict[uuid.UUID, list[SourceNote]] = {}
    for source in session.scalars(
        select(Source).where(Source.incident_id.in_(ids)).order_by(Source.position)
    ):
        sources.setdefault(source.incident_id, []).append(
            SourceNote(SourceType(source.source_type).value, source.grading, source.published)
        )
    events: list[EventDetail] = []
    for row in data.incidents:
        inc = incidents[row.id]
        sensitive = set(inc.sensitive_fields or [])
        withheld = redact and bool(sensitive & {"narrative", "victim_names"})
        location = [row.place] if row.place else []
        for area_id in (inc.admin4_id, inc.admin3_id, inc.admin2_id, inc.admin1_id):
            name = areas.get(area_id) if area_id is not None else None
            if name and name not in location:
                location.append(name)
        events.append(
            EventDetail(
                row=row,
                account="" if withheld else (inc.narrative or "").strip(),
                withheld=withheld,
                time_local=inc.time_local,
                location=location or ["an unspecified location"],
                precision=_precision_text(inc),
                impacts=list(inc.impacts or []),
                sources=sources.get(row.id, []),
            )
        )
    return FlashContext(events, _nearby(session, data, list(incidents.values())))


def _precision_text(inc: Incident) -> str:
    if inc.lat is None or inc.lon is None:
        return "no coordinates"
    return LocationPrecision(inc.location_precision).label


def _nearby(session: Session, data: ReportData, chosen: list[Incident]) -> list[AnnexRow]:
    """Incidents before the event within RADIUS_KM of it (or in its township without
    coordinates), over the DAYS_BEFORE days before its first day, most recent first."""
    first = min(i.date_start for i in chosen)
    last = max(i.date_start for i in chosen)
    base = data.filter.with_period(first - dt.timedelta(days=DAYS_BEFORE), last)
    base = type(base)(
        region=None,
        date_from=base.date_from,
        date_to=base.date_to,
        verification=base.verification,
        max_sensitivity=base.max_sensitivity,
    )
    located = [i for i in chosen if i.lat is not None and i.lon is not None]
    townships = {i.admin3_id for i in chosen if i.admin3_id is not None}
    near: list[Any] = []
    for inc in located:
        dlat = RADIUS_KM / 111.0
        dlon = RADIUS_KM / (111.0 * max(math.cos(math.radians(inc.lat or 0.0)), 0.1))
        near.append(
            and_(
                Incident.lat.between((inc.lat or 0) - dlat, (inc.lat or 0) + dlat),
                Incident.lon.between((inc.lon or 0) - dlon, (inc.lon or 0) + dlon),
            )
        )
    if townships:
        near.append(and_(Incident.lat.is_(None), Incident.admin3_id.in_(townships)))
    if not near:
        return []
    chosen_ids = {i.id for i in chosen}
    candidates = [
        row
        for row in session.execute(
            select_incidents(base, Incident.id, Incident.lat, Incident.lon).where(or_(*near))
        )
        if row[0] not in chosen_ids
        and (
            row[1] is None
            or any(_km(row[1], row[2], i.lat or 0.0, i.lon or 0.0) <= RADIUS_KM for i in located)
        )
    ]
    if not candidates:
        return []
    wanted = tuple(r[0] for r in candidates)
    rows = annex_rows(session, type(base)(ids=wanted))
    rows.sort(key=lambda r: (r.date, r.reference), reverse=True)
    return rows[:MAX_NEARBY]


def open_flash_report(
    session: Session, incident_ids: list[uuid.UUID], classification: str = "INTERNAL"
) -> tuple[Report, bool]:
    """The flash update about these incidents: the existing one (a new revision when it is
    generated again) or a new draft with the next number. True when it is new."""
    from sitrep.model.enums import ReportKind
    from sitrep.reporting.records import create_report, find_same

    incidents = [i for i in (session.get(Incident, i) for i in incident_ids) if i is not None]
    if not incidents:
        raise SitrepError("Select the incidents the flash update is about.")
    where = flash_region(session, incidents)
    first, last = flash_period(incidents)
    ids = tuple(i.id for i in incidents)
    existing = find_same(session, where, ReportKind.FLASH, first, last, ids)
    if existing is not None:
        return existing, False
    report = create_report(
        session,
        where,
        first,
        last,
        kind=ReportKind.FLASH,
        classification=classification,
        incident_ids=ids,
    )
    return report, True
