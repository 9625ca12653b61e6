"""Resolving a region name the user typed into admin areas of the project.

"Kachin", "Kachin State" and "kachin state" all find the state; "Bhamo" may be both a
district and a township, which is an error listing both unless the user says which
("Bhamo District"). A saved custom region matches by its name too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from sitrep.errors import RegionError
from sitrep.model import AdminArea, CustomRegion
from sitrep.places.names import area_key, split_area_word

LEVEL_NAMES = {
    0: "country",
    1: "state/region",
    2: "district",
    3: "township",
    4: "village tract",
}


@dataclass(frozen=True)
class AreaRef:
    id: uuid.UUID
    level: int
    name: str
    pcode: str | None = None


@dataclass(frozen=True)
class Region:
    """A region to filter or report on: one or more admin areas under one name."""

    name: str
    areas: tuple[AreaRef, ...]

    @property
    def key(self) -> str:
        """Stable identity for report numbering: the sorted area ids."""
        return ",".join(sorted(str(a.id) for a in self.areas))

    @property
    def level(self) -> int:
        return min(a.level for a in self.areas)


def _describe(area: AdminArea, session: Session) -> str:
    parts = [f"{area.name} ({LEVEL_NAMES.get(area.level, area.level)}"]
    if area.pcode:
        parts.append(f", {area.pcode}")
    if area.parent_id:
        parent = session.get(AdminArea, area.parent_id)
        if parent is not None:
            parts.append(f", in {parent.name}")
    return "".join(parts) + ")"


def area_ref(area: AdminArea) -> AreaRef:
    return AreaRef(area.id, area.level, area.name, area.pcode)


def resolve_region(session: Session, name: str) -> Region:
    """Find the admin area(s) a region name designates, or raise :class:`RegionError`."""
    wanted, level_hint = split_area_word(name)
    if not wanted:
        raise RegionError("Give a region name, such as 'Kachin'.")
    for custom in session.scalars(select(CustomRegion)):
        if area_key(custom.name) == area_key(name):
            areas = [session.get(AdminArea, uuid.UUID(i)) for i in custom.area_ids]
            refs = tuple(area_ref(a) for a in areas if a is not None)
            if not refs:
                raise RegionError(f"The custom region '{custom.name}' has no areas.")
            return Region(custom.name, refs)
    candidates = list(session.scalars(select(AdminArea).where(AdminArea.name_norm == wanted)))
    pcode_match = session.scalar(select(AdminArea).where(AdminArea.pcode == name.strip()))
    if pcode_match is not None:
        return Region(pcode_match.name, (area_ref(pcode_match),))
    if not candidates:
        # aliases (spelling variants) are few; scan them in Python
        has_aliases = cast(AdminArea.aliases, String) != "[]"  # JSON compares as text on PG
        for area in session.scalars(select(AdminArea).where(has_aliases)):
            if any(area_key(alias) == wanted for alias in area.aliases or []):
                candidates.append(area)
    if level_hint is not None and len(candidates) > 1:
        narrowed = [a for a in candidates if a.level == level_hint]
        candidates = narrowed or candidates
    if not candidates:
        known = sorted(
            session.scalars(select(AdminArea.name).where(AdminArea.level <= 2).limit(30))
        )
        hint = (
            f" Known areas include: {', '.join(known)}."
            if known
            else (" This project has no admin areas yet; import a boundary pack or gazetteer.")
        )
        raise RegionError(f"No region called '{name}' in this project.{hint}")
    if len(candidates) > 1:
        listed = "; ".join(_describe(a, session) for a in candidates)
        raise RegionError(
            f"'{name}' is ambiguous: it matches {listed}. "
            "Add the kind of area (e.g. 'Bhamo District') or give the P-code."
        )
    area = candidates[0]
    return Region(area.name, (area_ref(area),))
