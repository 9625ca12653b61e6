"""The form keeps what reports rely on (issue 9): claims, lower bounds, ungraded sources.

Typed like a person types: a claim's casualty rows are ticked as claims when the
incident is recorded as an unverifiable claim; "at least" is kept; editing an
imported incident does not grade its sources F6 behind the user's back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import select

from sitrep.interchange.importer import import_file
from sitrep.model import Incident
from sitrep.model.enums import Verification
from sitrep.store import Project
from sitrep.ui.form_rows import CasualtyRow
from tests.interchange.fixtures import ucdp_row, write_ucdp
from tests.ui.incidents.test_entry_keyboard import (
    alt,
    focused,
    key,
    keys,
    minimal,
    open_new,
    save_by_keyboard,
    saved_incidents,
)


def test_a_claims_rows_are_ticked_as_claims_and_at_least_is_kept(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    window = make_window(project)
    form = open_new(qtbot, window)
    minimal(qtbot, form)
    alt(qtbot, form, "c")  # Add casualty row
    row: CasualtyRow = form.casualties.rows[-1]
    row.affiliation.setFocus()
    key(qtbot, Qt.Key.Key_Tab)  # into the best estimate, its 0 selected
    assert focused() is row.best
    keys(qtbot, "10")
    for _ in ("low", "high", "sex", "age", "claim", "at least"):
        key(qtbot, Qt.Key.Key_Tab)
    assert focused() is row.at_least
    key(qtbot, Qt.Key.Key_Space)
    assert row.at_least.isChecked() and not row.party_claim.isChecked()
    form.verification.setFocus()
    keys(qtbot, "cl")  # "claim not independently verifiable"
    assert form.verification.currentData() == Verification.CLAIM_UNVERIFIABLE.value
    assert row.party_claim.isChecked()  # the incident is a claim: so is its figure
    alt(qtbot, form, "c")  # a row added later is a claim too
    assert form.casualties.rows[-1].party_claim.isChecked()
    form.casualties.remove_row(form.casualties.rows[-1])
    save_by_keyboard(qtbot, form)
    (inc,) = saved_incidents(project)
    (casualty,) = inc.casualties
    assert casualty.is_party_claim and casualty.at_least and casualty.best == 10
    assert (inc.killed, inc.killed_claimed) == (0, 10)


def test_editing_an_imported_incident_keeps_its_sources_ungraded(
    qtbot: Any, project: Project, make_window: Any, tmp_path: Path
) -> None:
    import_file(project, write_ucdp(tmp_path / "ged.csv", [ucdp_row("9001")]))
    window = make_window(project)
    with project.session() as s:
        incident_id = s.scalar(select(Incident.id))
    window.select_incident(incident_id)
    form = window.edit_selected()
    assert form is not None
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    rows = form.sources.rows
    assert rows and all(r.reliability.currentText() == "not graded" for r in rows)
    form.title.setFocus()
    key(qtbot, Qt.Key.Key_End)
    keys(qtbot, " (checked)")
    rows[1].reliability.setFocus()
    keys(qtbot, "B")  # the officer grades one source: B, and its credibility follows
    save_by_keyboard(qtbot, form)
    with project.session() as s:
        inc = s.get_one(Incident, incident_id)
        assert inc.title.endswith("(checked)")
        graded = [(src.graded, src.grading) for src in inc.sources]
    assert graded[0] == (False, "not graded")
    assert graded[1][0] is True and graded[1][1].startswith("B")
