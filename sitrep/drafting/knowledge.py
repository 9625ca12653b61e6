"""What the drafting knows about a project: its places, actors, types and classifier.

Built once per project state and kept in memory (keyed by the database and the count
and last change of its incidents), so drafting many short texts in a row — a batch,
or the review window re-reading a pasted report — reads the project once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sitrep.drafting.actors import ActorIndex, build_actor_index
from sitrep.drafting.classifier import TypeClassifier, train_for_project
from sitrep.drafting.places import PlaceIndex, build_place_index
from sitrep.drafting.types import STRONG, guess_by_rules
from sitrep.model import Actor, Incident, LocalType, Place

_CACHE: dict[str, tuple[tuple[object, ...], Knowledge]] = {}


@dataclass
class Knowledge:
    places: PlaceIndex
    actors: ActorIndex
    classifier: TypeClassifier | None
    local_types: dict[str, str]  # local type name → ACLED sub-event type
    known_subs: set[str]


def knowledge_for(session: Session, *, use_gazetteer: bool = True) -> Knowledge:
    """The project's drafting knowledge, rebuilt only when its incidents, places or
    actors changed since last time."""
    bind = session.get_bind()
    key = str(bind.engine.url) if hasattr(bind, "engine") else str(id(bind))
    stamp = (
        tuple(session.execute(select(func.count(), func.max(Incident.updated_at))).one()),
        session.scalar(select(func.count()).select_from(Place)),
        session.scalar(select(func.count()).select_from(Actor)),
        use_gazetteer,
    )
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    from sitrep.store.incidents import known_sub_event_types

    places = build_place_index(session)
    places.use_gazetteer = use_gazetteer
    built = Knowledge(
        places=places,
        actors=build_actor_index(session),
        classifier=train_for_project(session, _rule, STRONG),
        local_types={lt.name: lt.sub_event_type for lt in session.scalars(select(LocalType))},
        known_subs=set(known_sub_event_types(session)),
    )
    _CACHE[key] = (stamp, built)
    return built


def _rule(text: str) -> tuple[str, float] | None:
    guess = guess_by_rules(text)
    return (guess.sub_event_type, guess.score) if guess is not None else None


def forget(session: Session) -> None:
    """Drop the cached knowledge of this session's project (tests, after an import)."""
    bind = session.get_bind()
    _CACHE.pop(str(bind.engine.url) if hasattr(bind, "engine") else str(id(bind)), None)
