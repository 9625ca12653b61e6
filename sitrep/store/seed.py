"""Seed data every project starts with: ACLED's taxonomy and the default local types."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sitrep.model import EventType, LocalType, SubEventType
from sitrep.model.taxonomy import ACLED_TAXONOMY, DEFAULT_LOCAL_TYPES


def seed_taxonomy(session: Session) -> None:
    """Add missing taxonomy entries; never changes or removes the project's own."""
    have_types = set(session.scalars(select(EventType.name)))
    have_subs = set(session.scalars(select(SubEventType.name)))
    have_local = set(session.scalars(select(LocalType.name)))
    for i, (event_type, subs) in enumerate(ACLED_TAXONOMY.items()):
        if event_type not in have_types:
            session.add(EventType(name=event_type, position=i))
        for j, sub in enumerate(subs):
            if sub not in have_subs:
                session.add(SubEventType(name=sub, event_type=event_type, position=j))
    session.flush()
    for spec in DEFAULT_LOCAL_TYPES:
        if spec.name not in have_local:
            session.add(
                LocalType(name=spec.name, sub_event_type=spec.sub_event_type, hint=spec.hint)
            )
