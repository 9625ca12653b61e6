"""Resolving a region name the user typed into admin areas of the project.

"Kachin", "Kachin State" and "kachin state" all find the state. A bare "Sagaing" is the
region when exactly one state/region has that name, even if a district and a township
share it; those stay reachable as "Sagaing District", "Sagaing (township)" or by
P-code. Other equal names (two townships "Bhamo" in different states) are an error
listing the candidates. A saved custom region matches by its name too.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from sitrep.errors import RegionError
from sitrep.model import AdminArea, CustomRegion
from sitrep.model.region import AreaRef, Region
from sitrep.places.canonical import split_kind
from sitrep.places.gazetteer import country_name
from sitrep.places.levels import level_name
from sitrep.places.names import area_key, split_area_word

__all__ = ["AreaRef", "Region", "area_ref", "heading_for", "region", "resolve_region"]

_ADMIN_PREFIX = re.compile(r"^adm(?:in)?\s*([0-4])\s*:\s*(.+)$", re.IGNORECASE)


def heading_for(session: Session, name: str, areas: tuple[AreaRef, ...]) -> str:
    """``Myanmar: Kachin State``; ``Bangladesh: Chittagong Division``; ``Myanmar``."""
    isos = {a.country_iso for a in areas if a.country_iso}
    country = country_name(next(iter(isos))) if len(isos) == 1 else ""
    place = name
    if len(areas) == 1:
        area = areas[0]
        if area.level == 0:
            return country or name
        _base, word, _ = split_kind(name)
        kind = level_name(session, area.level, isos)
        spelled = _with_kind_word(session, area, name) if word is None else None
        if spelled:
            place = spelled  # "Kachin" known also as "Kachin State"
        elif word is None and "/" not in kind and not kind.startswith("admin-"):
            place = f"{name} {kind.title()}"
    if not country or place.casefold() == country.casefold():
        return place
    return f"{country}: {place}"


def _with_kind_word(session: Session, ref: AreaRef, name: str) -> str | None:
    """The area's own spelling of ``name`` with its kind ("Kachin State"), if it has one."""
    from sitrep.places.canonical import present

    area = session.get(AdminArea, ref.id)
    if area is None:
        return None
    for spelling in [*(area.aliases or []), *(area.spellings or {})]:
        base, word, level = split_kind(spelling)
        if word is not None and level == ref.level and area_key(base) == area_key(name):
            return present(spelling)
    return None


def region(session: Session, name: str, areas: tuple[AreaRef, ...]) -> Region:
    return Region(name, areas, heading_for(session, name, areas))


def _describe(area: AdminArea, session: Session) -> str:
    kind = level_name(session, area.level, [area.country_iso])
    parts = [f"{area.name} ({kind}"]
    if area.pcode:
        parts.append(f", {area.pcode}")
    if area.parent_id:
        parent = session.get(AdminArea, area.parent_id)
        if parent is not None:
            parts.append(f", in {parent.name}")
    return "".join(parts) + ")"


def area_ref(area: AdminArea) -> AreaRef:
    return AreaRef(area.id, area.level, area.name, area.pcode, area.country_iso or "")


def resolve_region(session: Session, name: str) -> Region:
    """Find the admin area(s) a region name designates, or raise :class:`RegionError`."""
    prefixed = _ADMIN_PREFIX.match(name.strip())
    if prefixed:  # "admin2:Sagaing" names the level explicitly
        name = prefixed.group(2)
    wanted, level_hint = split_area_word(name)
    if prefixed:
        level_hint = int(prefixed.group(1))
    if not wanted:
        raise RegionError("Give a region name, such as 'Kachin'.")
    for custom in session.scalars(select(CustomRegion)):
        if area_key(custom.name) == area_key(name):
            areas = [session.get(AdminArea, uuid.UUID(i)) for i in custom.area_ids]
            refs = tuple(area_ref(a) for a in areas if a is not None)
            if not refs:
                raise RegionError(f"The custom region '{custom.name}' has no areas.")
            return region(session, custom.name, refs)
    candidates = list(session.scalars(select(AdminArea).where(AdminArea.name_norm == wanted)))
    pcode_match = session.scalar(select(AdminArea).where(AdminArea.pcode == name.strip()))
    if pcode_match is not None:
        return region(session, pcode_match.name, (area_ref(pcode_match),))
    if not candidates:
        # aliases (spelling variants) are few; scan them in Python
        has_aliases = cast(AdminArea.aliases, String) != "[]"  # JSON compares as text on PG
        for area in session.scalars(select(AdminArea).where(has_aliases)):
            if any(area_key(alias) == wanted for alias in area.aliases or []):
                candidates.append(area)
    if level_hint is not None and len(candidates) > 1:
        narrowed = [a for a in candidates if a.level == level_hint]
        candidates = narrowed or candidates
    elif len(candidates) > 1:
        # a bare name is the state/region when only one state/region is called so
        states = [a for a in candidates if a.level == 1]
        if len(states) == 1:
            candidates = states
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
            "Add the kind of area (e.g. 'Bhamo District', 'admin2:Bhamo') or give the P-code."
        )
    area = candidates[0]
    return region(session, area.name, (area_ref(area),))
