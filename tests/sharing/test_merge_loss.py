"""Merges that lose nothing: bases per exchange, withheld fields, removals, audit, undo.

The first test is the scenario of issue 11 as a user met it: a partner's redacted copy
merged back after a later full export overwrote KCN-2025-0005 with "[withheld]".
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from sitrep.errors import SitrepError
from sitrep.model import AuditEntry, Casualty, Incident, Source
from sitrep.model.enums import Outcome, Sensitivity, SourceType, Verification
from sitrep.sharing.conflicts import list_conflicts, resolve_conflict
from sitrep.sharing.documents import load_documents
from sitrep.sharing.export import export_project
from sitrep.sharing.merge import merge_project, undo_last_merge
from sitrep.store import Project, create_project, open_project
from sitrep.store.audit import jsonable


def snapshot(project: Project) -> dict[str, Any]:
    """Every incident with its child rows, as JSON values (bookkeeping included)."""
    with project.engine.connect() as conn:
        ids = list(conn.scalars(select(Incident.id)))
        docs = load_documents(conn, ids)
    return {
        str(i): {
            name: (
                {k: jsonable(v) for k, v in rows.items()}
                if isinstance(rows, dict)
                else sorted(
                    ({k: jsonable(v) for k, v in r.items() if k != "id"} for r in rows),
                    key=repr,
                )
            )
            for name, rows in doc.items()
        }
        for i, doc in docs.items()
    }


def incident_by_ref(project: Project, ref: str) -> Incident:
    with project.session() as s:
        inc = s.scalar(select(Incident).where(Incident.reference == ref))
        assert inc is not None
        _ = (inc.sources, inc.casualties, inc.actors)
        return inc


def merge_audit(project: Project) -> list[AuditEntry]:
    with project.session() as s:
        return list(
            s.scalars(
                select(AuditEntry).where(AuditEntry.action.like("merge %")).order_by(AuditEntry.id)
            )
        )


def test_partner_copy_merged_back_after_a_later_full_export_changes_nothing(
    demo_project: Project, tmp_path: Path
) -> None:
    """Issue 11, loss 1: KCN-2025-0005 must not become "[withheld] …"."""
    before = snapshot(demo_project)
    original = incident_by_ref(demo_project, "KCN-2025-0005")
    assert not original.narrative.startswith("[withheld]")
    partner = tmp_path / "for-partner.sitrep"
    export_project(demo_project, partner, level=Sensitivity.PARTNER)
    export_project(demo_project, tmp_path / "full.sitrep", level=Sensitivity.RESTRICTED)

    result = merge_project(demo_project, partner)

    assert result.updated == 0 and result.conflicts == [] and result.added == 0
    assert (result.unchanged, result.kept_ours) == (253, 0)  # they changed nothing
    assert snapshot(demo_project) == before
    after = incident_by_ref(demo_project, "KCN-2025-0005")
    assert after.narrative == original.narrative
    assert [s.name for s in after.sources] == [s.name for s in original.sources]
    assert [s.excerpt for s in after.sources] == [s.excerpt for s in original.sources]
    assert [e for e in merge_audit(demo_project) if e.table_name == "incident"] == []


def test_partner_edits_come_back_but_withheld_fields_never_overwrite(
    demo_project: Project, tmp_path: Path
) -> None:
    partner_file = tmp_path / "for-partner.sitrep"
    export_project(demo_project, partner_file, level=Sensitivity.PARTNER)
    export_project(demo_project, tmp_path / "full.sitrep")  # a later full share elsewhere
    original = incident_by_ref(demo_project, "KCN-2025-0005")
    partner = open_project(partner_file, user="partner")
    with partner.session() as s:  # they edit their copy: one real change, one withheld field
        inc = s.scalar(select(Incident).where(Incident.reference == "KCN-2025-0005"))
        assert inc is not None and inc.narrative.startswith("[withheld]")
        inc.verification = Verification.CORROBORATED
        inc.narrative = "Partner's own account."
        inc.sources[0].name = "Partner renamed a withheld source"
    partner.close()

    result = merge_project(demo_project, partner_file)

    after = incident_by_ref(demo_project, "KCN-2025-0005")
    assert after.verification == Verification.CORROBORATED  # only they changed it: taken
    assert after.narrative == original.narrative  # withheld in their copy: never taken
    assert [s.name for s in after.sources] == [s.name for s in original.sources]
    assert result.updated == 1
    (conflict,) = list_conflicts(demo_project)
    assert any("withheld" in item and "narrative" in item for item in conflict.items)
    (update,) = [e for e in merge_audit(demo_project) if e.table_name == "incident"]
    assert update.changes["before"]["verification"] == Verification.UNVERIFIED.value
    assert update.changes["after"]["verification"] == Verification.CORROBORATED.value
    # the user may still take their narrative; a [withheld] marker is never taken
    resolve_conflict(demo_project, conflict.id, "theirs")
    assert incident_by_ref(demo_project, "KCN-2025-0005").narrative == "Partner's own account."


def test_partner_merges_our_copy_into_their_project_and_sends_theirs_back(
    demo_project: Project, tmp_path: Path
) -> None:
    """The other direction: their own project receives ours, and their export comes back."""
    ours_file = tmp_path / "for-partner.sitrep"
    export_project(demo_project, ours_file, level=Sensitivity.PARTNER)
    export_project(demo_project, tmp_path / "full.sitrep")
    original = incident_by_ref(demo_project, "KCN-2025-0005")
    theirs = create_project(tmp_path / "partner-own.sitrep", user="partner")
    first = merge_project(theirs, ours_file)
    assert first.added == 253
    with theirs.session() as s:
        inc = s.scalar(select(Incident).where(Incident.reference == "KCN-2025-0001"))
        assert inc is not None
        inc.title = "Retitled by the partner"
    back = tmp_path / "from-partner.sitrep"
    export_project(theirs, back, level=Sensitivity.RESTRICTED)  # all they have, unredacted
    theirs.close()

    result = merge_project(demo_project, back)

    assert result.updated == 1 and result.conflicts == [] and result.added == 0
    assert incident_by_ref(demo_project, "KCN-2025-0001").title == "Retitled by the partner"
    after = incident_by_ref(demo_project, "KCN-2025-0005")
    assert after.narrative == original.narrative
    assert [s.name for s in after.sources] == [s.name for s in original.sources]
    assert merge_project(demo_project, back).updated == 0  # idempotent


def _colleague(demo_project: Project, tmp_path: Path) -> tuple[Project, Path]:
    path = tmp_path / "colleague.sitrep"
    export_project(demo_project, path, level=Sensitivity.INTERNAL)
    return open_project(path, user="colleague"), path


def test_their_additions_merge_as_a_union_and_their_removals_are_conflicts(
    demo_project: Project, tmp_path: Path
) -> None:
    ref = "KCN-2025-0013"  # internal, with casualty rows and a source
    colleague, path = _colleague(demo_project, tmp_path)
    ours_before = incident_by_ref(demo_project, ref)
    with colleague.session() as s:
        inc = s.scalar(select(Incident).where(Incident.reference == ref))
        assert inc is not None and inc.casualties and inc.sources
        removed_casualty = inc.casualties[0].id
        inc.casualties.remove(inc.casualties[0])
        inc.sources.append(Source(name="A second source", source_type=SourceType.OWN_STAFF))
        inc.casualties.append(Casualty(outcome=Outcome.INJURED, low=1, best=1, high=1))
    colleague.close()
    with demo_project.session() as s:  # meanwhile we add a source of our own
        inc = s.scalar(select(Incident).where(Incident.reference == ref))
        assert inc is not None
        inc.sources.append(Source(name="Our new source", source_type=SourceType.PARTNER))

    result = merge_project(demo_project, path)

    after = incident_by_ref(demo_project, ref)
    names = {s.name for s in after.sources}
    assert {"A second source", "Our new source"} <= names  # union
    assert removed_casualty in {c.id for c in after.casualties}  # never deleted by a merge
    assert len(after.casualties) == len(ours_before.casualties) + 1
    assert after.injured == 1  # harm totals follow the rows
    (conflict,) = list_conflicts(demo_project)
    assert any("removed a casualty row" in item for item in conflict.items)
    assert result.rows_added == 2
    deleted_audit = [e for e in merge_audit(demo_project) if e.action == "merge delete"]
    assert deleted_audit == []
    resolve_conflict(demo_project, conflict.id, "theirs")  # the user agrees: remove it
    assert removed_casualty not in {c.id for c in incident_by_ref(demo_project, ref).casualties}
    with demo_project.session() as s:
        gone = s.scalar(
            select(AuditEntry).where(
                AuditEntry.action == "conflict delete", AuditEntry.table_name == "casualty"
            )
        )
        assert gone is not None and gone.changes["row"]["id"] == str(removed_casualty)


def test_rows_we_removed_stay_removed_unless_they_changed_them(
    demo_project: Project, tmp_path: Path
) -> None:
    colleague, path = _colleague(demo_project, tmp_path)
    with demo_project.session() as s:
        a = s.scalar(select(Incident).where(Incident.reference == "KCN-2025-0001"))
        b = s.scalar(select(Incident).where(Incident.reference == "KCN-2025-0002"))
        assert a is not None and b is not None and a.sources and b.sources
        a_source, b_source = a.sources[0].id, b.sources[0].id
        a.sources.remove(a.sources[0])
        b.sources.remove(b.sources[0])
    with colleague.session() as s:  # they edit the source we removed from the second one
        src = s.get(Source, b_source)
        assert src is not None
        src.excerpt = "Corrected excerpt"
    colleague.close()

    merge_project(demo_project, path)

    assert a_source not in {s.id for s in incident_by_ref(demo_project, "KCN-2025-0001").sources}
    assert b_source not in {s.id for s in incident_by_ref(demo_project, "KCN-2025-0002").sources}
    (conflict,) = list_conflicts(demo_project)
    assert conflict.label.startswith("KCN-2025-0002")
    resolve_conflict(demo_project, conflict.id, "theirs")
    restored = {s.id: s for s in incident_by_ref(demo_project, "KCN-2025-0002").sources}
    assert restored[b_source].excerpt == "Corrected excerpt"


def test_lowering_sensitivity_is_never_taken_silently(
    demo_project: Project, tmp_path: Path
) -> None:
    colleague, path = _colleague(demo_project, tmp_path)
    with colleague.session() as s:
        inc = s.scalar(select(Incident).where(Incident.reference == "KCN-2025-0013"))
        assert inc is not None
        inc.sensitivity = Sensitivity.PUBLIC
        inc.sensitive_fields = []
    colleague.close()
    merge_project(demo_project, path)
    after = incident_by_ref(demo_project, "KCN-2025-0013")
    assert after.sensitivity == Sensitivity.INTERNAL
    assert after.sensitive_fields == ["victim_names"]
    (conflict,) = list_conflicts(demo_project)
    assert any("sensitivity" in i for i in conflict.items)


def test_undo_last_merge_restores_everything_and_is_audited(
    demo_project: Project, tmp_path: Path
) -> None:
    colleague, path = _colleague(demo_project, tmp_path)
    with colleague.session() as s:
        inc = s.scalar(select(Incident).where(Incident.reference == "KCN-2025-0001"))
        assert inc is not None
        inc.title = "Their title"
        inc.sources.append(Source(name="Their source", source_type=SourceType.OWN_STAFF))
    from tests.conftest import make_incident

    make_incident(colleague, title="Their new incident", reference="KCN-2025-9001")
    colleague.close()
    before = snapshot(demo_project)

    result = merge_project(demo_project, path)
    assert result.added == 1 and result.updated == 1
    assert snapshot(demo_project) != before
    undone = undo_last_merge(demo_project)

    assert undone.reversed > 0
    assert snapshot(demo_project) == before
    with demo_project.session() as s:
        logged = list(s.scalars(select(AuditEntry).where(AuditEntry.action.like("merge undone%"))))
    assert {e.table_name for e in logged} >= {"incident", "source"}
    with pytest.raises(SitrepError, match="no merge to undo"):
        undo_last_merge(demo_project)
    # merged again after the undo: the same changes come back
    assert merge_project(demo_project, path).added == 1


def test_undo_is_refused_when_a_merged_incident_was_edited_since(
    demo_project: Project, tmp_path: Path
) -> None:
    colleague, path = _colleague(demo_project, tmp_path)
    with colleague.session() as s:
        inc = s.scalar(select(Incident).where(Incident.reference == "KCN-2025-0001"))
        assert inc is not None
        inc.title = "Their title"
    colleague.close()
    merge_project(demo_project, path)
    with demo_project.session() as s:
        inc = s.scalar(select(Incident).where(Incident.reference == "KCN-2025-0001"))
        assert inc is not None
        inc.title = "Edited after the merge"
    with pytest.raises(SitrepError, match="KCN-2025-0001"):
        undo_last_merge(demo_project)
    assert incident_by_ref(demo_project, "KCN-2025-0001").title == "Edited after the merge"


def test_cli_merge_undo(
    demo_project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sitrep.cli import main

    colleague, path = _colleague(demo_project, tmp_path)
    with colleague.session() as s:
        inc = s.get(Incident, next(iter(s.scalars(select(Incident.id)))))
        assert inc is not None
        inc.title = "Changed"
        changed = inc.id
    colleague.close()
    location = demo_project.location
    with demo_project.session() as s:
        title = s.get(Incident, changed).title  # type: ignore[union-attr]
    demo_project.close()
    assert main(["merge", location, str(path)]) == 0
    capsys.readouterr()
    assert main(["merge", location, "--undo"]) == 0
    assert "Undid the merge of colleague.sitrep" in capsys.readouterr().out
    assert main(["merge", location, "--undo"]) == 1
    assert "no merge to undo" in capsys.readouterr().err
    assert main(["merge", location]) == 2  # OTHER is needed without --undo
    reopened = open_project(location)
    with reopened.session() as s:
        assert s.get(Incident, changed).title == title  # type: ignore[union-attr]
    reopened.close()
    assert uuid.UUID(str(changed))


def test_their_redacted_copy_then_their_full_copy_fills_in_what_was_withheld(
    project: Project, tmp_path: Path
) -> None:
    """The other direction: what *they* withheld from us is taken once they share it."""
    from tests.conftest import make_incident

    colleague = create_project(tmp_path / "colleague.sitrep", user="colleague")
    colleague.set_setting("reference_prefix", "COL")
    make_incident(
        colleague,
        title="Arrest in Namti",
        narrative="Daw Lu was taken from her house.",
        sensitivity=Sensitivity.PARTNER,
        sensitive_fields=["narrative", "source_names"],
        sources=[{"name": "Her brother"}],
    )
    redacted, full = tmp_path / "redacted.sitrep", tmp_path / "full.sitrep"
    export_project(colleague, redacted, level=Sensitivity.PARTNER)
    export_project(colleague, full, level=Sensitivity.INTERNAL)
    colleague.close()

    assert merge_project(project, redacted).added == 1
    first = incident_by_ref(project, "COL-2025-0001")
    assert first.narrative.startswith("[withheld]") and first.sources[0].name.startswith("[")

    result = merge_project(project, full)
    assert result.updated == 1 and result.conflicts == []
    filled = incident_by_ref(project, "COL-2025-0001")
    assert filled.narrative == "Daw Lu was taken from her house."
    assert filled.sources[0].name == "Her brother"

    # their older, redacted copy again: its markers never overwrite what we now hold
    again = merge_project(project, redacted)
    assert again.updated == 0 and again.conflicts == []
    assert incident_by_ref(project, "COL-2025-0001").narrative.startswith("Daw Lu")
