"""Keystrokes and clicks a keyboard-only user needs to enter three typical incidents.

    QT_QPA_PLATFORM=offscreen python bench/entry.py [--before REF]

A scripted user enters the same three incidents (a shelling with deaths, an arrest, a
claimed ambush) into the real incident form, once on this code and once on the code of
``REF`` (default: the commit before issue 10's work, extracted with ``git archive``
into a temporary folder and run in a subprocess). Every key press counts one (a chord
such as Ctrl+S or Alt+D is one), every mouse click counts one; waiting for a list to
appear costs nothing. Each plan is checked: the incident it saved must be exactly the
expected one, so a plan cannot get cheaper by entering less. Target (issue 10): at
most 120 per incident, from about 500.

The "before" plans are what a keyboard user had to do on the old form: QDateEdit
sections, "sex:"/"age:" prefixes that first letters cannot reach, a local type that
undid itself unless the ACLED types were set first, Alt+A and Alt+V shared by two
fields, remove buttons out of Tab's reach.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path
from typing import Any

BASE_REF = "18f8199"  # main when issue 10 started
HERE = Path(__file__).resolve()
ROOT = HERE.parents[1]

if "--tree" in sys.argv:  # the "before" run: the old code first on the path
    sys.path.insert(0, sys.argv[sys.argv.index("--tree") + 1])
else:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from sitrep.model import Actor, AdminArea, Incident, IncidentActor, Place, Source  # noqa: E402
from sitrep.places.names import area_key  # noqa: E402
from sitrep.store import Project, create_project  # noqa: E402

K = Qt.Key
CTRL, ALT, SHIFT = (
    Qt.KeyboardModifier.ControlModifier,
    Qt.KeyboardModifier.AltModifier,
    Qt.KeyboardModifier.ShiftModifier,
)

# --------------------------------------------------------------------------- the incidents


@dataclass(frozen=True)
class Expected:
    name: str
    title: str
    local_type: str
    sub_event_type: str
    date: dt.date
    place: str
    verification: str
    actors: frozenset[tuple[str, str]]
    casualties: tuple[tuple[str, str, int, int, int, str, str, bool], ...]
    sources: tuple[tuple[str, str, dt.date, str], ...]


MILITARY = "Military of Myanmar (2021-)"
KIA = "Kachin Independence Army (KIA)"
CIVILIANS = "Civilians (Myanmar)"

INCIDENTS = (
    Expected(
        "shelling with deaths",
        "Shelling of Hpakant town",
        "Artillery / shelling",
        "Shelling/artillery/missile attack",
        dt.date(2025, 6, 12),
        "Hpakant",
        "single source",
        frozenset({(MILITARY, "perpetrator"), (CIVILIANS, "target")}),
        (
            ("killed", "civilian", 3, 3, 5, "unknown", "unknown", False),
            ("injured", "civilian", 6, 6, 6, "unknown", "unknown", False),
        ),
        (("The Irrawaddy", "national media", dt.date(2025, 6, 13), "B3"),),
    ),
    Expected(
        "arrest",
        "Arrest of a ward administrator",
        "Arrest",
        "Arrests",
        dt.date(2025, 6, 14),
        "Myitkyina",
        "single source",
        frozenset({(MILITARY, "perpetrator"), (CIVILIANS, "target")}),
        (("detained", "civilian", 1, 1, 1, "male", "adult", False),),
        (("Partner in Myitkyina", "partner", dt.date(2025, 6, 14), "B2"),),
    ),
    Expected(
        "claimed ambush",
        "KIA says it ambushed an army column",
        "Ambush",
        "Armed clash",
        dt.date(2025, 6, 10),
        "Hpakant",
        "claim not independently verifiable",
        frozenset({(KIA, "side A"), (KIA, "claimant"), (MILITARY, "side B")}),
        (("killed", "side B", 12, 12, 12, "unknown", "unknown", True),),
        (("KIA information department", "party statement", dt.date(2025, 6, 11), "D4"),),
    ),
)


def build_project(path: Path) -> Project:
    """Kachin with two towns, the actors, and one earlier incident whose sources (The
    Irrawaddy, the KIA's information department) are the ones an officer meets weekly."""
    project = create_project(path, name="Entry bench", user="bench")
    with project.session() as s:
        state = AdminArea(level=1, name="Kachin", name_norm=area_key("Kachin"), pcode="MMR001")
        s.add(state)
        s.flush()
        towns = {}
        for name, pcode, lat, lon in (
            ("Hpakant", "MMR001009", 25.6128, 96.3121),
            ("Myitkyina", "MMR001001", 25.3875, 97.3904),
        ):
            area = AdminArea(
                level=3, name=name, name_norm=area_key(name), pcode=pcode, parent_id=state.id
            )
            s.add(area)
            s.flush()
            towns[name] = area
            s.add(
                Place(
                    name=name,
                    name_norm=area_key(name),
                    lat=lat,
                    lon=lon,
                    country_iso="MMR",
                    admin1_id=state.id,
                    admin3_id=area.id,
                )
            )
        actors = {n: Actor(name=n) for n in (MILITARY, KIA, CIVILIANS)}
        s.add_all(actors.values())
        s.flush()
        earlier = Incident(
            reference="BEN-2025-0001",
            title="Air strike near Hpakant",
            date_start=dt.date(2025, 6, 1),
            date_end=dt.date(2025, 6, 1),
            event_type="Explosions/Remote violence",
            sub_event_type="Air/drone strike",
            place_name="Hpakant",
            admin1_id=state.id,
            admin3_id=towns["Hpakant"].id,
        )
        earlier.actors.append(IncidentActor(actor_id=actors[MILITARY].id, role="perpetrator"))
        for name, kind, grading in (
            ("The Irrawaddy", "national media", "B3"),
            ("KIA information department", "party statement", "D4"),  # its weekly claims
        ):
            earlier.sources.append(
                Source(
                    name=name,
                    source_type=kind,
                    published=dt.date(2025, 6, 2),
                    reliability=grading[0],
                    credibility=int(grading[1]),
                )
            )
        s.add(earlier)
    return project


def saved_as(project: Project, incident_id: Any) -> Expected:
    with project.session() as s:
        inc = s.get(Incident, incident_id)
        assert inc is not None
        return Expected(
            "",
            inc.title,
            inc.local_type or "",
            inc.sub_event_type,
            inc.date_start,
            inc.place_name,
            str(getattr(inc.verification, "value", inc.verification)),
            frozenset((a.actor.name, str(getattr(a.role, "value", a.role))) for a in inc.actors),
            tuple(
                (
                    c.outcome.value,
                    c.affiliation.value,
                    c.low,
                    c.best,
                    c.high,
                    c.sex.value,
                    c.age_group.value,
                    c.is_party_claim,
                )
                for c in inc.casualties
            ),
            tuple(
                (x.name, x.source_type.value, x.published or dt.date.min, x.grading)
                for x in inc.sources
            ),
        )


# --------------------------------------------------------------------------- the user


@dataclass
class User:
    """Types into whatever has the focus, like a person; counts what it costs."""

    keys: int = 0
    typed: int = 0  # of the keys, characters typed as text (titles, names, dates)
    clicks: int = 0

    @staticmethod
    def settle() -> None:
        """Events processed; a list that closed hands the keyboard back to its window, as
        a window manager does (the offscreen platform leaves the closed list active)."""
        QApplication.processEvents()
        active = QApplication.activeWindow()
        focus = QApplication.focusWidget()
        if active is not None and not active.isVisible() and focus is not None:
            focus.window().activateWindow()
            QTest.qWaitForWindowActive(focus.window())

    @staticmethod
    def focused() -> QWidget:
        """Where a key goes: an open list (it has the keyboard), else the focus widget."""
        popup = QApplication.activePopupWidget()
        widget = QApplication.focusWidget()
        inside = (
            popup is not None
            and widget is not None
            and (widget is popup or popup.isAncestorOf(widget))
        )
        if popup is not None and not inside:
            widget = popup
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def type(self, text: str) -> None:
        QTest.keyClicks(self.focused(), text)
        self.keys += len(text)
        self.typed += len(text)
        self.settle()

    def key(
        self, k: Qt.Key, mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier, times: int = 1
    ) -> None:
        for _ in range(times):
            QTest.keyClick(self.focused(), k, mod)
            self.settle()
        self.keys += times

    def tab(self, times: int = 1) -> None:
        self.key(K.Key_Tab, times=times)

    def tab_to(self, widget: QWidget, limit: int = 40) -> None:
        """Tab until ``widget`` has the focus (each press counted), as a person does."""
        for _ in range(limit):
            here = self.focused()
            if here is widget or widget.isAncestorOf(here):
                return
            self.tab()
        raise AssertionError(f"Tab never reached {widget}")

    def alt(self, window: QWidget, letter: str) -> None:
        QTest.keyClick(window, getattr(K, f"Key_{letter.upper()}"), ALT)
        self.keys += 1
        self.settle()

    def click(self, widget: QWidget) -> None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.clicks += 1
        self.settle()

    @staticmethod
    def wait(ms: int) -> None:
        """Time passing (a list appearing, a pause between words) costs nothing."""
        QTest.qWait(ms)

    @property
    def total(self) -> int:
        return self.keys + self.clicks


Plan = Callable[[User, Any, Expected], None]


# --------------------------------------------------------------------------- after: this code


def after_plan(u: User, window: Any, e: Expected) -> None:
    u.key(K.Key_N, CTRL)
    form = window.forms[-1]
    QTest.qWaitForWindowActive(form)
    u.type(e.title)
    u.tab()
    u.type({"Artillery / shelling": "Art", "Arrest": "Arr", "Ambush": "Am"}[e.local_type])
    u.alt(form, "d")
    u.type(e.date.strftime("%Y%m%d"))
    u.alt(form, "p")
    u.type(e.place[:4].lower())
    u.key(K.Key_Return)  # the first place offered
    u.alt(form, "f")
    u.type({"single source": "s", "claim not independently verifiable": "cl"}[e.verification])
    for name, role in _actor_rows(e):
        u.alt(form, "a")
        u.type({MILITARY: "Mil", KIA: "KIA", CIVILIANS: "Civ"}[name])
        u.key(K.Key_Return)  # the first actor offered; its role as last time
        row = form.actors.rows[-1]
        if row.role.currentData() != role:
            u.tab()
            # first letters; a letter typed again goes to the next entry with it
            u.type({"side A": "s", "side B": "ss", "claimant": "cl", "target": "t"}[role])
    for outcome, affiliation, low, best, high, sex, age, claim in e.casualties:
        # rows of an unverifiable claim are ticked as claims by the form itself
        claim = claim and e.verification != "claim not independently verifiable"
        u.alt(form, "c")
        if outcome != "killed":
            u.type(outcome[:2])
        u.tab()
        if affiliation != "civilian":
            u.type({"side A": "s", "side B": "ss"}.get(affiliation, affiliation[:2]))
        u.tab()
        u.type(str(best))
        if (low, high) != (best, best) or sex != "unknown" or age != "unknown" or claim:
            u.tab()
            if low != best:
                u.type(str(low))
            u.tab()
            if high != best:
                u.type(str(high))
        if sex != "unknown" or age != "unknown" or claim:
            u.tab()
            if sex != "unknown":
                u.type(sex[0])
            u.tab()
            if age != "unknown":
                u.type(age[0])
        if claim:
            u.tab()
            u.key(K.Key_Space)
    for name, kind, published, grading in e.sources:
        u.alt(form, "s")
        u.type(name[:5])
        known = form.catalogue.recent_source(name) is not None
        if known:
            u.key(K.Key_Return)  # remembered: type and grading follow
        else:
            u.type(name[5:])
        u.tab()
        if not known:
            u.type({"party statement": "party"}.get(kind, kind[:3]))
        u.tab()
        u.type(published.strftime("%Y%m%d"))
        if not known:
            u.tab()
            u.type(grading[0])
            u.tab()
            u.type(grading[1])
    with_saved(u, form)


def _actor_rows(e: Expected) -> list[tuple[str, str]]:
    order = {"side A": 0, "perpetrator": 0, "claimant": 1, "side B": 2, "target": 2}
    return sorted(e.actors, key=lambda a: (order.get(a[1], 3), a[0]))


def with_saved(u: User, form: Any) -> None:
    saved: list[Any] = []
    form.saved.connect(saved.append)
    u.key(K.Key_S, CTRL)
    if not saved and form.isVisible():  # a warning shown: looked at, kept
        u.key(K.Key_S, CTRL)
    assert saved, f"not saved: {form.summary.text()}"


# --------------------------------------------------------------------------- before: old code


def before_plan(u: User, window: Any, e: Expected) -> None:
    """The same incident on the old form, by the shortest keyboard path it offered."""
    u.key(K.Key_N, CTRL)
    form = window.forms[-1]
    QTest.qWaitForWindowActive(form)

    def at(widget: QWidget) -> None:
        assert u.focused() is widget or widget.isAncestorOf(u.focused()), (widget, u.focused())

    u.type(e.title)
    # The local type undid itself whenever it changed the ACLED event type (typing its
    # letters passes through other types): set the ACLED types first, come back, and
    # choose the local type in its open list with the arrows.
    u.tab_to(form.event_type)
    u.type({"Arrests": "Str", "Armed clash": "Bat"}.get(e.sub_event_type, "Exp"))
    u.tab()
    u.type({"Arrests": "Arr", "Armed clash": "Arm"}.get(e.sub_event_type, "She"))
    u.key(K.Key_Tab, SHIFT, times=2)
    at(form.local_type)
    u.key(K.Key_Down, ALT)  # open the list
    u.key(K.Key_Down, times=form.local_type.findText(e.local_type))
    u.key(K.Key_Return)
    assert form.local_type.currentText() == e.local_type
    assert form.sub_event_type.currentText() == e.sub_event_type
    # event type, sub-type, civilian targeting, weapons, impacts, then the date: reached
    # by Tab its year is selected and the digits fill the three sections in turn (after
    # a click they went into whichever section the click landed in)
    u.tab_to(form.date_start)
    u.type(e.date.strftime("%Y%m%d"))
    got = form.date_start.date()
    assert (got.year(), got.month(), got.day()) == (e.date.year, e.date.month, e.date.day), got
    u.tab_to(form.place.edit)  # through until's three sections, time, date known to
    u.type(e.place[:4])
    u.wait(400)  # the list appears
    u.key(K.Key_Down)
    u.key(K.Key_Return)
    assert form.place.text() == e.place
    u.tab_to(form.verification)  # new place, coordinates, location is, area, country
    u.type({"single source": "s", "claim not independently verifiable": "cl"}[e.verification])
    for i, (name, role) in enumerate(_actor_rows(e)):
        if i == 0:
            u.tab_to(form.actors.add_button)  # sensitivity, review, author
        else:  # Alt+A is also "Admin area": the first press goes there, the second here
            u.alt(form, "a")
            u.alt(form, "a")
        at(form.actors.add_button)
        u.key(K.Key_Space)
        row = form.actors.rows[-1]
        at(row.name)
        u.type(name)
        u.tab()
        at(row.role)
        if role == "side B":
            u.key(K.Key_Down)  # "s" reaches side A only
        elif role != "side A":
            u.type({"claimant": "c"}.get(role, role[0]))
        assert row.role.currentData() == role, row.role.currentData()
    for outcome, affiliation, low, best, high, sex, age, claim in e.casualties:
        u.alt(form, "c")
        u.wait(150)  # a mnemonic "animates" its click: the row comes 100 ms later
        row = form.casualties.rows[-1]
        at(row.outcome)
        if outcome != "killed":
            u.type(outcome[:2])
        u.tab()
        if affiliation != "civilian":
            u.key(K.Key_Down, times=row.affiliation.findData(affiliation))
        # sex and age: every item starts "sex: " / "age: ", so letters cannot pick
        # one; the arrows from "unknown" (the last item) can
        for combo, value in ((row.sex, sex), (row.age_group, age)):
            u.tab()
            at(combo)
            steps = combo.currentIndex() - combo.findData(value)
            if steps:
                u.key(K.Key_Up, times=steps)
            assert combo.currentData() == value
        u.tab_to(row.best)  # through low
        u.type(str(best))
        if low != best:
            u.key(K.Key_Tab, SHIFT)
            u.key(K.Key_A, CTRL)
            u.type(str(low))
            u.tab()
        u.tab()
        at(row.high)
        if high != best:
            u.key(K.Key_A, CTRL)
            u.type(str(high))
        if claim:
            u.tab()
            u.key(K.Key_Space)
        assert row.value().best == best and row.value().high == high
    for name, kind, published, grading in e.sources:
        u.alt(form, "s")
        u.wait(150)
        row = form.sources.rows[-1]
        at(row.name)
        u.type(name)
        u.tab()
        u.type({"party statement": "party"}.get(kind, kind[:3]))
        u.tab()
        u.type(published.isoformat())
        u.tab_to(row.reliability)  # through link and excerpt
        u.type(grading[0])
        u.tab()
        u.type(grading[1])
    with_saved(u, form)


# --------------------------------------------------------------------------- running


def run(plan: Plan, label: str) -> dict[str, Any]:
    from sitrep.editing.draft_store import DraftStore
    from sitrep.ui.main_window import MainWindow
    from sitrep.ui.prompts import Prompts
    from sitrep.ui.settings import AppSettings

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    results: dict[str, Any] = {"label": label, "incidents": {}}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = build_project(folder / "bench.sitrep")
        settings = AppSettings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
        window = MainWindow(
            project,
            settings,
            drafts=DraftStore(folder / "drafts"),
            prompts=Prompts(),
            report_error=lambda _p, exc: print("error:", exc, file=sys.stderr),
            today=lambda: dt.date(2025, 6, 15),
        )
        window.show()
        for expected in INCIDENTS:
            window.activateWindow()
            QTest.qWaitForWindowActive(window)
            user = User()
            plan(user, window, expected)
            got = saved_as(project, _last_saved(window))
            want = replace(expected, name="")
            if got != want:
                raise SystemExit(f"{label}: {expected.name} saved wrongly:\n{got}\n{want}")
            results["incidents"][expected.name] = {
                "keys": user.keys,
                "typed": user.typed,
                "clicks": user.clicks,
                "total": user.total,
            }
        window.close()
        project.close()
    return results


def _last_saved(window: Any) -> Any:
    from sqlalchemy import select

    with window.project.session() as s:
        return s.scalar(select(Incident.id).order_by(Incident.created_at.desc()).limit(1))


def before_tree(ref: str) -> tempfile.TemporaryDirectory[str]:
    """The code of ``ref`` in a temporary folder (git archive: no worktree, no checkout)."""
    folder = tempfile.TemporaryDirectory(prefix="sitrep-before-")
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(folder.name, filter="data")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default=BASE_REF, help="the code to compare with")
    parser.add_argument("--tree", help=argparse.SUPPRESS)  # internal: run the before plans
    args = parser.parse_args()
    if args.tree:
        import sitrep

        assert Path(sitrep.__file__).is_relative_to(args.tree), "not the old code"
        print(json.dumps(run(before_plan, "before")))
        return
    after = run(after_plan, "after")
    with before_tree(args.before) as tree:
        done = subprocess.run(
            [sys.executable, str(HERE), "--tree", tree],
            check=True,
            capture_output=True,
            text=True,
            cwd=tree,
        )
    before = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"Keystrokes + clicks per incident, keyboard-only user (before = {args.before}):")
    print(f"{'incident':<22}{'before':>8}{'after':>8}   of which typed text, before / after")
    for name in after["incidents"]:
        b, a = before["incidents"][name], after["incidents"][name]
        print(
            f"{name:<22}{b['total']:>8}{a['total']:>8}   {b['typed']:>3} / {a['typed']:<3}"
            f"  (clicks: {b['clicks']} / {a['clicks']})"
        )
    total_b = sum(x["total"] for x in before["incidents"].values())
    total_a = sum(x["total"] for x in after["incidents"].values())
    print(f"{'all three':<22}{total_b:>8}{total_a:>8}   ({total_a / total_b:.0%} of before)")
    worst = max(a["total"] for a in after["incidents"].values())
    print(f"target: at most 120 per incident — {'met' if worst <= 120 else 'NOT met'}")


if __name__ == "__main__":
    main()
