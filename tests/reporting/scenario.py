"""A small Kachin scenario for report tests, built through the real write path.

Kept as plain data so tests compute the expected figures independently of the query
layer (sums over ``INCIDENTS`` below, not calls into sitrep).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sitrep.model import Actor, AdminArea, CustomRegion, IncidentActor, Place
from sitrep.model.enums import (
    ActorRole,
    Affiliation,
    Credibility,
    Outcome,
    Reliability,
    SourceType,
    Verification,
)
from sitrep.places.names import area_key
from sitrep.store import Project
from tests.conftest import make_area, make_incident

PERIOD = (dt.date(2025, 6, 2), dt.date(2025, 6, 8))
PREVIOUS = (dt.date(2025, 5, 26), dt.date(2025, 6, 1))
PERIOD_TEXT = ("2025-06-02", "2025-06-08")


@dataclass
class Spec:
    day: dt.date
    township: str
    title: str
    event_type: str = "Battles"
    sub: str = "Armed clash"
    killed: int = 0
    civ: int = 0
    injured: int = 0
    detained: int = 0
    claimed: int = 0
    verification: Verification = Verification.CORROBORATED
    place: str = ""
    side_a: str = "Military of Myanmar"
    side_b: str = "KIA"
    claimant: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


INCIDENTS: list[Spec] = [
    # the period
    Spec(
        dt.date(2025, 6, 3),
        "Hpakant",
        "Blast at a jade-mining site",
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
        killed=7,
        civ=7,
        injured=4,
        place="Lone Khin",
    ),
    Spec(
        dt.date(2025, 6, 6),
        "Hpakant",
        "Second blast at a mining site",
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
        killed=5,
        civ=5,
        place="Lone Khin",
    ),
    Spec(
        dt.date(2025, 6, 7),
        "Hpakant",
        "KIA ambush on a junta column",
        claimed=10,
        verification=Verification.CLAIM_UNVERIFIABLE,
        claimant="KIA",
    ),
    Spec(dt.date(2025, 6, 4), "Bhamo", "Clashes at the edge of Bhamo town", killed=3, injured=2),
    Spec(
        dt.date(2025, 6, 5),
        "Waingmaw",
        "Arrest of villagers",
        "Violence against civilians",
        "Abduction/forced disappearance",
        detained=6,
        verification=Verification.SINGLE_SOURCE,
        place="Lamyan",
    ),
    Spec(
        dt.date(2025, 6, 8),
        "Myitkyina",
        "Drone strike near a market in မြစ်ကြီးနား",
        "Explosions/Remote violence",
        "Air/drone strike",
        killed=2,
        civ=1,
        injured=3,
    ),
    # retracted: must not count
    Spec(
        dt.date(2025, 6, 5),
        "Bhamo",
        "Reported shelling, later retracted",
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
        killed=4,
        civ=4,
        verification=Verification.RETRACTED,
    ),
    # the previous period
    Spec(dt.date(2025, 5, 27), "Bhamo", "Clash on the Bhamo road", killed=2),
    Spec(dt.date(2025, 5, 30), "Hpakant", "Clash near Kamaing", killed=1, injured=1),
    # earlier (chart only)
    Spec(dt.date(2025, 5, 20), "Bhamo", "Helicopters attacked near Bhamo", killed=0),
]

TOWNSHIPS = {
    "Myitkyina": ("MMR001001", "MMR001D001", 25.38749, 97.39036),
    "Waingmaw": ("MMR001002", "MMR001D001", 25.35099, 97.44281),
    "Hpakant": ("MMR001009", "MMR001D002", 25.61280, 96.31212),
    "Bhamo": ("MMR001010", "MMR001D003", 24.25493, 97.23441),
}
DISTRICTS = {"MMR001D001": "Myitkyina", "MMR001D002": "Mohnyin", "MMR001D003": "Bhamo"}


def _square(lon: float, lat: float, half: float) -> str:
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def in_period(spec: Spec, period: tuple[dt.date, dt.date] = PERIOD) -> bool:
    return period[0] <= spec.day <= period[1] and spec.verification is not Verification.RETRACTED


def expected(period: tuple[dt.date, dt.date] = PERIOD) -> dict[str, int]:
    rows = [s for s in INCIDENTS if in_period(s, period)]
    return {
        "incidents": len(rows),
        "killed": sum(s.killed for s in rows),
        "civilians_killed": sum(s.civ for s in rows),
        "injured": sum(s.injured for s in rows),
        "abducted_detained": sum(s.detained for s in rows),
        "areas_affected": len({s.township for s in rows}),
    }


def build(project: Project, *, geometry: bool = True) -> dict[str, Any]:
    """Areas, places, actors and the incidents above. Returns the created areas."""
    state = make_area(project, "Kachin", 1, "MMR001")
    with project.session() as s:
        area = s.get(AdminArea, state.id)
        assert area is not None
        area.aliases = ["Kachin State", "ကချင်ပြည်နယ်"]
        if geometry:
            area.geometry = _square(97.0, 25.5, 1.6)
    districts = {
        code: make_area(project, name, 2, code, parent=state) for code, name in DISTRICTS.items()
    }
    townships: dict[str, AdminArea] = {}
    for name, (pcode, dcode, lat, lon) in TOWNSHIPS.items():
        townships[name] = make_area(project, name, 3, pcode, parent=districts[dcode])
        with project.session() as s:
            t = s.get(AdminArea, townships[name].id)
            assert t is not None
            if geometry:
                t.geometry = _square(lon, lat, 0.3)
            s.add(
                Place(
                    name=name,
                    name_norm=area_key(name),
                    lat=lat,
                    lon=lon,
                    kind="town",
                    country_iso="MMR",
                    admin1_id=state.id,
                    admin3_id=t.id,
                )
            )
    with project.session() as s:
        s.add(
            CustomRegion(
                name="Special Region 1",
                area_ids=[str(townships["Waingmaw"].id), str(townships["Myitkyina"].id)],
            )
        )
        actors = {
            "Military of Myanmar": Actor(name="Military of Myanmar", inter_code=1),
            "KIA": Actor(name="KIA", inter_code=2, aliases=["Kachin Independence Army"]),
        }
        s.add_all(actors.values())
        s.flush()
        actor_ids = {name: a.id for name, a in actors.items()}
    for spec in INCIDENTS:
        pcode, dcode, lat, lon = TOWNSHIPS[spec.township]
        casualties: list[dict[str, Any]] = []
        if spec.killed:
            if spec.civ:
                casualties.append(
                    {
                        "outcome": Outcome.KILLED,
                        "best": spec.civ,
                        "low": spec.civ,
                        "high": spec.civ + 2,
                    }
                )
            if spec.killed - spec.civ:
                n = spec.killed - spec.civ
                casualties.append(
                    {"outcome": Outcome.KILLED, "affiliation": Affiliation.SIDE_A, "best": n}
                )
        if spec.injured:
            casualties.append({"outcome": Outcome.INJURED, "best": spec.injured})
        if spec.detained:
            casualties.append({"outcome": Outcome.DETAINED, "best": spec.detained})
        if spec.claimed:
            casualties.append(
                {
                    "outcome": Outcome.KILLED,
                    "affiliation": Affiliation.SIDE_A,
                    "best": spec.claimed,
                    "is_party_claim": True,
                }
            )
        sources = [
            {
                "name": "Field team",
                "source_type": SourceType.OWN_STAFF,
                "reliability": Reliability.B,
                "credibility": Credibility.PROBABLY_TRUE,
            }
        ]
        if spec.claimant:
            sources = [
                {
                    "name": f"{spec.claimant} spokesperson",
                    "source_type": SourceType.PARTY_STATEMENT,
                    "reliability": Reliability.D,
                    "credibility": Credibility.CANNOT_BE_JUDGED,
                }
            ]
        inc = make_incident(
            project,
            title=spec.title,
            date_start=spec.day,
            event_type=spec.event_type,
            sub_event_type=spec.sub,
            place_name=spec.place or spec.township,
            lat=lat + 0.05,
            lon=lon + 0.05,
            admin1_id=state.id,
            admin2_id=districts[dcode].id,
            admin3_id=townships[spec.township].id,
            verification=spec.verification,
            casualties=casualties,
            sources=sources,
            **spec.extra,
        )
        with project.session() as s:
            s.add(
                IncidentActor(
                    incident_id=inc.id, actor_id=actor_ids[spec.side_a], role=ActorRole.SIDE_A
                )
            )
            s.add(
                IncidentActor(
                    incident_id=inc.id, actor_id=actor_ids[spec.side_b], role=ActorRole.SIDE_B
                )
            )
            if spec.claimant:
                s.add(
                    IncidentActor(
                        incident_id=inc.id,
                        actor_id=actor_ids[spec.claimant],
                        role=ActorRole.CLAIMANT,
                    )
                )
    return {"state": state, "districts": districts, "townships": townships}
