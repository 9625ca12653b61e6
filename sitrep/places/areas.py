"""Matching admin names from data files to the project's admin areas, or adding them.

Files spell areas every which way: ``Kachin state``, ``Kachin State``, ``Kachin``;
``Bago division`` and ``Bago region``; ``Magway  region``; ``Karen state`` for today's
Kayin; ``Shan-North`` for ``Shan (North)``. Names are compared on a compact key: folded,
without the kind-of-area word, without spaces, with former names replaced by today's.
An area that matches nothing is created with its level and parent, so region filters
work on imported data; a later boundary pack adopts it by P-code or name. Every
spelling read is counted on the area, and the area's name follows the rule of
:mod:`sitrep.places.canonical` (pack name, else the most common spelling).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from sitrep.model import AdminArea
from sitrep.model.base import new_uuid
from sitrep.model.defaults import insert_defaults
from sitrep.places.canonical import canonical_name
from sitrep.places.names import area_key

_EXTRA_WORDS = (
    "union territory",
    "territory",
    "self administered zone",
    "self administered division",
)

# Former or alternative names of Myanmar's states/regions (the seed scenario) -> today's.
FORMER_NAMES = {
    "karen": "kayin",
    "karenni": "kayah",
    "arakan": "rakhine",
    "pegu": "bago",
    "irrawaddy": "ayeyarwady",
    "ayeyawady": "ayeyarwady",
    "tenasserim": "tanintharyi",
    "magwe": "magway",
    "rangoon": "yangon",
    "naypyidaw": "naypyitaw",
    "naypyitawunionterritory": "naypyitaw",
    "puta o": "putao",
}


def compact_key(name: str) -> str:
    """``'Magway  region'`` → ``'magway'``; ``'Nay Pyi Taw'`` → ``'naypyitaw'``."""
    key = area_key(name)
    for word in _EXTRA_WORDS:
        if key.endswith(" " + word):
            key = key[: -len(word) - 1].strip()
    key = area_key(key) if key != area_key(key) else key
    squeezed = key.replace(" ", "")
    return FORMER_NAMES.get(squeezed, squeezed)


@dataclass(eq=False)
class _Area:
    id: uuid.UUID
    level: int
    name: str
    parent_id: uuid.UUID | None
    pcode: str | None
    aliases: list[str] = field(default_factory=list)
    spellings: dict[str, int] = field(default_factory=dict)
    named_by_pack: bool = False
    pack_name: str = ""


@dataclass
class AreaResolver:
    """Finds or creates admin areas for names read from a file, within one session.

    Creation is deferred to :meth:`flush` so an import can add hundreds of areas in one
    statement; ``created`` lists what was (or in a dry run, would be) added.
    """

    session: Session
    country_iso: str = ""
    # a boundary or gazetteer pack: its spellings are the P-code names and win
    official: bool = False
    by_pcode: dict[str, _Area] = field(default_factory=dict)
    by_key: dict[tuple[int, str], list[_Area]] = field(default_factory=dict)
    created: list[dict[str, object]] = field(default_factory=list)
    _new_aliases: dict[uuid.UUID, _Area] = field(default_factory=dict)
    _unwritten: set[uuid.UUID] = field(default_factory=set)
    _cache: dict[tuple[str, ...], tuple[uuid.UUID | None, ...]] = field(default_factory=dict)
    _areas: dict[uuid.UUID, _Area] = field(default_factory=dict)
    _counted: dict[uuid.UUID, _Area] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rows = self.session.execute(
            select(
                AdminArea.id,
                AdminArea.level,
                AdminArea.name,
                AdminArea.parent_id,
                AdminArea.pcode,
                AdminArea.aliases,
                AdminArea.spellings,
                AdminArea.name_source,
            )
        )
        for area_id, level, name, parent_id, pcode, aliases, spellings, source in rows:
            counts = {str(k): int(v) for k, v in (spellings or {}).items()}
            if not counts and source != "pack":
                counts = {name: 1}  # an area from before spellings were counted
            area = _Area(
                area_id,
                level,
                name,
                parent_id,
                pcode,
                list(aliases or []),
                counts,
                # named by a pack, or made by someone who knew its P-code (not from a file)
                source == "pack" or (bool(pcode) and not spellings),
            )
            self._index(area, [name, *(aliases or [])])

    def index_existing(self, area: AdminArea) -> None:
        """Make an area written outside the resolver (by a boundary pack) findable by its
        name and aliases; its spellings count as official, as the pack's."""
        entry = _Area(
            area.id,
            area.level,
            area.name,
            area.parent_id,
            area.pcode,
            list(area.aliases or []),
            dict(area.spellings or {}),
            True,
        )
        self._index(entry, [area.name, *(area.aliases or [])])

    def _index(self, area: _Area, names: Sequence[str]) -> None:
        self._areas[area.id] = area
        if area.pcode:
            self.by_pcode[area.pcode] = area
        for name in names:
            key = (area.level, compact_key(name))
            bucket = self.by_key.setdefault(key, [])
            if area not in bucket:
                bucket.append(area)

    def _find(self, level: int, name: str, parent: _Area | None) -> _Area | None:
        candidates = self.by_key.get((level, compact_key(name)), [])
        if parent is not None:
            under = [a for a in candidates if a.parent_id == parent.id]
            if under:
                return under[0]
            # An area of the same name without a known parent (created from a file
            # that gave no parent) is the same one.
            orphans = [a for a in candidates if a.parent_id is None]
            return orphans[0] if len(orphans) == 1 else None
        return candidates[0] if len(candidates) == 1 else None

    def resolve(
        self,
        names: Sequence[str],
        pcodes: Sequence[str] = (),
        country_iso: str = "",
    ) -> tuple[uuid.UUID | None, ...]:
        """Area ids for admin1..adminN names (and P-codes where known), adding missing
        areas. An empty name stops the chain (a township without its state is kept
        only if its P-code is known)."""
        pcodes = tuple(pcodes) + ("",) * (len(names) - len(pcodes))
        cache_key = (country_iso, *names, *pcodes)
        if cache_key in self._cache:
            result = self._cache[cache_key]
            self._count(result, names)
            return result
        ids: list[uuid.UUID | None] = []
        parent: _Area | None = None
        broken = False
        for level, (name, pcode) in enumerate(zip(names, pcodes, strict=False), start=1):
            name = " ".join(name.split())
            area = self.by_pcode.get(pcode) if pcode else None
            if area is None and name and not broken:
                area = self._find(level, name, parent)
                if area is None:
                    area = self._create(level, name, parent, pcode or None, country_iso)
                else:
                    self._remember_spelling(area, name)
            if area is None:
                broken = True
            ids.append(area.id if area else None)
            parent = area if area else parent
        result = tuple(ids)
        self._cache[cache_key] = result
        self._count(result, names)
        return result

    def _count(self, ids: Sequence[uuid.UUID | None], names: Sequence[str]) -> None:
        """One more reading of each spelling; the names follow at :meth:`flush`."""
        for area_id, name in zip(ids, names, strict=False):
            name = " ".join(name.split())
            if area_id is None or not name:
                continue
            area = self._areas.get(area_id)
            if area is None:
                continue
            area.spellings[name] = area.spellings.get(name, 0) + 1
            if self.official:
                area.pack_name = name
            self._counted[area_id] = area

    def _remember_spelling(self, area: _Area, name: str) -> None:
        """A new spelling of a known area ("Kayin state" for "Karen state") becomes an
        alias, so region names typed either way find it."""
        key = area_key(name)
        if key == area_key(area.name) or any(area_key(a) == key for a in area.aliases):
            return
        area.aliases.append(name)
        if area.id not in self._unwritten:
            self._new_aliases[area.id] = area

    def _create(
        self, level: int, name: str, parent: _Area | None, pcode: str | None, country_iso: str
    ) -> _Area:
        area = _Area(
            new_uuid(), level, name, parent.id if parent else None, pcode, [], {}, self.official
        )
        self._index(area, [name])
        self._unwritten.add(area.id)
        self.created.append(
            {
                **insert_defaults(AdminArea, user=self.session.info.get("user", "")),
                "id": area.id,
                "level": level,
                "name": name,
                "name_norm": area_key(name),
                "aliases": area.aliases,  # the same list: later spellings join it
                "spellings": area.spellings,  # the same dict: counts join it
                "name_source": "pack" if self.official else "",
                "pcode": pcode,
                "country_iso": country_iso or self.country_iso,
                "parent_id": area.parent_id,
            }
        )
        return area

    def _rename(self) -> list[_Area]:
        """Apply the naming rule to the areas read since the last flush."""
        renamed: list[_Area] = []
        for area in self._counted.values():
            if area.named_by_pack and not self.official:
                continue
            if self.official and area.pack_name:
                name = canonical_name(area.level, area.spellings, pack_name=area.pack_name)
                area.named_by_pack = True
            else:
                name = canonical_name(area.level, area.spellings, current=area.name)
            if name and name != area.name:
                if area_key(area.name) != area_key(name) and area.name not in area.aliases:
                    area.aliases.append(area.name)
                area.name = name
            renamed.append(area)
        self._counted.clear()
        return renamed

    def flush(self) -> int:
        """Insert the areas created so far; returns how many."""
        touched = [a for a in self._rename() if a.id not in self._unwritten]
        for row in self.created:
            if not row.get("_written"):
                area = self._areas[row["id"]]  # type: ignore[index]
                row["name"], row["name_norm"] = area.name, area_key(area.name)
                row["name_source"] = "pack" if area.named_by_pack else ""
        if touched:
            stmt = (
                update(AdminArea)
                .where(AdminArea.id == bindparam("b_id"))
                .values(
                    name=bindparam("b_name"),
                    name_norm=bindparam("b_norm"),
                    aliases=bindparam("b_aliases"),
                    spellings=bindparam("b_spellings"),
                    name_source=bindparam("b_source"),
                )
            )
            self.session.connection().execute(
                stmt,
                [
                    {
                        "b_id": a.id,
                        "b_name": a.name,
                        "b_norm": area_key(a.name),
                        "b_aliases": list(a.aliases),
                        "b_spellings": dict(a.spellings),
                        "b_source": "pack" if a.named_by_pack else "",
                    }
                    for a in touched
                ],
            )
            for a in touched:
                self._new_aliases.pop(a.id, None)
        if self._new_aliases:
            stmt = (
                update(AdminArea)
                .where(AdminArea.id == bindparam("b_id"))
                .values(aliases=bindparam("b_aliases"))
            )
            self.session.connection().execute(
                stmt,
                [{"b_id": a.id, "b_aliases": a.aliases} for a in self._new_aliases.values()],
            )
            self._new_aliases.clear()
        pending = [row for row in self.created if not row.get("_written")]
        if pending:
            self.session.connection().execute(
                insert(AdminArea),
                [{k: v for k, v in r.items() if k != "_written"} for r in pending],
            )
            for row in pending:
                row["_written"] = True
                self._unwritten.discard(row["id"])
        return len(pending)
