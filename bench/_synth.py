"""Realistic synthetic incidents for benchmarks (shared by bench/*.py)."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sitrep.model import AdminArea
from sitrep.model.base import new_uuid
from sitrep.model.taxonomy import SUB_TO_TYPE
from sitrep.places.names import area_key
from sitrep.store import Project


@dataclass
class Geography:
    admin1: list[AdminArea]
    admin2: dict[uuid.UUID, list[AdminArea]]
    admin3: dict[uuid.UUID, list[AdminArea]]
    centre: dict[uuid.UUID, tuple[float, float]]


def make_geography(project: Project, n1: int = 15, n2: int = 5, n3: int = 4) -> Geography:
    """n1 states, each with n2 districts of n3 townships (15 × 5 × 4 = 300 townships)."""
    rng = random.Random(1)
    admin1: list[AdminArea] = []
    admin2: dict[uuid.UUID, list[AdminArea]] = {}
    admin3: dict[uuid.UUID, list[AdminArea]] = {}
    centre: dict[uuid.UUID, tuple[float, float]] = {}
    with project.session() as s:
        for i in range(n1):
            name = f"State {i:02d}"
            a1 = AdminArea(level=1, name=name, name_norm=area_key(name), pcode=f"X{i:02d}")
            s.add(a1)
            s.flush()
            admin1.append(a1)
            admin2[a1.id] = []
            for j in range(n2):
                name2 = f"District {i:02d}-{j}"
                a2 = AdminArea(
                    level=2,
                    name=name2,
                    name_norm=area_key(name2),
                    parent_id=a1.id,
                    pcode=f"X{i:02d}D{j}",
                )
                s.add(a2)
                s.flush()
                admin2[a1.id].append(a2)
                admin3[a2.id] = []
                for k in range(n3):
                    name3 = f"Township {i:02d}-{j}-{k}"
                    a3 = AdminArea(
                        level=3,
                        name=name3,
                        name_norm=area_key(name3),
                        parent_id=a2.id,
                        pcode=f"X{i:02d}D{j}T{k}",
                    )
                    s.add(a3)
                    s.flush()
                    admin3[a2.id].append(a3)
                    centre[a3.id] = (rng.uniform(10, 28), rng.uniform(92, 101))
    return Geography(admin1, admin2, admin3, centre)


SUBS = list(SUB_TO_TYPE)
SUB_WEIGHTS = [30 if "clash" in s or "strike" in s or "Shelling" in s else 3 for s in SUBS]


def incident_rows(
    geo: Geography,
    count: int,
    seed: int = 7,
    start: dt.date = dt.date(2016, 1, 1),
    days: int = 3650,
) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    states = geo.admin1
    weights = [1 + i for i in range(len(states))]  # uneven, like real conflicts
    for n in range(count):
        a1 = rng.choices(states, weights)[0]
        a2 = rng.choice(geo.admin2[a1.id])
        a3 = rng.choice(geo.admin3[a2.id])
        lat, lon = geo.centre[a3.id]
        sub = rng.choices(SUBS, SUB_WEIGHTS)[0]
        killed = rng.choice([0, 0, 0, 1, 1, 2, 3, 5])
        civ = min(killed, rng.choice([0, 0, 1, 2]))
        date = start + dt.timedelta(days=rng.randrange(days))
        yield {
            "id": new_uuid(),
            "reference": f"BEN-{date.year}-{n:07d}",
            "title": f"{sub} near township {a3.name}",
            "narrative": "Synthetic benchmark incident.",
            "date_start": date,
            "date_end": date,
            "place_name": a3.name,
            "lat": round(lat + rng.uniform(-0.2, 0.2), 5),
            "lon": round(lon + rng.uniform(-0.2, 0.2), 5),
            "country_iso": "XXX",
            "admin1_id": a1.id,
            "admin2_id": a2.id,
            "admin3_id": a3.id,
            "event_type": SUB_TO_TYPE[sub],
            "sub_event_type": sub,
            "killed": killed,
            "civilians_killed": civ,
            "injured": rng.choice([0, 0, 1, 2]),
            "abducted_detained": rng.choice([0, 0, 0, 1]),
            "is_synthetic": True,
        }
