"""Entering the Lone Khin blast of 3 June 2025 as a user does, then reading it back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QAbstractSpinBox, QApplication

from sitrep.model import Incident, Place
from sitrep.store import Project, open_project
from sitrep.ui.form_rows import ActorRow, CasualtyRow
from sitrep.ui.incident_form import IncidentForm
from sitrep.ui.marks import is_marked
from sitrep.ui.source_row import SourceRow
from tests.editing.helpers import make_kachin
from tests.ui.incidents.conftest import ScriptedPrompts

CTRL = Qt.KeyboardModifier.ControlModifier


def type_into(qtbot: Any, widget: Any, text: str) -> None:
    """Click into a field, select what is there and type over it."""
    widget.setFocus()
    if isinstance(widget, QAbstractSpinBox):
        widget.selectAll()
    else:
        qtbot.keyClick(widget, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(widget, text)


def pick(qtbot: Any, combo: Any, text: str) -> None:
    """Choose an entry with the keyboard: Home, then Down until it is reached."""
    target = combo.findText(text)
    assert target >= 0, f"{text!r} not offered"
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(target):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text


def click(qtbot: Any, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_enter_lone_khin_blast_and_reopen(
    qtbot: Any, project: Project, make_window: Any, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    k = make_kachin(project)
    photo = tmp_path / "crater.png"
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("darkred"))
    image.save(str(photo))
    prompts.files = [str(photo)]
    window = make_window(project)

    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    form: IncidentForm = window.forms[-1]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.title)

    qtbot.keyClicks(form.title, "Blast at Lone Khin jade mine")
    qtbot.keyClicks(form.local_type, "Mine-site")  # typing selects the entry
    assert form.event_type.currentData() == "Explosions/Remote violence"
    assert form.sub_event_type.currentData() == "Shelling/artillery/missile attack"
    assert "planted device" in form.local_hint.text()  # the coding rule, as a hint

    type_into(qtbot, form.date_start, "2025-06-03")
    qtbot.keyClick(form.date_start, Qt.Key.Key_Tab)
    assert form.date_end.text() == "2025-06-03"  # the end follows the start

    # Lone Khin is in no gazetteer: the search finds nothing, so add it on the spot.
    qtbot.keyClicks(form.place.edit, "Lone Khin")
    form.place.refresh_hits()
    assert form.place.hits == []

    def fill_new_place() -> None:
        dialog = form.add_place_dialog
        assert dialog is not None and dialog.name.text() == "Lone Khin"
        qtbot.keyClicks(dialog.lat, "25.6612")
        qtbot.keyClicks(dialog.lon, "96.281")
        dialog.area.setFocus()
        qtbot.keyClicks(dialog.area.lineEdit(), "Lone Khin (village tract")
        dialog.area.setCurrentIndex(dialog.area.findText("Lone Khin (village tract, Hpakant)"))
        click(qtbot, dialog.buttons.buttons()[0])

    QTimer.singleShot(100, fill_new_place)
    click(qtbot, form.place.add_button)
    assert form.lat.text() == "25.6612" and form.lon.text() == "96.281"
    assert form.area_path.text() == "Lone Khin › Hpakant › Mohnyin › Kachin"

    click(qtbot, form.actors.add_button)
    row: ActorRow = form.actors.rows[-1]
    qtbot.keyClicks(row.name.lineEdit(), "Military of Myanmar (2021-)")
    assert not row.new_hint.isHidden()  # "new actor": it will be added on save
    qtbot.keyClicks(row.role, "perpetrator")
    click(qtbot, form.actors.add_button)
    row = form.actors.rows[-1]
    qtbot.keyClicks(row.name.lineEdit(), "Civilians (Myanmar)")
    qtbot.keyClicks(row.role, "target")

    click(qtbot, form.casualties.add_button)
    harm: CasualtyRow = form.casualties.rows[-1]
    assert harm.outcome.currentData() == "killed" and harm.affiliation.currentData() == "civilian"
    type_into(qtbot, harm.best, "12")
    type_into(qtbot, harm.low, "10")
    type_into(qtbot, harm.high, "14")
    click(qtbot, form.casualties.add_button)
    claim: CasualtyRow = form.casualties.rows[-1]
    pick(qtbot, claim.affiliation, "side B")
    pick(qtbot, claim.sex, "male")
    pick(qtbot, claim.age_group, "adult")
    type_into(qtbot, claim.best, "10")
    claim.party_claim.click()

    click(qtbot, form.sources.add_button)
    src: SourceRow = form.sources.rows[-1]
    qtbot.keyClicks(src.name, "The Irrawaddy")
    pick(qtbot, src.source_type, "national media")
    qtbot.keyClicks(src.published, "2025-06-03")
    qtbot.keyClicks(src.reliability, "B")
    qtbot.keyClicks(src.credibility, "3")
    assert "Usually reliable" in src.reliability.toolTip()
    assert "Possibly true" in src.credibility.toolTip()

    qtbot.keyClicks(form.verification, "unverified")
    qtbot.keyClicks(form.narrative, "Junta assault triggered a blast at a mining site.")
    click(qtbot, form.attachments.add_button)
    assert form.attachments.has_thumbnail(0)
    prompts.texts = ["Crater at the mine site"]
    form.attachments.view.setCurrentRow(0)
    click(qtbot, form.attachments.caption_button)

    form.activateWindow()  # the add-place dialog had the keyboard
    qtbot.waitUntil(form.isActiveWindow)
    with qtbot.waitSignal(form.saved, timeout=3000) as saved:
        qtbot.keyClick(form.narrative, Qt.Key.Key_S, CTRL)
    new_id = saved.args[0]
    assert form.problems == []
    assert window.selected_ids() == [new_id]
    assert "Blast at Lone Khin jade mine" in window.detail.toPlainText()

    window.close()
    location = project.location
    project.close()

    reopened = open_project(location)
    try:
        with reopened.session() as s:
            inc = s.get(Incident, new_id)
            assert inc is not None
            assert inc.date_start.isoformat() == "2025-06-03"
            assert inc.place_name == "Lone Khin"
            assert (inc.lat, inc.lon) == (25.6612, 96.281)
            assert inc.admin4_id == k.tract.id and inc.admin3_id == k.township.id
            assert inc.local_type == "Mine-site blast"
            assert inc.verification.value == "unverified"
            assert inc.killed == 12 and inc.civilians_killed == 12 and inc.killed_claimed == 10
            rows = [
                (c.affiliation.value, c.low, c.best, c.high, c.is_party_claim)
                for c in inc.casualties
            ]
            assert rows == [("civilian", 10, 12, 14, False), ("side B", 10, 10, 10, True)]
            assert (inc.casualties[1].sex.value, inc.casualties[1].age_group.value) == (
                "male",
                "adult",
            )
            assert [(x.name, x.grading, x.source_type.value) for x in inc.sources] == [
                ("The Irrawaddy", "B3", "national media")
            ]
            assert inc.sources[0].published.isoformat() == "2025-06-03"
            assert sorted((a.actor.name, a.role.value) for a in inc.actors) == [
                ("Civilians (Myanmar)", "target"),
                ("Military of Myanmar (2021-)", "perpetrator"),
            ]
            assert [(a.filename, a.caption) for a in inc.attachments] == [
                ("crater.png", "Crater at the mine site")
            ]
            place = s.get(Place, inc.place_id)
            assert place is not None and place.name == "Lone Khin" and place.origin == "user"
    finally:
        reopened.close()


def test_invalid_input_is_marked_and_not_saved(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    window = make_window(project)
    form = window.new_incident()
    qtbot.keyClicks(form.title, "Clash near Hpakant")
    qtbot.waitUntil(form.isActiveWindow)
    type_into(qtbot, form.lat, "95")
    qtbot.keyClick(form.lat, Qt.Key.Key_Return)
    assert is_marked(form.lat)
    assert "between -90 and 90" in form.errors["latitude"].text()
    assert form.errors["latitude"].isVisibleTo(form)

    qtbot.keyClick(form.title, Qt.Key.Key_S, CTRL)
    assert form.isVisible()  # not saved, still open
    fields = {p.field for p in form.problems}
    assert {"latitude", "event_type"} <= fields
    assert QApplication.focusWidget() is form.lat
    assert "problems to fix" in form.summary.text()
    assert window.model.rowCount() == 0

    type_into(qtbot, form.lat, "25.61")
    qtbot.keyClicks(form.lon, "96.31")
    qtbot.keyClicks(form.event_type, "Battles")
    qtbot.keyClicks(form.sub_event_type, "Armed clash")
    assert form.lat is not None and not is_marked(form.lat)
    with qtbot.waitSignal(form.saved, timeout=3000):
        click(qtbot, form.save_button)
    assert window.model.rowCount() == 1


def test_casualty_estimates_out_of_order_are_refused(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    window = make_window(project)
    form = window.new_incident()
    qtbot.keyClicks(form.title, "Clash")
    qtbot.keyClicks(form.local_type, "Ambush")
    click(qtbot, form.casualties.add_button)
    row: CasualtyRow = form.casualties.rows[-1]
    type_into(qtbot, row.best, "8")
    type_into(qtbot, row.high, "5")
    click(qtbot, form.save_button)
    assert form.isVisible()
    assert is_marked(row.best)
    assert "Row 1:" in form.errors["casualties"].text()
    assert "between the low (8) and high (5)" in form.errors["casualties"].text()


def test_place_autocomplete_fills_coordinates_and_areas(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    from sitrep.places.search import add_place

    k = make_kachin(project)
    with project.session() as s:
        add_place(s, "Hpakant", 25.6128, 96.3121, area_id=k.township.id, alt_names=["Phakant"])
        add_place(s, "Hpakant Jade Market", 25.61, 96.30, area_id=k.township.id)
    window = make_window(project)
    form = window.new_incident()
    qtbot.waitUntil(form.isActiveWindow)
    form.place.edit.setFocus()
    qtbot.keyClicks(form.place.edit, "phak")  # a spelling variant
    popup = form.place.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    assert [h.name for h in form.place.hits if h.origin == "project"] == ["Hpakant"]
    assert form.place.hits[0].name == "Hpakant"  # the project's place before the gazetteer
    assert popup.model().index(0, 0).data().startswith("Hpakant (Phakant) — Hpakant, Mohnyin")
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert form.place.text() == "Hpakant"
    assert (form.lat.text(), form.lon.text()) == ("25.6128", "96.3121")
    assert form.area_path.text() == "Hpakant › Mohnyin › Kachin"
    assert form.draft().place_id is not None

    qtbot.keyClick(form.place.edit, Qt.Key.Key_Backspace)  # typing again unlinks the place
    assert form.draft().place_id is None


def test_tab_order_follows_the_form(qtbot: Any, project: Project, make_window: Any) -> None:
    window = make_window(project)
    form = window.new_incident()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.title)
    order = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [
        form.local_type,
        form.event_type,
        form.sub_event_type,
        form.civilian_targeting,
    ]
