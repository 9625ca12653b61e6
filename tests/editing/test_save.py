from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sitrep.editing.draft import (
    ActorDraft,
    AttachmentDraft,
    CasualtyDraft,
    IncidentDraft,
    SourceDraft,
    draft_from_incident,
)
from sitrep.editing.save import load_draft, save_draft
from sitrep.editing.snapshots import delete_incident, restore_incident, snapshot_incident
from sitrep.errors import ConflictError, ValidationError
from sitrep.model import Actor, AuditEntry, Blob, Incident
from sitrep.store import Project
from tests.editing.helpers import make_kachin


def lone_khin_draft(area_id: uuid.UUID | None) -> IncidentDraft:
    return IncidentDraft(
        title="Blast at Lone Khin jade mine",
        date_start="2025-06-03",
        place_name="Lone Khin",
        lat="25.66",
        lon="96.28",
        area_id=str(area_id) if area_id else None,
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        local_type="Mine-site blast",
        actors=[
            ActorDraft("Military of Myanmar (2021-)", "perpetrator"),
            ActorDraft("Civilians (Myanmar)", "target"),
        ],
        casualties=[
            CasualtyDraft("killed", "civilian", low=10, best=12, high=14),
            CasualtyDraft("killed", "side B", low=10, best=10, high=10, is_party_claim=True),
        ],
        sources=[SourceDraft("The Irrawaddy", "national media", "2025-06-09", reliability="B")],
    )


def test_save_new_incident_with_children_and_admin_chain(project: Project) -> None:
    k = make_kachin(project)
    with project.session() as s:
        inc = save_draft(s, lone_khin_draft(k.tract.id))
        new_id = inc.id
    with project.session() as s:
        inc = s.get_one(Incident, new_id)
        assert inc.reference == "TST-2025-0001"
        assert (inc.admin1_id, inc.admin2_id, inc.admin3_id, inc.admin4_id) == (
            k.state.id,
            k.district.id,
            k.township.id,
            k.tract.id,
        )
        assert inc.country_iso == "MMR"
        assert inc.killed == 12 and inc.civilians_killed == 12 and inc.killed_claimed == 10
        assert sorted(a.actor.name for a in inc.actors) == [
            "Civilians (Myanmar)",
            "Military of Myanmar (2021-)",
        ]
        assert inc.sources[0].grading == "B6"
        assert s.scalar(select(func.count()).select_from(Actor)) == 2


def test_editing_updates_rows_and_refuses_a_stale_version(project: Project) -> None:
    k = make_kachin(project)
    with project.session() as s:
        new_id = save_draft(s, lone_khin_draft(k.tract.id)).id
    with project.session() as s:
        draft = load_draft(s, new_id)
    stale = load_draft_copy = draft_from_json_copy(draft)
    draft.casualties[0].best = 11
    draft.sources.pop()
    draft.actors.append(ActorDraft("military of myanmar (2021-)", "side A"))
    with project.session() as s:
        save_draft(s, draft)
    with project.session() as s:
        inc = s.get(Incident, new_id)
        assert inc is not None and inc.killed == 11 and inc.sources == []
        assert len(inc.actors) == 3
        assert s.scalar(select(func.count()).select_from(Actor)) == 2  # matched case-insensitively
    load_draft_copy.title = "someone else"
    with pytest.raises(ConflictError), project.session() as s:
        save_draft(s, stale)


def draft_from_json_copy(draft: IncidentDraft) -> IncidentDraft:
    from sitrep.editing.draft import draft_from_json, draft_to_json

    return draft_from_json(draft_to_json(draft))[0]


def test_invalid_draft_is_refused_and_nothing_written(project: Project) -> None:
    draft = lone_khin_draft(None)
    draft.lat = "95"
    with pytest.raises(ValidationError) as err, project.session() as s:
        save_draft(s, draft)
    assert err.value.field == "latitude"
    with project.session() as s:
        assert s.scalar(select(func.count()).select_from(Incident)) == 0


def test_attachment_from_a_file_is_stored_once(project: Project, tmp_path: Path) -> None:
    photo = tmp_path / "crater.png"
    photo.write_bytes(b"\x89PNG fake image")
    draft = lone_khin_draft(None)
    draft.attachments = [AttachmentDraft(filename="crater.png", path=str(photo))]
    with project.session() as s:
        first = save_draft(s, draft).id
    draft2 = lone_khin_draft(None)
    draft2.attachments = [AttachmentDraft(filename="crater.png", path=str(photo))]
    with project.session() as s:
        save_draft(s, draft2)
    with project.session() as s:
        assert s.scalar(select(func.count()).select_from(Blob)) == 1
        inc = s.get(Incident, first)
        assert inc is not None and inc.attachments[0].media_type == "image/png"
        assert draft_from_incident(inc).attachments[0].sha256


def test_delete_and_restore_bring_back_everything(project: Project) -> None:
    k = make_kachin(project)
    with project.session() as s:
        new_id = save_draft(s, lone_khin_draft(k.tract.id)).id
    with project.session() as s:
        before = draft_from_incident(s.get(Incident, new_id))  # type: ignore[arg-type]
        snap = delete_incident(s, new_id)
    with project.session() as s:
        assert s.get(Incident, new_id) is None
    with project.session() as s:
        restore_incident(s, snap)
    with project.session() as s:
        after = draft_from_incident(s.get(Incident, new_id))  # type: ignore[arg-type]
        actions = [
            e.action
            for e in s.scalars(select(AuditEntry).where(AuditEntry.record_id == str(new_id)))
        ]
    before.base_version = after.base_version = None
    assert after == before
    assert actions == ["insert", "delete", "insert"]


def test_restore_reverts_an_edit(project: Project) -> None:
    with project.session() as s:
        new_id = save_draft(s, lone_khin_draft(None)).id
    with project.session() as s:
        snap = snapshot_incident(s, new_id)
        draft = load_draft(s, new_id)
    draft.title = "Changed"
    draft.casualties = []
    with project.session() as s:
        save_draft(s, draft)
    with project.session() as s:
        restore_incident(s, snap)
    with project.session() as s:
        inc = s.get(Incident, new_id)
        assert inc is not None and inc.title == "Blast at Lone Khin jade mine"
        assert inc.killed == 12 and len(inc.casualties) == 2
