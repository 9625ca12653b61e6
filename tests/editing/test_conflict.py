"""Two people save the same incident: the second sees the first's change and merges.

Run on a project file and (through scripts/with-postgres.sh) on a PostgreSQL database,
each time with two separate Project objects, as two colleagues' apps would be.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sitrep.editing.conflict import Change, Side, find_conflict
from sitrep.editing.draft import ActorDraft, CasualtyDraft, IncidentDraft, SourceDraft
from sitrep.editing.save import load_draft, save_draft
from sitrep.errors import ConflictError
from sitrep.model import Incident
from sitrep.store import Project, create_project, open_project

PG_URL = os.environ.get("SITREP_TEST_PG_URL")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two_people(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Project, Project]]:
    """Alice's and Bob's connections to the same project."""
    admin = None
    if request.param == "sqlite":
        target: str = str(tmp_path / "team.sitrep")
    else:
        if not PG_URL:
            pytest.skip("no PostgreSQL server: run through scripts/with-postgres.sh")
        name = f"sitrep_conflict_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        target = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    create_project(target, name="Team", user="setup").close()
    alice, bob = open_project(target, user="alice"), open_project(target, user="bob")
    yield alice, bob
    alice.close()
    bob.close()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _new_incident(project: Project) -> uuid.UUID:
    draft = IncidentDraft(
        title="Shelling of Lone Khin",
        date_start="2025-06-03",
        place_name="Lone Khin",
        lat="25.66",
        lon="96.28",
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        narrative="Shells hit the market.",
        actors=[ActorDraft("Military of Myanmar (2021-)", "perpetrator")],
        casualties=[CasualtyDraft(low=3, best=4, high=5)],
        sources=[SourceDraft("The Irrawaddy", reliability="B", credibility=3)],
    )
    with project.session() as s:
        return save_draft(s, draft).id


def _open(project: Project, incident_id: uuid.UUID) -> IncidentDraft:
    with project.session() as s:
        return load_draft(s, incident_id)


def test_second_save_sees_the_first_and_merges_both_changes(
    two_people: tuple[Project, Project],
) -> None:
    alice, bob = two_people
    incident_id = _new_incident(alice)
    base = _open(alice, incident_id)
    mine, theirs = _open(alice, incident_id), _open(bob, incident_id)

    theirs.narrative = "Shells hit the market at noon."
    theirs.casualties[0].best = 6
    theirs.casualties[0].high = 7
    theirs.title = "Shelling of Lone Khin market"
    with bob.session() as s:
        save_draft(s, theirs)

    mine.verification = "confirmed"
    mine.sources.append(SourceDraft("Kachin News Group", reliability="C", credibility=3))
    mine.title = "Lone Khin shelling"
    with pytest.raises(ConflictError, match="compare their change"), alice.session() as s:
        save_draft(s, mine)

    with alice.session() as s:
        conflict = find_conflict(s, base, mine)
    assert conflict.changed_by == "bob"
    by_key = {f.unit.key: f for f in conflict.fields}
    assert set(by_key) == {"title", "narrative", "casualties", "verification", "sources"}
    assert by_key["narrative"].change is Change.THEIRS
    assert by_key["casualties"].change is Change.THEIRS
    assert by_key["verification"].change is Change.MINE
    assert by_key["sources"].change is Change.MINE
    title = by_key["title"]
    assert title.change is Change.BOTH and [f.unit.key for f in conflict.conflicting] == ["title"]
    assert (title.base, title.mine, title.theirs) == (
        "Shelling of Lone Khin",
        "Lone Khin shelling",
        "Shelling of Lone Khin market",
    )
    assert "3–4–5" in (by_key["casualties"].base or "")
    assert "3–6–7" in by_key["casualties"].theirs

    # defaults keep both sides' changes; the user takes Bob's title
    merged = conflict.merged({"title": Side.THEIRS})
    with alice.session() as s:
        save_draft(s, merged)
    with bob.session() as s:
        inc = s.get(Incident, incident_id)
        assert inc is not None
        assert inc.title == "Shelling of Lone Khin market"
        assert inc.narrative == "Shells hit the market at noon."
        assert inc.verification.value == "confirmed"
        assert [src.name for src in inc.sources] == ["The Irrawaddy", "Kachin News Group"]
        assert [(c.low, c.best, c.high) for c in inc.casualties] == [(3, 6, 7)]
        assert inc.updated_by == "alice"


def test_overwrite_and_a_third_save_in_between(two_people: tuple[Project, Project]) -> None:
    alice, bob = two_people
    incident_id = _new_incident(alice)
    base, mine = _open(alice, incident_id), _open(alice, incident_id)
    theirs = _open(bob, incident_id)
    theirs.narrative = "Bob's account."
    with bob.session() as s:
        save_draft(s, theirs)
    mine.narrative = "Alice's account."
    with alice.session() as s:
        conflict = find_conflict(s, base, mine)
    assert [f.unit.key for f in conflict.conflicting] == ["narrative"]

    # Bob saves again while Alice reads the conflict: her resolution is refused too
    again = _open(bob, incident_id)
    again.impacts = ["market"]
    with bob.session() as s:
        save_draft(s, again)
    with pytest.raises(ConflictError), alice.session() as s:
        save_draft(s, conflict.overwrite())
    with alice.session() as s:
        conflict = find_conflict(s, base, mine)
    assert {f.unit.key for f in conflict.fields} == {"narrative", "impacts"}
    with alice.session() as s:
        save_draft(s, conflict.overwrite())
    with bob.session() as s:
        inc = s.get(Incident, incident_id)
        assert inc is not None and inc.narrative == "Alice's account." and inc.impacts == []


def test_a_change_of_only_a_source_row_is_still_a_new_version(
    two_people: tuple[Project, Project],
) -> None:
    """Without the version bump, two saves editing only child rows overwrote each other."""
    alice, bob = two_people
    incident_id = _new_incident(alice)
    mine, theirs = _open(alice, incident_id), _open(bob, incident_id)
    theirs.sources[0].excerpt = "Bob's excerpt"
    with bob.session() as s:
        save_draft(s, theirs)
    mine.sources[0].excerpt = "Alice's excerpt"
    with pytest.raises(ConflictError), alice.session() as s:
        save_draft(s, mine)
    with alice.session() as s:
        conflict = find_conflict(s, None, mine)  # base unknown: every difference is shown
    assert [f.unit.key for f in conflict.fields] == ["sources"]
    assert conflict.fields[0].base is None and "Bob's excerpt" in conflict.fields[0].theirs


def test_a_deleted_incident_is_named(two_people: tuple[Project, Project]) -> None:
    from sitrep.editing.snapshots import delete_incident

    alice, bob = two_people
    incident_id = _new_incident(alice)
    mine = _open(alice, incident_id)
    with bob.session() as s:
        delete_incident(s, incident_id)
    with pytest.raises(ConflictError, match="no longer exists"), alice.session() as s:
        find_conflict(s, None, mine)


def test_a_recovered_draft_keeps_what_it_was_based_on(
    two_people: tuple[Project, Project], tmp_path: Path
) -> None:
    """After a crash the autosaved draft comes back with its base, so the three-way
    view still tells the other person's change from the user's own."""
    from sitrep.editing.draft_store import DraftStore

    alice, bob = two_people
    incident_id = _new_incident(alice)
    base, mine = _open(alice, incident_id), _open(alice, incident_id)
    mine.title = "Lone Khin shelling"
    store = DraftStore(tmp_path / "drafts")
    store.save("k1", mine, alice.location, base)
    theirs = _open(bob, incident_id)
    theirs.narrative = "Bob's account."
    with bob.session() as s:
        save_draft(s, theirs)

    (stored,) = store.drafts_for(alice.location)
    assert stored.base == base and stored.draft == mine
    with alice.session() as s:
        conflict = find_conflict(s, stored.base, stored.draft)
    assert {f.unit.key: f.change for f in conflict.fields} == {
        "title": Change.MINE,
        "narrative": Change.THEIRS,
    }
    with alice.session() as s:
        save_draft(s, conflict.merged())
    with bob.session() as s:
        inc = s.get(Incident, incident_id)
        assert inc is not None
        assert (inc.title, inc.narrative) == ("Lone Khin shelling", "Bob's account.")


def test_saving_what_is_stored_is_not_a_new_version(two_people: tuple[Project, Project]) -> None:
    """An unchanged save must not mark the incident as changed (reports list incidents
    changed since they were written by their version)."""
    alice, _bob = two_people
    incident_id = _new_incident(alice)
    draft = _open(alice, incident_id)
    with alice.session() as s:
        assert save_draft(s, draft).version == draft.base_version
    draft.sources[0].excerpt = "A new excerpt"
    with alice.session() as s:
        assert save_draft(s, draft).version == (draft.base_version or 0) + 1
