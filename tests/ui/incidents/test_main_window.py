"""The main window as a user drives it: filters, selection, delete + undo, duplicate."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from sitrep.model import CustomRegion, Incident
from sitrep.store import Project
from sitrep.store.queries import IncidentFilter
from sitrep.ui.filter_bar import LAST_7, LAST_MONTH, preset_period
from sitrep.ui.incident_table import COL_TITLE
from sitrep.ui.panes import PaneFactories
from tests.conftest import make_area, make_incident
from tests.ui.incidents.conftest import TODAY

CTRL = Qt.KeyboardModifier.ControlModifier


def scenario(project: Project) -> dict[str, Any]:
    kachin = make_area(project, "Kachin", 1, "MMR001")
    shan = make_area(project, "Shan", 1, "MMR014")
    hpakant = make_area(project, "Hpakant", 3, "MMR001009", kachin)
    with project.session() as s:
        s.add(CustomRegion(name="Both states", area_ids=[str(kachin.id), str(shan.id)]))
    made = {
        "blast": make_incident(
            project,
            title="Blast at Lone Khin",
            date_start=dt.date(2025, 6, 3),
            event_type="Explosions/Remote violence",
            sub_event_type="Shelling/artillery/missile attack",
            admin1_id=kachin.id,
            admin3_id=hpakant.id,
            casualties=[{"best": 12}],
        ),
        "ambush": make_incident(
            project,
            title="KIA ambush",
            date_start=dt.date(2025, 6, 12),
            admin1_id=kachin.id,
            verification="claim not independently verifiable",
        ),
        "may": make_incident(
            project, title="Clash in May", date_start=dt.date(2025, 5, 20), admin1_id=kachin.id
        ),
        "shan": make_incident(
            project,
            title="Shelling in Lashio",
            date_start=dt.date(2025, 6, 10),
            admin1_id=shan.id,
            sensitivity="restricted",
        ),
    }
    return made


def titles(window: Any) -> list[str]:
    model = window.model
    return sorted(model.data(model.index(r, COL_TITLE)) for r in range(model.rowCount()))


def test_filter_bar_changes_the_table(qtbot: Any, project: Project, make_window: Any) -> None:
    scenario(project)
    window = make_window(project)
    bar = window.filter_bar
    assert len(titles(window)) == 4

    with qtbot.waitSignal(window.filterChanged) as sig:
        bar.period.setFocus()
        qtbot.keyClick(bar.period, Qt.Key.Key_Down)  # Any time -> Last 7 days
    assert sig.args[0].date_from == preset_period(LAST_7, TODAY)[0]
    assert titles(window) == ["KIA ambush", "Shelling in Lashio"]

    bar.period.setCurrentIndex(bar.period.findData(LAST_MONTH))
    assert titles(window) == ["Clash in May"]
    bar.set_period(dt.date(2025, 6, 1), dt.date(2025, 6, 30))  # what the timeline does
    assert len(titles(window)) == 3
    assert bar.date_from.isVisibleTo(bar)

    bar.region.setFocus()
    qtbot.keyClicks(bar.region.lineEdit(), "Kach")
    bar.region.setCurrentIndex(bar.region.findText("Kachin (state/region)"))
    assert titles(window) == ["Blast at Lone Khin", "KIA ambush"]

    bar.types.actions_by_name["Explosions/Remote violence"].trigger()
    assert bar.types.text() == "Types: Explosions/Remote violence"
    assert titles(window) == ["Blast at Lone Khin"]
    bar.types.set_selected([])
    bar.verification.actions_by_name["claim not independently verifiable"].trigger()
    assert titles(window) == ["KIA ambush"]
    bar.verification.set_selected([])
    bar.region.setCurrentIndex(bar.region.findText("Both states (saved region)"))
    assert len(titles(window)) == 3  # June, any type, both states
    bar.region.setCurrentIndex(0)
    bar.sensitivity.setCurrentIndex(bar.sensitivity.findText("Up to internal"))
    assert "Shelling in Lashio" not in titles(window)

    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    assert bar.text.hasFocus()
    with qtbot.waitSignal(window.filterChanged, timeout=2000) as sig:
        qtbot.keyClicks(bar.text, "lone khin")
    assert sig.args[0].text == "lone khin"
    window.select_incident(window.model.incident_id(0))
    qtbot.keyClick(bar.text, Qt.Key.Key_Return)  # Enter in the search box edits nothing
    assert window.forms == []
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Return)  # Enter in the table opens the incident
    assert len(window.forms) == 1 and window.forms[0].title.text() == "Blast at Lone Khin"
    assert titles(window) == ["Blast at Lone Khin"]
    assert window.count_label.text() == "1 incident"


def test_selection_shows_details_and_reaches_panes(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    made = scenario(project)

    class FakeMap(QLabel):
        incidentSelected = Signal(object)
        periodSelected = Signal(object, object)

        def __init__(self, _project: Project) -> None:
            super().__init__("fake map")
            self.filters: list[IncidentFilter] = []
            self.selected: list[uuid.UUID | None] = []

        def set_filter(self, flt: IncidentFilter) -> None:
            self.filters.append(flt)

        def select_incident(self, incident_id: uuid.UUID | None) -> None:
            self.selected.append(incident_id)

        locationPicked = Signal(float, float)
        picking = False

        def start_pick(self) -> None:
            self.picking = True

    def broken(_project: Project) -> QWidget:
        raise ImportError("No module named 'PySide6.QtWebEngineWidgets'")

    window = make_window(project, panes=PaneFactories(map=FakeMap, timeline=broken))
    fake: FakeMap = window.map_pane  # type: ignore[assignment]
    assert isinstance(fake, FakeMap) and fake.filters == [IncidentFilter()]
    assert "Timeline" in window.timeline_pane.text()  # placeholder, app still starts
    assert "Situation reports" in window.report_pane.text()

    with qtbot.waitSignal(window.incidentSelected) as sig:
        fake.incidentSelected.emit(made["ambush"].id)  # a click on a map marker
    assert sig.args == [made["ambush"].id]
    assert window.selected_ids() == [made["ambush"].id]
    assert "KIA ambush" in window.detail.toPlainText()
    assert fake.selected[-1] == made["ambush"].id

    fake.periodSelected.emit(dt.date(2025, 6, 10), dt.date(2025, 6, 12))
    assert fake.filters[-1].date_from == dt.date(2025, 6, 10)
    assert titles(window) == ["KIA ambush", "Shelling in Lashio"]
    fake.periodSelected.emit(None, None)  # double-click on the timeline: all dates
    assert fake.filters[-1].date_from is None and len(titles(window)) == 4

    form = window.new_incident()
    assert form.pick_button.isVisibleTo(form)
    qtbot.mouseClick(form.pick_button, Qt.MouseButton.LeftButton)
    assert fake.picking
    fake.locationPicked.emit(25.661234, 96.280987)  # the user clicks the map
    assert (form.lat.text(), form.lon.text()) == ("25.66123", "96.28099")


def test_delete_and_undo_with_the_keyboard(qtbot: Any, project: Project, make_window: Any) -> None:
    made = scenario(project)
    window = make_window(project)
    window.select_incident(made["blast"].id)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert "Blast at Lone Khin" not in titles(window)
    with project.session() as s:
        assert s.get(Incident, made["blast"].id) is None

    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert "Blast at Lone Khin" in titles(window)
    with project.session() as s:
        back = s.get(Incident, made["blast"].id)
        assert back is not None and back.killed == 12 and len(back.casualties) == 1
        assert back.reference == made["blast"].reference

    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert "Blast at Lone Khin" not in titles(window)


def test_duplicate_enters_the_6_june_blast(qtbot: Any, project: Project, make_window: Any) -> None:
    made = scenario(project)
    window = make_window(project)
    window.select_incident(made["blast"].id)
    qtbot.keyClick(window, Qt.Key.Key_D, CTRL)
    form = window.forms[-1]
    assert form.header.text() == "New incident"
    # what repeats is kept; the first blast's title and dead are not
    assert form.sub_event_type.currentData() == "Shelling/artillery/missile attack"
    assert form.area.currentText().startswith("Hpakant")
    assert form.title.text() == "" and form.casualties.rows == []
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.title)
    qtbot.keyClicks(form.title, "Second blast at Lone Khin")
    qtbot.keyClick(form, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is form.date_start
    qtbot.keyClicks(form.date_start, "6 June 2025")
    qtbot.keyClick(form, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # Add casualty row
    for _ in range(2):  # outcome (killed), affiliation (civilian), then the best estimate
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "3")
    with qtbot.waitSignal(form.saved) as saved:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, CTRL)
    with project.session() as s:
        copy = s.get(Incident, saved.args[0])
        assert copy is not None and copy.date_start == dt.date(2025, 6, 6)
        assert copy.reference != made["blast"].reference and copy.killed == 3
        assert copy.admin3_id == made["blast"].admin3_id
    assert len(titles(window)) == 5

    window.activateWindow()  # the form closed: the main window has the keyboard again
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)  # undo the new incident
    assert len(titles(window)) == 4


def test_edit_and_undo_the_edit(qtbot: Any, project: Project, make_window: Any) -> None:
    made = scenario(project)
    window = make_window(project)
    window.select_incident(made["ambush"].id)
    form = window.edit_selected()
    assert form is not None and form.header.text().startswith(made["ambush"].reference)
    form.title.setText("KIA ambush near Hpakant")
    with qtbot.waitSignal(form.saved):
        form.save()
    assert "KIA ambush near Hpakant" in titles(window)
    window.undo_stack.undo()
    assert "KIA ambush" in titles(window) and "KIA ambush near Hpakant" not in titles(window)


def test_window_remembers_size_and_splitters(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    window = make_window(project)
    window.resize(701, 502)  # the offscreen screen is 800 × 600
    window.main_split.setSizes([300, 800])
    window.close()
    again = make_window(project)
    assert (again.size().width(), again.size().height()) == (701, 502)
    left, right = again.main_split.sizes()
    assert left < right


def test_status_bar_counts_in_the_background(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    from sitrep.store.incidents import bulk_insert_incidents

    rows = [
        {
            "title": f"Bulk {i}",
            "date_start": dt.date(2025, 1, 1) + dt.timedelta(days=i % 150),
            "event_type": "Battles",
            "sub_event_type": "Armed clash",
        }
        for i in range(450)
    ]
    with project.session() as s:
        bulk_insert_incidents(s, rows)
    window = make_window(project)
    assert window.model.rowCount() == 200  # one page shown, the rest on scrolling
    qtbot.waitUntil(lambda: window.count_label.text() == "450 incidents")
    window.filter_bar.set_period(dt.date(2025, 1, 1), dt.date(2025, 1, 10))
    qtbot.waitUntil(lambda: window.count_label.text() == "30 incidents")


def test_detail_pane_shows_links_and_escapes_text(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    from sitrep.model import IncidentLink
    from sitrep.model.enums import LinkKind

    first = make_incident(project, title="Blast on 3 June", narrative="<b>not bold</b><script>")
    second = make_incident(project, title="Blast on 6 June", date_start=dt.date(2025, 6, 6))
    with project.session() as s:
        s.add(IncidentLink(from_id=second.id, to_id=first.id, kind=LinkKind.SAME_EVENT_SERIES))
    window = make_window(project)
    window.select_incident(first.id)
    text = window.detail.toPlainText()
    assert "same event series: " + second.reference + " Blast on 6 June" in text
    assert "<b>not bold</b><script>" in text  # shown as typed, not as markup


def test_clicking_the_area_header_keeps_the_real_sort(
    qtbot: Any, make_window: Any, project: Project
) -> None:
    from PySide6.QtCore import QPoint

    from sitrep.ui.incident_table import COLUMNS

    window = make_window(project)
    header = window.table.horizontalHeader()
    area = next(i for i, c in enumerate(COLUMNS) if c.title == "Area")
    place = next(i for i, c in enumerate(COLUMNS) if c.title == "Place")
    assert "Not sortable" in window.model.headerData(
        area, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    x = header.sectionViewportPosition(place) + header.sectionSize(place) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert window.model.sort_state()[0] == "place"
    assert header.sortIndicatorSection() == place
    x = header.sectionViewportPosition(area) + header.sectionSize(area) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert window.model.sort_state()[0] == "place"  # unchanged, and the arrow says so
    assert header.sortIndicatorSection() == place
