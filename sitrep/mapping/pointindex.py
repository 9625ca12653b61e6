"""An in-memory index of every located incident's day, type and position (numpy).

Counting a million rows per grid cell in SQL takes seconds (the GROUP BY sorts every
row); the same counts over numpy arrays take milliseconds. The index holds only what
the commonest map questions need — period, event types and the view — read from the
covering index ``ix_incident_date_geo`` without touching table rows. Filters it cannot
answer (region, text, verification …) go to SQL as before
(:func:`sitrep.mapping.grid.grid_cells`), so both paths must agree: a test compares them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace

import numpy as np
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from sitrep.mapping.grid import GridCell, Viewport
from sitrep.model import EventType, Incident
from sitrep.store.queries import IncidentFilter

_EPOCH = dt.date(1970, 1, 1)
# fields of IncidentFilter the index answers; any other restriction goes to SQL
_ANSWERED = {"date_from", "date_to", "event_types", "bbox"}


def _unrestricted(flt: IncidentFilter, name: str) -> bool:
    default = IncidentFilter()
    return bool(getattr(flt, name) == getattr(default, name))


@dataclass
class PointIndex:
    lat: np.ndarray
    lon: np.ndarray
    day: np.ndarray  # days since 1970-01-01
    type_code: np.ndarray
    types: list[str]

    @classmethod
    def load(cls, session: Session) -> PointIndex:
        """Read every located incident (one index-only scan on SQLite)."""
        types = list(session.scalars(select(EventType.name).order_by(EventType.position)))
        # event_type references the taxonomy, so no other value can occur; kept safe anyway
        types.append("(unknown type)")
        code = {name: i for i, name in enumerate(types)}
        # every incident: those without coordinates (NaN) are counted, never drawn
        if session.get_bind().dialect.name == "sqlite":
            # numbers only, straight from the DB-API cursor: a million rows in about a
            # second, read from the covering index (dates become day numbers in SQL)
            type_expr = case(code, value=Incident.event_type, else_=len(types) - 1)
            stmt = select(
                Incident.lat,
                Incident.lon,
                func.julianday(Incident.date_start) - 2440587.5,
                type_expr,
            )
            sql = str(stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
            cursor = session.connection().connection.cursor()
            try:
                table = np.array(cursor.execute(sql).fetchall(), dtype=np.float64)
            finally:
                cursor.close()
            table = table.reshape(-1, 4)
            lat, lon = table[:, 0].copy(), table[:, 1].copy()
            day = np.floor(table[:, 2]).astype(np.int32)
            type_code_arr = table[:, 3].astype(np.int16)
            return cls(lat, lon, day, type_code_arr, types)
        rows = session.execute(
            select(Incident.lat, Incident.lon, Incident.date_start, Incident.event_type)
        ).all()
        n = len(rows)
        nan = float("nan")
        lat = np.fromiter((nan if r[0] is None else r[0] for r in rows), np.float64, n)
        lon = np.fromiter((nan if r[1] is None else r[1] for r in rows), np.float64, n)
        day = np.fromiter(((r[2] - _EPOCH).days for r in rows), np.int32, n)
        unknown = len(types) - 1
        type_code = np.fromiter((code.get(r[3], unknown) for r in rows), np.int16, n)
        return cls(lat, lon, day, type_code, types)

    def __len__(self) -> int:
        """Every incident, with or without coordinates."""
        return int(self.lat.size)

    @staticmethod
    def answers(flt: IncidentFilter) -> bool:
        """Whether this index alone can answer ``flt`` (else ask SQL)."""
        return all(
            f.name in _ANSWERED or _unrestricted(flt, f.name) for f in fields(IncidentFilter)
        )

    def without_coordinates(self, flt: IncidentFilter) -> int:
        """How many incidents of ``flt`` the map cannot place (its box ignored, as in
        :func:`sitrep.mapping.data.located_summary`)."""
        keep = self.mask(replace(flt, bbox=None))
        return int(np.count_nonzero(keep & (np.isnan(self.lat) | np.isnan(self.lon))))

    def mask(self, flt: IncidentFilter, view: Viewport | None = None) -> np.ndarray:
        """The incidents of ``flt`` (in ``view``: then only those with coordinates)."""
        keep = np.ones(len(self), dtype=bool)
        if flt.date_from is not None:
            keep &= self.day >= (flt.date_from - _EPOCH).days
        if flt.date_to is not None:
            keep &= self.day <= (flt.date_to - _EPOCH).days
        if flt.event_types:
            wanted = [i for i, t in enumerate(self.types) if t in flt.event_types]
            keep &= np.isin(self.type_code, wanted)
        boxes = [b for b in (flt.bbox, _box(view)) if b is not None]
        for west, south, east, north in boxes:
            keep &= (self.lat >= south) & (self.lat <= north)
            keep &= (self.lon >= west) & (self.lon <= east)
        return keep

    def grid_cells(self, flt: IncidentFilter, view: Viewport) -> list[GridCell]:
        """The same cells as :func:`sitrep.mapping.grid.grid_cells`, from memory."""
        view = view.clamped()
        size = view.cell_degrees
        keep = self.mask(flt, view)
        lat, lon, codes = self.lat[keep], self.lon[keep], self.type_code[keep]
        if lat.size == 0:
            return []
        # cells of the view only: a dense count array, no sorting (a view holds few cells)
        gx = np.floor((lon + 180.0) / size).astype(np.int64)
        gy = np.floor((lat + 90.0) / size).astype(np.int64)
        x0, y0 = int(gx.min()), int(gy.min())
        nx, ny = int(gx.max()) - x0 + 1, int(gy.max()) - y0 + 1
        ntypes = max(1, len(self.types))
        cell = (gx - x0) * ny + (gy - y0)
        slots = nx * ny
        counts = np.bincount(cell * ntypes + codes, minlength=slots * ntypes).reshape(
            slots, ntypes
        )
        totals = counts.sum(axis=1)
        sum_lat = np.bincount(cell, weights=lat, minlength=slots)
        sum_lon = np.bincount(cell, weights=lon, minlength=slots)
        out = []
        for slot in np.flatnonzero(totals).tolist():
            n = int(totals[slot])
            x, y = divmod(slot, ny)
            west, south = (x0 + x) * size - 180.0, (y0 + y) * size - 90.0
            by_type = {self.types[t]: int(c) for t, c in enumerate(counts[slot].tolist()) if c}
            out.append(
                GridCell(
                    float(sum_lat[slot]) / n,
                    float(sum_lon[slot]) / n,
                    n,
                    by_type,
                    (west, south, west + size, south + size),
                )
            )
        out.sort(key=lambda c: (-c.count, c.lat, c.lon))
        return out


def _box(view: Viewport | None) -> tuple[float, float, float, float] | None:
    if view is None:
        return None
    v = view.clamped()
    return (v.west, v.south, v.east, v.north)
