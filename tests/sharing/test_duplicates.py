"""The same event entered twice: found, reviewed, merged keeping every claim, undone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from sitrep.errors import SitrepError
from sitrep.model import AuditEntry, ExternalId, Incident
from sitrep.model.enums import Outcome, Sensitivity
from sitrep.sharing.duplicates import (
    Thresholds,
    find_duplicates,
    mark_not_duplicate,
    merge_incidents,
    side_by_side,
    undo_last_duplicate_merge,
)
from sitrep.sharing.export import export_project
from sitrep.sharing.merge import merge_project
from sitrep.store import Project, open_project
from tests.conftest import make_incident
from tests.sharing.test_merge_loss import snapshot


@pytest.fixture
def project(project_db: Project) -> Project:
    """Every test here runs on a project file and on PostgreSQL (tests/conftest.py)."""
    return project_db


def _twice_entered(project: Project, tmp_path: Path) -> tuple[Incident, Incident, Path]:
    """Ours entered here; theirs entered by a colleague in their copy and merged in."""
    ours = make_incident(
        project,
        title="Air strike on Hpakant market",
        date_start=dt.date(2025, 6, 3),
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        lat=25.6128,
        lon=96.3121,
        casualties=[{"best": 3, "outcome": Outcome.KILLED}],
        sources=[{"name": "Field officer"}],
    )
    shared = tmp_path / "to-colleague.sitrep"
    export_project(project, shared, level=Sensitivity.INTERNAL)
    colleague = open_project(shared, user="colleague")
    theirs = make_incident(
        colleague,
        title="Airstrike hits Hpakant town market",
        date_start=dt.date(2025, 6, 4),
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        lat=25.64,
        lon=96.33,
        casualties=[{"best": 4, "outcome": Outcome.INJURED}],
        sources=[{"name": "Radio Free Asia"}, {"name": "Field officer"}],
    )
    make_incident(colleague, title="Unrelated arrest", lat=24.0, lon=97.0)
    colleague.close()
    back = tmp_path / "from-colleague.sitrep"
    colleague = open_project(shared, user="colleague")
    export_project(colleague, back, level=Sensitivity.INTERNAL)
    colleague.close()
    assert merge_project(project, back).added == 2
    return ours, theirs, back


def _ids(project: Project, ref: str, what: str) -> set[str]:
    with project.session() as s:
        inc = s.scalar(select(Incident).where(Incident.reference == ref))
        assert inc is not None
        rows: list[Any] = list(inc.sources) if what == "sources" else list(inc.casualties)
        return {str(r.id) for r in rows}


def test_finds_the_pair_with_its_reasons(project: Project, tmp_path: Path) -> None:
    ours, theirs, _ = _twice_entered(project, tmp_path)
    with project.engine.connect() as conn:
        (pair,) = find_duplicates(conn)
        assert {pair.a, pair.b} == {ours.id, theirs.id}
        assert pair.days_apart == 1 and pair.distance_km is not None and pair.distance_km < 5
        assert "a source in common" in pair.reasons
        view = side_by_side(conn, pair.a, pair.b)
    fields = {name: (a, b) for name, a, b in view.rows}
    assert fields["title"] == (
        "Air strike on Hpakant market",
        "Airstrike hits Hpakant town market",
    )
    assert "Radio Free Asia" in fields["sources"][1]
    with project.engine.connect() as conn:  # thresholds are the user's
        assert find_duplicates(conn, Thresholds(km=1.0)) == []
        assert find_duplicates(conn, Thresholds(days=0)) == []
        assert len(find_duplicates(conn, Thresholds(min_score=0.0, km=200, same_type=False))) == 3


@pytest.mark.parametrize("keep_ours", [True, False])
def test_merging_keeps_every_source_and_casualty_claim_and_undoes(
    project: Project, tmp_path: Path, keep_ours: bool
) -> None:
    ours, theirs, back = _twice_entered(project, tmp_path)
    keep, absorb = (ours, theirs) if keep_ours else (theirs, ours)
    sources = _ids(project, keep.reference, "sources") | _ids(project, absorb.reference, "sources")
    casualties = _ids(project, keep.reference, "casualties") | _ids(
        project, absorb.reference, "casualties"
    )
    before = snapshot(project)

    done = merge_incidents(project, keep.reference, absorb.reference)

    assert (done.kept, done.absorbed) == (keep.reference, absorb.reference)
    assert _ids(project, keep.reference, "sources") == sources  # all three sources
    assert _ids(project, keep.reference, "casualties") == casualties
    with project.session() as s:
        assert s.get(Incident, absorb.id) is None
        kept = s.get(Incident, keep.id)
        assert kept is not None and (kept.killed, kept.injured) == (3, 4)
        ext = set(s.scalars(select(ExternalId.value).where(ExternalId.incident_id == keep.id)))
        assert absorb.reference in ext and str(absorb.id) in ext
        logged = list(s.scalars(select(AuditEntry).where(AuditEntry.action.like("dedup %"))))
        deleted = [e for e in logged if e.action == "dedup delete" and e.table_name == "incident"]
        assert deleted and deleted[0].changes["row"]["title"] == absorb.title
    with project.engine.connect() as conn:
        assert find_duplicates(conn) == []
    # the colleague's file still holds the absorbed incident: it is not added back
    again = merge_project(project, back)
    assert again.added == 0

    assert undo_last_duplicate_merge(project) == f"{absorb.reference} into {keep.reference}"
    # the re-merge above changed nothing, so the project is as before the merge of the two
    assert snapshot(project) == before
    with pytest.raises(SitrepError, match="no merge of duplicates"):
        undo_last_duplicate_merge(project)


def test_not_a_duplicate_is_remembered(project: Project, tmp_path: Path) -> None:
    ours, theirs, _ = _twice_entered(project, tmp_path)
    mark_not_duplicate(project, theirs.reference, ours.reference)
    with project.engine.connect() as conn:
        assert find_duplicates(conn) == []


def test_review_warns_when_casualty_rows_would_add_up(project: Project) -> None:
    a = make_incident(project, casualties=[{"best": 5}])
    b = make_incident(project, casualties=[{"best": 5}], lat=25.62)
    with project.engine.connect() as conn:
        view = side_by_side(conn, a.id, b.id)
    assert view.warnings == [
        "Both record people killed: merged, the totals add up (5 + 5 = 10). If both report "
        "the same people, edit the casualty rows after merging."
    ]


def test_cli_duplicates(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sitrep.cli import main

    ours, theirs, _ = _twice_entered(project, tmp_path)
    location = project.location
    project.close()
    assert main(["duplicates", location]) == 0
    listed = capsys.readouterr().out
    assert ours.reference in listed and theirs.reference in listed and "km apart" in listed
    assert main(["duplicates", location, "--show", ours.reference, theirs.reference]) == 0
    assert "Radio Free Asia" in capsys.readouterr().out
    assert main(["duplicates", location, "--merge", ours.reference, theirs.reference]) == 0
    assert f"Merged {theirs.reference} into {ours.reference}" in capsys.readouterr().out
    assert main(["duplicates", location]) == 0
    assert "No likely duplicates" in capsys.readouterr().out
    assert main(["duplicates", location, "--undo"]) == 0
    assert main(["duplicates", location, "--merge", ours.reference, "KCN-1999-0001"]) == 1
    assert "no incident 'KCN-1999-0001'" in capsys.readouterr().err
