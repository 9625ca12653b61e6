"""Per-viewport clustering in SQL: the page only ever receives what the screen shows.

Handing a page every point of a large project cannot stay interactive (DESIGN.md, "Map
and timeline"). Instead, for each view the page asks for its bounding box and zoom;
the filtered incidents inside are counted per grid cell (about 64 screen pixels wide)
by type in one ``GROUP BY``. When few enough are in view, the individual points come
instead, with their popup fields. The cost follows the screen, not the project.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Float, Integer, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from sitrep.mapping.data import incident_points, located
from sitrep.mapping.palette import type_colour
from sitrep.model import Incident
from sitrep.store.queries import IncidentFilter

if TYPE_CHECKING:
    from sitrep.mapping.pointindex import PointIndex

CELL_PIXELS = 64
POINT_LIMIT = 2000  # at most this many individual markers in view


@dataclass(frozen=True)
class Viewport:
    west: float
    south: float
    east: float
    north: float
    zoom: int

    def clamped(self) -> Viewport:
        """The view inside the world (Leaflet reports longitudes beyond ±180 when panned)."""
        west, east = max(-180.0, self.west), min(180.0, self.east)
        if east - west >= 360 or self.east - self.west >= 360:
            west, east = -180.0, 180.0
        return Viewport(
            west,
            max(-90.0, self.south),
            east,
            min(90.0, self.north),
            max(0, min(22, int(self.zoom))),
        )

    @property
    def cell_degrees(self) -> float:
        return float(CELL_PIXELS * 360.0 / (256.0 * 2**self.zoom))


@dataclass
class GridCell:
    lat: float  # mean position of the incidents in the cell
    lon: float
    count: int
    by_type: dict[str, int]
    bounds: tuple[float, float, float, float]  # west, south, east, north

    def as_json(self) -> dict[str, Any]:
        main = max(self.by_type.items(), key=lambda kv: (kv[1], kv[0]))[0]
        return {
            "lat": self.lat,
            "lon": self.lon,
            "count": self.count,
            "types": [
                {"type": t, "count": n, "colour": type_colour(t)}
                for t, n in sorted(self.by_type.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "colour": type_colour(main),
            "bounds": list(self.bounds),
        }


@dataclass
class ViewportData:
    """The answer to one view: grid cells, or individual points when few are in view."""

    total: int
    cells: list[GridCell] = field(default_factory=list)
    points: list[dict[str, Any]] = field(default_factory=list)

    @property
    def mode(self) -> str:
        return "points" if self.points or not self.cells else "grid"

    def as_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "total": self.total,
            "cells": [c.as_json() for c in self.cells] if self.mode == "grid" else [],
            "points": self.points,
        }


def within_view(flt: IncidentFilter, view: Viewport) -> IncidentFilter | None:
    """``flt`` narrowed to the view (its own box, if any, still applies); None if empty."""
    west, south, east, north = view.west, view.south, view.east, view.north
    if flt.bbox is not None:
        w, s, e, n = flt.bbox
        west, south, east, north = max(west, w), max(south, s), min(east, e), min(north, n)
        if west > east or south > north:
            return None
    return replace(flt, bbox=(west, south, east, north))


class grid_index(FunctionElement[int]):
    """``floor((column + offset) / size)`` as an integer, per dialect."""

    type = Integer()
    inherit_cache = True
    # offset and size are part of the SQL text, so they must be part of the cache key
    _traverse_internals = [  # noqa: RUF012
        *FunctionElement._traverse_internals,
        ("offset", InternalTraversal.dp_plain_obj),
        ("size", InternalTraversal.dp_plain_obj),
    ]

    def __init__(self, column: Any, offset: float, size: float) -> None:
        self.offset = float(offset)
        self.size = float(size)
        super().__init__(column)


@compiles(grid_index, "sqlite")
def _grid_index_sqlite(element: grid_index, compiler: Any, **kw: Any) -> str:
    col = compiler.process(next(iter(element.clauses)), **kw)
    # the shifted value is never negative, so truncation is floor
    return f"CAST(({col} + {element.offset!r}) / {element.size!r} AS INTEGER)"


@compiles(grid_index, "postgresql")
def _grid_index_pg(element: grid_index, compiler: Any, **kw: Any) -> str:
    col = compiler.process(next(iter(element.clauses)), **kw)
    return f"CAST(floor(({col} + {element.offset!r}) / {element.size!r}) AS INTEGER)"


def grid_cells(session: Session, flt: IncidentFilter, view: Viewport) -> list[GridCell]:
    """The filtered incidents in ``view`` counted per grid cell and event type."""
    view = view.clamped()
    size = view.cell_degrees
    # one integer key per cell: SQLite sorts a single number faster than two columns
    rows_per_column = math.ceil(180.0 / size) + 1
    key = (
        grid_index(Incident.lon, 180.0, size) * rows_per_column
        + grid_index(Incident.lat, 90.0, size)
    ).label("cell")
    in_view = within_view(flt, view)
    if in_view is None:
        return []
    stmt = (
        located(in_view)
        .with_only_columns(
            key,
            Incident.event_type,
            func.count(),
            func.sum(Incident.lat, type_=Float()),
            func.sum(Incident.lon, type_=Float()),
        )
        .group_by(key, Incident.event_type)
    )
    cells: dict[int, list[Any]] = {}
    for k, event_type, n, sum_lat, sum_lon in session.execute(stmt):
        cell = cells.setdefault(k, [0, 0.0, 0.0, {}])
        cell[0] += n
        cell[1] += sum_lat
        cell[2] += sum_lon
        cell[3][event_type] = n
    out = []
    for k, (n, sum_lat, sum_lon, by_type) in cells.items():
        x, y = divmod(k, rows_per_column)
        west, south = x * size - 180.0, y * size - 90.0
        out.append(
            GridCell(
                lat=sum_lat / n,
                lon=sum_lon / n,
                count=n,
                by_type=by_type,
                bounds=(west, south, west + size, south + size),
            )
        )
    out.sort(key=lambda c: (-c.count, c.lat, c.lon))
    return out


def viewport_data(
    session: Session,
    flt: IncidentFilter,
    view: Viewport,
    point_limit: int = POINT_LIMIT,
    index: PointIndex | None = None,
) -> ViewportData:
    """Grid cells for ``view``, or the individual points when at most ``point_limit``.

    ``index``: an in-memory :class:`~sitrep.mapping.pointindex.PointIndex` of the same
    project, used for the counts when it can answer the filter.
    """
    view = view.clamped()
    if index is not None and index.answers(flt):
        cells = index.grid_cells(flt, view)
    else:
        cells = grid_cells(session, flt, view)
    total = sum(c.count for c in cells)
    if total <= point_limit:
        in_view = within_view(flt, view)
        points = incident_points(session, in_view) if in_view is not None else []
        return ViewportData(total=total, points=points)
    return ViewportData(total=total, cells=cells)


def zoom_for_bounds(bounds: tuple[float, float, float, float], pixels: int = 800) -> int:
    """A zoom level at which ``bounds`` fits in about ``pixels`` (for tests and exports)."""
    west, south, east, north = bounds
    span = max(east - west, north - south, 1e-6)
    return max(0, min(18, int(math.log2(360.0 * pixels / (256.0 * span)))))
