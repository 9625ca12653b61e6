"""Importing place packs: a gazetteer pack (CSV) and a boundary pack (GeoJSON/shapefile).

A **gazetteer pack** lists places with coordinates, names in any script (Burmese too),
admin names and P-codes (MIMU's town list is one). Each row becomes a ``Place`` (updated
in place on re-import, by P-code or by name and position); its admin names become
``AdminArea`` rows with level, parent and P-code, matched to existing areas first.

A **boundary pack** holds admin polygons with P-codes (HDX/OCHA ``ADM1_EN`` /
``ADM1_PCODE`` style, or MIMU's ``ST``/``DT``/``TS`` fields). Each feature becomes an
``AdminArea`` with its geometry (GeoJSON text) and bounding box; an area that already
exists (by P-code, or by name under the same parent, e.g. created by an ACLED import)
receives the geometry instead of being duplicated. Afterwards every incident with
coordinates is placed in the areas by point in polygon.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from sitrep.errors import SitrepError
from sitrep.interchange.common import blank, parse_coordinate
from sitrep.interchange.parsed_rows import RowError, RowProblem
from sitrep.interchange.readers import read_table
from sitrep.model import AdminArea, Place
from sitrep.places.admin_assign import assign_admin_areas
from sitrep.places.areas import AreaResolver, compact_key
from sitrep.places.canonical import canonical_name
from sitrep.places.names import area_key, fold
from sitrep.store.project import Project

# --------------------------------------------------------------------------- gazetteer pack

_GAZ_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": (
        "name", "name en", "name eng", "town name eng", "village name eng", "place name",
        "place", "location", "asciiname", "feature name",
    ),
    "alt": (
        "alternatenames", "alternate names", "alt names", "name mmr", "name my",
        "town name mmr", "village name mmr", "local name", "name local",
    ),
    "lat": ("latitude", "lat", "y"),
    "lon": ("longitude", "lon", "long", "lng", "x"),
    "pcode": ("pcode", "town pcode", "village pcode", "place pcode", "p code"),
    "kind": ("kind", "type", "feature class", "feature type"),
    "country": ("country", "iso3", "country iso", "countrycode"),
    "admin1": (
        "admin1", "admin1 name", "adm1 en", "sr name eng", "state region", "state", "region",
    ),
    "admin1_pcode": ("admin1 pcode", "adm1 pcode", "sr pcode", "st pcode"),
    "admin2": (
        "admin2", "admin2 name", "adm2 en", "district saz name eng", "district name eng",
        "district",
    ),
    "admin2_pcode": (
        "admin2 pcode", "adm2 pcode", "district saz pcode", "district pcode", "dt pcode",
    ),
    "admin3": (
        "admin3", "admin3 name", "adm3 en", "township name eng", "tsp name eng", "township",
    ),
    "admin3_pcode": ("admin3 pcode", "adm3 pcode", "tsp pcode", "township pcode", "ts pcode"),
}  # fmt: skip


def _norm_col(name: str) -> str:
    return fold(name).replace("_", " ").replace("/", " ").replace("  ", " ").strip()


def guess_gazetteer_columns(columns: list[str]) -> dict[str, str]:
    normed = {_norm_col(c): c for c in columns}
    out: dict[str, str] = {}
    for key, names in _GAZ_COLUMNS.items():
        for name in names:
            if name in normed and normed[name] not in out.values():
                out[key] = normed[name]
                break
    return out


@dataclass
class PackResult:
    added: int = 0
    updated: int = 0
    areas_created: int = 0
    areas_updated: int = 0
    incidents_reassigned: int = 0
    areas_removed: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    def summary(self, what: str) -> str:
        text = f"{self.added} {what} added, {self.updated} updated"
        if self.areas_created or self.areas_updated:
            text += (
                f"; {self.areas_created} admin areas added, {self.areas_updated} given boundaries"
            )
        if self.incidents_reassigned:
            text += f"; {self.incidents_reassigned} incidents placed in admin areas"
        if self.areas_removed:
            text += f"; {self.areas_removed} unused areas known only by imported names removed"
        if self.problems:
            text += f"; {len(self.problems)} rows skipped (see the problems listed)"
        return text + "."


def import_gazetteer_pack(
    project: Project, path: Path | str, *, country_iso: str = ""
) -> PackResult:
    """Places from a CSV/XLSX gazetteer pack (all or nothing for the valid rows)."""
    path = Path(path)
    if not path.exists():
        raise SitrepError(f"There is no file {path}.")
    table = read_table(path)
    cols = guess_gazetteer_columns(table.columns)
    missing = [k for k in ("name", "lat", "lon") if k not in cols]
    if missing:
        raise SitrepError(
            f"{path.name} does not look like a gazetteer pack: no column for "
            f"{', '.join(missing)} (found: {', '.join(table.columns[:12])})."
        )
    result = PackResult()
    with project.session() as session:
        resolver = AreaResolver(session, official=True)
        by_pcode = {
            p.pcode: p for p in session.scalars(select(Place).where(Place.pcode.is_not(None)))
        }
        by_name: dict[tuple[str, float, float], Place] = {
            (p.name_norm, round(p.lat or 0, 3), round(p.lon or 0, 3)): p
            for p in session.scalars(select(Place).where(Place.pcode.is_(None)))
        }
        result.problems.extend(table.problems)  # bad bytes, huge cells: rows left out
        bad_rows = table.bad_rows
        for number, row in table.records():
            if number in bad_rows:
                continue

            def get(key: str, row: dict[str, str] = row) -> str:
                col = cols.get(key)
                value = row.get(col, "") if col else ""
                return "" if blank(value) else value.strip()

            name = " ".join(get("name").split())
            try:
                if not name:
                    raise RowError(cols["name"], "the place has no name")
                lat = lon = None
                if get("lat") or get("lon"):  # a place may have no known position
                    lat = parse_coordinate(get("lat"), cols["lat"], latitude=True)
                    lon = parse_coordinate(get("lon"), cols["lon"], latitude=False)
            except RowError as exc:
                result.problems.append(RowProblem(number, exc.column, exc.reason))
                continue
            country = get("country").upper()
            if len(country) != 3:
                country = country_iso
            alts = [a.strip() for a in re.split(r"[|;]", get("alt")) if a.strip()]
            pcode = get("pcode") or None
            admin = resolver.resolve(
                (get("admin1"), get("admin2"), get("admin3")),
                (get("admin1_pcode"), get("admin2_pcode"), get("admin3_pcode")),
                country,
            )
            spot = (fold(name), round(lat or 0, 3), round(lon or 0, 3))
            place = by_pcode.get(pcode) if pcode else by_name.get(spot)
            if place is None:
                place = Place(origin="gazetteer pack")
                session.add(place)
                result.added += 1
                if pcode:
                    by_pcode[pcode] = place
                else:
                    by_name[spot] = place
            else:
                result.updated += 1
            place.name = name
            place.name_norm = fold(name)
            place.alt_names = [a for a in alts if a != name]
            place.lat, place.lon = lat, lon
            place.pcode = pcode
            place.kind = get("kind") or place.kind or "town"
            place.country_iso = country or place.country_iso or ""
            place.admin1_id, place.admin2_id, place.admin3_id = admin
        resolver.flush()
        result.areas_created = len(resolver.created)
    return result


# --------------------------------------------------------------------------- boundary pack

# level -> (name fields, P-code fields), tried in order (HDX COD, then MIMU)
_LEVEL_FIELDS: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {
    1: (("ADM1_EN", "ADM1_NAME", "ADM1NAME", "admin1Name_en", "NAME_1", "ST", "SR_Name_Eng"),
        ("ADM1_PCODE", "admin1Pcode", "ADM1_CODE", "ST_PCODE", "SR_Pcode")),
    2: (("ADM2_EN", "ADM2_NAME", "ADM2NAME", "admin2Name_en", "NAME_2", "DT"),
        ("ADM2_PCODE", "admin2Pcode", "ADM2_CODE", "DT_PCODE")),
    3: (("ADM3_EN", "ADM3_NAME", "ADM3NAME", "admin3Name_en", "NAME_3", "TS"),
        ("ADM3_PCODE", "admin3Pcode", "ADM3_CODE", "TS_PCODE")),
    4: (("ADM4_EN", "ADM4_NAME", "admin4Name_en", "NAME_4", "VT"),
        ("ADM4_PCODE", "admin4Pcode", "ADM4_CODE", "VT_PCODE")),
}  # fmt: skip
_ALIAS_SUFFIXES = ("_MY", "_MMR", "_MMR4", "_LOCAL", "_ALT")
# the kind of a state/region as a pack gives it (MIMU "ST_RG": State or Region)
_LEVEL1_KIND_FIELDS = ("ST_RG", "ADM1_TYPE", "ENGTYPE_1", "TYPE_1")


def _with_kind(props: dict[str, Any], level: int, name: str) -> str:
    """``Kachin`` + ``ST_RG: State`` -> ``Kachin State`` (only for states/regions)."""
    if level != 1 or not name:
        return name
    kind_field = _field(props, _LEVEL1_KIND_FIELDS)
    kind = str(props.get(kind_field) or "").strip() if kind_field else ""
    if kind and not name.casefold().endswith(" " + kind.casefold()) and " " not in kind:
        return f"{name} {kind}"
    return name


def _field(props: dict[str, Any], names: tuple[str, ...]) -> str | None:
    lowered = {k.lower(): k for k in props}
    for name in names:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def read_boundary_features(path: Path) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(properties, GeoJSON geometry) of each feature of a GeoJSON file or shapefile."""
    suffix = path.suffix.lower()
    if suffix in {".shp", ".zip", ".dbf"}:
        import shapefile

        try:
            reader = shapefile.Reader(str(path), encodingErrors="replace")
        except (shapefile.ShapefileException, OSError) as exc:
            raise SitrepError(f"{path.name} is not a readable shapefile: {exc}.") from exc
        with reader:
            names = [f[0] for f in reader.fields[1:]]
            out = []
            for sr in reader.iterShapeRecords():
                props = dict(zip(names, list(sr.record), strict=False))
                out.append((props, sr.shape.__geo_interface__))
            return out
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SitrepError(f"{path.name} is not a readable GeoJSON file: {exc}.") from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise SitrepError(f"{path.name} is not a GeoJSON FeatureCollection.")
    return [(f.get("properties") or {}, f.get("geometry")) for f in features]


def detect_level(props: dict[str, Any]) -> int:
    """The deepest admin level whose name and P-code fields the features carry."""
    for level in (4, 3, 2, 1):
        names, pcodes = _LEVEL_FIELDS[level]
        if _field(props, names) and _field(props, pcodes):
            return level
    raise SitrepError(
        "The boundary pack has no recognised admin name and P-code fields "
        f"(such as ADM1_EN and ADM1_PCODE); its fields are: {', '.join(list(props)[:15])}."
    )


def import_boundary_pack(
    project: Project,
    path: Path | str,
    *,
    level: int | None = None,
    country_iso: str = "",
    reassign: bool = True,
    progress: Callable[[int, int], object] | None = None,
) -> PackResult:
    """Admin areas with boundaries from a pack; then incidents re-assigned by position."""
    path = Path(path)
    if not path.exists():
        raise SitrepError(f"There is no file {path}.")
    features = read_boundary_features(path)
    if not features:
        raise SitrepError(f"{path.name} has no features.")
    level = level or detect_level(features[0][0])
    result = PackResult()
    with project.session() as session:
        _import_boundaries(session, features, level, country_iso, result)
        if reassign:
            result.incidents_reassigned = assign_admin_areas(session, progress=progress)
            result.areas_removed = remove_empty_name_only_areas(session)
    return result


def remove_empty_name_only_areas(session: Session) -> int:
    """Delete areas that existed only because an import named them (no P-code, no
    boundary) and that nothing uses any more once incidents were placed by boundaries
    (UCDP's "Shan state" when the pack splits Shan into North, South and East)."""
    removed = 0
    while True:
        n = _remove_once(session)
        if not n:
            return removed
        removed += n


def _remove_once(session: Session) -> int:
    import uuid

    from sqlalchemy import delete

    from sitrep.model import CustomRegion, Incident

    candidates = set(
        session.scalars(
            select(AdminArea.id).where(AdminArea.pcode.is_(None), AdminArea.geometry.is_(None))
        )
    )
    if not candidates:
        return 0
    used: set[Any] = set()
    for column in (Incident.admin1_id, Incident.admin2_id, Incident.admin3_id, Incident.admin4_id):
        used.update(session.scalars(select(column).distinct().where(column.is_not(None))))
    for column in (Place.admin1_id, Place.admin2_id, Place.admin3_id, Place.admin4_id):
        used.update(session.scalars(select(column).distinct().where(column.is_not(None))))
    used.update(
        session.scalars(
            select(AdminArea.parent_id).distinct().where(AdminArea.parent_id.is_not(None))
        )
    )
    for region in session.scalars(select(CustomRegion)):
        used.update(uuid.UUID(i) for i in region.area_ids)
    unused = list(candidates - used)
    for i in range(0, len(unused), 500):
        session.execute(
            delete(AdminArea)
            .where(AdminArea.id.in_(unused[i : i + 500]))
            .execution_options(synchronize_session=False)
        )
    return len(unused)


def _import_boundaries(
    session: Session,
    features: list[tuple[dict[str, Any], dict[str, Any]]],
    level: int,
    country_iso: str,
    result: PackResult,
) -> None:
    resolver = AreaResolver(session, official=True)
    areas_by_id = {a.id: a for a in session.scalars(select(AdminArea))}
    for number, (props, geometry) in enumerate(features, start=1):
        name_field = _field(props, _LEVEL_FIELDS[level][0])
        pcode_field = _field(props, _LEVEL_FIELDS[level][1])
        name = str(props.get(name_field) or "").strip() if name_field else ""
        pcode = str(props.get(pcode_field) or "").strip() if pcode_field else ""
        if not name or not pcode:
            result.problems.append(
                RowProblem(number, name_field or "name", "the feature has no name or P-code")
            )
            continue
        try:
            geom = shape(geometry)
        except (ValueError, TypeError, AttributeError, KeyError):
            result.problems.append(RowProblem(number, "geometry", "the geometry is not valid"))
            continue
        if geom.geom_type not in {"Polygon", "MultiPolygon"}:
            result.problems.append(
                RowProblem(
                    number, "geometry", f"the geometry is a {geom.geom_type}, not a polygon"
                )
            )
            continue
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        # parents: names and P-codes of the levels above, as the pack gives them
        names, pcodes = [], []
        for upper in range(1, level):
            nf = _field(props, _LEVEL_FIELDS[upper][0])
            pf = _field(props, _LEVEL_FIELDS[upper][1])
            names.append(_with_kind(props, upper, str(props.get(nf) or "").strip() if nf else ""))
            pcodes.append(str(props.get(pf) or "").strip() if pf else "")
        parents = resolver.resolve(names, pcodes, country_iso) if names else ()
        parent_id = parents[-1] if parents else None
        resolver.flush()
        area = _existing_area(session, resolver, areas_by_id, level, name, pcode, parent_id)
        name = (
            canonical_name(
                level,
                area.spellings if area is not None else {},
                pack_name=_with_kind(props, level, name),
            )
            or name
        )
        if area is None:
            area = AdminArea(level=level, name=name, name_norm=area_key(name), pcode=pcode)
            session.add(area)
            result.areas_created += 1
        else:
            result.areas_updated += 1
            if area.name != name:
                if area_key(area.name) != area_key(name) and area.name not in (area.aliases or []):
                    area.aliases = [*(area.aliases or []), area.name]
                area.name = name
                area.name_norm = area_key(name)
        area.name_source = "pack"
        area.pcode = pcode
        area.parent_id = parent_id or area.parent_id
        area.country_iso = country_iso or area.country_iso or _country_from_pcode(pcode)
        aliases = [
            str(v).strip()
            for k, v in props.items()
            if v
            and any(k.upper().endswith(s) for s in _ALIAS_SUFFIXES)
            and k.upper().startswith((f"ADM{level}", "TS", "DT", "ST"))
        ]
        area.aliases = sorted(set((area.aliases or []) + aliases) - {name})
        area.geometry = json.dumps(mapping(geom), separators=(",", ":"))
        area.min_lon, area.min_lat, area.max_lon, area.max_lat = geom.bounds
        session.flush()
        areas_by_id[area.id] = area
        resolver.index_existing(area)
    result.areas_created += len(resolver.created)


def _existing_area(
    session: Session,
    resolver: AreaResolver,
    areas_by_id: dict[Any, AdminArea],
    level: int,
    name: str,
    pcode: str,
    parent_id: Any,
) -> AdminArea | None:
    ref = resolver.by_pcode.get(pcode)
    if ref is None:
        candidates = resolver.by_key.get((level, compact_key(name)), [])
        under = [c for c in candidates if c.parent_id == parent_id and not c.pcode]
        loose = [c for c in candidates if c.parent_id is None and not c.pcode]
        ref = (under or loose)[0] if (under or loose) else None
    if ref is None:
        return None
    return areas_by_id.get(ref.id) or session.get(AdminArea, ref.id)


def _country_from_pcode(pcode: str) -> str:
    head = pcode[:3].upper()
    return head if head.isalpha() and len(head) == 3 else ""
