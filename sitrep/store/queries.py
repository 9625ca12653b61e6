"""The one query layer: an :class:`IncidentFilter` becomes one SQL query.

The incident table, the map, the timeline and the reports all call these functions,
so what a user sees in one view is exactly what is counted in another. Aggregates run
in SQL over the covering indexes declared on :class:`~sitrep.model.Incident`.

Why one long module: every filter condition and aggregate lives here so that the
table, map, timeline and reports count alike; splitting it would invite a second copy.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from sitrep.model import AdminArea, Casualty, Incident
from sitrep.model.enums import Sensitivity, Verification
from sitrep.model.harm import CLAIM_VERIFICATIONS, Unrecorded
from sitrep.model.region import Region

Bucket = Literal["day", "week", "month"]


@dataclass(frozen=True)
class IncidentFilter:
    """What the user has chosen to look at. Empty fields mean "no restriction"."""

    region: Region | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    event_types: tuple[str, ...] = ()
    sub_event_types: tuple[str, ...] = ()
    verification: tuple[Verification, ...] = ()
    max_sensitivity: Sensitivity | None = None
    # only incidents more sensitive than this level (what a report must withhold)
    above_sensitivity: Sensitivity | None = None
    text: str = ""
    include_synthetic: bool = True
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    ids: tuple[uuid.UUID, ...] = field(default=())

    def with_period(self, date_from: dt.date | None, date_to: dt.date | None) -> IncidentFilter:
        return replace(self, date_from=date_from, date_to=date_to)

    def previous_period(self) -> IncidentFilter:
        """The period of equal length just before this one (for "change since")."""
        if self.date_from is None or self.date_to is None:
            raise ValueError("previous_period needs both dates")
        length = self.date_to - self.date_from + dt.timedelta(days=1)
        return self.with_period(self.date_from - length, self.date_from - dt.timedelta(days=1))

    def describe(self) -> dict[str, Any]:
        """A JSON-able record of the filter (stored with generated reports)."""
        return {
            "region": self.region.name if self.region else None,
            "region_areas": [str(a.id) for a in self.region.areas] if self.region else [],
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "event_types": list(self.event_types),
            "sub_event_types": list(self.sub_event_types),
            "verification": [v.value for v in self.verification],
            "max_sensitivity": self.max_sensitivity.value if self.max_sensitivity else None,
            "text": self.text,
            "include_synthetic": self.include_synthetic,
        } | (
            {"above_sensitivity": self.above_sensitivity.value}
            if self.above_sensitivity is not None
            else {}
        )


ADMIN_COLUMNS = {
    1: Incident.admin1_id,
    2: Incident.admin2_id,
    3: Incident.admin3_id,
    4: Incident.admin4_id,
}
_ADMIN_COLUMNS = ADMIN_COLUMNS


LIKE_ESCAPE = "\\"


def like_literal(text: str) -> str:
    """``text`` for a LIKE pattern that matches it literally: ``50%`` and ``a_b`` as typed.

    Used with ``ESCAPE LIKE_ESCAPE`` (the same on SQLite and PostgreSQL).
    """
    return (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )


def conditions(flt: IncidentFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if flt.region is not None:
        by_level: dict[int, list[uuid.UUID]] = {}
        for area in flt.region.areas:
            by_level.setdefault(area.level, []).append(area.id)
        parts: list[ColumnElement[bool]] = []
        for level, ids in sorted(by_level.items()):
            if level == 0:
                codes = [a.pcode or "" for a in flt.region.areas if a.level == 0]
                parts.append(Incident.country_iso.in_(codes))
            else:
                parts.append(_ADMIN_COLUMNS[level].in_(ids))
        conds.append(or_(*parts) if len(parts) > 1 else parts[0])
    if flt.date_from is not None:
        conds.append(Incident.date_start >= flt.date_from)
    if flt.date_to is not None:
        conds.append(Incident.date_start <= flt.date_to)
    if flt.event_types:
        conds.append(Incident.event_type.in_(flt.event_types))
    if flt.sub_event_types:
        conds.append(Incident.sub_event_type.in_(flt.sub_event_types))
    if flt.verification:
        conds.append(Incident.verification.in_(flt.verification))
    if flt.max_sensitivity is not None:
        conds.append(Incident.sensitivity.in_(flt.max_sensitivity.levels_up_to()))
    if flt.above_sensitivity is not None:
        conds.append(Incident.sensitivity.not_in(flt.above_sensitivity.levels_up_to()))
    if flt.text.strip():
        pattern = f"%{like_literal(flt.text.strip().lower())}%"
        conds.append(
            or_(
                func.lower(Incident.title).like(pattern, escape=LIKE_ESCAPE),
                func.lower(Incident.narrative).like(pattern, escape=LIKE_ESCAPE),
                func.lower(Incident.place_name).like(pattern, escape=LIKE_ESCAPE),
                func.lower(Incident.reference).like(pattern, escape=LIKE_ESCAPE),
            )
        )
    if not flt.include_synthetic:
        conds.append(Incident.is_synthetic.is_(False))
    if flt.bbox is not None:
        west, south, east, north = flt.bbox
        conds.append(and_(Incident.lat.between(south, north), Incident.lon.between(west, east)))
    if flt.ids:
        conds.append(Incident.id.in_(flt.ids))
    return conds


def select_incidents(flt: IncidentFilter, *columns: Any) -> Select[Any]:
    """SELECT the filtered incidents (entities, or the given columns)."""
    # select_from: a bare aggregate such as count(*) would otherwise have no FROM at all
    stmt = select(*columns).select_from(Incident) if columns else select(Incident)
    conds = conditions(flt)
    return stmt.where(*conds) if conds else stmt


def list_incidents(
    session: Session,
    flt: IncidentFilter,
    *,
    order: Sequence[Any] = (Incident.date_start.desc(), Incident.reference.desc()),
    offset: int = 0,
    limit: int | None = None,
) -> list[Incident]:
    stmt = select_incidents(flt).order_by(*order).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def count_incidents(session: Session, flt: IncidentFilter) -> int:
    return int(session.scalar(select_incidents(flt, func.count())) or 0)


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


# --------------------------------------------------------------------------- aggregates


FIGURE_KEYS = (
    "incidents",
    "killed",
    "civilians_killed",
    "injured",
    "abducted_detained",
    "areas_affected",
)


@dataclass(frozen=True)
class KeyFigures:
    """The headline numbers of a period (DESIGN.md, situation report §3).

    ``not_recorded`` counts, per harm figure, the incidents whose data does not record
    it (UCDP GED has no injuries, ACLED no civilian share of deaths). A figure that no
    counted incident records is "not recorded": :meth:`value` gives None, never 0.
    """

    incidents: int = 0
    killed: int = 0
    civilians_killed: int = 0
    injured: int = 0
    abducted_detained: int = 0
    areas_affected: int = 0  # distinct areas of the level asked for (townships by default)
    killed_claimed: int = 0
    no_area: int = 0  # incidents with no known area of that level
    not_recorded: dict[str, int] = field(default_factory=dict)
    # incidents with deaths, or whose deaths are not recorded: those a civilian share
    # of deaths is about
    with_deaths: int = 0

    def unrecorded(self, key: str) -> int:
        """How many of the incidents do not record figure ``key``."""
        return self.not_recorded.get(key, 0)

    def base(self, key: str) -> int:
        """The incidents figure ``key`` is about (for civilians: those with deaths)."""
        return self.with_deaths if key == "civilians_killed" else self.incidents

    def is_recorded(self, key: str) -> bool:
        return self.unrecorded(key) == 0 or self.unrecorded(key) < self.base(key)

    def value(self, key: str) -> int | None:
        """The figure, or None when none of the incidents records it."""
        return int(getattr(self, key)) if self.is_recorded(key) else None

    def as_dict(self) -> dict[str, int | None]:
        return {key: self.value(key) for key in FIGURE_KEYS}


def _unrecorded(flag: Unrecorded) -> ColumnElement[bool]:
    return Incident.harm_unrecorded.op("&")(int(flag)) != 0


def _has_deaths() -> ColumnElement[bool]:
    """SQL: the incident has deaths, or does not record their number."""
    return or_(Incident.killed > 0, _unrecorded(Unrecorded.KILLED))


def _flagged(flag: Unrecorded, *, only_with_deaths: bool = False) -> Any:
    """SQL: 1 for an incident that does not record ``flag``'s figure, else 0."""
    cond = _unrecorded(flag)
    if only_with_deaths:
        # the civilian share is unknown only where deaths are (or their number is not)
        cond = and_(cond, _has_deaths())
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def key_figures(session: Session, flt: IncidentFilter, area_level: int = 3) -> KeyFigures:
    """Headline numbers; "areas affected" counts areas of ``area_level`` only (townships
    by default), and incidents with no known area of that level are counted apart."""
    area = _ADMIN_COLUMNS[area_level]
    row = session.execute(
        select_incidents(
            flt,
            func.count(),
            func.coalesce(func.sum(Incident.killed), 0),
            func.coalesce(func.sum(Incident.civilians_killed), 0),
            func.coalesce(func.sum(Incident.injured), 0),
            func.coalesce(func.sum(Incident.abducted_detained), 0),
            func.count(func.distinct(area)),
            func.coalesce(func.sum(Incident.killed_claimed), 0),
            func.count() - func.count(area),
            _flagged(Unrecorded.KILLED),
            _flagged(Unrecorded.CIVILIANS, only_with_deaths=True),
            _flagged(Unrecorded.INJURED),
            _flagged(Unrecorded.ABDUCTED_DETAINED),
            func.coalesce(func.sum(case((_has_deaths(), 1), else_=0)), 0),
        )
    ).one()
    values = [int(v or 0) for v in row]
    not_recorded = {
        key: n
        for key, n in zip(
            ("killed", "civilians_killed", "injured", "abducted_detained"),
            values[8:12],
            strict=True,
        )
        if n
    }
    return KeyFigures(
        incidents=values[0],
        killed=values[1],
        civilians_killed=values[2],
        injured=values[3],
        abducted_detained=values[4],
        areas_affected=values[5],
        killed_claimed=values[6],
        no_area=values[7],
        not_recorded=not_recorded,
        with_deaths=values[12],
    )


@dataclass(frozen=True)
class TypeCount:
    event_type: str
    incidents: int
    killed: int


def counts_by_type(
    session: Session, flt: IncidentFilter, *, sub_types: bool = False
) -> list[TypeCount]:
    col = Incident.sub_event_type if sub_types else Incident.event_type
    stmt = (
        select_incidents(flt, col, func.count(), func.coalesce(func.sum(Incident.killed), 0))
        .group_by(col)
        .order_by(func.count().desc(), col)
    )
    return [TypeCount(t, int(n), int(k)) for t, n, k in session.execute(stmt)]


@dataclass(frozen=True)
class AreaCount:
    area_id: uuid.UUID | None
    name: str
    pcode: str | None
    incidents: int
    killed: int
    civilians_killed: int


def counts_by_area(session: Session, flt: IncidentFilter, level: int) -> list[AreaCount]:
    """Incidents and deaths per admin area of ``level``, the deadliest first (then the
    most incidents); incidents with no known area of the level are one row, id None."""
    col = _ADMIN_COLUMNS[level]
    sub = (
        select_incidents(
            flt,
            col.label("area_id"),
            func.count().label("n"),
            func.coalesce(func.sum(Incident.killed), 0).label("killed"),
            func.coalesce(func.sum(Incident.civilians_killed), 0).label("civ"),
        )
        .group_by(col)
        .subquery()
    )
    stmt = (
        select(
            sub.c.area_id,
            AdminArea.name,
            AdminArea.pcode,
            sub.c.n,
            sub.c.killed,
            sub.c.civ,
        )
        .outerjoin(AdminArea, AdminArea.id == sub.c.area_id)
        .order_by(sub.c.killed.desc(), sub.c.n.desc(), AdminArea.name)
    )
    return [
        AreaCount(aid, name or "Unknown area", pcode, int(n), int(k), int(c))
        for aid, name, pcode, n, k, c in session.execute(stmt)
    ]


@dataclass(frozen=True)
class PeriodCount:
    start: dt.date
    event_type: str
    incidents: int
    killed: int


def bucket_start(day: dt.date, bucket: Bucket) -> dt.date:
    """First day of the day / week (Monday) / month a date falls in."""
    if bucket == "week":
        return day - dt.timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def counts_by_period(
    session: Session, flt: IncidentFilter, bucket: Bucket = "week"
) -> list[PeriodCount]:
    """Incidents and deaths per day / week / month and event type.

    SQL groups by day (reading the covering index only); the few hundred day rows are
    then folded into weeks or months here. Grouping on a computed week key in SQL
    costs a temporary B-tree over every incident and was 3x slower at 1M incidents.
    """
    stmt = select_incidents(
        flt,
        Incident.date_start,
        Incident.event_type,
        func.count(),
        func.coalesce(func.sum(Incident.killed), 0),
    ).group_by(Incident.date_start, Incident.event_type)
    folded: dict[tuple[dt.date, str], list[int]] = {}
    for day, event_type, n, killed in session.execute(stmt):
        key = (bucket_start(_as_date(day), bucket), event_type)
        acc = folded.setdefault(key, [0, 0])
        acc[0] += int(n)
        acc[1] += int(killed)
    return [PeriodCount(start, t, n, k) for (start, t), (n, k) in sorted(folded.items())]


@dataclass(frozen=True)
class CasualtyCount:
    outcome: str
    affiliation: str
    low: int
    best: int
    high: int


def casualty_breakdown(
    session: Session, flt: IncidentFilter, *, include_claims: bool = False
) -> list[CasualtyCount]:
    """People harmed by outcome × affiliation (low / best / high), claims apart.

    Claims follow :func:`sitrep.model.harm.is_claim`: a party's claim row, or any row
    of an incident recorded as an unverifiable claim.
    """
    ids_stmt = select_incidents(flt, Incident.id)
    if not include_claims:
        ids_stmt = ids_stmt.where(Incident.verification.not_in(CLAIM_VERIFICATIONS))
    ids = ids_stmt.scalar_subquery()
    stmt = (
        select(
            Casualty.outcome,
            Casualty.affiliation,
            func.sum(Casualty.low),
            func.sum(Casualty.best),
            func.sum(Casualty.high),
        )
        .where(Casualty.incident_id.in_(ids))
        .group_by(Casualty.outcome, Casualty.affiliation)
        .order_by(Casualty.outcome, Casualty.affiliation)
    )
    if not include_claims:
        stmt = stmt.where(Casualty.is_party_claim.is_(False))
    return [
        CasualtyCount(
            str(o.value if hasattr(o, "value") else o),
            str(a.value if hasattr(a, "value") else a),
            int(lo),
            int(b),
            int(hi),
        )
        for o, a, lo, b, hi in session.execute(stmt)
    ]


def date_range(
    session: Session, flt: IncidentFilter | None = None
) -> tuple[dt.date, dt.date] | None:
    stmt = select_incidents(
        flt or IncidentFilter(),
        func.min(Incident.date_start),
        func.max(Incident.date_start),
    )
    lo, hi = session.execute(stmt).one()
    if lo is None:
        return None
    return _as_date(lo), _as_date(hi)


# --------------------------------------------------------------------------- table pages


@dataclass(frozen=True)
class IncidentRow:
    """What the incident table shows of one incident (read without loading entities)."""

    id: uuid.UUID
    reference: str
    date_start: dt.date
    place_name: str
    area_name: str
    event_type: str
    sub_event_type: str
    killed: int
    verification: str
    sensitivity: str
    title: str


SORT_COLUMNS: dict[str, Any] = {
    "reference": Incident.reference,
    "date": Incident.date_start,
    "place": Incident.place_name,
    "event_type": Incident.event_type,
    "sub_event_type": Incident.sub_event_type,
    "killed": Incident.killed,
    "verification": Incident.verification,
    "title": Incident.title,
}


@dataclass(frozen=True)
class PageKey:
    """Where the next page starts: the sort value and id of the last row shown."""

    value: Any
    id: uuid.UUID


def incident_page(
    session: Session,
    flt: IncidentFilter,
    *,
    sort: str = "date",
    descending: bool = True,
    after: PageKey | None = None,
    limit: int = 200,
) -> tuple[list[IncidentRow], PageKey | None]:
    """One page of table rows in a stable order, and the key of the next page.

    Keyset paging (``WHERE (sort, id) < (last sort, last id)``) costs the same for the
    ten-thousandth page as for the first, which offsets do not. The next key is None
    when this page is the last.
    """
    col = SORT_COLUMNS[sort]
    area = aliased(AdminArea)
    stmt = select_incidents(
        flt,
        Incident.id,
        Incident.reference,
        Incident.date_start,
        Incident.place_name,
        area.name,
        Incident.event_type,
        Incident.sub_event_type,
        Incident.killed,
        Incident.verification,
        Incident.sensitivity,
        Incident.title,
        col.label("sort_value"),
    ).outerjoin(area, area.id == func.coalesce(Incident.admin3_id, Incident.admin2_id))
    if after is not None:
        if descending:
            stmt = stmt.where(
                or_(col < after.value, and_(col == after.value, Incident.id < after.id))
            )
        else:
            stmt = stmt.where(
                or_(col > after.value, and_(col == after.value, Incident.id > after.id))
            )
    order = (col.desc(), Incident.id.desc()) if descending else (col.asc(), Incident.id.asc())
    result = session.execute(stmt.order_by(*order).limit(limit + 1)).all()
    rows = [
        IncidentRow(
            r[0],
            r[1],
            _as_date(r[2]),
            r[3] or "",
            r[4] or "",
            r[5],
            r[6],
            int(r[7] or 0),
            _enum_value(r[8]),
            _enum_value(r[9]),
            r[10] or "",
        )
        for r in result[:limit]
    ]
    next_key = None
    if len(result) > limit:
        last = result[limit - 1]
        next_key = PageKey(last[-1], last[0])
    return rows, next_key


def _enum_value(value: Any) -> str:
    return str(getattr(value, "value", value) or "")
