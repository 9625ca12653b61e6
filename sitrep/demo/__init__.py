"""The demo project: the Kachin State scenario of the seed report plus synthetic data."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from sitrep.demo import geography as geo
from sitrep.demo.scenario import ACTORS, INCIDENTS, IncidentSpec
from sitrep.demo.synthetic import generate
from sitrep.model import (
    Actor,
    AdminArea,
    Casualty,
    CustomRegion,
    Incident,
    IncidentActor,
    IncidentLink,
    LocalType,
    Place,
    ProjectSetting,
    Source,
)
from sitrep.model.enums import LinkKind, ReviewStatus, SourceType, Verification
from sitrep.places.names import area_key, fold
from sitrep.store import Project, create_project
from sitrep.store.incidents import save_incident

SYNTHETIC_NOTE = (
    "This demo project holds {real} incidents entered from a news report on Kachin State "
    "(May–June 2025) and {synthetic} SYNTHETIC incidents (December 2024 – June 2025) "
    "generated to give maps, timelines and comparisons something to show. Synthetic "
    "incidents are flagged, and their titles start with [Synthetic]."
)


class _Geo:
    """The admin areas and places created for the demo, by P-code and name."""

    def __init__(self) -> None:
        self.areas: dict[str, AdminArea] = {}
        self.places: dict[str, Place] = {}
        self.township_of_place: dict[str, str] = {}


def _add_geography(s: Session) -> _Geo:
    g = _Geo()
    country = AdminArea(
        level=0,
        name=geo.COUNTRY[0],
        name_norm=area_key(geo.COUNTRY[0]),
        pcode=geo.COUNTRY[1],
        country_iso="MMR",
    )
    state = AdminArea(
        level=1,
        name=geo.STATE[0],
        name_norm=area_key(geo.STATE[0]),
        pcode=geo.STATE[1],
        aliases=list(geo.STATE[2]),
        country_iso="MMR",
        parent=country,
    )
    s.add_all([country, state])
    g.areas.update({"MMR": country, "MMR001": state})
    for pcode, name in geo.DISTRICTS.items():
        area = AdminArea(
            level=2,
            name=name,
            name_norm=area_key(name),
            pcode=pcode,
            country_iso="MMR",
            parent=state,
        )
        s.add(area)
        g.areas[pcode] = area
    for t in geo.TOWNSHIPS:
        area = AdminArea(
            level=3,
            name=t.name,
            name_norm=area_key(t.name),
            pcode=t.pcode,
            aliases=list(t.aliases),
            country_iso="MMR",
            parent=g.areas[t.district],
        )
        s.add(area)
        g.areas[t.pcode] = area
        place = Place(
            name=t.town,
            name_norm=fold(t.town),
            alt_names=[t.town_mm, *t.aliases],
            lat=t.lat,
            lon=t.lon,
            country_iso="MMR",
            kind="town",
            origin="gazetteer",
            pcode=None,
        )
        s.add(place)
        g.places[t.town] = place
        g.township_of_place[t.town] = t.pcode
    name, pcode, aliases = geo.LONE_KHIN_TRACT
    tract = AdminArea(
        level=4,
        name=name,
        name_norm=area_key(name),
        pcode=pcode,
        aliases=aliases,
        country_iso="MMR",
        parent=g.areas["MMR001009"],
    )
    s.add(tract)
    g.areas[pcode] = tract
    for p in geo.EXTRA_PLACES:
        place = Place(
            name=p.name,
            name_norm=fold(p.name),
            alt_names=list(p.alt_names),
            lat=p.lat,
            lon=p.lon,
            country_iso="MMR",
            kind=p.kind,
            origin=p.origin,
        )
        s.add(place)
        g.places[p.name] = place
        g.township_of_place[p.name] = p.township
    s.flush()
    for place in g.places.values():
        _set_admin(place, g, g.township_of_place[place.name])
    region_name, townships = geo.SPECIAL_REGION_1
    s.add(CustomRegion(name=region_name, area_ids=[str(g.areas[t].id) for t in townships]))
    s.flush()
    return g


def _set_admin(obj: Place | Incident, g: _Geo, township: str) -> None:
    tsp = g.areas[township]
    assert tsp.parent is not None and tsp.parent.parent is not None
    obj.admin3_id = tsp.id
    obj.admin2_id = tsp.parent.id
    obj.admin1_id = tsp.parent.parent.id


def _add_actors(s: Session) -> dict[str, Actor]:
    actors: dict[str, Actor] = {}
    for spec in ACTORS:
        actor = Actor(
            name=spec.name,
            inter_code=spec.inter_code,
            aliases=list(spec.aliases),
            country_iso="MMR",
            parent=actors[spec.parent] if spec.parent else None,
        )
        s.add(actor)
        actors[spec.name] = actor
    s.flush()
    return actors


def _incident_from_spec(
    s: Session, spec: IncidentSpec, g: _Geo, actors: dict[str, Actor], local: dict[str, str]
) -> Incident:
    place = g.places[spec.place]
    sub = local[spec.local_type]
    from sitrep.model.taxonomy import event_type_of

    inc = Incident(
        title=spec.title,
        narrative=spec.narrative,
        date_start=spec.date,
        date_end=spec.date_end or spec.date,
        date_precision=spec.date_precision,
        place=place,
        place_name=place.name,
        lat=place.lat,
        lon=place.lon,
        location_precision=spec.location_precision,
        country_iso="MMR",
        local_type=spec.local_type,
        sub_event_type=sub,
        event_type=event_type_of(sub),
        weapons=list(spec.weapons),
        impacts=list(spec.impacts),
        civilian_targeting=spec.civilian_targeting,
        verification=spec.verification,
        sensitivity=spec.sensitivity,
        sensitive_fields=list(spec.sensitive_fields),
        review_status=spec.review,
        author="Demo information officer",
    )
    _set_admin(inc, g, g.township_of_place[spec.place])
    if spec.admin4:
        inc.admin4_id = g.areas[geo.LONE_KHIN_TRACT[1]].id
    for i, src in enumerate(spec.sources):
        inc.sources.append(
            Source(
                position=i,
                name=src.name,
                source_type=src.source_type,
                published=src.published,
                url=src.url,
                excerpt=src.excerpt,
                reliability=src.reliability,
                credibility=src.credibility,
            )
        )
    seen: set[tuple[str, str]] = set()
    for actor_name, role in spec.actors:
        if (actor_name, role) in seen:
            continue
        seen.add((actor_name, role))
        inc.actors.append(IncidentActor(actor=actors[actor_name], role=role))
    for i, c in enumerate(spec.casualties):
        inc.casualties.append(
            Casualty(
                position=i,
                outcome=c.outcome,
                affiliation=c.affiliation,
                low=c.low,
                best=c.best,
                high=c.high,
                is_party_claim=c.party_claim,
                at_least=c.at_least,
                note=c.note,
            )
        )
    save_incident(s, inc)
    for c, row in zip(spec.casualties, inc.casualties, strict=True):
        if c.source_index is not None and c.source_index < len(inc.sources):
            row.source = inc.sources[c.source_index]
    return inc


def build_demo(path: str | Path, *, synthetic: int = 300) -> Project:
    """Create the demo project at ``path`` (which must not exist yet)."""
    project = create_project(path, name="Kachin State (demo)", user="demo")
    with project.session() as s:
        s.merge(ProjectSetting(key="reference_prefix", value="KCN"))
        s.merge(ProjectSetting(key="organisation", value="Demo NGO Safety Unit"))
        s.merge(ProjectSetting(key="country", value="MMR"))
        s.flush()
        g = _add_geography(s)
        actors = _add_actors(s)
        local = {lt.name: lt.sub_event_type for lt in s.query(LocalType)}
        previous: Incident | None = None
        for spec in sorted(INCIDENTS, key=lambda x: x.date):
            inc = _incident_from_spec(s, spec, g, actors, local)
            if spec.links_to_previous and previous is not None:
                s.add(
                    IncidentLink(
                        from_id=inc.id,
                        to_id=previous.id,
                        kind=LinkKind.SAME_EVENT_SERIES,
                        note="Blasts at two Lone Khin mining sites, 3 and 6 June",
                    )
                )
            previous = inc
        towns = {t.pcode: (t.town, t.lat, t.lon) for t in geo.TOWNSHIPS}
        mil, kia = (
            actors["Military Forces of Myanmar (2021-)"],
            actors["KIA: Kachin Independence Army"],
        )
        civ = actors["Civilians (Myanmar)"]
        from sitrep.model.enums import ActorRole
        from sitrep.model.taxonomy import event_type_of

        for item in generate(synthetic, towns):
            sub = local[item.local_type]
            inc = Incident(
                title=item.title,
                narrative=item.narrative,
                date_start=item.date,
                date_end=item.date,
                date_precision=item.date_precision,
                place_name=towns[item.township][0],
                lat=item.lat,
                lon=item.lon,
                location_precision=item.location_precision,
                country_iso="MMR",
                local_type=item.local_type,
                sub_event_type=sub,
                event_type=event_type_of(sub),
                verification=item.verification,
                sensitivity=item.sensitivity,
                review_status=ReviewStatus.APPROVED,
                author="synthetic generator",
                is_synthetic=True,
            )
            _set_admin(inc, g, item.township)
            inc.actors.append(IncidentActor(actor=mil, role=ActorRole.SIDE_A))
            if item.local_type in {
                "Arrest",
                "Attack on civilians",
                "Abduction",
                "Burning / destruction of property",
            }:
                inc.actors.append(IncidentActor(actor=civ, role=ActorRole.TARGET))
            else:
                inc.actors.append(IncidentActor(actor=kia, role=ActorRole.SIDE_B))
            if item.verification is Verification.CLAIM_UNVERIFIABLE:
                # an unverifiable claim: the KIA's statement, its figures claims only
                inc.actors.append(IncidentActor(actor=kia, role=ActorRole.CLAIMANT))
            inc.sources.append(
                Source(
                    name="[Synthetic] field report",
                    source_type=SourceType.OTHER,
                    reliability=item.reliability,
                    credibility=item.credibility,
                )
            )
            claim = item.verification is Verification.CLAIM_UNVERIFIABLE
            for outcome, affiliation, low, best, high in item.casualties:
                inc.casualties.append(
                    Casualty(
                        outcome=outcome,
                        affiliation=affiliation,
                        low=low,
                        best=best,
                        high=high,
                        is_party_claim=claim,
                    )
                )
            save_incident(s, inc)
        s.merge(
            ProjectSetting(
                key="synthetic_note",
                value=SYNTHETIC_NOTE.format(real=len(INCIDENTS), synthetic=synthetic),
            )
        )
    return project


__all__ = ["build_demo"]
