"""Two colleagues edit the same incident in two windows; the second save shows the first
person's change and lets the user merge, overwrite or go back to editing."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from sitrep.editing.draft import CasualtyDraft, IncidentDraft, SourceDraft
from sitrep.editing.save import save_draft
from sitrep.model import Incident
from sitrep.model.enums import Sensitivity
from sitrep.store import Project, open_project
from sitrep.ui.conflict_dialog import COL_BASE, COL_MINE, COL_THEIRS
from sitrep.ui.incident_form import IncidentForm
from sitrep.ui.main_window import MainWindow
from tests.store.test_changes import temporary_pg_project
from tests.ui.incidents.test_incident_entry import click, pick, type_into

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def bob(project: Project) -> Iterator[Project]:
    """A colleague's own connection to the same project file."""
    other = open_project(project.location, user="bob")
    yield other
    other.close()


def _incident(project: Project) -> uuid.UUID:
    draft = IncidentDraft(
        title="Shelling of Lone Khin",
        date_start="2025-06-03",
        place_name="Lone Khin",
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        narrative="Shells hit the market.",
        casualties=[CasualtyDraft(low=3, best=4, high=5)],
        sources=[SourceDraft("The Irrawaddy", reliability="B", credibility=3)],
    )
    with project.session() as s:
        return save_draft(s, draft).id


def _open_form(window: MainWindow, incident_id: uuid.UUID) -> IncidentForm:
    window.select_incident(incident_id)
    form = window.edit_selected()
    assert form is not None
    return form


def _two_forms(
    make_window: Callable[..., MainWindow], alice: Project, bob: Project
) -> tuple[uuid.UUID, IncidentForm, IncidentForm]:
    incident_id = _incident(alice)
    form_a = _open_form(make_window(alice), incident_id)
    form_b = _open_form(make_window(bob), incident_id)
    return incident_id, form_a, form_b


def save_keys(qtbot: Any, form: IncidentForm) -> None:
    """Ctrl+S in the form, as the user presses it in that window."""
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    qtbot.keyClick(form.title, Qt.Key.Key_S, CTRL)


def _stored(project: Project, incident_id: uuid.UUID) -> Incident:
    with project.session() as s:
        inc = s.get(Incident, incident_id)
        assert inc is not None
        _ = inc.sources, inc.casualties
        s.expunge_all()
        return inc


def test_second_save_shows_their_change_and_merges(
    qtbot: Any, project: Project, bob: Project, make_window: Any, errors: list[Any]
) -> None:
    incident_id, form_a, form_b = _two_forms(make_window, project, bob)

    type_into(qtbot, form_b.narrative, "Shells hit the market at noon.")
    type_into(qtbot, form_b.title, "Shelling of Lone Khin market")
    save_keys(qtbot, form_b)
    qtbot.waitUntil(lambda: not form_b.isVisible())

    type_into(qtbot, form_a.title, "Lone Khin shelling")
    pick(qtbot, form_a.verification, "confirmed")
    save_keys(qtbot, form_a)
    qtbot.waitUntil(lambda: form_a.conflict_dialog is not None)
    dialog = form_a.conflict_dialog
    assert dialog is not None and form_a.isVisible() and not errors
    assert "bob saved" in dialog.intro.text()
    rows = {
        dialog.table.item(r, 0).text().split("\n")[0]: r for r in range(dialog.table.rowCount())
    }
    assert set(rows) == {"Title", "Narrative", "Verification"}
    title = rows["Title"]
    assert [dialog.table.item(title, c).text() for c in (COL_BASE, COL_THEIRS, COL_MINE)] == [
        "Shelling of Lone Khin",
        "Shelling of Lone Khin market",
        "Lone Khin shelling",
    ]
    # nothing of Alice's was written yet
    assert _stored(project, incident_id).title == "Shelling of Lone Khin market"
    assert dialog.choices["narrative"].currentText() == "Their version"
    assert dialog.choices["verification"].currentText() == "Your version"
    assert dialog.choices["title"].currentText() == "Your version"
    pick(qtbot, dialog.choices["title"], "Their version")
    click(qtbot, dialog.merge_button)
    qtbot.waitUntil(lambda: not form_a.isVisible())

    inc = _stored(project, incident_id)
    assert inc.title == "Shelling of Lone Khin market"
    assert inc.narrative == "Shells hit the market at noon."
    assert inc.verification.value == "confirmed"
    assert [(c.low, c.best, c.high) for c in inc.casualties] == [(3, 4, 5)]
    assert not errors


def test_cancel_keeps_editing_then_overwrite(
    qtbot: Any, project: Project, bob: Project, make_window: Any, errors: list[Any]
) -> None:
    incident_id, form_a, form_b = _two_forms(make_window, project, bob)
    type_into(qtbot, form_b.narrative, "Bob's account.")
    save_keys(qtbot, form_b)
    qtbot.waitUntil(lambda: not form_b.isVisible())

    type_into(qtbot, form_a.narrative, "Alice's account.")
    save_keys(qtbot, form_a)
    qtbot.waitUntil(lambda: form_a.conflict_dialog is not None)
    assert form_a.conflict_dialog is not None
    assert [c.unit.key for c in form_a.conflict_dialog.conflict.conflicting] == ["narrative"]
    click(qtbot, form_a.conflict_dialog.cancel_button)
    qtbot.waitUntil(lambda: form_a.conflict_dialog is None)
    assert form_a.isVisible() and form_a.narrative.toPlainText() == "Alice's account."
    assert "Not saved" in form_a.summary.text()
    assert _stored(project, incident_id).narrative == "Bob's account."

    save_keys(qtbot, form_a)
    qtbot.waitUntil(lambda: form_a.conflict_dialog is not None)
    assert form_a.conflict_dialog is not None
    click(qtbot, form_a.conflict_dialog.overwrite_button)
    qtbot.waitUntil(lambda: not form_a.isVisible())
    assert _stored(project, incident_id).narrative == "Alice's account."
    assert not errors


def test_history_shows_who_changed_what(
    qtbot: Any, project: Project, bob: Project, make_window: Any, errors: list[Any]
) -> None:
    incident_id = _incident(project)
    window_b = make_window(bob)
    form = _open_form(window_b, incident_id)
    type_into(qtbot, form.title, "Shelling of Lone Khin market")
    type_into(qtbot, form.casualties.rows[0].best, "6")
    type_into(qtbot, form.casualties.rows[0].high, "7")
    save_keys(qtbot, form)
    qtbot.waitUntil(lambda: not form.isVisible())

    window = make_window(project)
    window.select_incident(incident_id)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_H, CTRL)
    qtbot.waitUntil(lambda: window.history_dialog is not None)
    dialog = window.history_dialog
    assert dialog is not None and not errors
    rows = dialog.rows()
    assert rows[0][0].endswith("— changed") and rows[0][1] == "bob"  # newest first
    assert ["Title", "", "Shelling of Lone Khin", "Shelling of Lone Khin market"] in rows
    assert ["Casualty: Best estimate", "", "4", "6"] in rows
    assert any(r[0].endswith("— created") and r[1] == "tester" for r in rows)
    dialog.close()

    # Ctrl+H in an open form shows the same history
    form = _open_form(window, incident_id)
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    qtbot.keyClick(form.title, Qt.Key.Key_H, CTRL)
    qtbot.waitUntil(lambda: window.history_dialog is not None)
    assert window.history_dialog is not None and window.history_dialog.rows() == rows


def test_history_withholds_what_the_reader_may_not_see(
    qtbot: Any, project: Project, make_window: Any, errors: list[Any]
) -> None:
    draft = IncidentDraft(
        title="Arrests in Hpakant",
        date_start="2025-06-03",
        place_name="Hpakant",
        event_type="Violence against civilians",
        sub_event_type="Abduction/forced disappearance",
        victim_names="Ko Aung",
        sensitive_fields=["victim_names"],
        sensitivity="partner",
    )
    with project.session() as s:
        incident_id = save_draft(s, draft).id
    window = make_window(project)
    window.clearance = Sensitivity.PARTNER
    dialog = window.show_history(incident_id)
    assert dialog is not None
    text = repr(dialog.rows())
    assert "Ko Aung" not in text and "[withheld]" in text and "Arrests in Hpakant" in text
    dialog.close()
    window.clearance = Sensitivity.PUBLIC
    assert window.show_history(incident_id) is None
    assert "partner" in str(errors.pop())


def test_table_refreshes_when_another_process_writes(
    qtbot: Any, project: Project, make_window: Any, errors: list[Any]
) -> None:
    """A colleague's app (another process) adds an incident and changes the one open
    here: the table grows, the selection stays, the open form says so and keeps the
    user's typing."""
    from tests.store.test_changes import write_from_another_process

    first = _incident(project)
    second = _incident(project)
    window = make_window(project, live_poll_ms=100)
    assert window.model.loaded_rows() == 2
    form = _open_form(window, first)
    type_into(qtbot, form.narrative, "Alice is still typing")
    window.select_incident(second)
    assert window.selected_ids() == [second]
    assert not form.notice.isVisible()

    write_from_another_process(project.location, "Clash at Hpakant")
    qtbot.waitUntil(lambda: window.model.loaded_rows() == 3, timeout=15000)
    qtbot.waitUntil(lambda: "3 incidents" in window.count_label.text())
    assert window.selected_ids() == [second]
    assert not form.notice.isVisible()  # its incident did not change

    other = open_project(project.location, user="bob")
    try:
        with other.session() as s:
            from sitrep.editing.save import load_draft

            draft = load_draft(s, first)
        draft.impacts = ["market"]
        with other.session() as s:
            save_draft(s, draft)
    finally:
        other.close()
    qtbot.waitUntil(form.notice.isVisible, timeout=15000)
    assert "bob saved a change" in form.notice.text()
    assert form.narrative.toPlainText() == "Alice is still typing"
    assert window.selected_ids() == [second]
    assert not errors


@pytest.fixture
def pg_project() -> Iterator[Project]:
    with temporary_pg_project() as project:
        yield project


@pytest.mark.postgres
def test_table_refreshes_on_postgres_notice(
    qtbot: Any, pg_project: Project, make_window: Any, errors: list[Any]
) -> None:
    from tests.store.test_changes import write_from_another_process

    _incident(pg_project)
    window = make_window(pg_project)
    assert window.model.loaded_rows() == 1
    window.select_incident(window.model.incident_id(0))
    selected = window.selected_ids()
    write_from_another_process(pg_project.location, "Clash at Hpakant")
    qtbot.waitUntil(lambda: window.model.loaded_rows() == 2, timeout=20000)
    assert window.selected_ids() == selected
    assert not errors


def test_recovered_form_still_tells_their_change_from_yours(
    qtbot: Any,
    project: Project,
    bob: Project,
    make_window: Any,
    prompts: Any,
    drafts: Any,
    errors: list[Any],
) -> None:
    """The app died with a form open; meanwhile Bob saved. The recovered form's save
    shows what Alice started from, so only the title (hers) and narrative (his) differ."""
    incident_id = _incident(project)
    window = make_window(project)
    form = _open_form(window, incident_id)
    type_into(qtbot, form.title, "Lone Khin shelling")
    qtbot.waitUntil(lambda: bool(drafts.drafts_for(project.location)))
    form.shelve()  # as if the process had been killed: the draft stays on disk

    form_b = _open_form(make_window(bob), incident_id)
    type_into(qtbot, form_b.narrative, "Bob's account.")
    save_keys(qtbot, form_b)
    qtbot.waitUntil(lambda: not form_b.isVisible())

    prompts.answers = [True]
    (recovered,) = make_window(project).offer_drafts()
    save_keys(qtbot, recovered)
    qtbot.waitUntil(lambda: recovered.conflict_dialog is not None)
    dialog = recovered.conflict_dialog
    assert dialog is not None
    assert {c.unit.key: c.change.name for c in dialog.conflict.fields} == {
        "title": "MINE",
        "narrative": "THEIRS",
    }
    click(qtbot, dialog.merge_button)
    qtbot.waitUntil(lambda: not recovered.isVisible())
    inc = _stored(project, incident_id)
    assert (inc.title, inc.narrative) == ("Lone Khin shelling", "Bob's account.")
    assert not errors
