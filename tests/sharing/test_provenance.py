"""Where shared incidents came from travels with them, and reports credit it (issue 9, 4).

A colleague's own records are the colleague's data in our project, not ours; datasets
(UCDP GED, ACLED) go with the incidents that came from them; our own records coming
back from a colleague stay ours.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from sitrep.interchange.importer import import_file
from sitrep.model import Dataset, Incident
from sitrep.model.enums import Sensitivity
from sitrep.sharing.export import export_project
from sitrep.sharing.merge import merge_project
from sitrep.store import Project, create_project, open_project
from tests.conftest import make_incident
from tests.interchange.fixtures import ucdp_row, write_ucdp


def _keys(project: Project) -> dict[str, str | None]:
    with project.session() as s:
        return {i.reference: i.dataset_key for i in s.scalars(select(Incident))}


def test_datasets_travel_with_their_incidents(project: Project, tmp_path: Path) -> None:
    import_file(project, write_ucdp(tmp_path / "ged.csv", [ucdp_row("9001")]))
    make_incident(project, title="Our own record", sensitivity=Sensitivity.PUBLIC)
    copy = tmp_path / "copy.sitrep"
    export_project(project, copy, level=Sensitivity.INTERNAL)
    colleague = open_project(copy)
    try:
        with colleague.session() as s:
            (dataset,) = s.scalars(select(Dataset))
            assert dataset.key == "ucdp-ged" and dataset.licence == "CC BY 4.0"
        assert sorted(k or "" for k in _keys(colleague).values()) == ["", "ucdp-ged"]
    finally:
        colleague.close()


def test_a_colleagues_own_records_are_credited_to_them(project: Project, tmp_path: Path) -> None:
    project.set_setting("organisation", "Our NGO")
    ours = make_incident(project, title="Our own record")
    # the colleague starts from our copy, then records an incident of their own
    copy = tmp_path / "copy.sitrep"
    export_project(project, copy, level=Sensitivity.INTERNAL)
    colleague = open_project(copy)
    colleague.set_setting("organisation", "Partner Relief")
    make_incident(colleague, title="Their own record", date_start=dt.date(2025, 6, 4))
    with colleague.session() as s:
        mine = s.get(Incident, ours.id)
        assert mine is not None
        mine.narrative = "Updated by the partner."
    back = tmp_path / "back.sitrep"
    export_project(colleague, back, level=Sensitivity.INTERNAL)
    colleague.close()

    result = merge_project(project, back)

    assert result.added == 1
    with project.session() as s:
        theirs = s.scalar(select(Incident).where(Incident.title == "Their own record"))
        again = s.get(Incident, ours.id)
        assert theirs is not None and again is not None
        assert again.dataset_key is None  # ours, coming back
        assert again.narrative == "Updated by the partner."
        dataset = s.get(Dataset, theirs.dataset_key)
        assert dataset is not None and dataset.name == "Partner Relief"
        assert "Shared by Partner Relief" in dataset.citation
    # and the same file merged again adds and re-credits nothing
    again_result = merge_project(project, back)
    assert again_result.added == 0
    with project.session() as s:
        assert len(list(s.scalars(select(Dataset)))) == 1


def test_new_project_from_a_colleagues_file_keeps_their_records_theirs(
    tmp_path: Path,
) -> None:
    partner = create_project(tmp_path / "partner.sitrep", name="P", user="p")
    partner.set_setting("organisation", "Partner Relief")
    make_incident(partner, title="Their record", sensitivity=Sensitivity.PUBLIC)
    out = tmp_path / "from-partner.sitrep"
    export_project(partner, out, level=Sensitivity.PARTNER)
    partner.close()
    ours = create_project(tmp_path / "ours.sitrep", name="O", user="o")
    try:
        assert merge_project(ours, out).added == 1
        (key,) = _keys(ours).values()
        assert key is not None and key.startswith("project:")
        with ours.session() as s:
            dataset = s.get(Dataset, key)
            assert dataset is not None and dataset.name == "Partner Relief"
    finally:
        ours.close()
