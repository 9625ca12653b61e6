"""The annex rows of a report: each incident with its places, actors, sources and claims,
read with four Core queries whatever the number of incidents (no ORM objects, no N+1),
and shown only as far as the report's classification allows (:class:`_Shown`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from sitrep.model import (
    Actor,
    AdminArea,
    Casualty,
    Incident,
    IncidentActor,
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
    Unrecorded,
    is_claim,
    records_figure,
)
from sitrep.store.queries import FIGURE_KEYS as FIGURE_KEYS  # re-exported
from sitrep.store.queries import (
    IncidentFilter,
    select_incidents,
)

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
