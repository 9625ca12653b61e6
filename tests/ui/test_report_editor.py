"""The report editor driven like a user: create, write, format, reorder, generate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sitrep.model import Report
from sitrep.reporting.build import Generated
from sitrep.store import Project
from sitrep.ui.report_editor import ReportEditor
from sitrep.ui.rich_text import document_to_markup, markup_to_document
from tests.reporting import docx_read, scenario


@pytest.fixture
def editor(project: Project, qtbot: QtBot, tmp_path: Path) -> ReportEditor:
    project.set_setting("organisation", "Kachin Relief Network")
    scenario.build(project)
    opened: list[Path] = []
    widget = ReportEditor(
        project,
        today=dt.date(2025, 6, 11),
        ask_path=lambda _parent, _suggested: str(tmp_path / "weekly.docx"),
        open_file=opened.append,
    )
    widget.opened = opened  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _pick_region(editor: ReportEditor, text: str) -> None:
    editor.region.setCurrentIndex(editor.region.findText(text))


def test_period_defaults_and_live_figures(editor: ReportEditor, qtbot: QtBot) -> None:
    assert editor.period() == scenario.PERIOD  # last full week before 11 June
    qtbot.mouseClick(editor.month_button, Qt.MouseButton.LeftButton)
    assert editor.period() == (dt.date(2025, 5, 1), dt.date(2025, 5, 31))
    qtbot.mouseClick(editor.week_button, Qt.MouseButton.LeftButton)
    _pick_region(editor, "Kachin (state/region)")
    expected = scenario.expected()
    qtbot.waitUntil(
        lambda: editor.figure_labels["killed"].text().startswith(f"<b>{expected['killed']}</b>")
    )
    for key, value in expected.items():
        assert editor.figure_labels[key].text().startswith(f"<b>{value}</b>")
    assert "10 more deaths are not counted" in editor.figures_note.text()
    _pick_region(editor, "Special Region 1 (custom region)")
    qtbot.waitUntil(lambda: "Special Region 1" in editor.figures_note.text())


def test_write_format_reorder_and_generate(
    editor: ReportEditor, project: Project, qtbot: QtBot, tmp_path: Path
) -> None:
    _pick_region(editor, "Kachin (state/region)")
    qtbot.mouseClick(editor.create_button, Qt.MouseButton.LeftButton)
    assert editor.report_id is not None
    assert editor.section_list.count() == 5
    editor.section_list.setCurrentRow(1)  # Situation overview
    editor.text.setFocus()
    qtbot.keyClicks(editor.text, "Fighting ")
    qtbot.mouseClick(editor.bold_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor.text, "intensified")
    qtbot.mouseClick(editor.bold_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor.text, " near Hpakant.")
    qtbot.keyClick(editor.text, Qt.Key.Key_Return)
    qtbot.mouseClick(editor.bullet_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor.text, "Road to Lone Khin closed")
    editor.add_section("Security of staff")
    qtbot.keyClicks(editor.text, "No staff were harmed.")
    qtbot.mouseClick(editor.up_button, Qt.MouseButton.LeftButton)
    editor.save()
    with project.session() as s:
        report = s.get_one(Report, editor.report_id)
        titles = [sec["title"] for sec in report.sections]
        overview = report.sections[1]["body"]
        assert report.number == 1
    assert titles[-2:] == ["Security of staff", "Outlook"]
    assert overview == "Fighting **intensified** near Hpakant.\n\n- Road to Lone Khin closed"

    with qtbot.waitSignal(editor.generated, timeout=60_000) as blocker:
        qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    result: Generated = blocker.args[0]
    out = tmp_path / "weekly.docx"
    assert result.path == out and editor.opened == [out]  # type: ignore[attr-defined]
    doc = docx_read.open_docx(out)
    heads = docx_read.headings(doc)
    assert (
        heads.index("Security of staff") < heads.index("Outlook") if "Outlook" in heads else True
    )
    assert "Security of staff" in heads
    bold = [r.text for p in doc.paragraphs for r in p.runs if r.bold]
    assert "intensified" in bold
    assert "Road to Lone Khin closed" in [
        p.text for p in doc.paragraphs if p.style.name == "List Bullet"
    ]
    assert docx_read.key_figures(doc) == scenario.expected()


def test_unknown_region_is_reported_not_raised(editor: ReportEditor, qtbot: QtBot) -> None:
    editor.region.setEditText("Atlantis")
    qtbot.waitUntil(lambda: "No region called 'Atlantis'" in editor.figures_note.text())


def test_markup_round_trip_through_rich_text(qtbot: QtBot) -> None:
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    body = "Intro **bold** and *italic* text.\n\n- first\n- second\n\nEnd."
    markup_to_document(body, doc)
    assert document_to_markup(doc) == body


def test_reopen_a_saved_report(editor: ReportEditor, project: Project, qtbot: QtBot) -> None:
    _pick_region(editor, "Kachin (state/region)")
    qtbot.mouseClick(editor.create_button, Qt.MouseButton.LeftButton)
    first = editor.report_id
    editor.section_list.setCurrentRow(4)
    qtbot.keyClicks(editor.text, "Further fighting expected.")
    # the same region and period again: the same report (a new revision when generated)
    qtbot.mouseClick(editor.create_button, Qt.MouseButton.LeftButton)
    assert editor.report_id == first
    assert "already covers this region and period" in editor.message.text()
    qtbot.mouseClick(editor.month_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.create_button, Qt.MouseButton.LeftButton)  # report No. 2
    assert editor.report_id != first
    assert editor.reports.currentText() == "Myanmar: Kachin State – Situation Report No. 2 (draft)"
    index = editor.reports.findText("Myanmar: Kachin State – Situation Report No. 1 (draft)")
    editor.reports.setCurrentIndex(index)
    editor.reports.activated.emit(index)
    assert editor.report_id == first
    editor.section_list.setCurrentRow(4)
    assert editor.text.toPlainText() == "Further fighting expected."


def test_previous_period_is_chosen_in_the_editor(
    editor: ReportEditor, project: Project, qtbot: QtBot
) -> None:
    _pick_region(editor, "Kachin (state/region)")
    qtbot.mouseClick(editor.month_button, Qt.MouseButton.LeftButton)  # May 2025
    qtbot.waitUntil(lambda: "previous calendar month (April 2025)" in editor.figures_note.text())
    qtbot.mouseClick(editor.create_button, Qt.MouseButton.LeftButton)
    editor.comparison.setFocus()
    index = editor.comparison.findData("equal")
    while editor.comparison.currentIndex() != index:  # choose it with the keyboard
        qtbot.keyClick(editor.comparison, Qt.Key.Key_Down)
    qtbot.waitUntil(
        lambda: (
            "previous period of equal length (31 March – 30 April 2025)"
            in editor.figures_note.text()
        )
    )
    editor.save()
    with project.session() as s:
        assert s.get_one(Report, editor.report_id).comparison == "equal"
    assert editor.figure_names["areas_affected"].text() == "Townships affected"


def test_main_window_filter_and_refresh(
    editor: ReportEditor, project: Project, qtbot: QtBot
) -> None:
    from sitrep.places.regions import resolve_region
    from sitrep.store.queries import IncidentFilter

    with project.session() as s:
        special = resolve_region(s, "Special Region 1")
    editor.set_filter(
        IncidentFilter(region=special, date_from=dt.date(2025, 6, 1), date_to=dt.date(2025, 6, 30))
    )
    assert editor.region.currentText() == "Special Region 1 (custom region)"
    assert editor.period() == (dt.date(2025, 6, 1), dt.date(2025, 6, 30))
    qtbot.waitUntil(lambda: "Special Region 1, 1–30 June 2025" in editor.figures_note.text())
    qtbot.mouseClick(editor.create_button, Qt.MouseButton.LeftButton)
    editor.set_filter(IncidentFilter())  # an open report keeps its region and period
    assert editor.region.currentText() == "Special Region 1 (custom region)"
    # typing then hiding the editor (leaving the tab, closing the window) saves at once
    editor.section_list.setCurrentRow(0)
    qtbot.keyClicks(editor.text, "Quiet week")
    editor.hide()
    with project.session() as s:
        assert s.get_one(Report, editor.report_id).sections[0]["body"] == "Quiet week"
    # incidents changed elsewhere: the figures follow
    from tests.conftest import make_incident

    with project.session() as s:
        from sqlalchemy import select

        from sitrep.model import AdminArea

        waingmaw = s.scalars(select(AdminArea).where(AdminArea.name == "Waingmaw")).one()
    make_incident(project, date_start=dt.date(2025, 6, 20), admin3_id=waingmaw.id)
    before = editor.figure_labels["incidents"].text()
    editor.refresh()
    qtbot.waitUntil(lambda: editor.figure_labels["incidents"].text() != before)


def test_live_figures_say_what_is_withheld(
    editor: ReportEditor, project: Project, qtbot: QtBot
) -> None:
    """The editor's figures follow the report's rule: withheld incidents are counted
    (the default) and announced, never silently missing."""
    from sitrep.model.enums import Sensitivity
    from sitrep.places.regions import resolve_region
    from tests.conftest import make_incident

    with project.session() as s:
        kachin = resolve_region(s, "Kachin").areas[0]
    make_incident(
        project,
        title="Detention of a teacher",
        date_start=scenario.PERIOD[0],
        admin1_id=kachin.id,
        sensitivity=Sensitivity.RESTRICTED,
        casualties=[{"best": 3}],
    )
    _pick_region(editor, "Kachin (state/region)")
    editor.classification.setFocus()
    qtbot.keyClicks(editor.classification, "PA")  # the list answers its first letters
    assert editor.classification.currentText() == "PARTNER"
    with project.session() as s:
        from sitrep.reporting.figures import period_figures, report_filter

        figures = period_figures(
            s, report_filter(resolve_region(s, "Kachin"), *scenario.PERIOD, "partner")
        )
    editor.update_figures()
    withheld = figures.withheld.incidents
    assert withheld >= 1
    assert editor.figure_labels["incidents"].text().startswith(f"<b>{figures.shown.incidents}</b>")
    assert editor.figure_labels["killed"].text().startswith(f"<b>{figures.shown.killed}</b>")
    assert figures.withheld.killed >= 3
    assert figures.shown.killed == figures.described.killed + figures.withheld.killed
    assert f"{withheld:,} incident" in editor.figures_note.text()
    assert "counted in these figures" in editor.figures_note.text()
