"""Placing incidents in admin areas by their coordinates (point in polygon).

Boundaries come from a boundary pack (``AdminArea.geometry``, GeoJSON text). Polygons
of each level go into a shapely STRtree; all points of a batch are queried at once.
A point on a shared border belongs to the first area found; a point outside every
polygon of a level keeps the area it had (the names it was imported with).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import shapely
from shapely import STRtree
from shapely.geometry import shape
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from sitrep.model import AdminArea, Incident
from sitrep.model.base import utcnow
from sitrep.store.audit import log_bulk

_COLUMNS = {1: "admin1_id", 2: "admin2_id", 3: "admin3_id", 4: "admin4_id"}


@dataclass
class LevelIndex:
    tree: STRtree
    ids: list[uuid.UUID]


class AreaIndex:
    """Spatial indexes of the project's admin boundaries, one per level."""

    def __init__(self, session: Session) -> None:
        polys: dict[int, tuple[list[object], list[uuid.UUID]]] = {}
        rows = session.execute(
            select(AdminArea.id, AdminArea.level, AdminArea.geometry).where(
                AdminArea.geometry.is_not(None), AdminArea.level >= 1
            )
        )
        for area_id, level, geometry in rows:
            if not geometry:
                continue
            try:
                geom = shape(json.loads(geometry))
            except (ValueError, TypeError, KeyError, AttributeError):
                continue
            if geom.is_empty:
                continue
            if not geom.is_valid:
                geom = shapely.make_valid(geom)
            bucket = polys.setdefault(level, ([], []))
            bucket[0].append(geom)
            bucket[1].append(area_id)
        self.levels = {
            level: LevelIndex(STRtree(geoms), ids) for level, (geoms, ids) in polys.items()
        }

    def __bool__(self) -> bool:
        return bool(self.levels)

    def locate(self, lons: list[float], lats: list[float]) -> dict[int, list[uuid.UUID | None]]:
        """For each level with boundaries, the area of each point (or None)."""
        points = shapely.points(lons, lats)
        out: dict[int, list[uuid.UUID | None]] = {}
        for level, index in self.levels.items():
            found: list[uuid.UUID | None] = [None] * len(lons)
            pairs = index.tree.query(points, predicate="intersects")
            for point_i, poly_i in zip(pairs[0], pairs[1], strict=True):
                if found[point_i] is None:
                    found[point_i] = index.ids[poly_i]
            out[level] = found
        return out


def has_boundaries(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).where(AdminArea.geometry.is_not(None))))


def assign_admin_areas(
    session: Session,
    incident_ids: Iterable[uuid.UUID] | None = None,
    *,
    progress: Callable[[int, int], object] | None = None,
    index: AreaIndex | None = None,
) -> int:
    """Re-assign admin areas of incidents with coordinates; returns how many changed."""
    index = index or AreaIndex(session)
    if not index:
        return 0
    stmt = select(
        Incident.id,
        Incident.lon,
        Incident.lat,
        Incident.admin1_id,
        Incident.admin2_id,
        Incident.admin3_id,
        Incident.admin4_id,
    ).where(Incident.lat.is_not(None), Incident.lon.is_not(None))
    wanted = list(incident_ids) if incident_ids is not None else None
    rows = []
    if wanted is None:
        rows = list(session.execute(stmt))
    else:
        for i in range(0, len(wanted), 500):
            rows.extend(session.execute(stmt.where(Incident.id.in_(wanted[i : i + 500]))))
    changed = 0
    now = utcnow()
    params: list[dict[str, object]] = []
    parents = {a: p for a, p in session.execute(select(AdminArea.id, AdminArea.parent_id))}

    def under(area: uuid.UUID | None, ancestor: uuid.UUID) -> bool:
        seen = 0
        while area is not None and seen < 6:
            if area == ancestor:
                return True
            area = parents.get(area)
            seen += 1
        return False

    for start in range(0, len(rows), 5000):
        batch = rows[start : start + 5000]
        located = index.locate([r[1] or 0.0 for r in batch], [r[2] or 0.0 for r in batch])
        for i, row in enumerate(batch):
            current = {1: row[3], 2: row[4], 3: row[5], 4: row[6]}
            new = dict(current)
            for level, areas in located.items():
                if areas[i] is not None:
                    new[level] = areas[i]
            # deeper areas known only by name must lie inside the area the point fell in
            for level in sorted(located):
                placed = new[level]
                if placed is None or placed == current[level]:
                    continue
                for deeper in range(level + 1, 5):
                    if deeper not in located and not under(new[deeper], placed):
                        new[deeper] = None
            if new != current:
                params.append(
                    {
                        "b_id": row[0],
                        "b1": new[1],
                        "b2": new[2],
                        "b3": new[3],
                        "b4": new[4],
                    }
                )
        if progress is not None:
            progress(start + len(batch), len(rows))
    if params:
        stmt_upd = (
            update(Incident)
            .where(Incident.id == bindparam("b_id"))
            .values(
                admin1_id=bindparam("b1"),
                admin2_id=bindparam("b2"),
                admin3_id=bindparam("b3"),
                admin4_id=bindparam("b4"),
                version=Incident.version + 1,
                updated_at=now,
            )
        )
        session.connection().execute(stmt_upd, params)
        changed = len(params)
        log_bulk(
            session,
            "incident",
            "update",
            {"what": "admin areas from boundaries (point in polygon)", "count": changed},
        )
    return changed


def assign_if_boundaries(project: object, incident_ids: list[uuid.UUID]) -> int:
    """After an import: place the new incidents by the project's boundaries, if any."""
    with project.session() as session:  # type: ignore[attr-defined]
        if not has_boundaries(session):
            return 0
        return assign_admin_areas(session, incident_ids)
