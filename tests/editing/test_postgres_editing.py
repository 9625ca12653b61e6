"""Editing, place search and table pages on a shared PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sitrep.editing.draft import ActorDraft, CasualtyDraft, IncidentDraft, SourceDraft
from sitrep.editing.save import load_draft, save_draft
from sitrep.editing.snapshots import delete_incident, restore_incident
from sitrep.model import Incident
from sitrep.places.search import add_place, search_places
from sitrep.store import create_project
from sitrep.store.queries import IncidentFilter, incident_page
from tests.conftest import fresh_pg_database
from tests.editing.helpers import make_kachin

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty database (skipped without a server; a failure in CI)."""
    with fresh_pg_database() as url:
        yield url


def test_editing_on_postgres(pg_url: str) -> None:
    project = create_project(pg_url, user="tester")
    try:
        k = make_kachin(project)
        with project.session() as s:
            add_place(s, "Lone Khin", 25.66, 96.28, area_id=k.tract.id, alt_names=["Lonkin"])
        with project.session() as s:
            hits = search_places(s, "lonk", 5)
            assert [h.name for h in hits] == ["Lone Khin"]
        draft = IncidentDraft(
            title="Blast",
            date_start="2025-06-03",
            place_name="Lone Khin",
            place_id=str(hits[0].place_id),
            area_id=str(k.tract.id),
            lat="25.66",
            lon="96.28",
            event_type="Explosions/Remote violence",
            sub_event_type="Shelling/artillery/missile attack",
            actors=[ActorDraft("Military of Myanmar (2021-)", "perpetrator")],
            casualties=[CasualtyDraft(low=10, best=12, high=14)],
            sources=[SourceDraft("The Irrawaddy", reliability="B", credibility=3)],
        )
        with project.session() as s:
            new_id = save_draft(s, draft).id
        with project.session() as s:
            edit = load_draft(s, new_id)
        edit.actors.append(ActorDraft("military of myanmar (2021-)", "side A"))
        with project.session() as s:
            save_draft(s, edit)
        with project.session() as s:
            snap = delete_incident(s, new_id)
        with project.session() as s:
            restore_incident(s, snap)
        with project.session() as s:
            inc = s.get(Incident, new_id)
            assert inc is not None and inc.killed == 12 and len(inc.actors) == 2
            rows, nxt = incident_page(s, IncidentFilter(), limit=10)
            assert [r.id for r in rows] == [new_id] and nxt is None
            assert rows[0].area_name == "Hpakant"
    finally:
        project.close()
