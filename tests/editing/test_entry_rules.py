"""Rules behind the incident form: location precision, date warnings, victims, denials."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from sitrep.editing.draft import ActorDraft, IncidentDraft, SourceDraft, check_draft
from sitrep.editing.location import allowed_precisions, precision_problem, suggested_precision
from sitrep.editing.plausibility import date_warnings
from sitrep.editing.save import load_draft, save_draft
from sitrep.errors import ValidationError
from sitrep.model import Incident
from sitrep.model.enums import LocationPrecision as LP
from sitrep.store import Project, open_project
from tests.editing.helpers import make_kachin

DATA = Path(__file__).parents[1] / "data"


def test_precision_follows_what_was_given() -> None:
    assert suggested_precision(True, None) is LP.EXACT  # a place or a point
    assert suggested_precision(False, 3) is LP.ADMIN2  # a township only
    assert suggested_precision(False, 2) is LP.ADMIN2
    assert suggested_precision(False, 1) is LP.ADMIN1
    assert suggested_precision(False, None) is LP.COUNTRY


def test_precision_the_data_cannot_support_is_refused() -> None:
    assert "needs coordinates" in precision_problem(LP.EXACT, False, 3)
    assert "needs coordinates" in precision_problem(LP.NEAR, False, None)
    assert "district or smaller" in precision_problem(LP.ADMIN2, False, 1)
    assert "an admin area" in precision_problem(LP.ADMIN1, False, None)
    assert precision_problem(LP.ADMIN1, True, None) == ""  # coordinates of the state
    assert allowed_precisions(False, None) == [
        LP.BETWEEN_ADMIN1_AND_COUNTRY,
        LP.COUNTRY,
        LP.WATER_OR_AIR,
    ]
    assert LP.EXACT not in allowed_precisions(False, 4)
    assert list(allowed_precisions(True, None)) == list(LP)


def _draft(**kw: object) -> IncidentDraft:
    base: dict[str, object] = {
        "title": "Shelling",
        "date_start": "2025-06-12",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
    }
    base.update(kw)
    return IncidentDraft(**base)  # type: ignore[arg-type]


def test_check_draft_refuses_exact_without_coordinates() -> None:
    problems = check_draft(_draft(location_precision=int(LP.EXACT)))
    assert [p.field for p in problems] == ["location_precision"]
    assert check_draft(_draft(location_precision=int(LP.EXACT), lat="25.6", lon="96.3")) == []
    assert check_draft(_draft(location_precision=int(LP.ADMIN1), area_id="x"), area_level=1) == []
    assert check_draft(_draft(location_precision=int(LP.ADMIN2), area_id="x"), area_level=1)


def test_save_derives_precision_and_refuses_an_impossible_one(project: Project) -> None:
    k = make_kachin(project)
    with project.session() as s:
        inc = save_draft(s, _draft(area_id=str(k.township.id)))
        assert inc.location_precision is LP.ADMIN2
        inc = save_draft(s, _draft(lat="25.6", lon="96.3"))
        assert inc.location_precision is LP.EXACT
        inc = save_draft(s, _draft())
        assert inc.location_precision is LP.COUNTRY
        with pytest.raises(ValidationError, match="needs coordinates"):
            save_draft(s, _draft(location_precision=int(LP.EXACT), area_id=str(k.state.id)))
        with pytest.raises(ValidationError, match="district or smaller"):
            save_draft(s, _draft(location_precision=int(LP.ADMIN2), area_id=str(k.state.id)))


def test_incident_dated_after_every_source_is_questioned() -> None:
    draft = _draft(
        date_start="2025-06-12",
        sources=[SourceDraft(name="Irrawaddy", published="2025-06-10")],
    )
    (warning,) = date_warnings(draft)
    assert warning.field == "date_start"
    assert "12 June 2025, after its only source (dated 10 June 2025)" in warning.message
    draft.sources.append(SourceDraft(name="Partner", published="2025-06-13"))
    assert date_warnings(draft) == []  # one source reported it after it happened
    draft.sources.append(SourceDraft(name="Old cutting", published="2025-05-01"))
    (old,) = date_warnings(draft)
    assert (old.field, old.row) == ("source_published", 2)
    assert "Old cutting is dated 1 May 2025, 42 days before the incident" in old.message
    assert date_warnings(_draft(sources=[SourceDraft(name="x")])) == []  # undated source
    assert check_draft(draft) == []  # warnings, not errors: the draft can be saved


def test_victim_names_and_denials_are_saved_and_read_back(project: Project) -> None:
    draft = _draft(
        victim_names="Ma Hla (34), Ko Aung",
        actors=[
            ActorDraft("Military of Myanmar (2021-)", "alleged perpetrator", True),
            ActorDraft("Civilians (Myanmar)", "target"),
        ],
    )
    with project.session() as s:
        incident_id = save_draft(s, draft).id
    with project.session() as s:
        inc = s.get_one(Incident, incident_id)
        assert inc.victim_names == "Ma Hla (34), Ko Aung"
        assert sorted((a.actor.name, a.role.value, a.denies_involvement) for a in inc.actors) == [
            ("Civilians (Myanmar)", "target", False),
            ("Military of Myanmar (2021-)", "alleged perpetrator", True),
        ]
        back = load_draft(s, incident_id)
    assert back.victim_names == draft.victim_names
    assert sorted(back.actors, key=lambda a: a.name) == sorted(draft.actors, key=lambda a: a.name)
    for actor in back.actors:
        actor.denies_involvement = False  # the denial withdrawn: saved as such
    with project.session() as s:
        save_draft(s, back)
    with project.session() as s:
        assert not any(a.denies_involvement for a in s.get_one(Incident, incident_id).actors)


def test_migration_repairs_exact_locations_without_coordinates(tmp_path: Path) -> None:
    path = tmp_path / "release.sitrep"
    shutil.copy(DATA / "project-schema-0005.sitrep", path)
    db = sqlite3.connect(path)
    refs = [r[0] for r in db.execute("SELECT reference FROM incident ORDER BY reference")]
    cases = {  # reference -> (precision, keep admin1, keep admin2..4) before the upgrade
        refs[0]: (1, True, True),
        refs[1]: (2, True, False),
        refs[2]: (1, False, False),
        refs[3]: (3, True, False),
    }
    for ref, (precision, admin1, deeper) in cases.items():
        db.execute(
            "UPDATE incident SET lat = NULL, lon = NULL, location_precision = ?,"
            " admin1_id = CASE WHEN ? THEN admin1_id END,"
            " admin2_id = CASE WHEN ? THEN admin2_id END,"
            " admin3_id = CASE WHEN ? THEN admin3_id END,"
            " admin4_id = NULL WHERE reference = ?",
            (precision, admin1, deeper, deeper, ref),
        )
    untouched = db.execute(
        "SELECT reference, location_precision FROM incident WHERE reference = ?", (refs[4],)
    ).fetchone()
    db.commit()
    db.close()
    project = open_project(path)
    try:
        with project.session() as s:
            got = {
                i.reference: i.location_precision
                for i in s.query(Incident).filter(Incident.reference.in_(refs[:5]))
            }
            assert all(i.victim_names == "" for i in s.query(Incident))
    finally:
        project.close()
    assert got[refs[0]] is LP.ADMIN2
    assert got[refs[1]] is LP.ADMIN1
    assert got[refs[2]] is LP.COUNTRY
    assert got[refs[3]] is LP.ADMIN1
    assert int(got[untouched[0]]) == untouched[1]  # coordinates: left as it was
