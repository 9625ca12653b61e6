"""Incident entry typed like a person types it: what is typed is what is saved.

Each wrong save found in issue 10 has a test here that types into the real widgets
(QTest key clicks, a mouse click where a person clicks) and reads back what was saved,
and one test enters a whole incident without touching the mouse.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QLocale, QObject, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QWidget,
)
from sqlalchemy import select

from sitrep.model import Actor, Incident
from sitrep.model.enums import LocationPrecision
from sitrep.places.search import add_place
from sitrep.store import Project
from sitrep.ui.form_rows import CasualtyRow
from sitrep.ui.incident_form import IncidentForm
from sitrep.ui.main_window import MainWindow
from sitrep.ui.marks import is_marked, is_warned
from tests.conftest import make_incident
from tests.editing.helpers import Kachin, make_kachin

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


# --------------------------------------------------------------------------- helpers


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def keys(qtbot: Any, text: str) -> None:
    """Type into whatever has the keyboard focus."""
    qtbot.keyClicks(focused(), text)


def key(
    qtbot: Any, k: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    qtbot.keyClick(focused(), k, modifier)


def alt(qtbot: Any, form: QWidget, letter: str) -> None:
    qtbot.keyClick(form, getattr(Qt.Key, f"Key_{letter.upper()}"), ALT)


def saved_incidents(project: Project) -> list[Incident]:
    with project.session() as s:
        found = list(s.scalars(select(Incident).order_by(Incident.created_at)))
        for inc in found:  # load what the tests read while the session is open
            _ = [(a.actor.name, a.role) for a in inc.actors], list(inc.casualties)
            _ = list(inc.sources)
        return found


def open_new(qtbot: Any, window: MainWindow) -> IncidentForm:
    window.activateWindow()  # back from the last form, as the window manager does
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    form = window.forms[-1]
    qtbot.waitUntil(form.isActiveWindow)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.title)
    return form


def save_by_keyboard(qtbot: Any, form: IncidentForm) -> Any:
    with qtbot.waitSignal(form.saved, timeout=5000) as saved:
        key(qtbot, Qt.Key.Key_S, CTRL)
    return saved.args[0]


class MouseCounter(QObject):
    """Counts mouse presses anywhere in the app (the keyboard-only test wants none)."""

    def __init__(self) -> None:
        super().__init__()
        self.presses = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            self.presses += 1
        return False


@pytest.fixture
def locale_uk() -> Iterator[None]:
    """Dates written day first, as in Myanmar's English usage and the UK."""
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def locale_us() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(before)


def kachin_places(project: Project) -> Kachin:
    k = make_kachin(project)
    with project.session() as s:
        add_place(s, "Hpakant", 25.6128, 96.3121, area_id=k.township.id, alt_names=["Phakant"])
        add_place(s, "Hpakant Jade Market", 25.61, 96.30, area_id=k.township.id)
        s.add(Actor(name="Kachin Independence Army (KIA)", inter_code=2))
    return k


def minimal(qtbot: Any, form: IncidentForm) -> None:
    """A title and a type, typed: what every saved incident needs besides its date."""
    form.title.setFocus()
    keys(qtbot, "Shelling of Hpakant")
    key(qtbot, Qt.Key.Key_Tab)
    keys(qtbot, "Art")  # Artillery / shelling: the ACLED type follows


# --------------------------------------------------------------------------- dates


TYPED_FORMS = ["2025-06-12", "20250612", "12 June 2025", "12/06/2025"]


def _type_date(qtbot: Any, form: IncidentForm, how: str, text: str) -> None:
    field = form.date_start
    if how == "click":
        qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=QPoint(field.width() // 3, 8))
    elif how == "select-all":
        qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=QPoint(field.width() // 2, 8))
        key(qtbot, Qt.Key.Key_A, CTRL)
    else:  # Tab from the field before it (What happened › Impacts)
        form.impacts.setFocus()
        key(qtbot, Qt.Key.Key_Tab)
    assert focused() is field
    keys(qtbot, text)


@pytest.mark.parametrize("how", ["click", "select-all", "tab"])
def test_the_date_typed_is_the_date_saved(
    qtbot: Any, project: Project, make_window: Any, locale_uk: None, how: str
) -> None:
    window = make_window(project)
    for text in TYPED_FORMS:
        form = open_new(qtbot, window)
        minimal(qtbot, form)
        assert form.date_start.text() == "2025-06-15"  # today, shown as it is read
        _type_date(qtbot, form, how, text)
        incident_id = save_by_keyboard(qtbot, form)
        with project.session() as s:
            inc = s.get_one(Incident, incident_id)
            assert (inc.date_start, inc.date_end) == (dt.date(2025, 6, 12),) * 2, text


def test_numbers_follow_the_systems_order(
    qtbot: Any, project: Project, make_window: Any, locale_us: None
) -> None:
    window = make_window(project)
    form = open_new(qtbot, window)
    minimal(qtbot, form)
    _type_date(qtbot, form, "tab", "06/12/2025")  # month first on this computer
    key(qtbot, Qt.Key.Key_Tab)
    assert form.date_start.text() == "2025-06-12"  # shown back as read: no doubt left
    incident_id = save_by_keyboard(qtbot, form)
    with project.session() as s:
        assert s.get_one(Incident, incident_id).date_start == dt.date(2025, 6, 12)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("2025-06-31", "June 2025 has no day 31"),
        ("13/25/2025", "25 is not a month; this computer writes dates day/month/year"),
        ("2025-02025-06-12", "is not a date"),
        ("12/06/25", "four digits"),
    ],
)
def test_an_unreadable_date_is_marked_and_never_saved(
    qtbot: Any, project: Project, make_window: Any, locale_uk: None, typed: str, reason: str
) -> None:
    window = make_window(project)
    form = open_new(qtbot, window)
    minimal(qtbot, form)
    _type_date(qtbot, form, "select-all", typed)
    key(qtbot, Qt.Key.Key_Tab)
    assert is_marked(form.date_start) and reason in form.date_start.toolTip()
    assert form.date_start.text() == typed  # left as typed, never replaced by a guess
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert form.isVisible() and saved_incidents(project) == []
    assert reason in form.errors["date_start"].text()
    assert focused() is form.date_start
    key(qtbot, Qt.Key.Key_A, CTRL)
    keys(qtbot, "12 June 2025")
    assert not is_marked(form.date_start)  # fixed: the mark goes as soon as it reads
    save_by_keyboard(qtbot, form)
    assert [i.date_start for i in saved_incidents(project)] == [dt.date(2025, 6, 12)]


def test_source_dates_are_typed_in_one_stop_too(
    qtbot: Any, project: Project, make_window: Any, locale_uk: None
) -> None:
    window = make_window(project)
    form = open_new(qtbot, window)
    minimal(qtbot, form)
    _type_date(qtbot, form, "tab", "12 June 2025")
    alt(qtbot, form, "s")
    keys(qtbot, "Partner in Hpakant")
    key(qtbot, Qt.Key.Key_Tab)  # type
    key(qtbot, Qt.Key.Key_Tab)  # published
    keys(qtbot, "13/06/2025")
    save_by_keyboard(qtbot, form)
    (inc,) = saved_incidents(project)
    assert inc.sources[0].published == dt.date(2025, 6, 13)


# --------------------------------------------------------------------------- local type


def test_a_local_type_of_another_event_type_is_kept(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    """Choosing a local type used to be undone when it changed the ACLED event type."""
    window = make_window(project)
    form = open_new(qtbot, window)
    keys(qtbot, "Mine on the road to Hpakant")
    alt(qtbot, form, "e")
    keys(qtbot, "Battles")  # an event type chosen first, then the local type
    alt(qtbot, form, "l")
    keys(qtbot, "L")  # Landmine / IED: one letter, and the event type changes
    assert form.local_type.currentText() == "Landmine / IED"
    save_by_keyboard(qtbot, form)
    (inc,) = saved_incidents(project)
    assert (inc.local_type, inc.event_type, inc.sub_event_type) == (
        "Landmine / IED",
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
    )


# --------------------------------------------------------------------------- sex and age


def test_sex_and_age_lists_answer_the_first_letters(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    window = make_window(project)
    form = open_new(qtbot, window)
    minimal(qtbot, form)
    rows = []
    for sex, age in (("m", "a"), ("f", "c"), ("u", "e")):
        alt(qtbot, form, "c")
        row: CasualtyRow = form.casualties.rows[-1]
        rows.append(row)
        row.sex.setFocus()
        keys(qtbot, sex)
        key(qtbot, Qt.Key.Key_Tab)
        assert focused() is row.age_group
        keys(qtbot, age)
        QApplication.processEvents()
    assert [(r.sex.currentText(), r.age_group.currentText()) for r in rows] == [
        ("male", "adult"),
        ("female", "child"),
        ("unknown sex", "elderly"),
    ]
    for row in rows:
        assert not any(row.sex.itemText(i).startswith("sex") for i in range(row.sex.count()))
    save_by_keyboard(qtbot, form)
    (inc,) = saved_incidents(project)
    assert [(c.sex.value, c.age_group.value) for c in inc.casualties] == [
        ("male", "adult"),
        ("female", "child"),
        ("unknown", "elderly"),
    ]


# --------------------------------------------------------------------------- precision


def test_location_precision_follows_how_the_place_was_given(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    k = kachin_places(project)
    window = make_window(project)
    form = open_new(qtbot, window)
    minimal(qtbot, form)
    precision = form.location_precision
    assert precision.currentData() == LocationPrecision.COUNTRY  # nothing given yet
    # "exact" cannot be chosen without coordinates: typing it leaves the choice alone
    precision.setFocus()
    keys(qtbot, "exact")
    assert precision.currentData() == LocationPrecision.COUNTRY
    # an admin area only: that area, never "exact"
    alt(qtbot, form, "m")
    keys(qtbot, "Hpakant (township")
    key(qtbot, Qt.Key.Key_Return)
    assert form.area.currentData() == str(k.township.id)
    assert precision.currentData() == LocationPrecision.ADMIN2
    # a gazetteer/project place: a location
    alt(qtbot, form, "p")
    keys(qtbot, "Hpak")
    key(qtbot, Qt.Key.Key_Return)
    assert precision.currentData() == LocationPrecision.EXACT
    # coordinates removed by hand: back to what the area supports
    form.lat.setFocus()
    key(qtbot, Qt.Key.Key_A, CTRL)
    key(qtbot, Qt.Key.Key_Delete)
    form.lon.setFocus()
    key(qtbot, Qt.Key.Key_A, CTRL)
    key(qtbot, Qt.Key.Key_Delete)
    assert precision.currentData() == LocationPrecision.ADMIN2
    incident_id = save_by_keyboard(qtbot, form)
    with project.session() as s:
        inc = s.get_one(Incident, incident_id)
        assert (inc.lat, inc.location_precision) == (None, LocationPrecision.ADMIN2)


def test_a_stored_impossible_precision_is_refused_at_the_field(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    """An incident saved before the rule (exact, no coordinates) opens corrected."""
    k = make_kachin(project)
    old = make_incident(project, lat=None, lon=None, admin1_id=k.state.id)
    with project.session() as s:  # as the old form saved it
        s.get_one(Incident, old.id).location_precision = LocationPrecision.EXACT
    window = make_window(project)
    window.select_incident(old.id)
    form = window.edit_selected()
    assert form is not None
    assert form.location_precision.currentData() == LocationPrecision.ADMIN1
    model = form.location_precision.model()
    exact = form.location_precision.findData(int(LocationPrecision.EXACT))
    assert not model.item(exact).isEnabled()  # type: ignore[attr-defined]
    assert "needs coordinates" in model.item(exact).toolTip()  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- source dates


def test_an_incident_dated_after_its_sources_is_flagged_then_kept_on_request(
    qtbot: Any, project: Project, make_window: Any, locale_uk: None
) -> None:
    window = make_window(project)
    form = open_new(qtbot, window)
    minimal(qtbot, form)
    _type_date(qtbot, form, "tab", "12/06/2025")
    alt(qtbot, form, "s")
    keys(qtbot, "The Irrawaddy")
    key(qtbot, Qt.Key.Key_Tab)
    key(qtbot, Qt.Key.Key_Tab)
    keys(qtbot, "06/12/2025")  # day first on this computer: 6 December, after the incident
    key(qtbot, Qt.Key.Key_S, CTRL)  # nothing to flag: saved at once
    (inc,) = saved_incidents(project)
    assert inc.sources[0].published == dt.date(2025, 12, 6)

    form = open_new(qtbot, window)
    minimal(qtbot, form)
    _type_date(qtbot, form, "tab", "12/06/2025")
    alt(qtbot, form, "s")
    keys(qtbot, "Partner in Hpakant")
    key(qtbot, Qt.Key.Key_Tab)
    key(qtbot, Qt.Key.Key_Tab)
    keys(qtbot, "10/06/2025")  # two days before the incident: it cannot have reported it
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert form.isVisible() and len(saved_incidents(project)) == 1  # not saved yet
    assert "after its only source (dated 10 June 2025)" in form.summary.text()
    assert "Ctrl+S again saves" in form.summary.text()
    assert is_warned(form.date_start)
    assert "a source cannot report" in form.date_warning.text()
    key(qtbot, Qt.Key.Key_S, CTRL)  # the user looked and keeps it: a warning, not a block
    qtbot.waitUntil(lambda: len(saved_incidents(project)) == 2)


def test_a_source_long_before_the_incident_is_flagged(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    window = make_window(project)
    form = open_new(qtbot, window)
    minimal(qtbot, form)
    _type_date(qtbot, form, "tab", "2025-06-12")
    for name, published in (("Partner", "2025-06-13"), ("Old cutting", "2025-05-01")):
        alt(qtbot, form, "s")
        keys(qtbot, name)
        key(qtbot, Qt.Key.Key_Tab)
        key(qtbot, Qt.Key.Key_Tab)
        keys(qtbot, published)
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert saved_incidents(project) == []
    old = form.sources.rows[1].published
    assert is_warned(old) and "42 days before the incident" in old.toolTip()
    assert not is_warned(form.sources.rows[0].published)
    save_by_keyboard(qtbot, form)


# --------------------------------------------------------------------------- keyboard only


def test_a_whole_incident_entered_without_the_mouse(
    qtbot: Any, project: Project, make_window: Any, locale_uk: None
) -> None:
    k = kachin_places(project)
    window = make_window(project)
    mice = MouseCounter()
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(mice)
    try:
        form = open_new(qtbot, window)
        keys(qtbot, "Shelling of Hpakant town")
        key(qtbot, Qt.Key.Key_Tab)
        keys(qtbot, "Art")  # local type: Artillery / shelling
        alt(qtbot, form, "d")
        keys(qtbot, "12 June 2025")
        alt(qtbot, form, "p")
        keys(qtbot, "hpak")
        key(qtbot, Qt.Key.Key_Return)  # the first place offered
        alt(qtbot, form, "a")  # actor 1, a new one
        keys(qtbot, "Military of Myanmar (2021-)")
        key(qtbot, Qt.Key.Key_Tab)
        keys(qtbot, "al")  # alleged perpetrator
        key(qtbot, Qt.Key.Key_Tab)
        key(qtbot, Qt.Key.Key_Space)  # denies involvement
        alt(qtbot, form, "a")  # actor 2, known: three letters and Enter
        keys(qtbot, "KIA")
        key(qtbot, Qt.Key.Key_Return)
        key(qtbot, Qt.Key.Key_Tab)
        keys(qtbot, "t")  # target
        alt(qtbot, form, "c")  # casualties: 3 civilians killed, 2 women among them
        for _ in range(2):
            key(qtbot, Qt.Key.Key_Tab)
        keys(qtbot, "3")
        alt(qtbot, form, "c")  # 5 civilians injured, 4 to 7
        keys(qtbot, "i")
        key(qtbot, Qt.Key.Key_Tab)
        key(qtbot, Qt.Key.Key_Tab)
        keys(qtbot, "5")
        key(qtbot, Qt.Key.Key_Tab)
        keys(qtbot, "4")
        key(qtbot, Qt.Key.Key_Tab)
        keys(qtbot, "7")
        key(qtbot, Qt.Key.Key_Tab)
        keys(qtbot, "f")  # female
        alt(qtbot, form, "v")
        keys(qtbot, "Daw Lu Ra, Ma Seng")
        alt(qtbot, form, "s")  # a source
        keys(qtbot, "The Irrawaddy")
        key(qtbot, Qt.Key.Key_Tab)
        keys(qtbot, "n")  # national media
        key(qtbot, Qt.Key.Key_Tab)
        keys(qtbot, "13 June 2025")
        key(qtbot, Qt.Key.Key_Tab)
        keys(qtbot, "B")
        key(qtbot, Qt.Key.Key_Tab)
        keys(qtbot, "3")
        alt(qtbot, form, "r")
        keys(qtbot, "Artillery fire hit the town market.")
        incident_id = save_by_keyboard(qtbot, form)
    finally:
        app.removeEventFilter(mice)
    assert mice.presses == 0
    with project.session() as s:
        inc = s.get_one(Incident, incident_id)
        assert inc.title == "Shelling of Hpakant town"
        assert inc.local_type == "Artillery / shelling"
        assert inc.sub_event_type == "Shelling/artillery/missile attack"
        assert (inc.date_start, inc.date_end) == (dt.date(2025, 6, 12), dt.date(2025, 6, 12))
        assert (inc.place_name, inc.lat, inc.lon) == ("Hpakant", 25.6128, 96.3121)
        assert inc.admin3_id == k.township.id
        assert inc.location_precision is LocationPrecision.EXACT
        assert sorted((a.actor.name, a.role.value, a.denies_involvement) for a in inc.actors) == [
            ("Kachin Independence Army (KIA)", "target", False),
            ("Military of Myanmar (2021-)", "alleged perpetrator", True),
        ]
        assert [
            (c.outcome.value, c.affiliation.value, c.low, c.best, c.high, c.sex.value)
            for c in inc.casualties
        ] == [
            ("killed", "civilian", 3, 3, 3, "unknown"),
            ("injured", "civilian", 4, 5, 7, "female"),
        ]
        assert (inc.killed, inc.civilians_killed, inc.injured) == (3, 3, 5)
        assert inc.victim_names == "Daw Lu Ra, Ma Seng"
        assert "victim_names" in inc.sensitive_fields  # sensitive by default
        assert [(x.name, x.source_type.value, x.published, x.grading) for x in inc.sources] == [
            ("The Irrawaddy", "national media", dt.date(2025, 6, 13), "B3")
        ]
        assert inc.narrative == "Artillery fire hit the town market."


# --------------------------------------------------------------------------- Tab, mnemonics


def test_tab_reaches_everything_in_order_and_rows_stay_in_place(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    window = make_window(project)
    window.pick_enabled = True
    form = open_new(qtbot, window)
    alt(qtbot, form, "a")
    for _ in range(2):
        alt(qtbot, form, "c")
    alt(qtbot, form, "s")
    expected = [w for w in form.focus_chain() if w.isVisibleTo(form) and w.isEnabled()]
    form.title.setFocus()
    walked = [focused()]
    for _ in range(len(expected) + 1):
        key(qtbot, Qt.Key.Key_Tab)
        walked.append(focused())
    assert walked[: len(expected)] == expected
    assert walked[len(expected)] is form.title  # only after Save does it wrap round
    last_row = form.casualties.rows[-1]
    after_rows = walked[walked.index(last_row.remove_button) + 1]
    assert after_rows is form.casualties.add_button  # never back to Title from a row
    for must in (
        form.actors.add_button,
        form.casualties.add_button,
        form.sources.add_button,
        form.narrative,
        form.victim_names,
        form.attachments.add_button,
        form.save_button,
    ):
        assert must in walked
    # a row removed from the keyboard: the next Tab goes on from where it was
    form.casualties.rows[0].remove_button.setFocus()
    key(qtbot, Qt.Key.Key_Space)
    assert len(form.casualties.rows) == 1 and focused() is form.casualties.rows[0].outcome


def _mnemonics(form: QWidget) -> list[str]:
    texts: list[str] = []
    for widget in form.findChildren(QWidget):
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
    return [m.lower() for t in texts for m in re.findall(r"(?<!&)&([^&\s])", t)]


def test_alt_mnemonics_are_unique_and_reach_their_fields(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    window = make_window(project)
    form = open_new(qtbot, window)
    for _ in range(2):  # rows add no mnemonics of their own
        alt(qtbot, form, "a")
        alt(qtbot, form, "c")
        alt(qtbot, form, "s")
    letters = _mnemonics(form)
    assert len(letters) == len(set(letters)), sorted(letters)
    for letter, widget in (
        ("t", form.title),
        ("l", form.local_type),
        ("e", form.event_type),
        ("u", form.sub_event_type),
        ("d", form.date_start),
        ("p", form.place.edit),
        ("m", form.area),
        ("f", form.verification),
        ("y", form.sensitivity),
        ("v", form.victim_names),
        ("r", form.narrative),
    ):
        alt(qtbot, form, letter)
        assert focused() is widget or widget.isAncestorOf(focused()), letter


# --------------------------------------------------------------------------- repeated entry


def test_the_form_remembers_sources_and_actor_roles(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    kachin_places(project)
    window = make_window(project)
    form = open_new(qtbot, window)
    minimal(qtbot, form)
    alt(qtbot, form, "a")
    keys(qtbot, "KIA")
    key(qtbot, Qt.Key.Key_Return)
    key(qtbot, Qt.Key.Key_Tab)
    keys(qtbot, "cl")  # claimant
    alt(qtbot, form, "s")
    keys(qtbot, "Kachinland News")
    key(qtbot, Qt.Key.Key_Tab)
    keys(qtbot, "l")  # local media
    for _ in range(2):
        key(qtbot, Qt.Key.Key_Tab)
    keys(qtbot, "C")
    key(qtbot, Qt.Key.Key_Tab)
    keys(qtbot, "2")
    save_by_keyboard(qtbot, form)

    form = open_new(qtbot, window)  # the next incident from the same news
    minimal(qtbot, form)
    alt(qtbot, form, "a")
    keys(qtbot, "kia")
    key(qtbot, Qt.Key.Key_Return)
    row = form.actors.rows[0]
    assert row.name.currentText() == "Kachin Independence Army (KIA)"
    assert row.role.currentData() == "claimant"  # its role last time
    alt(qtbot, form, "s")
    keys(qtbot, "kachinl")
    key(qtbot, Qt.Key.Key_Return)  # the first source offered, with type and grading
    src = form.sources.rows[0].value()
    assert (src.name, src.source_type, src.reliability, src.credibility) == (
        "Kachinland News",
        "local media",
        "C",
        2,
    )
    save_by_keyboard(qtbot, form)
    second = saved_incidents(project)[-1]
    assert [(x.name, x.grading) for x in second.sources] == [("Kachinland News", "C2")]


def test_enter_takes_the_first_place_offered(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    kachin_places(project)
    window = make_window(project)
    form = open_new(qtbot, window)
    alt(qtbot, form, "p")
    keys(qtbot, "phak")  # a spelling variant; no pause for the list to appear
    key(qtbot, Qt.Key.Key_Return)
    assert form.place.text() == "Hpakant"
    assert (form.lat.text(), form.lon.text()) == ("25.6128", "96.3121")
    assert form.draft().place_id is not None


def test_enter_after_a_few_letters_takes_a_known_actor_not_a_new_one(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    kachin_places(project)
    window = make_window(project)
    form = open_new(qtbot, window)
    minimal(qtbot, form)
    alt(qtbot, form, "a")
    keys(qtbot, "Independence")
    key(qtbot, Qt.Key.Key_Return)
    save_by_keyboard(qtbot, form)
    with project.session() as s:
        assert list(s.scalars(select(Actor.name))) == ["Kachin Independence Army (KIA)"]


def test_an_area_typed_is_the_area_saved_or_refused(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    """Letters left in the area field used to be shown while another area was saved."""
    k = make_kachin(project)
    window = make_window(project)
    form = open_new(qtbot, window)
    minimal(qtbot, form)
    alt(qtbot, form, "m")
    keys(qtbot, "Hpakant (town")
    key(qtbot, Qt.Key.Key_Tab)  # leaving with a few letters takes the first area offered
    qtbot.waitUntil(lambda: form.area.currentData() == str(k.township.id))
    assert form.area.currentText() == "Hpakant (township, Mohnyin)"
    alt(qtbot, form, "m")
    keys(qtbot, "Nowhere at all")
    key(qtbot, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: is_marked(form.area))
    assert is_marked(form.area) and "No admin area is called 'Nowhere at all'" in (
        form.errors["area"].text()
    )
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert form.isVisible() and saved_incidents(project) == []
    assert focused() is form.area  # the field to fix, its text selected: typing replaces it
    keys(qtbot, "Mohnyin")
    key(qtbot, Qt.Key.Key_Return)
    save_by_keyboard(qtbot, form)
    (inc,) = saved_incidents(project)
    assert (inc.admin2_id, inc.admin3_id) == (k.district.id, None)


def test_lists_answer_first_letters_spaces_and_repeats(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    window = make_window(project)
    form = open_new(qtbot, window)
    alt(qtbot, form, "a")
    role = form.actors.rows[0].role
    role.setFocus()
    keys(qtbot, "side b")  # a space inside the letters does not open the list
    assert role.currentData() == "side B" and not role.view().isVisible()
    qtbot.wait(QApplication.keyboardInputInterval() + 50)
    keys(qtbot, "ss")  # the same letter again: the next entry starting with it
    assert role.currentData() == "side B"
    qtbot.wait(QApplication.keyboardInputInterval() + 50)
    keys(qtbot, "al")
    assert role.currentData() == "alleged perpetrator"
