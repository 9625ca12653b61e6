"""Fixtures for the map tests: a small project whose every text is a script payload."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from sitrep.model import AdminArea, EventType
from sitrep.places.names import area_key
from sitrep.store import Project
from tests.conftest import make_incident

IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "</script><script>window.__xss=2</script>"
PAYLOAD = f"{IMG}{SCRIPT}"

# (lat, lon, type, sub-type, date)
POINTS: list[tuple[float, float, str, str, dt.date]] = [
    (25.6128, 96.3121, "Battles", "Armed clash", dt.date(2025, 1, 5)),
    (25.3875, 97.3904, "Battles", "Armed clash", dt.date(2025, 2, 10)),
    (24.2549, 97.2344, "Explosions/Remote violence", "Air/drone strike", dt.date(2025, 3, 1)),
    (27.2993, 97.4159, "Violence against civilians", "Attack", dt.date(2025, 4, 20)),
    (26.3580, 96.7166, "Strategic developments", "Arrests", dt.date(2025, 6, 3)),
]


def square(lon0: float, lat0: float, lon1: float, lat1: float) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]],
    }


def add_boundary(project: Project, name: str, level: int, geometry: dict[str, Any]) -> AdminArea:
    coords = [c for ring in geometry["coordinates"] for c in ring]
    lons, lats = [c[0] for c in coords], [c[1] for c in coords]
    with project.session() as s:
        area = AdminArea(
            name=name,
            name_norm=area_key(name),
            level=level,
            country_iso="MMR",
            geometry=json.dumps(geometry),
            min_lon=min(lons),
            max_lon=max(lons),
            min_lat=min(lats),
            max_lat=max(lats),
        )
        s.add(area)
    return area


def fill_hostile_project(project: Project) -> list[Any]:
    """Incidents, an admin boundary and an event type whose texts all carry payloads."""
    with project.session() as s:
        s.add(EventType(name=f"Odd type {PAYLOAD}", position=99))
    add_boundary(project, f"Kachin {PAYLOAD}", 1, square(95.5, 23.5, 98.8, 28.5))
    add_boundary(project, "Hpakant", 3, square(96.0, 25.4, 96.6, 25.9))
    incidents = []
    for i, (lat, lon, et, sub, day) in enumerate(POINTS):
        incidents.append(
            make_incident(
                project,
                title=f"Incident {i} {PAYLOAD}",
                narrative=PAYLOAD,
                place_name=f"Place {i} {PAYLOAD}",
                lat=lat,
                lon=lon,
                event_type=et,
                sub_event_type=sub,
                date_start=day,
                sources=[{"name": f"Source {PAYLOAD}"}],
                casualties=[{"best": i}],
            )
        )
    # one incident the map cannot place
    incidents.append(
        make_incident(
            project, title="Somewhere", lat=None, lon=None, date_start=dt.date(2025, 5, 1)
        )
    )
    return incidents


@pytest.fixture
def hostile(project: Project) -> list[Any]:
    return fill_hostile_project(project)
