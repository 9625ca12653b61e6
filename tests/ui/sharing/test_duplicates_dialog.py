"""File > Find duplicates…: the review a user does, driven like a user."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableWidget
from sqlalchemy import func, select

from sitrep.model import Incident
from sitrep.model.enums import Outcome
from sitrep.store import Project
from sitrep.ui.duplicates_dialog import DuplicatesDialog
from tests.conftest import make_incident
from tests.ui.conftest import raise_error


def _pair(project: Project) -> tuple[Incident, Incident]:
    a = make_incident(
        project,
        title="Shelling of Mansi village",
        date_start=dt.date(2025, 6, 3),
        casualties=[{"best": 2, "outcome": Outcome.KILLED}],
        sources=[{"name": "Kachin News Group"}],
    )
    b = make_incident(
        project,
        title="Artillery hits Mansi",
        date_start=dt.date(2025, 6, 3),
        lat=25.62,
        casualties=[{"best": 1, "outcome": Outcome.INJURED}],
        sources=[{"name": "Kachin News Group"}, {"name": "Church leader"}],
    )
    make_incident(project, title="Elsewhere", lat=20.0, lon=94.0)
    return a, b


def count(project: Project) -> int:
    with project.session() as s:
        return int(s.scalar(select(func.count()).select_from(Incident)) or 0)


def test_review_side_by_side_merge_and_undo(qtbot: Any, project: Project) -> None:
    a, b = _pair(project)
    answers: list[str] = []

    def confirm(_parent: object, _title: str, text: str) -> bool:
        answers.append(text)
        return True

    dialog = DuplicatesDialog(project, confirm=confirm)
    qtbot.addWidget(dialog)
    dialog.show()
    table = dialog.findChild(QTableWidget, "dupCandidates")
    compare = dialog.findChild(QTableWidget, "dupSideBySide")
    assert table.rowCount() == 1
    rows = {compare.item(r, 0).text(): r for r in range(compare.rowCount())}
    assert compare.item(rows["title"], 1).text() == "Shelling of Mansi village"
    assert compare.item(rows["title"], 2).text() == "Artillery hits Mansi"
    assert compare.item(rows["title"], 0).font().bold()  # they differ
    assert not compare.item(rows["date start"], 0).font().bold()

    # a stricter distance: the pair is gone; back to 10 km: found again
    dialog.km.selectAll()
    qtbot.keyClicks(dialog.km, "0.5")
    qtbot.mouseClick(dialog.find_button, Qt.MouseButton.LeftButton)
    assert table.rowCount() == 0 and not dialog.merge_button.isEnabled()
    dialog.km.selectAll()
    qtbot.keyClicks(dialog.km, "10")
    qtbot.mouseClick(dialog.find_button, Qt.MouseButton.LeftButton)
    assert table.rowCount() == 1

    with qtbot.waitSignal(dialog.changed):
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert b.reference in answers[-1]
    assert count(project) == 2 and table.rowCount() == 0
    with project.session() as s:
        kept = s.get(Incident, a.id)
        assert kept is not None
        assert {src.name for src in kept.sources} == {"Kachin News Group", "Church leader"}
        assert (kept.killed, kept.injured) == (2, 1)

    with qtbot.waitSignal(dialog.changed):
        qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    assert count(project) == 3 and table.rowCount() == 1
    qtbot.mouseClick(dialog.dismiss_button, Qt.MouseButton.LeftButton)
    assert table.rowCount() == 0
    assert dialog.findChild(QLabel, "dupNote").text() == "No likely duplicates."


def test_file_menu_opens_the_review(qtbot: Any, project: Project, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from sitrep.ui.main_window import MainWindow
    from sitrep.ui.settings import AppSettings

    _pair(project)
    settings = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(project, settings, report_error=raise_error)
    qtbot.addWidget(window)
    window.duplicates_confirm = lambda *_a: True
    file_menu = window.menuBar().actions()[0].menu()
    action = next(a for a in file_menu.actions() if a.text() == "Find &duplicates…")  # type: ignore[attr-defined]  # PySide6 types QAction.menu() as QObject
    seen: list[int] = []

    def review() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, DuplicatesDialog)
        seen.append(dialog.candidates.rowCount())
        dialog.merge_button.click()
        dialog.reject()

    QTimer.singleShot(0, review)
    action.trigger()
    assert seen == [1]
    while window.model.canFetchMore():
        window.model.fetchMore()
    assert window.model.rowCount() == 2
