"""Reading back what an import saved."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from sitrep.model import ExternalId, Incident, IncidentActor
from sitrep.store import Project


def incident_count(project: Project) -> int:
    with project.session() as s:
        return int(s.scalar(select(func.count()).select_from(Incident)) or 0)


def by_external(project: Project, scheme: str, value: str) -> Any:
    with project.session() as s:
        inc = s.scalar(
            select(Incident)
            .join(ExternalId)
            .where(ExternalId.scheme == scheme, ExternalId.value == value)
            .options(
                selectinload(Incident.casualties),
                selectinload(Incident.sources),
                selectinload(Incident.actors).selectinload(IncidentActor.actor),
                selectinload(Incident.admin1),
                selectinload(Incident.admin2),
                selectinload(Incident.admin3),
                selectinload(Incident.external_ids),
            )
        )
        assert inc is not None, f"no incident {scheme}:{value}"
        return inc


def actors_of(incident: Any) -> set[tuple[str, str, int]]:
    return {(a.actor.name, str(a.role), a.actor.inter_code) for a in incident.actors}
