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
from dataclasses import dataclass, fields

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sitrep.mapping.grid import GridCell, Viewport
from sitrep.model import EventType, Incident
from sitrep.store.queries import IncidentFilter

_EPOCH = dt.date(1970, 1, 1)
# fields of IncidentFilter the index answers; any other restriction goes to SQL
_ANSWERED = {"date_from", "date_to", "event_types", "bbox"}


def _unrestricted(flt: IncidentFilter, name: str) -> bool:
    default = IncidentFilter()
    return getattr(flt, name) == getattr(default, name)


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
        extra = session.scalars(
            select(Incident.event_type).distinct().where(Incident.event_type.not_in(types))
        ).all()
        types.extend(extra)
        code = {name: i for i, name in enumerate(types)}
        stmt = select(Incident.lat, Incident.lon, Incident.date_start, Incident.event_type).where(
            Incident.lat.is_not(None), Incident.lon.is_not(None)
        )
        if session.get_bind().dialect.name == "sqlite":
            # read date text as a day number in SQL: no date objects built in Python
            day_col = func.julianday(Incident.date_start) - 2440587.5
            stmt = stmt.with_only_columns(Incident.lat, Incident.lon, day_col, Incident.event_type)
        rows = session.execute(stmt).all()
        n = len(rows)
        lat = np.fromiter((r[0] for r in rows), np.float64, n)
        lon = np.fromiter((r[1] for r in rows), np.float64, n)
        first = rows[0][2] if rows else 0
        if isinstance(first, dt.date):
            day = np.fromiter(((r[2] - _EPOCH).days for r in rows), np.int32, n)
        else:
            day = np.fromiter((r[2] for r in rows), np.float64, n).astype(np.int32)
        type_code = np.fromiter((code[r[3]] for r in rows), np.int16, n)
        return cls(lat, lon, day, type_code, types)

    def __len__(self) -> int:
        return int(self.lat.size)

    @staticmethod
    def answers(flt: IncidentFilter) -> bool:
        """Whether this index alone can answer ``flt`` (else ask SQL)."""
        return all(
            f.name in _ANSWERED or _unrestricted(flt, f.name) for f in fields(IncidentFilter)
        )

    def mask(self, flt: IncidentFilter, view: Viewport | None = None) -> np.ndarray:
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
        gx = np.floor((lon + 180.0) / size).astype(np.int64)
        gy = np.floor((lat + 90.0) / size).astype(np.int64)
        ntypes = max(1, len(self.types))
        key = (gx * (1 << 24) + gy) * ntypes + codes
        uniq, inverse = np.unique(key, return_inverse=True)
        counts = np.bincount(inverse)
        sum_lat = np.bincount(inverse, weights=lat)
        sum_lon = np.bincount(inverse, weights=lon)
        cells: dict[int, list] = {}
        for k, n, slat, slon in zip(
            uniq.tolist(), counts.tolist(), sum_lat.tolist(), sum_lon.tolist(), strict=True
        ):
            cell_key, type_index = divmod(k, ntypes)
            cell = cells.setdefault(cell_key, [0, 0.0, 0.0, {}])
            cell[0] += n
            cell[1] += slat
            cell[2] += slon
            cell[3][self.types[type_index]] = n
        out = []
        for cell_key, (n, slat, slon, by_type) in cells.items():
            x, y = divmod(cell_key, 1 << 24)
            west, south = x * size - 180.0, y * size - 90.0
            out.append(
                GridCell(slat / n, slon / n, n, by_type, (west, south, west + size, south + size))
            )
        out.sort(key=lambda c: (-c.count, c.lat, c.lon))
        return out


def _box(view: Viewport | None) -> tuple[float, float, float, float] | None:
    if view is None:
        return None
    v = view.clamped()
    return (v.west, v.south, v.east, v.north)
