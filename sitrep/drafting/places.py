"""Where: place names in a report matched to the project's places, admin areas and the
places its incidents were coded at, then to the shipped gazetteer.

The index is built once per project (see :mod:`sitrep.drafting.knowledge`); a sentence
is read by looking up runs of capitalised words, longest first. When a name is
ambiguous ("Kaliganj" is an upazila in three districts) the candidate whose admin
areas are also named in the sentence wins, then the one the project uses most.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sitrep.model import AdminArea, Incident, Place, ProjectSetting
from sitrep.model.enums import LocationPrecision
from sitrep.places.names import area_key, fold

AreaIds = tuple[uuid.UUID | None, uuid.UUID | None, uuid.UUID | None, uuid.UUID | None]
NO_AREAS: AreaIds = (None, None, None, None)

# the word after a name that says what kind of place it is, and the admin level it means
_KIND_WORDS = {
    "state": 1, "region": 1, "division": 1, "province": 1,
    "district": 2, "township": 3, "upazila": 3, "upazilla": 3, "sub-district": 3,
    "village tract": 4, "union": 4,
    "village": -1, "town": -1, "city": -1, "market": -1, "area": -1, "camp": -1,
}  # fmt: skip
_KIND_AFTER = re.compile(
    r"\s*(?:-based\b|\s)?\s*(" + "|".join(sorted(_KIND_WORDS, key=len, reverse=True)) + r")s?\b",
    re.I,
)
_NEAR_BEFORE = re.compile(
    r"\b(near|close to|outside|outskirts of|north of|south of|east of|"
    r"west of|km from|kilometres from|kilometers from)\s*$",
    re.I,
)
_IN_BEFORE = re.compile(r"\b(in|at|inside|into|around|reached|on)\s+(?:the\s+)?$", re.I)
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][\w’'.]*")
_STOP = {
    "on", "in", "the", "a", "an", "at", "and", "of", "meanwhile", "however", "police",
    "army", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "colonel", "general", "president",
}  # fmt: skip
MAX_WORDS = 4


@dataclass
class Location:
    """A named place the project knows (or the gazetteer), with its admin areas."""

    name: str
    lat: float | None
    lon: float | None
    origin: str  # "project place", "coded incidents", "admin area", "gazetteer"
    area_ids: AreaIds = NO_AREAS
    level: int | None = None  # an admin area's level; None for a point place
    place_id: uuid.UUID | None = None
    area_id: uuid.UUID | None = None  # the admin area itself, when it is one
    country_iso: str = ""
    weight: int = 0

    @property
    def deepest_area(self) -> uuid.UUID | None:
        if self.area_id is not None:
            return self.area_id
        return next((a for a in reversed(self.area_ids) if a is not None), None)


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    location: Location
    kind_level: int | None  # from "township", "district", "village" after the name
    near: bool  # "near X", "12 km from X"
    located: bool = False  # "in X", "at X": where something happened, not "the X column"


@dataclass
class PlaceIndex:
    by_key: dict[str, list[Location]] = field(default_factory=dict)
    country_iso: str = ""
    area_names: dict[uuid.UUID, str] = field(default_factory=dict)
    area_levels: dict[uuid.UUID, int] = field(default_factory=dict)
    _gazetteer_cache: dict[str, list[Location]] = field(default_factory=dict)
    use_gazetteer: bool = True
    gazetteer_file: Path | None = None

    def add(self, key: str, loc: Location) -> None:
        if key and key not in _STOP:
            self.by_key.setdefault(key, []).append(loc)

    def lookup(self, key: str) -> list[Location]:
        found = self.by_key.get(key)
        if found is not None:
            return found
        return self._gazetteer(key)

    def _gazetteer(self, key: str) -> list[Location]:
        if not self.use_gazetteer or len(key) < 4 or key in _STOP:
            return []
        if key in self._gazetteer_cache:
            return self._gazetteer_cache[key]
        try:
            from sitrep.places.gazetteer import gazetteer_path, search_world

            if self.gazetteer_file is None:
                self.gazetteer_file = gazetteer_path()
            hits = search_world(
                key, 3, country_iso=self.country_iso or None, path=self.gazetteer_file
            )
        except (OSError, sqlite3.Error):  # no gazetteer here: the project's places only
            hits = []
        found = [
            Location(
                h.name,
                h.lat,
                h.lon,
                "gazetteer",
                country_iso=h.country_iso,
                weight=h.population // 1000,
            )
            for h in hits
            if fold(h.name) == key
        ]
        self._gazetteer_cache[key] = found
        return found


def build_place_index(session: Session) -> PlaceIndex:
    """Every name the project can place an event at."""
    index = PlaceIndex()
    country = session.get(ProjectSetting, "country")
    index.country_iso = (country.value if country else "") or ""
    parents: dict[uuid.UUID, uuid.UUID | None] = {}
    areas = list(session.execute(select(
        AdminArea.id, AdminArea.level, AdminArea.name, AdminArea.aliases, AdminArea.parent_id,
        AdminArea.country_iso, AdminArea.min_lat, AdminArea.max_lat, AdminArea.min_lon,
        AdminArea.max_lon,
    )))  # fmt: skip
    for a in areas:
        parents[a.id] = a.parent_id
        index.area_names[a.id] = a.name
        index.area_levels[a.id] = a.level
    centroids = _incident_centroids(session)
    for a in areas:
        chain = _chain(a.id, a.level, parents, index.area_levels)
        lat = lon = None
        if None not in (a.min_lat, a.max_lat, a.min_lon, a.max_lon):
            lat, lon = (a.min_lat + a.max_lat) / 2, (a.min_lon + a.max_lon) / 2
        elif a.id in centroids:
            lat, lon = centroids[a.id][:2]
        loc = Location(
            a.name,
            lat,
            lon,
            "admin area",
            chain,
            a.level,
            area_id=a.id,
            country_iso=a.country_iso or "",
            weight=centroids.get(a.id, (0, 0, 0))[2],
        )
        for name in {a.name, *(a.aliases or [])}:
            index.add(area_key(name), loc)
            index.add(fold(name), loc)
    for p in session.scalars(select(Place)):
        ids: AreaIds = (p.admin1_id, p.admin2_id, p.admin3_id, p.admin4_id)
        loc = Location(
            p.name,
            p.lat,
            p.lon,
            "project place",
            ids,
            place_id=p.id,
            country_iso=p.country_iso,
            weight=1000,
        )
        for name in {p.name, *(p.alt_names or [])}:
            index.add(fold(name), loc)
    _add_coded_places(session, index)
    for locs in index.by_key.values():
        # one entry per distinct place; the most used first
        locs.sort(key=lambda x: -x.weight)
    return index


def _chain(
    area_id: uuid.UUID,
    level: int,
    parents: dict[uuid.UUID, uuid.UUID | None],
    levels: dict[uuid.UUID, int],
) -> AreaIds:
    ids: list[uuid.UUID | None] = [None, None, None, None]
    current: uuid.UUID | None = area_id
    seen: set[uuid.UUID] = set()
    while current is not None and current not in seen:
        seen.add(current)
        lvl = levels.get(current, 0)
        if 1 <= lvl <= 4:
            ids[lvl - 1] = current
        current = parents.get(current)
    return (ids[0], ids[1], ids[2], ids[3])


def _incident_centroids(session: Session) -> dict[uuid.UUID, tuple[float, float, int]]:
    """Mean position and count of the project's incidents in each admin area."""
    out: dict[uuid.UUID, tuple[float, float, int]] = {}
    for col in (Incident.admin1_id, Incident.admin2_id, Incident.admin3_id, Incident.admin4_id):
        stmt = (
            select(col, func.avg(Incident.lat), func.avg(Incident.lon), func.count())
            .where(col.is_not(None), Incident.lat.is_not(None))
            .group_by(col)
        )
        for area_id, lat, lon, n in session.execute(stmt):
            out[area_id] = (float(lat), float(lon), int(n))
    return out


def _add_coded_places(session: Session, index: PlaceIndex) -> None:
    """Places the project's incidents were coded at (imported ACLED/UCDP data included)."""
    stmt = (
        select(
            Incident.place_name, Incident.lat, Incident.lon, Incident.admin1_id,
            Incident.admin2_id, Incident.admin3_id, Incident.admin4_id, Incident.country_iso,
            func.count(),
        )
        .where(Incident.place_name != "", Incident.lat.is_not(None))
        .group_by(
            Incident.place_name, Incident.lat, Incident.lon, Incident.admin1_id,
            Incident.admin2_id, Incident.admin3_id, Incident.admin4_id, Incident.country_iso,
        )
    )  # fmt: skip
    best: dict[tuple[str, AreaIds], Location] = {}
    counts: Counter[tuple[str, AreaIds]] = Counter()
    for name, lat, lon, a1, a2, a3, a4, iso, n in session.execute(stmt):
        key = fold(name)
        ids: AreaIds = (a1, a2, a3, a4)
        counts[(key, ids)] += n
        current = best.get((key, ids))
        if current is None or n > current.weight:
            best[(key, ids)] = Location(
                name, lat, lon, "coded incidents", ids, country_iso=iso or "", weight=n
            )
    grouped: dict[str, list[Location]] = defaultdict(list)
    for (key, ids), loc in best.items():
        loc.weight = counts[(key, ids)]
        grouped[key].append(loc)
    for key, locs in grouped.items():
        if key in index.by_key and any(x.origin == "project place" for x in index.by_key[key]):
            continue  # the project's own place wins over where incidents were coded
        for loc in locs:
            index.add(key, loc)


def find_places(
    text: str, index: PlaceIndex, offset: int = 0, masked: list[tuple[int, int]] | None = None
) -> list[PlaceMention]:
    """Place names in ``text``, each resolved to one location, in order."""
    words = [
        m for m in _WORD.finditer(text) if not any(s <= m.start() - 0 < e for s, e in masked or [])
    ]
    raw: list[tuple[int, int, list[Location], int | None, bool]] = []
    # capitalised[i]: how many capitalised words run from word i on
    capitalised = [0] * (len(words) + 1)
    for k in range(len(words) - 1, -1, -1):
        capitalised[k] = capitalised[k + 1] + 1 if words[k].group(0)[0].isupper() else 0
    i = 0
    while i < len(words):
        w = words[i]
        if not capitalised[i]:
            i += 1
            continue
        hit = None
        for n in range(min(MAX_WORDS, capitalised[i]), 0, -1):
            last = words[i + n - 1]
            gap = text[w.start() : last.end()]
            if n > 1 and not re.fullmatch(r"[\w’'.]+(?:(?:\s+|\s*-\s*)[\w’'.]+)*", gap):
                continue
            key = fold(gap.rstrip("."))
            if key in _STOP:
                continue
            locs = index.lookup(key)
            if locs and i == 0 and n == 1 and all(x.origin == "gazetteer" for x in locs):
                continue  # "Many factories…", "Over 200…": a sentence's first word is
                # capitalised anyway; only the project's own places count there
            if locs:
                hit = (w.start(), last.end() - (1 if gap.endswith(".") else 0), locs, n)
                break
        if hit is None:
            i += 1
            continue
        start, end, locs, n = hit
        kind = _KIND_AFTER.match(text, end)
        level = _KIND_WORDS[kind.group(1).lower()] if kind else None
        before = text[max(0, start - 30) : start]
        near = bool(_NEAR_BEFORE.search(before))
        raw.append((start, end, locs, level, near or bool(_IN_BEFORE.search(before))))
        i += n
    mentioned: set[uuid.UUID | None] = {
        loc.area_id for _, _, locs, _, _ in raw for loc in locs if loc.area_id
    }
    out: list[PlaceMention] = []
    for start, end, locs, level, located in raw:
        chosen = max(locs, key=lambda loc: _score(loc, level, mentioned))
        near = bool(_NEAR_BEFORE.search(text[max(0, start - 30) : start]))
        out.append(PlaceMention(offset + start, offset + end, chosen, level, near, located))
    return out


def _score(
    loc: Location, kind_level: int | None, mentioned: set[uuid.UUID | None]
) -> tuple[int, int, int]:
    context = sum(1 for a in loc.area_ids if a is not None and a in mentioned and a != loc.area_id)
    if kind_level is None or kind_level == -1:
        fits = int(loc.level is None)
    else:
        fits = int(loc.level == kind_level)
    return (context, fits, loc.weight)


def precision_for(mention: PlaceMention) -> LocationPrecision:
    """How precisely the text places the event at this mention."""
    loc = mention.location
    if loc.level is not None and mention.kind_level != -1:
        if loc.level >= 2:
            return LocationPrecision.ADMIN2
        if loc.level == 1:
            return LocationPrecision.ADMIN1
        return LocationPrecision.COUNTRY
    if loc.lat is None:
        return LocationPrecision.ADMIN2 if loc.deepest_area else LocationPrecision.COUNTRY
    return LocationPrecision.NEAR if mention.near else LocationPrecision.EXACT


def point_in_area(index: PlaceIndex, area: Location) -> Location | None:
    """The town of the same name inside an admin area ("Hpakant township" → Hpakant)."""
    if area.area_id is None:
        return None
    for loc in index.by_key.get(fold(area.name), []):
        if loc.level is None and loc.lat is not None and area.area_id in loc.area_ids:
            return loc
    return None
