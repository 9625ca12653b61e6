"""Incident > Draft from report…: paste a report, confirm its date, review the proposed
incidents beside the highlighted text, accept one (saved as a draft) and reject one.

The extractor (issue 16a) is handed in; here it is :func:`namti_extractor`, which
proposes the two incidents a person reads in :data:`REPORT`, with the spans found in
the text it is given, so the window is tested on honest proposals.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select
from sqlalchemy.orm import Session

from sitrep.drafting.proposal import (
    DATE,
    EVENT_TYPE,
    PLACE,
    SUB_EVENT_TYPE,
    Proposal,
    SourceDocument,
    Span,
    row_key,
)
from sitrep.editing.draft import ActorDraft, CasualtyDraft, IncidentDraft, SourceDraft
from sitrep.model import Incident
from sitrep.model.enums import ReviewStatus
from sitrep.store import Project
from sitrep.ui.draft_review import DraftReviewWindow, State
from sitrep.ui.evidence_text import COLOURS, PASSAGE_COLOUR
from tests.conftest import make_incident
from tests.drafting.report_files import write_docx
from tests.ui.incidents.conftest import TODAY, ScriptedPrompts

CTRL = Qt.KeyboardModifier.ControlModifier

REPORT = (
    "Two civilians were killed when artillery shells hit Namti village on Tuesday, "
    "residents said. The military council denied shelling the village.\n"
    "On Wednesday soldiers detained three men in Hpakant township."
)


class ReportPrompts(ScriptedPrompts):
    report_files: list[str]

    def report_file(self, parent: QWidget | None) -> str | None:
        return self.report_files.pop(0) if getattr(self, "report_files", None) else None


def span(text: str, words: str, after: int = 0) -> Span:
    start = text.index(words, after)
    return Span(start, start + len(words), words)


def weekday_before(report: dt.date, weekday: int) -> dt.date:
    """The last such weekday before the report's date (Monday = 0)."""
    return report - dt.timedelta(days=(report.weekday() - weekday - 1) % 7 + 1)


class NamtiExtractor:
    """Proposes REPORT's shelling and arrests; records what it was asked."""

    def __init__(self, duplicates: list[str] | None = None, sub_type: str | None = None) -> None:
        self.calls: list[tuple[SourceDocument, dt.date]] = []
        self.duplicates = ["KCN-2025-0007"] if duplicates is None else duplicates
        self.sub_type = "Shelling/artillery/missile attack" if sub_type is None else sub_type

    def __call__(
        self, session: Session, document: SourceDocument, report_date: dt.date
    ) -> list[Proposal]:
        self.calls.append((document, report_date))
        text = document.text
        second = text.index("On Wednesday")
        shelling = Proposal(
            draft=IncidentDraft(
                title="Shelling of Namti village",
                date_start=weekday_before(report_date, 1).isoformat(),
                place_name="Namti",
                event_type="Explosions/Remote violence",
                sub_event_type=self.sub_type,
                actors=[ActorDraft(name="Myanmar military", denies_involvement=True)],
                casualties=[CasualtyDraft(low=2, best=2, high=2)],
                sources=[SourceDraft(name="Residents", excerpt=text[:80])],
            ),
            passage=Span(0, second - 1, text[: second - 1]),
            evidence={
                DATE: [span(text, "on Tuesday")],
                PLACE: [span(text, "Namti village")],
                EVENT_TYPE: [span(text, "artillery shells hit")],
                SUB_EVENT_TYPE: [span(text, "artillery shells")],
                row_key("casualties", 0): [span(text, "Two civilians were killed")],
                row_key("actors", 0): [span(text, "The military council denied")],
                row_key("sources", 0): [span(text, "residents said")],
            },
            notes={DATE: f"drawn from 'on Tuesday', the Tuesday before {report_date}"},
            duplicates=list(self.duplicates),
        )
        arrests = Proposal(
            draft=IncidentDraft(
                title="Three men detained in Hpakant",
                date_start=weekday_before(report_date, 2).isoformat(),
                place_name="Hpakant",
                event_type="Strategic developments",
                sub_event_type="Arrests",
                casualties=[CasualtyDraft(outcome="detained", low=3, best=3, high=3)],
            ),
            passage=Span(second, len(text), text[second:]),
            evidence={
                DATE: [span(text, "On Wednesday")],
                PLACE: [span(text, "Hpakant township")],
                SUB_EVENT_TYPE: [span(text, "detained", second)],
            },
            confidence=0.8,
        )
        return [shelling, arrests]


def incidents(project: Project) -> list[Incident]:
    with project.session() as s:
        found = list(s.scalars(select(Incident)))
        for incident in found:
            _ = (incident.casualties, [a.actor.name for a in incident.actors])
        s.expunge_all()
        return found


def open_review(qtbot: Any, window: Any, text: str, typed_date: str | None) -> DraftReviewWindow:
    window.draft_action.trigger()
    dialog = window.draft_flow.dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.text)
    QApplication.clipboard().setText(text)  # copied from a browser or a message
    qtbot.keyClick(dialog.text, Qt.Key.Key_V, CTRL)
    qtbot.keyClick(dialog.text, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.report_date
    if typed_date is not None:
        qtbot.keyClicks(dialog.report_date, typed_date)  # Tab selected it: typing replaces
    qtbot.keyClick(dialog.report_date, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(window.draft_flow.windows) == 1)
    review: DraftReviewWindow = window.draft_flow.windows[0]
    qtbot.waitUntil(lambda: QApplication.activeWindow() is review)  # it comes to the front
    return review


def test_paste_confirm_date_accept_one_reject_one(
    qtbot: Any, project: Project, make_window: Any, prompts: ScriptedPrompts
) -> None:
    extractor = NamtiExtractor()
    window = make_window(project)
    window.draft_extractor = extractor
    window.draft_action.trigger()
    dialog = window.draft_flow.dialog
    # no date in the text: today's is offered, said to be a guess
    assert dialog.report_date.text() == TODAY.isoformat()
    assert "no date of its own" in dialog.date_source.text()
    dialog.reject()

    review = open_review(qtbot, window, REPORT, "2025-03-06")
    document, report_date = extractor.calls[-1]
    assert report_date == dt.date(2025, 3, 6)  # the date the officer confirmed
    assert document.text == REPORT
    assert incidents(project) == []  # drafting saved nothing

    assert review.list.count() == 2
    assert review.list.currentRow() == 0
    assert (
        review.list.item(0)
        .text()
        .startswith("1. 2025-03-04 · Namti · Shelling/artillery/missile attack — 2 killed")
    )
    assert "possible duplicate of KCN-2025-0007" in review.list.item(0).text()
    assert review.duplicates.isVisible() and "KCN-2025-0007" in review.duplicates.text()
    # the form shows the first proposal's draft
    assert review.form.place.text() == "Namti"
    assert review.form.date_start.text() == "2025-03-04"
    assert "drawn from 'on Tuesday'" in html.unescape(review.form.date_start.toolTip())

    # highlights: the passage shaded, each field's words in its kind's colour
    shown = review.text.highlighted()
    assert (REPORT[: REPORT.index("On Wednesday") - 1], PASSAGE_COLOUR) in shown
    for words, kind in [
        ("on Tuesday", "date"),
        ("Namti village", "place"),
        ("artillery shells hit", "type"),
        ("Two civilians were killed", "casualties"),
        ("The military council denied", "actors"),
        ("residents said", "sources"),
    ]:
        assert (words, COLOURS[kind]) in shown
    # selecting a field in the "drawn from" list emphasises its words
    review.evidence.setFocus()
    qtbot.keyClick(review.evidence, Qt.Key.Key_Home)
    assert review.evidence.currentItem().text().startswith("Date: drawn from 'on Tuesday'")
    assert review.text.emphasised == DATE
    emphasised = [s for s in review.text.extraSelections() if s.format.fontUnderline()]
    assert [s.cursor.selectedText() for s in emphasised] == ["on Tuesday"]

    # the officer corrects the title, then accepts with Ctrl+Enter
    review.form.title.setFocus()
    qtbot.keyClick(review.form.title, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(review.form.title, "Artillery shells hit Namti")
    qtbot.keyClick(review.form.title, Qt.Key.Key_Return, CTRL)
    if review.items[0].state is State.PENDING:  # a warning asks for a second press
        qtbot.keyClick(review.form.title, Qt.Key.Key_Return, CTRL)
    assert review.items[0].state is State.ACCEPTED
    saved = incidents(project)
    assert len(saved) == 1
    incident = saved[0]
    assert incident.title == "Artillery shells hit Namti"
    assert incident.review_status == ReviewStatus.DRAFT
    assert incident.date_start == dt.date(2025, 3, 4)
    assert incident.place_name == "Namti"
    assert incident.sub_event_type == "Shelling/artillery/missile attack"
    assert [(c.outcome.value, c.best) for c in incident.casualties] == [("killed", 2)]
    assert review.items[0].reference == incident.reference
    assert f"accepted as {incident.reference}" in review.list.item(0).text()

    # on to the arrests; Del in the list rejects it and nothing more is saved
    assert review.list.currentRow() == 1
    assert QApplication.focusWidget() is review.list
    assert review.form.place.text() == "Hpakant"
    assert ("Hpakant township", COLOURS["place"]) in review.text.highlighted()
    assert ("Namti village", COLOURS["place"]) not in review.text.highlighted()
    qtbot.keyClick(review.list, Qt.Key.Key_Delete)
    assert review.items[1].state is State.REJECTED
    assert "rejected" in review.list.item(1).text()
    assert len(incidents(project)) == 1
    assert "1 accepted (saved as drafts), 1 rejected" in review.status.text()

    # all decided: closing asks nothing; the main window's table shows the new incident
    asked = len(prompts.asked)
    review.close()
    assert len(prompts.asked) == asked
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)


def test_arrows_move_between_proposals_keeping_edits(
    qtbot: Any, project: Project, make_window: Any, prompts: ScriptedPrompts
) -> None:
    window = make_window(project)
    window.draft_extractor = NamtiExtractor()
    review = open_review(qtbot, window, REPORT, "2025-03-06")
    review.form.title.setFocus()
    qtbot.keyClick(review.form.title, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(review.form.title, "Edited title")
    review.list.setFocus()
    qtbot.keyClick(review.list, Qt.Key.Key_Down)
    assert review.form.title.text() == "Three men detained in Hpakant"
    qtbot.keyClick(review.list, Qt.Key.Key_Up)
    assert review.form.title.text() == "Edited title"  # the edit was kept
    # rejecting and restoring: Del twice
    qtbot.keyClick(review.list, Qt.Key.Key_Delete)
    assert review.items[0].state is State.REJECTED
    review.list.setCurrentRow(0)
    qtbot.keyClick(review.list, Qt.Key.Key_Delete)
    assert review.items[0].state is State.PENDING
    # closing with undecided proposals asks first; "no" keeps the window
    prompts.answers = [False]
    review.close()
    assert review.isVisible() and prompts.asked[-1][0] == "Close the review?"
    prompts.answers = [True]
    review.close()
    assert incidents(project) == []


def test_dateline_gives_the_date_and_a_docx_can_be_opened(
    qtbot: Any,
    project: Project,
    make_window: Any,
    settings: Any,
    errors: Any,
    drafts: Any,
    tmp_path: Path,
) -> None:
    prompts = ReportPrompts()
    path = write_docx(tmp_path / "report.docx", ["BHAMO, 6 March 2025 — " + REPORT])
    prompts.report_files = [str(path)]
    extractor = NamtiExtractor()
    window = make_window(project, prompts=prompts)
    window.draft_extractor = extractor
    window.draft_action.trigger()
    dialog = window.draft_flow.dialog
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert "Two civilians were killed" in dialog.text.toPlainText()
    assert dialog.report_date.text() == "2025-03-06"
    assert "dateline '6 March 2025'" in dialog.date_source.text()
    qtbot.keyClick(dialog.report_date, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(window.draft_flow.windows) == 1)
    document, date = extractor.calls[-1]
    assert (document.name, document.kind, date) == ("report.docx", "docx", dt.date(2025, 3, 6))
    review = window.draft_flow.windows[0]
    assert "from the dateline '6 March 2025'" in review.header.text()
    prompts.answers = [True]
    review.close()


def test_an_unreadable_file_is_said_in_the_dialog(
    qtbot: Any, project: Project, make_window: Any, tmp_path: Path
) -> None:
    prompts = ReportPrompts()
    bad = tmp_path / "scan.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0")
    prompts.report_files = [str(bad)]
    window = make_window(project, prompts=prompts)
    window.draft_extractor = NamtiExtractor()
    window.draft_action.trigger()
    dialog = window.draft_flow.dialog
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert "scan.doc is not a kind of file Sitrep reads" in dialog.error.text()
    dialog.reject()


def test_emoji_before_a_span_does_not_shift_the_highlight(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    window = make_window(project)
    window.draft_extractor = NamtiExtractor()
    review = open_review(qtbot, window, "🔥🔥 " + REPORT, "2025-03-06")
    assert ("on Tuesday", COLOURS["date"]) in review.text.highlighted()
    assert ("Namti village", COLOURS["place"]) in review.text.highlighted()
    review.items[0].state = review.items[1].state = State.REJECTED
    review.close()


def test_a_proposal_is_checked_like_typed_input(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    window = make_window(project)
    window.draft_extractor = NamtiExtractor(sub_type="")  # the sub-type was not found
    review = open_review(qtbot, window, REPORT, "2025-03-06")
    qtbot.keyClick(review.list, Qt.Key.Key_Return, CTRL)
    assert review.items[0].state is State.PENDING
    assert [p.field for p in review.form.problems] == ["sub_event_type"]
    assert incidents(project) == []
    # the officer chooses the sub-type in the form, then accepts
    combo = review.form.sub_event_type
    combo.setFocus()
    qtbot.keyClicks(combo, "Shelling")
    assert combo.currentData() == "Shelling/artillery/missile attack"
    qtbot.keyClick(combo, Qt.Key.Key_Return, CTRL)
    assert review.items[0].state is State.ACCEPTED
    assert [i.sub_event_type for i in incidents(project)] == ["Shelling/artillery/missile attack"]
    review.items[1].state = State.REJECTED
    review.close()


def test_a_likely_duplicate_can_be_shown_in_the_main_window(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    earlier = make_incident(project, title="Namti shelling", place_name="Namti")
    window = make_window(project)
    window.draft_extractor = NamtiExtractor(duplicates=[earlier.reference])
    review = open_review(qtbot, window, REPORT, "2025-03-06")
    assert review.duplicates_button.isVisible()
    qtbot.mouseClick(review.duplicates_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.selected_ids() == [earlier.id])
    # the second proposal has no duplicate: no warning
    qtbot.keyClick(review.list, Qt.Key.Key_Down)
    assert not review.duplicates.isVisible() and not review.duplicates_button.isVisible()
    review.items[0].state = review.items[1].state = State.REJECTED
    review.close()


def test_hovered_words_name_their_field(qtbot: Any, project: Project, make_window: Any) -> None:
    window = make_window(project)
    window.draft_extractor = NamtiExtractor()
    review = open_review(qtbot, window, REPORT, "2025-03-06")
    text = review.text
    assert text.key_at(text.qt_position(REPORT.index("Tuesday"))) == DATE
    assert text.key_at(text.qt_position(REPORT.index("residents"))) == "sources.0"
    assert text.key_at(text.qt_position(REPORT.index("village."))) is None
    review.items[0].state = review.items[1].state = State.REJECTED
    review.close()


def test_a_report_with_no_incident_says_so(qtbot: Any, project: Project, make_window: Any) -> None:
    window = make_window(project)
    window.draft_extractor = lambda _s, _d, _date: []
    review = open_review(qtbot, window, "The situation in Bhamo remained calm.", "2025-03-06")
    assert review.list.count() == 0
    assert review.status.text() == "The report gave no incidents to propose."
    assert not review.accept_button.isEnabled()
    review.close()


def test_closing_the_main_window_asks_about_an_open_review(
    qtbot: Any, project: Project, make_window: Any, prompts: ScriptedPrompts
) -> None:
    window = make_window(project)
    window.draft_extractor = NamtiExtractor()
    review = open_review(qtbot, window, REPORT, "2025-03-06")
    prompts.answers = [False]  # "2 proposed incidents … Close anyway?" No
    assert not window.close()
    assert review.isVisible() and window.isVisible()
    prompts.answers = [True]
    assert window.close()
    assert window.draft_flow.windows == []


def test_locking_closes_the_review_at_once(
    qtbot: Any, project: Project, make_window: Any, prompts: ScriptedPrompts
) -> None:
    window = make_window(project)
    window.draft_extractor = NamtiExtractor()
    review = open_review(qtbot, window, REPORT, "2025-03-06")
    asked = len(prompts.asked)
    window.shelve_forms()  # what locking the app does first
    assert not review.isVisible()
    assert len(prompts.asked) == asked  # nothing asked: the report must leave the screen
    assert window.draft_flow.windows == []
    assert incidents(project) == []


def test_a_typed_report_date_is_kept_while_the_text_changes(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    window = make_window(project)
    window.draft_action.trigger()
    dialog = window.draft_flow.dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.text)
    QApplication.clipboard().setText("BHAMO, 6 March 2025 — " + REPORT)
    qtbot.keyClick(dialog.text, Qt.Key.Key_V, CTRL)
    assert dialog.report_date.text() == "2025-03-06"  # the dateline's
    qtbot.keyClick(dialog.text, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.report_date
    qtbot.keyClicks(dialog.report_date, "2025-03-07")  # the officer knows better
    assert dialog.date_source.text() == "Typed by you."
    dialog.text.setFocus()
    qtbot.keyClicks(dialog.text, " More text.")
    assert dialog.report_date.text() == "2025-03-07"
    dialog.reject()


def test_selecting_a_proposal_scrolls_to_its_passage(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    long_report = REPORT.replace(
        "\nOn Wednesday", "\n" + "The road to Myitkyina stayed closed.\n" * 120 + "On Wednesday"
    )
    window = make_window(project)
    window.draft_extractor = NamtiExtractor()
    review = open_review(qtbot, window, long_report, "2025-03-06")
    bar = review.text.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0  # the first passage is at the top
    qtbot.keyClick(review.list, Qt.Key.Key_Down)
    assert bar.value() > 0
    start = review.text.cursorRect(review.text.textCursor()).top()
    assert 0 <= start < review.text.viewport().height()  # "On Wednesday" is in view
    assert review.text.textCursor().position() == long_report.index("On Wednesday")
    qtbot.keyClick(review.list, Qt.Key.Key_Up)
    assert bar.value() == 0
    review.items[0].state = review.items[1].state = State.REJECTED
    review.close()


def test_the_real_extractor_drafts_a_pasted_report_end_to_end(
    qtbot: Any, project: Project, make_window: Any
) -> None:
    window = make_window(project)  # no extractor given: the drafting core's own
    text = (
        "MYITKYINA, 16 July 2025\n"
        "On Monday, regime troops shelled Mogaung, wounding three villagers."
    )
    review = open_review(qtbot, window, text, None)  # the dateline gives the date
    assert review.list.count() == 1
    assert "Mogaung" in review.list.item(0).text()
    assert ("Mogaung", COLOURS["place"]) in review.text.highlighted()
    review.form.title.setFocus()
    qtbot.keyClick(review.form.title, Qt.Key.Key_Return, CTRL)
    if review.items[0].state is State.PENDING:  # a warning asks for a second press
        qtbot.keyClick(review.form.title, Qt.Key.Key_Return, CTRL)
    assert review.items[0].state is State.ACCEPTED
    (incident,) = incidents(project)
    assert incident.place_name == "Mogaung"
    assert incident.date_start == dt.date(2025, 7, 14)  # the Monday before the dateline
    assert incident.sub_event_type == "Shelling/artillery/missile attack"
    assert incident.review_status == ReviewStatus.DRAFT
    assert [(c.outcome.value, c.best) for c in incident.casualties] == [("injured", 3)]
