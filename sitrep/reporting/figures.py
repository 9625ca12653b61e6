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
from sqlalchemy.orm import Session

from sitrep.model import (
    Dataset,
    Incident,
    ProjectSetting,
)
from sitrep.model.enums import (
    Outcome,
    Sensitivity,
    Verification,
)
from sitrep.model.harm import (
    FIGURE_FLAGS,
    Unrecorded,
)
from sitrep.places.levels import level_name, plural
from sitrep.places.regions import Region
from sitrep.reporting.annex import AnnexRow, annex_rows
from sitrep.reporting.changes import Changes, changes_since
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
