"""The choices the incident form and the filter bar offer, read from the project.

It also remembers how things were entered last, so repeated entry is quick: the role an
actor had in its most recent incident, and each source's type and grading as last used.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from sitrep.editing.draft import SourceDraft
from sitrep.model import (
    Actor,
    AdminArea,
    CustomRegion,
    EventType,
    Incident,
    IncidentActor,
    LocalType,
    Source,
    SubEventType,
)
from sitrep.model.enums import ActorRole, Credibility, Reliability, SourceType
from sitrep.places.levels import level_name
from sitrep.places.regions import AreaRef, Region


@dataclass(frozen=True)
class AreaOption:
    """An admin area as a picker shows it: "Hpakant (township, Mohnyin)"."""

    ref: AreaRef
    label: str
    parent_id: uuid.UUID | None = None


@dataclass(frozen=True)
class LocalTypeOption:
    name: str
    event_type: str
    sub_event_type: str
    hint: str


@dataclass
class Catalogue:
    event_types: dict[str, list[str]] = field(default_factory=dict)  # type -> sub-types
    local_types: list[LocalTypeOption] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    areas: list[AreaOption] = field(default_factory=list)
    custom_regions: list[Region] = field(default_factory=list)  # saved sets of areas
    # actor name (casefolded) -> the role it had in its most recent incident
    actor_roles: dict[str, str] = field(default_factory=dict)
    # sources as last used, most recent first (name, type, grading; no date or link)
    recent_sources: list[SourceDraft] = field(default_factory=list)

    def area_level(self, area_id: uuid.UUID | None) -> int | None:
        area = self.area(area_id) if area_id else None
        return area.ref.level if area is not None else None

    def recent_source(self, name: str) -> SourceDraft | None:
        key = name.strip().casefold()
        return next((s for s in self.recent_sources if s.name.casefold() == key), None)

    @property
    def sub_event_types(self) -> set[str]:
        return {s for subs in self.event_types.values() for s in subs}

    def local_type(self, name: str) -> LocalTypeOption | None:
        return next((t for t in self.local_types if t.name == name), None)

    def area(self, area_id: uuid.UUID | None) -> AreaOption | None:
        return next((a for a in self.areas if a.ref.id == area_id), None)

    def area_path(self, area_id: uuid.UUID | None) -> list[AreaOption]:
        """The area and its parents, deepest first."""
        by_id = {a.ref.id: a for a in self.areas}
        path: list[AreaOption] = []
        current = by_id.get(area_id) if area_id else None
        while current is not None and current not in path:
            path.append(current)
            current = by_id.get(current.parent_id) if current.parent_id else None
        return path


def load_catalogue(session: Session) -> Catalogue:
    types: dict[str, list[str]] = {
        t: [] for t in session.scalars(select(EventType.name).order_by(EventType.position))
    }
    sub_to_type: dict[str, str] = {}
    for sub in session.scalars(select(SubEventType).order_by(SubEventType.position)):
        types.setdefault(sub.event_type, []).append(sub.name)
        sub_to_type[sub.name] = sub.event_type
    local = [
        LocalTypeOption(
            lt.name, sub_to_type.get(lt.sub_event_type, ""), lt.sub_event_type, lt.hint
        )
        for lt in session.scalars(select(LocalType).order_by(LocalType.name))
    ]
    actors = list(session.scalars(select(Actor.name).order_by(Actor.name)))
    rows = session.execute(
        select(
            AdminArea.id,
            AdminArea.level,
            AdminArea.name,
            AdminArea.pcode,
            AdminArea.parent_id,
            AdminArea.country_iso,
        )
        .where(AdminArea.level >= 1)
        .order_by(AdminArea.level, AdminArea.name)
    ).all()
    names = {r[0]: r[2] for r in rows}
    kinds: dict[tuple[int, str], str] = {}
    areas = []
    for area_id, level, name, pcode, parent_id, iso in rows:
        if (level, iso) not in kinds:  # township in Myanmar, upazila in Bangladesh
            kinds[(level, iso)] = level_name(session, level, [iso])
        kind = kinds[(level, iso)]
        parent = names.get(parent_id) if parent_id else None
        label = f"{name} ({kind}{', ' + parent if parent else ''})"
        areas.append(AreaOption(AreaRef(area_id, level, name, pcode, iso or ""), label, parent_id))
    refs = {a.ref.id: a.ref for a in areas}
    custom = []
    for region in session.scalars(select(CustomRegion).order_by(CustomRegion.name)):
        members = tuple(refs[uuid.UUID(i)] for i in region.area_ids if uuid.UUID(i) in refs)
        if members:
            custom.append(Region(region.name, members))
    return Catalogue(
        types, local, actors, areas, custom, _last_actor_roles(session), _recent_sources(session)
    )


RECENT_SOURCES = 200


def _last_actor_roles(session: Session) -> dict[str, str]:
    roles: dict[str, str] = {}
    rows = session.execute(
        select(Actor.name, IncidentActor.role)
        .join(IncidentActor, IncidentActor.actor_id == Actor.id)
        .join(Incident, Incident.id == IncidentActor.incident_id)
        .order_by(Incident.id.desc())  # UUID v7: newest first, read from the primary key
        .limit(5000)
    )
    for name, role in rows:
        roles.setdefault(name.casefold(), ActorRole(role).value)
    return roles


def _recent_sources(session: Session) -> list[SourceDraft]:
    seen: dict[str, SourceDraft] = {}
    rows = session.execute(
        select(Source.name, Source.source_type, Source.reliability, Source.credibility)
        .order_by(Source.id.desc())  # UUID v7: newest first, read from the primary key
        .limit(20 * RECENT_SOURCES)
    )
    for name, stype, reliability, credibility in rows:
        key = name.strip().casefold()
        if key and key not in seen and len(seen) < RECENT_SOURCES:
            seen[key] = SourceDraft(
                name=name.strip(),
                source_type=SourceType(stype).value,
                reliability=Reliability(reliability).value,
                credibility=int(Credibility(credibility)),
            )
    return list(seen.values())
