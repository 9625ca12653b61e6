"""An incident's history read back from the audit log: who, when, what changed."""

from __future__ import annotations

import uuid

import pytest

from sitrep.editing.draft import ActorDraft, CasualtyDraft, IncidentDraft, SourceDraft
from sitrep.editing.history import incident_history
from sitrep.editing.save import load_draft, save_draft
from sitrep.errors import SitrepError
from sitrep.model.enums import Sensitivity
from sitrep.sharing.redaction import WITHHELD
from sitrep.store import Project, open_project


def _create(project: Project) -> uuid.UUID:
    draft = IncidentDraft(
        title="Shelling of Lone Khin",
        date_start="2025-06-03",
        place_name="Lone Khin",
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        victim_names="Daw Hla",
        sensitive_fields=["victim_names"],
        sensitivity="partner",
        actors=[ActorDraft("Military of Myanmar (2021-)", "perpetrator")],
        casualties=[CasualtyDraft(low=3, best=4, high=5)],
    )
    with project.session() as s:
        return save_draft(s, draft).id


def test_history_names_who_changed_what(project: Project) -> None:
    incident_id = _create(project)
    bob = open_project(project.location, user="bob")
    try:
        with bob.session() as s:
            draft = load_draft(s, incident_id)
        draft.title = "Shelling of Lone Khin market"
        draft.victim_names = "Daw Hla, U Tun"
        draft.casualties[0].best = 6
        draft.casualties[0].high = 7
        draft.sources.append(SourceDraft("The Irrawaddy", reliability="B", credibility=3))
        with bob.session() as s:
            save_draft(s, draft)
    finally:
        bob.close()
    with project.session() as s:
        events = incident_history(s, incident_id)
    assert [(e.user, e.what) for e in events] == [("tester", "created"), ("bob", "changed")]
    created = {c.field: c.new for c in events[0].changes}
    assert created["Title"] == "Shelling of Lone Khin"
    assert created["Victims' names"] == "Daw Hla"
    assert "Casualty added: 3–4–5 civilian killed" in events[0].lines
    changed = {c.field: (c.old, c.new) for c in events[1].changes}
    assert changed["Title"] == ("Shelling of Lone Khin", "Shelling of Lone Khin market")
    assert changed["Victims' names"] == ("Daw Hla", "Daw Hla, U Tun")
    assert changed["Casualty: Best estimate"] == ("4", "6")
    assert changed["Killed (total)"] == ("4", "6")
    assert events[1].lines == ["Source added: The Irrawaddy"]

    # a reader with partner clearance sees the history without the names
    with project.session() as s:
        partner = incident_history(s, incident_id, clearance=Sensitivity.PARTNER)
    changed = {c.field: (c.old, c.new) for c in partner[1].changes}
    assert changed["Victims' names"] == (WITHHELD, WITHHELD)
    assert changed["Title"] == ("Shelling of Lone Khin", "Shelling of Lone Khin market")
    assert "Daw Hla" not in repr(partner)


def test_unmarking_a_field_does_not_reveal_what_was_typed_while_marked(project: Project) -> None:
    incident_id = _create(project)
    with project.session() as s:
        draft = load_draft(s, incident_id)
    draft.sensitive_fields = ["title"]  # victim names unmarked; title marked
    draft.narrative = "Witness: Daw Hla"
    carol = open_project(project.location, user="carol")
    try:
        with carol.session() as s:
            save_draft(s, draft)
    finally:
        carol.close()
    with project.session() as s:
        events = incident_history(s, incident_id, clearance=Sensitivity.PARTNER)
    every = [(c.old, c.new) for e in events for c in e.changes if c.field == "Victims' names"]
    assert every == [("", WITHHELD)]  # victim names are never below internal
    titles = [c.new for e in events for c in e.changes if c.field == "Title"]
    assert titles == [WITHHELD]


def test_restricted_incident_has_no_history_below_restricted(project: Project) -> None:
    incident_id = _create(project)
    with project.session() as s:
        draft = load_draft(s, incident_id)
    draft.sensitivity = "restricted"
    carol = open_project(project.location, user="carol")
    try:
        with carol.session() as s:
            save_draft(s, draft)
    finally:
        carol.close()
    with project.session() as s:
        assert len(incident_history(s, incident_id)) == 2
        with pytest.raises(SitrepError, match="restricted"):
            incident_history(s, incident_id, clearance=Sensitivity.INTERNAL)
