"""Sharing with a team database: export, merge with bases, audit, undo, duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from sitrep.model import AuditEntry, Incident, Source
from sitrep.model.enums import Sensitivity, SourceType
from sitrep.sharing.duplicates import merge_incidents, undo_last_duplicate_merge
from sitrep.sharing.export import export_project
from sitrep.sharing.merge import merge_project, undo_last_merge
from sitrep.store import create_project, open_project
from tests.conftest import make_incident
from tests.sharing.test_merge_loss import snapshot
from tests.store.test_postgres import pg_url  # noqa: F401 - fixture

pytestmark = pytest.mark.postgres


def test_merge_audit_and_undo_on_postgres(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    team = create_project(pg_url, user="officer")
    try:
        assert team.engine.dialect.name == "postgresql"
        team.set_setting("reference_prefix", "TM")
        first = make_incident(
            team,
            title="Clash at Namti",
            narrative="Names of the injured",
            sensitivity=Sensitivity.PARTNER,
            sensitive_fields=["narrative"],
            sources=[{"name": "Clinic"}],
        )
        second = make_incident(team, title="Clash near Namti", lat=25.62)
        shared = tmp_path / "partner.sitrep"
        export_project(team, shared, level=Sensitivity.PARTNER, passphrase="team-2025!")
        export_project(team, tmp_path / "full.sitrep", level=Sensitivity.RESTRICTED)
        assert merge_project(team, shared, passphrase="team-2025!").updated == 0

        plain = tmp_path / "colleague.sitrep"
        export_project(team, plain, level=Sensitivity.INTERNAL)
        colleague = open_project(plain, user="colleague")
        with colleague.session() as s:
            inc = s.get(Incident, first.id)
            assert inc is not None
            inc.title = "Clash at Namti (confirmed)"
            inc.sources.append(Source(name="Second call", source_type=SourceType.OWN_STAFF))
        colleague.close()
        before = snapshot(team)
        result = merge_project(team, plain)
        assert result.updated == 1 and result.rows_added == 1
        with team.session() as s:
            assert s.get(Incident, first.id).title == "Clash at Namti (confirmed)"  # type: ignore[union-attr]
            logged = list(s.scalars(select(AuditEntry).where(AuditEntry.action.like("merge %"))))
        assert {e.table_name for e in logged} >= {"incident", "source"}
        undo_last_merge(team)
        assert snapshot(team) == before

        merge_incidents(team, first.reference, second.reference)
        assert len(snapshot(team)) == 1
        undo_last_duplicate_merge(team)
        assert snapshot(team) == before
    finally:
        team.close()
