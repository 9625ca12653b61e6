"""Finding places by what the user types: the project's own places first.

The incident form calls :func:`search_places` on every keystroke, so it reads only an
index range (``name_norm`` prefix) plus a short scan of spelling variants. The shipped
gazetteer (``sitrep.places.gazetteer``) adds its hits after the project's own places
when it is available; callers only ever see :class:`PlaceHit` rows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from sitrep.errors import ValidationError
from sitrep.model import AdminArea, Place
from sitrep.model.validation import check_coordinates
from sitrep.places.names import fold


@dataclass(frozen=True)
class PlaceHit:
    """One place offered to the user, with what the form fills in when it is chosen."""

    name: str
    lat: float | None
    lon: float | None
    origin: str  # "project" (a Place row) or "gazetteer"
    place_id: uuid.UUID | None = None
    matched: str = ""  # the spelling that matched, when it is not ``name``
    country_iso: str = ""
    admin_ids: tuple[uuid.UUID | None, ...] = field(default=(None, None, None, None))
    admin_names: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        """How the completer shows the hit: name, variant matched, areas."""
        text = self.name
        if self.matched and fold(self.matched) != fold(self.name):
            text += f" ({self.matched})"
        if self.admin_names:
            text += " — " + ", ".join(self.admin_names)
        return text

    @property
    def deepest_area_id(self) -> uuid.UUID | None:
        return next((a for a in reversed(self.admin_ids) if a is not None), None)


def _hit(place: Place, matched: str, names: dict[uuid.UUID, str]) -> PlaceHit:
    ids = (place.admin1_id, place.admin2_id, place.admin3_id, place.admin4_id)
    return PlaceHit(
        name=place.name,
        lat=place.lat,
        lon=place.lon,
        origin="project",
        place_id=place.id,
        matched=matched,
        country_iso=place.country_iso,
        admin_ids=ids,
        admin_names=tuple(names[i] for i in reversed(ids) if i is not None and i in names),
    )


def search_places(session: Session, text: str, limit: int = 20) -> list[PlaceHit]:
    """Places whose name or a spelling variant starts with ``text`` (folded).

    Project places come first (exact-name matches before longer names); then the
    shipped gazetteer fills the remaining slots when it is installed.
    """
    key = fold(text)
    if not key or limit <= 0:
        return []
    found: dict[uuid.UUID, tuple[Place, str]] = {}
    prefix = select(Place).where(Place.name_norm >= key, Place.name_norm < key + "\uffff")
    for place in session.scalars(prefix.order_by(Place.name_norm).limit(limit)):
        found[place.id] = (place, place.name)
    if len(found) < limit:
        # Spelling variants: few places have them; match any word start of a variant.
        # as text: PostgreSQL's json type has no comparison operators
        with_alts = select(Place).where(cast(Place.alt_names, String) != "[]").limit(5000)
        for place in session.scalars(with_alts):
            if place.id in found:
                continue
            for alt in place.alt_names or []:
                if fold(alt).startswith(key):
                    found[place.id] = (place, alt)
                    break
            if len(found) >= limit:
                break
    area_ids = {
        a
        for p, _ in found.values()
        for a in (p.admin1_id, p.admin2_id, p.admin3_id, p.admin4_id)
        if a is not None
    }
    names: dict[uuid.UUID, str] = {}
    if area_ids:
        stmt = select(AdminArea.id, AdminArea.name).where(AdminArea.id.in_(area_ids))
        names = {area_id: name for area_id, name in session.execute(stmt)}
    hits = [_hit(p, m, names) for p, m in found.values()]
    hits.sort(key=lambda h: (fold(h.name) != key, fold(h.name)))
    hits = hits[:limit]
    if len(hits) < limit:
        hits.extend(_gazetteer_hits(session, text, limit - len(hits)))
    return hits


def _gazetteer_hits(session: Session, text: str, limit: int) -> list[PlaceHit]:
    """Hits from the shipped gazetteer when that module is installed."""
    try:
        from sitrep.places import gazetteer
    except ImportError:
        return []
    search = getattr(gazetteer, "search_gazetteer", None)
    if search is None:
        return []
    return list(search(session, text, limit))


def area_chain(session: Session, area_id: uuid.UUID | None) -> dict[int, AdminArea]:
    """The area and its parents by level: {3: Hpakant, 2: Mohnyin, 1: Kachin, 0: Myanmar}."""
    chain: dict[int, AdminArea] = {}
    seen: set[uuid.UUID] = set()
    current = session.get(AdminArea, area_id) if area_id is not None else None
    while current is not None and current.id not in seen:
        seen.add(current.id)
        chain[current.level] = current
        current = session.get(AdminArea, current.parent_id) if current.parent_id else None
    return chain


def add_place(
    session: Session,
    name: str,
    lat: float | None,
    lon: float | None,
    *,
    area_id: uuid.UUID | None = None,
    alt_names: list[str] | None = None,
    kind: str = "",
) -> Place:
    """Add a place the user knows and no gazetteer has (Lone Khin), inside an admin area."""
    clean = " ".join(name.split())
    if not clean:
        raise ValidationError("Give the new place a name.", field="place_name")
    check_coordinates(lat, lon)
    chain = area_chain(session, area_id)
    country = next((a.country_iso for a in chain.values() if a.country_iso), "")
    place = Place(
        name=clean,
        name_norm=fold(clean),
        alt_names=list(alt_names or []),
        lat=lat,
        lon=lon,
        kind=kind,
        origin="user",
        country_iso=country,
        admin1_id=chain[1].id if 1 in chain else None,
        admin2_id=chain[2].id if 2 in chain else None,
        admin3_id=chain[3].id if 3 in chain else None,
        admin4_id=chain[4].id if 4 in chain else None,
    )
    session.add(place)
    session.flush()
    return place
