"""Everything a report shows, computed from the query layer in one pass.

:func:`collect` turns a region and period into :class:`ReportData`: the key figures
and those of the previous period of equal length, tables by type and area, the weekly
series for the chart, the annex rows (read with Core queries, fast for 10,000
incidents), which incident references each figure counts, a hash of the data, and the
snapshot that lets the next report say what changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from sitrep.model import Actor, AdminArea, Casualty, Incident, IncidentActor, Source
from sitrep.model.enums import (
    ActorRole,
    Outcome,
    Reliability,
    Sensitivity,
    SourceType,
    Verification,
)
from sitrep.places.regions import Region
from sitrep.store.queries import (
    AreaCount,
    IncidentFilter,
    KeyFigures,
    PeriodCount,
    TypeCount,
    casualty_breakdown,
    counts_by_area,
    counts_by_period,
    counts_by_type,
    key_figures,
    select_incidents,
)

FIGURE_KEYS = (
    "incidents",
    "killed",
    "civilians_killed",
    "injured",
    "abducted_detained",
    "areas_affected",
)
FIGURE_LABELS = {
    "incidents": "Incidents",
    "killed": "People killed",
    "civilians_killed": "Civilians killed",
    "injured": "People injured",
    "abducted_detained": "Abducted or detained",
    "areas_affected": "Townships affected",
}
CHART_WEEKS = 12
# Incidents shown in reports: everything but retractions (listed under "what changed").
REPORTED = tuple(v for v in Verification if v is not Verification.RETRACTED)
_SIDE_ROLES = {
    ActorRole.SIDE_A: "A",
    ActorRole.ASSOCIATED_A: "A",
    ActorRole.PERPETRATOR: "A",
    ActorRole.SIDE_B: "B",
    ActorRole.ASSOCIATED_B: "B",
    ActorRole.TARGET: "B",
}


@dataclass
class SourceRow:
    name: str
    source_type: str
    grading: str


@dataclass
class ClaimRow:
    outcome: str
    affiliation: str
    best: int


@dataclass
class AnnexRow:
    """One incident as the annex, highlights and change list show it."""

    id: uuid.UUID
    reference: str
    version: int
    date: dt.date
    date_end: dt.date
    title: str
    place: str
    township: str
    district: str
    event_type: str
    sub_event_type: str
    local_type: str
    verification: Verification
    killed: int
    civilians_killed: int
    injured: int
    abducted_detained: int
    killed_claimed: int
    lat: float | None
    lon: float | None
    impact_count: int = 0
    side_a: list[str] = field(default_factory=list)
    side_b: list[str] = field(default_factory=list)
    claimants: list[str] = field(default_factory=list)
    alleged: list[str] = field(default_factory=list)  # alleged perpetrators: "allegedly"
    denying: list[str] = field(default_factory=list)  # actors denying involvement
    sources: list[SourceRow] = field(default_factory=list)
    claims: list[ClaimRow] = field(default_factory=list)

    @property
    def type_label(self) -> str:
        return self.local_type or self.sub_event_type

    @property
    def severity(self) -> int:
        return (
            4 * self.civilians_killed
            + 3 * self.killed
            + self.injured
            + 2 * self.abducted_detained
            + self.killed_claimed
            + 2 * self.impact_count
        )

    @property
    def best_grading(self) -> str:
        if not self.sources:
            return ""
        return min(s.grading for s in self.sources)


@dataclass
class Revision:
    row_reference: str
    date: dt.date
    title: str
    what: str


@dataclass
class Changes:
    """What changed since the previous final report of the same region."""

    previous_title: str | None = None
    previous_issued: dt.date | None = None
    late: list[AnnexRow] = field(default_factory=list)
    revised: list[Revision] = field(default_factory=list)
    retracted: list[Revision] = field(default_factory=list)


@dataclass
class ReportData:
    region: Region
    date_from: dt.date
    date_to: dt.date
    filter: IncidentFilter
    figures: KeyFigures
    previous: KeyFigures
    killed_low: int
    killed_high: int
    by_type: list[TypeCount]
    by_type_previous: dict[str, int]
    area_level: int
    by_area: list[AreaCount]
    chart_from: dt.date
    weekly: list[PeriodCount]
    incidents: list[AnnexRow]
    trace: dict[str, list[str]]
    data_hash: str
    snapshot: dict[str, Any]
    changes: Changes
    sources_by_type: dict[str, int]

    @property
    def previous_from(self) -> dt.date:
        return self.date_from - (self.date_to - self.date_from + dt.timedelta(days=1))

    @property
    def previous_to(self) -> dt.date:
        return self.date_from - dt.timedelta(days=1)

    def figures_json(self) -> dict[str, Any]:
        """The ``--json`` contract of DESIGN.md, plus the references each figure counts."""
        return {
            "region": self.region.name,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "figures": self.figures.as_dict(),
            "previous": self.previous.as_dict(),
            "previous_period": {
                "from": self.previous_from.isoformat(),
                "to": self.previous_to.isoformat(),
            },
            "killed_range": {"low": self.killed_low, "high": self.killed_high},
            "killed_claimed": self.figures.killed_claimed,
            "references": self.trace,
            "data_hash": self.data_hash,
        }


def report_filter(
    region: Region, date_from: dt.date, date_to: dt.date, classification: str = ""
) -> IncidentFilter:
    """The filter a report uses: region, period, no retractions, within its marking."""
    try:
        ceiling: Sensitivity | None = Sensitivity(classification.strip().lower())
    except ValueError:
        ceiling = None
    return IncidentFilter(
        region=region,
        date_from=date_from,
        date_to=date_to,
        verification=REPORTED,
        max_sensitivity=ceiling,
    )


def area_level_for(region: Region) -> int:
    """Tables go one level finer than townships only for township-sized regions."""
    return 3 if region.level < 3 else 4


def collect(
    session: Session,
    region: Region,
    date_from: dt.date,
    date_to: dt.date,
    *,
    classification: str = "",
    report_key: tuple[str, dt.date, uuid.UUID | None] | None = None,
) -> ReportData:
    """``report_key`` (region key, period end, report id) enables "what changed since"."""
    flt = report_filter(region, date_from, date_to, classification)
    prev_flt = flt.previous_period()
    figures = key_figures(session, flt)
    previous = key_figures(session, prev_flt)
    low = high = 0
    for row in casualty_breakdown(session, flt):
        if row.outcome == Outcome.KILLED.value:
            low += row.low
            high += row.high
    by_type = counts_by_type(session, flt)
    by_type_previous = {t.event_type: t.incidents for t in counts_by_type(session, prev_flt)}
    level = area_level_for(region)
    by_area = counts_by_area(session, flt, level)
    chart_from = _chart_start(date_from, date_to)
    weekly = counts_by_period(session, flt.with_period(chart_from, date_to), "week")
    rows = annex_rows(session, flt)
    trace = {
        "incidents": [r.reference for r in rows],
        "killed": [r.reference for r in rows if r.killed],
        "civilians_killed": [r.reference for r in rows if r.civilians_killed],
        "injured": [r.reference for r in rows if r.injured],
        "abducted_detained": [r.reference for r in rows if r.abducted_detained],
        "killed_claimed": [r.reference for r in rows if r.killed_claimed],
    }
    snapshot = {
        str(r.id): {
            "v": r.version,
            "ref": r.reference,
            "date": r.date.isoformat(),
            "title": r.title,
            "killed": r.killed,
            "civilians_killed": r.civilians_killed,
            "injured": r.injured,
            "abducted_detained": r.abducted_detained,
            "verification": r.verification.value,
            "type": r.event_type,
        }
        for r in rows
    }
    digest = hashlib.sha256(
        json.dumps(
            {"filter": flt.describe(), "data": sorted((k, v["v"]) for k, v in snapshot.items())},
            sort_keys=True,
        ).encode()
    ).hexdigest()
    sources_by_type: dict[str, int] = defaultdict(int)
    for r in rows:
        for s in r.sources:
            sources_by_type[s.source_type] += 1
    changes = changes_since(session, report_key, flt) if report_key is not None else Changes()
    return ReportData(
        region=region,
        date_from=date_from,
        date_to=date_to,
        filter=flt,
        figures=figures,
        previous=previous,
        killed_low=low,
        killed_high=high,
        by_type=by_type,
        by_type_previous=by_type_previous,
        area_level=level,
        by_area=by_area,
        chart_from=chart_from,
        weekly=weekly,
        incidents=rows,
        trace=trace,
        data_hash=digest,
        snapshot=snapshot,
        changes=changes,
        sources_by_type=dict(sorted(sources_by_type.items(), key=lambda kv: -kv[1])),
    )


def _chart_start(date_from: dt.date, date_to: dt.date) -> dt.date:
    """The chart shows the period and the weeks before it: at least twelve weeks."""
    end_monday = date_to - dt.timedelta(days=date_to.weekday())
    start = min(date_from, end_monday - dt.timedelta(weeks=CHART_WEEKS - 1))
    return start - dt.timedelta(days=start.weekday())


def annex_rows(session: Session, flt: IncidentFilter) -> list[AnnexRow]:
    """The filtered incidents with places, actors, sources and claims, oldest first.

    Four Core queries whatever the number of incidents (no ORM objects, no N+1).
    """
    town = aliased(AdminArea)
    dist = aliased(AdminArea)
    stmt = (
        select_incidents(
            flt,
            Incident.id,
            Incident.reference,
            Incident.version,
            Incident.date_start,
            Incident.date_end,
            Incident.title,
            Incident.place_name,
            town.name,
            dist.name,
            Incident.event_type,
            Incident.sub_event_type,
            Incident.local_type,
            Incident.verification,
            Incident.killed,
            Incident.civilians_killed,
            Incident.injured,
            Incident.abducted_detained,
            Incident.killed_claimed,
            Incident.lat,
            Incident.lon,
            func.json_array_length(Incident.impacts),  # counted in SQL, not decoded
        )
        .outerjoin(town, town.id == Incident.admin3_id)
        .outerjoin(dist, dist.id == Incident.admin2_id)
        .order_by(Incident.date_start, Incident.reference)
    )
    rows: dict[uuid.UUID, AnnexRow] = {}
    for r in session.execute(stmt):
        rows[r[0]] = AnnexRow(
            id=r[0],
            reference=r[1],
            version=r[2],
            date=r[3],
            date_end=r[4],
            title=r[5] or "",
            place=r[6] or "",
            township=r[7] or "",
            district=r[8] or "",
            event_type=r[9],
            sub_event_type=r[10],
            local_type=r[11] or "",
            verification=Verification(r[12]),
            killed=r[13],
            civilians_killed=r[14],
            injured=r[15],
            abducted_detained=r[16],
            killed_claimed=r[17],
            lat=r[18],
            lon=r[19],
            impact_count=int(r[20] or 0),
        )
    if not rows:
        return []
    ids = select_incidents(flt, Incident.id).scalar_subquery()
    actor_stmt = (
        select(
            IncidentActor.incident_id,
            IncidentActor.role,
            Actor.name,
            IncidentActor.denies_involvement,
        )
        .join(Actor, Actor.id == IncidentActor.actor_id)
        .where(IncidentActor.incident_id.in_(ids))
        .order_by(Actor.name)
    )
    for incident_id, role, name, denies in session.execute(actor_stmt):
        row = rows.get(incident_id)
        if row is None:
            continue
        role = ActorRole(role)
        if denies and name not in row.denying:
            row.denying.append(name)
        if role is ActorRole.ALLEGED_PERPETRATOR:
            row.alleged.append(name)  # never listed as a side: not established
        elif role is ActorRole.CLAIMANT:
            row.claimants.append(name)
        elif _SIDE_ROLES.get(role) == "A":
            row.side_a.append(name)
        elif _SIDE_ROLES.get(role) == "B":
            row.side_b.append(name)
    source_stmt = (
        select(
            Source.incident_id,
            Source.name,
            Source.source_type,
            Source.reliability,
            Source.credibility,
        )
        .where(Source.incident_id.in_(ids))
        .order_by(Source.incident_id, Source.position)
    )
    for incident_id, name, stype, rel, cred in session.execute(source_stmt):
        row = rows.get(incident_id)
        if row is None:
            continue
        stype_value = SourceType(stype).value
        row.sources.append(SourceRow(name, stype_value, f"{Reliability(rel).value}{int(cred)}"))
        if SourceType(stype) is SourceType.PARTY_STATEMENT and not row.claimants:
            row.claimants.append(name)
    claim_stmt = (
        select(Casualty.incident_id, Casualty.outcome, Casualty.affiliation, Casualty.best)
        .where(Casualty.incident_id.in_(ids), Casualty.is_party_claim.is_(True))
        .order_by(Casualty.incident_id, Casualty.position)
    )
    for incident_id, outcome, affiliation, best in session.execute(claim_stmt):
        row = rows.get(incident_id)
        if row is not None:
            row.claims.append(ClaimRow(str(outcome), str(affiliation), int(best)))
    return list(rows.values())


_TRACKED = (
    ("killed", "killed"),
    ("civilians_killed", "civilians killed"),
    ("injured", "injured"),
    ("abducted_detained", "abducted or detained"),
)


def changes_since(
    session: Session, report_key: tuple[str, dt.date, uuid.UUID | None], flt: IncidentFilter
) -> Changes:
    """New, revised and retracted incidents against the previous final report."""
    from sitrep.reporting.records import previous_final

    prev = previous_final(session, *report_key)
    if prev is None or not prev.files:
        return Changes()
    last_file = prev.files[-1]
    snap: dict[str, dict[str, Any]] = last_file.snapshot or {}
    changes = Changes(previous_title=prev.title, previous_issued=last_file.created_at.date())
    ids = [uuid.UUID(k) for k in snap]
    current: dict[str, Any] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        for inc in session.execute(
            select(
                Incident.id,
                Incident.version,
                Incident.reference,
                Incident.date_start,
                Incident.title,
                Incident.killed,
                Incident.civilians_killed,
                Incident.injured,
                Incident.abducted_detained,
                Incident.verification,
            ).where(Incident.id.in_(chunk))
        ):
            current[str(inc.id)] = inc
    for key, old in snap.items():
        date = dt.date.fromisoformat(old["date"])
        now = current.get(key)
        if now is None:
            changes.retracted.append(
                Revision(old["ref"], date, old.get("title", ""), "removed from the dataset")
            )
            continue
        if Verification(now.verification) is Verification.RETRACTED:
            changes.retracted.append(Revision(now.reference, date, now.title, "retracted"))
            continue
        if now.version == old.get("v"):
            continue
        parts = [
            f"{label} revised from {old.get(attr, 0)} to {getattr(now, attr)}"
            for attr, label in _TRACKED
            if old.get(attr, 0) != getattr(now, attr)
        ]
        if old.get("verification") != Verification(now.verification).value:
            parts.append(
                f"verification changed from {old.get('verification')} to "
                f"{Verification(now.verification).value}"
            )
        if dt.date.fromisoformat(old["date"]) != now.date_start:
            parts.append(f"date corrected to {now.date_start:%d %b %Y}")
        if parts:
            changes.revised.append(Revision(now.reference, date, now.title, "; ".join(parts)))
    prev_flt = flt.with_period(prev.period_from, prev.period_to)
    changes.late = [r for r in annex_rows(session, prev_flt) if str(r.id) not in snap]
    return changes
