from __future__ import annotations

from pathlib import Path

from sitrep.editing.draft import IncidentDraft
from sitrep.editing.draft_store import DraftStore


def test_drafts_are_kept_per_project_and_discarded(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts")
    key = store.new_key()
    store.save(key, IncidentDraft(title="Blast", lat="25."), str(tmp_path / "a.sitrep"))
    other = store.new_key()
    store.save(other, IncidentDraft(title="Other"), str(tmp_path / "b.sitrep"))
    (tmp_path / "drafts" / "junk.json").write_text("{not json")
    found = store.drafts_for(str(tmp_path / "." / "a.sitrep"))
    assert [d.draft.title for d in found] == ["Blast"]
    assert found[0].draft.lat == "25."
    store.discard(key)
    assert store.drafts_for(str(tmp_path / "a.sitrep")) == []
    assert len(store.drafts_for(str(tmp_path / "b.sitrep"))) == 1
