"""Synthetic background incidents so maps, timelines and period comparisons have data.

Clearly marked: ``is_synthetic`` is set, titles start with "[Synthetic]" and the
project setting ``synthetic_note`` says so. Deterministic (fixed seed).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sitrep.model.enums import (
    Affiliation,
    DatePrecision,
    LocationPrecision,
    Outcome,
    Reliability,
    Sensitivity,
    Verification,
)
from sitrep.model.taxonomy import DEFAULT_LOCAL_TYPES

# Where fighting concentrated in Kachin in the months before the seed report.
TOWNSHIP_WEIGHTS = {
    "MMR001009": 30,  # Hpakant
    "MMR001010": 28,  # Bhamo
    "MMR001002": 14,  # Waingmaw
    "MMR001001": 8,  # Myitkyina
    "MMR001012": 8,  # Momauk
    "MMR001011": 6,  # Shwegu
    "MMR001007": 8,  # Mohnyin
    "MMR001008": 5,  # Mogaung
    "MMR001005": 4,  # Chipwi
    "MMR001006": 2,  # Tsawlaw
    "MMR001003": 3,  # Injangyang
    "MMR001013": 3,  # Mansi
    "MMR001004": 2,  # Tanai
    "MMR001014": 2,  # Puta-O
    "MMR001018": 1,  # Khaunglanhpu
}

TYPE_WEIGHTS = {
    "Ground attack": 30,
    "Air strike": 14,
    "Drone strike": 12,
    "Artillery / shelling": 18,
    "Ambush": 4,
    "Siege / encirclement": 4,
    "Arrest": 8,
    "Attack on civilians": 5,
    "Abduction": 2,
    "Burning / destruction of property": 5,
    "Landmine / IED": 3,
    "Troop movement": 4,
}

PHRASES = {
    "Ground attack": "Clashes between military troops and KIA fighters near {place}.",
    "Air strike": "Military aircraft bombed positions near {place}.",
    "Drone strike": "Armed drones dropped munitions near {place}.",
    "Artillery / shelling": "Artillery shells fell in and around {place}.",
    "Ambush": "Armed group ambushed a military convoy near {place}.",
    "Siege / encirclement": "Fighting continued around the encircled positions at {place}.",
    "Arrest": "Soldiers detained residents in {place}.",
    "Attack on civilians": "Civilians attacked by armed men in {place}.",
    "Abduction": "Residents of {place} taken by an armed group; whereabouts unknown.",
    "Burning / destruction of property": "Houses burned in {place} after troops entered.",
    "Landmine / IED": "A landmine exploded on a path near {place}.",
    "Troop movement": "Military reinforcements seen moving towards {place}.",
}


@dataclass(frozen=True)
class SyntheticIncident:
    township: str
    local_type: str
    date: dt.date
    lat: float
    lon: float
    title: str
    narrative: str
    verification: Verification
    sensitivity: Sensitivity
    date_precision: DatePrecision
    location_precision: LocationPrecision
    casualties: tuple[tuple[Outcome, Affiliation, int, int, int], ...]
    reliability: Reliability
    credibility: int


def generate(
    count: int,
    towns: dict[str, tuple[str, float, float]],
    start: dt.date = dt.date(2024, 12, 1),
    end: dt.date = dt.date(2025, 6, 10),
    seed: int = 20250609,
) -> list[SyntheticIncident]:
    """``towns`` maps township P-code -> (town name, lat, lon)."""
    rng = random.Random(seed)
    local = {spec.name: spec for spec in DEFAULT_LOCAL_TYPES}
    tsp_codes = [t for t in TOWNSHIP_WEIGHTS if t in towns]
    tsp_weights = [TOWNSHIP_WEIGHTS[t] for t in tsp_codes]
    types = list(TYPE_WEIGHTS)
    type_weights = list(TYPE_WEIGHTS.values())
    span = (end - start).days
    out: list[SyntheticIncident] = []
    for _ in range(count):
        tsp = rng.choices(tsp_codes, tsp_weights)[0]
        local_type = rng.choices(types, type_weights)[0]
        assert local_type in local
        # more fighting towards the end of the period (the counteroffensive)
        day = int(span * (rng.random() ** 0.7))
        date = start + dt.timedelta(days=day)
        town, lat, lon = towns[tsp]
        lat += rng.uniform(-0.12, 0.12)
        lon += rng.uniform(-0.12, 0.12)
        casualties: list[tuple[Outcome, Affiliation, int, int, int]] = []
        if (
            local_type
            in {
                "Air strike",
                "Artillery / shelling",
                "Drone strike",
                "Landmine / IED",
                "Attack on civilians",
            }
            and rng.random() < 0.55
        ):
            best = rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 7])
            casualties.append(
                (
                    Outcome.KILLED,
                    Affiliation.CIVILIAN,
                    max(0, best - 1),
                    best,
                    best + rng.randint(0, 2),
                )
            )
            if rng.random() < 0.6:
                inj = rng.randint(1, 8)
                casualties.append((Outcome.INJURED, Affiliation.CIVILIAN, inj, inj, inj + 2))
        if (
            local_type in {"Ground attack", "Ambush", "Siege / encirclement"}
            and rng.random() < 0.3
        ):
            best = rng.randint(1, 6)
            casualties.append((Outcome.KILLED, Affiliation.UNKNOWN, best, best, best + 3))
        if local_type in {"Arrest", "Abduction"}:
            n = rng.randint(1, 6)
            outcome = Outcome.DETAINED if local_type == "Arrest" else Outcome.ABDUCTED
            casualties.append((outcome, Affiliation.CIVILIAN, n, n, n + 2))
        verification = rng.choices(
            [
                Verification.UNVERIFIED,
                Verification.SINGLE_SOURCE,
                Verification.CORROBORATED,
                Verification.CONFIRMED,
                Verification.CLAIM_UNVERIFIABLE,
            ],
            [25, 35, 25, 8, 7],
        )[0]
        sensitivity = rng.choices(list(Sensitivity), [55, 25, 17, 3])[0]
        out.append(
            SyntheticIncident(
                township=tsp,
                local_type=local_type,
                date=date,
                lat=round(lat, 4),
                lon=round(lon, 4),
                title=f"[Synthetic] {local_type} near {town}",
                narrative="[Synthetic demo data, not a real event] "
                + PHRASES[local_type].format(place=town),
                verification=verification,
                sensitivity=sensitivity,
                date_precision=rng.choices(
                    [DatePrecision.DAY, DatePrecision.DAYS_2_6, DatePrecision.WEEK], [80, 12, 8]
                )[0],
                location_precision=rng.choices(
                    [LocationPrecision.EXACT, LocationPrecision.NEAR, LocationPrecision.ADMIN2],
                    [30, 60, 10],
                )[0],
                casualties=tuple(casualties),
                reliability=rng.choice(list(Reliability)[:4]),
                credibility=rng.randint(2, 4),
            )
        )
    out.sort(key=lambda s: s.date)
    return out
