"""Which imported admin areas contain a point (for "pick on map" in the incident form).

Boundaries come from a boundary pack as GeoJSON text on :class:`AdminArea`; the stored
bounding box rejects almost every area in SQL before shapely tests the few left.
"""

from __future__ import annotations

import json

from shapely.geometry import Point, shape
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from sitrep.model import AdminArea


def locate_admin_areas(session: Session, lat: float, lon: float) -> dict[int, AdminArea]:
    """The areas containing (lat, lon), by level (1 state … 4 village tract).

    Areas without a boundary are never guessed. Where boundaries overlap at one level
    (a sloppy pack), the smallest area wins.
    """
    in_box = or_(
        AdminArea.min_lon.is_(None),
        and_(
            AdminArea.min_lon <= lon,
            AdminArea.max_lon >= lon,
            AdminArea.min_lat <= lat,
            AdminArea.max_lat >= lat,
        ),
    )
    point = Point(lon, lat)
    found: dict[int, tuple[float, AdminArea]] = {}
    for area in session.scalars(select(AdminArea).where(AdminArea.geometry.is_not(None), in_box)):
        try:
            geom = shape(json.loads(area.geometry or ""))
        except (ValueError, TypeError, AttributeError, KeyError):
            continue
        if not geom.covers(point):
            continue
        best = found.get(area.level)
        if best is None or geom.area < best[0]:
            found[area.level] = (geom.area, area)
    return {level: area for level, (_, area) in sorted(found.items())}
