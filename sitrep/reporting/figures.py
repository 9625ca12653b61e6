"""Everything a report shows, computed from the query layer in one pass.

:func:`collect` turns a region and period into :class:`ReportData`: the key figures
and those of the previous period (:mod:`sitrep.reporting.periods`), tables by type and
area (areas of one level, named as the country names them), the weekly
series for the chart, the annex rows (read with Core queries, fast for 10,000
incidents), which incident references each figure counts, a hash of the data, and the
snapshot that lets the next report say what changed.

What the figures claim, and so what the words around them may say:
- claims are never counted as fact (:mod:`sitrep.model.harm`);
- incidents above the report's classification are *withheld*, never silently missing:
  the report says how many, and by default (project setting ``report_count_withheld``)
  counts them in the key figures without describing them (:func:`period_figures`);
- a figure the data does not record is ``None`` ("not recorded"), never 0;
- every dataset the incidents came from is credited (:class:`DatasetUse`);
- synthetic (demo) incidents are counted, so every page can say so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from sitrep.model import (
    Actor,
    AdminArea,
    Casualty,
    Dataset,
    Incident,
    IncidentActor,
    ProjectSetting,
    Source,
)
from sitrep.model.entities import NOT_GRADED, source_grading
from sitrep.model.enums import (
    ActorRole,
    Outcome,
    ReviewStatus,
    Sensitivity,
    SourceType,
    Verification,
)
from sitrep.model.harm import (
    CLAIM_VERIFICATIONS,
    FIGURE_FLAGS,
    Unrecorded,
    is_claim,
    records_figure,
)
from sitrep.places.levels import level_name, plural
from sitrep.places.regions import Region
from sitrep.reporting.periods import Previous, previous_period
from sitrep.store.queries import FIGURE_KEYS as FIGURE_KEYS  # re-exported
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

FIGURE_LABELS = {
    "incidents": "Incidents",
    "killed": "People killed",
    "civilians_killed": "Civilians killed",
    "injured": "People injured",
    "abducted_detained": "Abducted or detained",
    "areas_affected": "Townships affected",
}
NOT_RECORDED = "not recorded"
COUNT_WITHHELD_SETTING = "report_count_withheld"
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
    grading: str  # "B2", or NOT_GRADED for a dataset's sources nobody here graded

    @property
    def graded(self) -> bool:
        return self.grading != NOT_GRADED


@dataclass
class ClaimRow:
    outcome: str
    affiliation: str
    best: int
    at_least: bool = False


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
    is_synthetic: bool = False
    dataset_key: str | None = None
    unrecorded: Unrecorded = Unrecorded.NONE
    in_review: bool = False  # still being reviewed: details may change
    side_a: list[str] = field(default_factory=list)
    side_b: list[str] = field(default_factory=list)
    claimants: list[str] = field(default_factory=list)
    alleged: list[str] = field(default_factory=list)  # alleged perpetrators: "allegedly"
    denying: list[str] = field(default_factory=list)  # actors denying involvement
    sources: list[SourceRow] = field(default_factory=list)
    claims: list[ClaimRow] = field(default_factory=list)
    # outcomes whose (non-claim) figure is a lower bound: "at least 5 killed"
    at_least: set[str] = field(default_factory=set)
    sensitive: frozenset[str] = frozenset()  # fields the incident marks sensitive

    @property
    def type_label(self) -> str:
        return self.local_type or self.sub_event_type

    def records(self, key: str) -> bool:
        """Whether this incident's data records figure ``key`` (UCDP: no injuries)."""
        return records_figure(self.unrecorded, key, self.killed)

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


@dataclass(frozen=True)
class DatasetUse:
    """A dataset some of the report's incidents came from, with its credit."""

    key: str
    name: str
    citation: str
    licence: str
    url: str
    incidents: int
    unrecorded: Unrecorded = Unrecorded.NONE


@dataclass(frozen=True)
class PeriodFigures:
    """Key figures of a period for a report of a given classification.

    ``described`` counts the incidents the report may describe (at or below its
    classification), ``withheld`` those above it; ``shown`` is what the key figures
    say: both together when the organisation counts withheld incidents (the default),
    else the described ones alone.
    """

    shown: KeyFigures
    described: KeyFigures
    withheld: KeyFigures
    withheld_counted: bool


def counts_withheld(session: Session) -> bool:
    """The organisation's choice: count withheld incidents in the totals (default yes)."""
    row = session.get(ProjectSetting, COUNT_WITHHELD_SETTING)
    return row is None or row.value.strip().lower() not in {"no", "false", "0", "off"}


def period_figures(
    session: Session,
    flt: IncidentFilter,
    count_withheld: bool | None = None,
    area_level: int = 3,
) -> PeriodFigures:
    """The figures of ``flt`` (a :func:`report_filter`) as the report and editor show them;
    areas affected are counted at ``area_level``."""
    if count_withheld is None:
        count_withheld = counts_withheld(session)
    described = key_figures(session, flt, area_level)
    ceiling = flt.max_sensitivity
    withheld = KeyFigures()
    if ceiling is not None and ceiling is not Sensitivity.RESTRICTED:
        withheld = key_figures(
            session, replace(flt, max_sensitivity=None, above_sensitivity=ceiling), area_level
        )
    shown = described
    if count_withheld and withheld.incidents:
        shown = key_figures(session, replace(flt, max_sensitivity=None), area_level)
    return PeriodFigures(shown, described, withheld, count_withheld)


@dataclass
class ReportData:
    region: Region
    date_from: dt.date
    date_to: dt.date
    filter: IncidentFilter
    figures: KeyFigures  # as the key figures show them (withheld included if counted)
    previous: KeyFigures
    killed_low: int | None
    killed_high: int | None
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
    described: KeyFigures = field(default_factory=KeyFigures)
    withheld: KeyFigures = field(default_factory=KeyFigures)
    withheld_previous: KeyFigures = field(default_factory=KeyFigures)
    withheld_counted: bool = True
    datasets: list[DatasetUse] = field(default_factory=list)
    own_incidents: int = 0
    synthetic: int = 0
    previous_period: Previous | None = None
    area_level_name: str = "township"  # what the country calls areas of area_level
    region_kind: str = ""  # what the country calls the region's own level

    @property
    def previous_from(self) -> dt.date:
        if self.previous_period is not None:
            return self.previous_period.date_from
        return self.date_from - (self.date_to - self.date_from + dt.timedelta(days=1))

    @property
    def previous_to(self) -> dt.date:
        if self.previous_period is not None:
            return self.previous_period.date_to
        return self.date_from - dt.timedelta(days=1)

    def unrecorded_by(self, key: str) -> list[DatasetUse]:
        """The datasets of this report that do not record figure ``key``."""
        flag = FIGURE_FLAGS.get(key)
        if flag is None:
            return []
        return [d for d in self.datasets if d.unrecorded & flag]

    @property
    def areas_label(self) -> str:
        """``Townships affected``; ``Upazilas affected``; ``Admin-3 areas affected``."""
        name = plural(self.area_level_name)
        return f"{name[:1].upper()}{name[1:]} affected"

    @property
    def in_review(self) -> list[AnnexRow]:
        return [r for r in self.incidents if r.in_review]

    def figures_json(self) -> dict[str, Any]:
        """The ``--json`` contract of DESIGN.md, plus the references each figure counts.

        A figure the data does not record is null; ``not_recorded`` counts, per figure,
        the incidents that do not record it when some others do.
        """
        return {
            "region": self.region.name,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "figures": self.figures.as_dict(),
            "previous": self.previous.as_dict(),
            "previous_period": {
                "from": self.previous_from.isoformat(),
                "to": self.previous_to.isoformat(),
                "basis": self.previous_period.basis if self.previous_period else "equal length",
            },
            "not_recorded": dict(self.figures.not_recorded),
            "areas": {
                "level": self.area_level,
                "counted_as": plural(self.area_level_name),
                "incidents_without_area": self.figures.no_area,
            },
            "in_review": [r.reference for r in self.incidents if r.in_review],
            "killed_range": {"low": self.killed_low, "high": self.killed_high},
            "killed_claimed": self.figures.killed_claimed,
            "withheld": {
                "incidents": self.withheld.incidents,
                "counted_in_figures": self.withheld_counted and self.withheld.incidents > 0,
                "classification": (
                    self.filter.max_sensitivity.value if self.filter.max_sensitivity else None
                ),
            },
            "datasets": [
                {
                    "name": d.name,
                    "citation": d.citation,
                    "licence": d.licence,
                    "url": d.url,
                    "incidents": d.incidents,
                }
                for d in self.datasets
            ],
            "own_incidents": self.own_incidents,
            "synthetic_incidents": self.synthetic,
            "references": self.trace,
            "data_hash": self.data_hash,
        }


def report_filter(
    region: Region, date_from: dt.date, date_to: dt.date, classification: str = ""
) -> IncidentFilter:
    """The filter a report uses: region, period, no retractions, within its marking."""
    return IncidentFilter(
        region=region,
        date_from=date_from,
        date_to=date_to,
        verification=REPORTED,
        max_sensitivity=classification_level(classification),
    )


def classification_level(classification: str) -> Sensitivity | None:
    """The sensitivity level a report's marking allows.

    No marking means no ceiling (internal use, such as tests of every incident); a
    marking that is not one of the levels (an old "CONFIDENTIAL") is read as INTERNAL,
    so that nothing restricted is ever described by accident.
    """
    text = classification.strip().lower()
    if not text:
        return None
    try:
        return Sensitivity(text)
    except ValueError:
        return Sensitivity.INTERNAL


def area_level_for(region: Region) -> int:
    """Tables go one level finer than townships only for township-sized regions."""
    return 3 if region.level < 3 else 4


def area_level_in_data(session: Session, flt: IncidentFilter, region: Region) -> int:
    """The level areas are counted at: townships (or village tracts for a township), or
    the next level up when most incidents are not placed that finely (UCDP gives state
    and district only), so a report counts districts rather than "0 townships"."""
    from sitrep.store.queries import ADMIN_COLUMNS

    finest = area_level_for(region)
    levels = [lv for lv in range(finest, region.level, -1) if lv >= 1]
    counts = session.execute(
        select_incidents(flt, func.count(), *(func.count(ADMIN_COLUMNS[lv]) for lv in levels))
    ).one()
    total = int(counts[0] or 0)
    if not total:
        return finest
    for level, placed in zip(levels, counts[1:], strict=True):
        if 2 * int(placed or 0) >= total:
            return level
    return finest


def collect(
    session: Session,
    region: Region,
    date_from: dt.date,
    date_to: dt.date,
    *,
    classification: str = "",
    report_key: tuple[str, dt.date, uuid.UUID | None] | None = None,
    count_withheld: bool | None = None,
    comparison: str = "auto",
    incident_ids: tuple[uuid.UUID, ...] = (),
) -> ReportData:
    """``report_key`` (region key, period end, report id) enables "what changed since";
    ``incident_ids`` narrows a flash update to the chosen incidents."""
    flt = report_filter(region, date_from, date_to, classification)
    if incident_ids:
        flt = replace(flt, ids=tuple(incident_ids))
    prev = previous_period(date_from, date_to, comparison)
    prev_flt = flt.with_period(prev.date_from, prev.date_to)
    level = area_level_in_data(session, flt.with_period(prev.date_from, date_to), region)
    now = period_figures(session, flt, count_withheld, level)
    before = period_figures(session, prev_flt, now.withheld_counted, level)
    counted = replace(flt, max_sensitivity=None) if now.shown is not now.described else flt
    low: int | None = 0
    high: int | None = 0
    for row in casualty_breakdown(session, counted):
        if row.outcome == Outcome.KILLED.value:
            low = (low or 0) + row.low
            high = (high or 0) + row.high
    if not now.shown.is_recorded("killed"):
        low = high = None
    by_type = counts_by_type(session, flt)
    by_type_previous = {t.event_type: t.incidents for t in counts_by_type(session, prev_flt)}
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
    # every dataset whose incidents the figures count is credited (licences such as
    # CC BY ask for it), withheld incidents included when they are counted
    datasets, own = dataset_uses(session, counted)
    synthetic = int(
        session.scalar(
            select_incidents(counted, func.count()).where(Incident.is_synthetic.is_(True))
        )
        or 0
    )
    return ReportData(
        region=region,
        date_from=date_from,
        date_to=date_to,
        filter=flt,
        figures=now.shown,
        previous=before.shown,
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
        described=now.described,
        withheld=now.withheld,
        withheld_previous=before.withheld,
        withheld_counted=now.withheld_counted,
        datasets=datasets,
        own_incidents=own,
        synthetic=synthetic,
        previous_period=prev,
        area_level_name=level_name(session, level, region.countries),
        region_kind=level_name(session, region.level, region.countries),
    )


def dataset_uses(session: Session, flt: IncidentFilter) -> tuple[list[DatasetUse], int]:
    """The datasets the filtered incidents came from (most used first), and how many
    incidents are the organisation's own records."""
    stmt = select_incidents(flt, Incident.dataset_key, func.count()).group_by(Incident.dataset_key)
    counts = {key: int(n) for key, n in session.execute(stmt)}
    own = counts.pop(None, 0)
    known = {
        d.key: d for d in session.scalars(select(Dataset).where(Dataset.key.in_(list(counts))))
    }
    uses = []
    for key, n in counts.items():
        d = known.get(key)
        uses.append(
            DatasetUse(
                key=key,
                name=d.name if d else key,
                citation=d.citation if d else "",
                licence=d.licence if d else "",
                url=d.url if d else "",
                incidents=n,
                unrecorded=Unrecorded(d.unrecorded) if d else Unrecorded.NONE,
            )
        )
    uses.sort(key=lambda u: (-u.incidents, u.name))
    return uses, own


def _chart_start(date_from: dt.date, date_to: dt.date) -> dt.date:
    """The chart shows the period and the weeks before it: at least twelve weeks."""
    end_monday = date_to - dt.timedelta(days=date_to.weekday())
    start = min(date_from, end_monday - dt.timedelta(weeks=CHART_WEEKS - 1))
    return start - dt.timedelta(days=start.weekday())


class _Shown:
    """What a report of classification ``level`` may show of each incident: the one
    redaction policy (:mod:`sitrep.sharing.policy`) that shared copies, flat exports and
    the map follow. Below internal, a title marked sensitive is not shown, an exact
    location marked sensitive becomes its township and 0.1° coordinates, victims named
    as actors are withheld, and a source's name marked sensitive never names a claimant.
    """

    def __init__(self, level: Sensitivity | None) -> None:
        from sitrep.sharing.policy import rule

        self.level = level
        self.incident_rule = rule("incident").columns
        self.actor_rule = rule("incident_actor").columns["actor_id"]
        self.source_rule = rule("source").columns["name"]

    def _acts(self, column: Any, row: AnnexRow) -> bool:
        """Whether ``column``'s rule changes this incident's value at this level."""
        from sitrep.sharing.policy import Act

        return self.level is not None and column.at(self.level, row.sensitive) is not Act.KEEP

    def incident(self, row: AnnexRow) -> None:
        if self._acts(self.incident_rule["title"], row):
            row.title = ""  # sentences fall back on the type of incident
        if self._acts(self.incident_rule["place_name"], row):
            row.place = ""  # the township stands for it
        for attr in ("lat", "lon"):
            value = getattr(row, attr)
            if value is not None and self._acts(self.incident_rule[attr], row):
                setattr(row, attr, round(float(value), 1))

    def actor(self, row: AnnexRow, role: ActorRole, name: str, inter_code: int) -> str:
        from sitrep.sharing.redaction import CIVILIANS, VICTIM_ROLES, WITHHELD

        victim = role.value in VICTIM_ROLES or inter_code == CIVILIANS
        if victim and self._acts(self.actor_rule, row):
            return f"{WITHHELD} (victims)"
        return name

    def source_name(self, row: AnnexRow) -> bool:
        """Whether the report may name this incident's sources (as claimants)."""
        return not self._acts(self.source_rule, row)


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
            Incident.is_synthetic,
            Incident.dataset_key,
            Incident.harm_unrecorded,
            Incident.review_status,
            Incident.sensitive_fields,
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
            is_synthetic=bool(r[21]),
            dataset_key=r[22],
            unrecorded=Unrecorded(int(r[23] or 0)),
            in_review=ReviewStatus(r[24]) is ReviewStatus.IN_REVIEW,
            sensitive=frozenset(r[25] or ()),
        )
    if not rows:
        return []
    shown = _Shown(flt.max_sensitivity)
    for each in rows.values():
        shown.incident(each)
    ids = select_incidents(flt, Incident.id).scalar_subquery()
    actor_stmt = (
        select(
            IncidentActor.incident_id,
            IncidentActor.role,
            Actor.name,
            IncidentActor.denies_involvement,
            Actor.inter_code,
        )
        .join(Actor, Actor.id == IncidentActor.actor_id)
        .where(IncidentActor.incident_id.in_(ids))
        .order_by(Actor.name)
    )
    for incident_id, role, name, denies, inter_code in session.execute(actor_stmt):
        row = rows.get(incident_id)
        if row is None:
            continue
        role = ActorRole(role)
        name = shown.actor(row, role, name, inter_code)
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
            Source.graded,
        )
        .where(Source.incident_id.in_(ids))
        .order_by(Source.incident_id, Source.position)
    )
    for incident_id, name, stype, rel, cred, graded in session.execute(source_stmt):
        row = rows.get(incident_id)
        if row is None:
            continue
        stype_value = SourceType(stype).value
        grading = source_grading(rel, cred, graded)
        row.sources.append(SourceRow(name, stype_value, grading))
        if (
            SourceType(stype) is SourceType.PARTY_STATEMENT
            and not row.claimants
            and shown.source_name(row)
        ):
            row.claimants.append(name)
    casualty_stmt = (
        select(
            Casualty.incident_id,
            Casualty.outcome,
            Casualty.affiliation,
            Casualty.best,
            Casualty.is_party_claim,
            Casualty.at_least,
        )
        .where(
            Casualty.incident_id.in_(ids),
            (Casualty.is_party_claim.is_(True))
            | (Casualty.at_least.is_(True))
            | Casualty.incident_id.in_(
                select_incidents(flt, Incident.id)
                .where(Incident.verification.in_(CLAIM_VERIFICATIONS))
                .scalar_subquery()
            ),
        )
        .order_by(Casualty.incident_id, Casualty.position)
    )
    for incident_id, outcome, affiliation, best, party_claim, at_least in session.execute(
        casualty_stmt
    ):
        row = rows.get(incident_id)
        if row is None:
            continue
        outcome_value = Outcome(outcome).value
        if is_claim(row.verification, party_claim):
            row.claims.append(ClaimRow(outcome_value, str(affiliation), int(best), bool(at_least)))
        elif at_least:
            row.at_least.add(outcome_value)
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

    found = previous_final(session, *report_key)
    if found is None:
        return Changes()
    prev, last_file = found
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
