"""Reviewing incidents drafted from a report: the text on the left with the words behind
each field highlighted, the proposals in the middle, the incident form on the right.

Nothing is saved until the officer accepts a proposal; accepting saves the form's draft
through the same ``save`` callable as the incident form (the main window's, which
records undo), always with review status "draft": a drafted incident is reviewed like
any other before it counts as approved. Edits in the form are kept per proposal while
the officer moves between them. Keys: Ctrl+Enter accepts, Del (in the list) rejects or
restores, Up/Down move between proposals.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QCloseEvent, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from sitrep.drafting.proposal import (
    DATE,
    EVENT_TYPE,
    PLACE,
    SUB_EVENT_TYPE,
    Proposal,
    SourceDocument,
)
from sitrep.editing.catalogue import Catalogue
from sitrep.editing.draft import IncidentDraft
from sitrep.model import Incident
from sitrep.model.enums import ReviewStatus
from sitrep.store import Project
from sitrep.ui.crash import ReportError
from sitrep.ui.evidence_text import KINDS, EvidenceText, field_note, plain_tip
from sitrep.ui.incident_form import IncidentForm, SaveDraft
from sitrep.ui.prompts import Prompts
from sitrep.ui.widgets import as_slot

Extractor = Callable[[Session, SourceDocument, dt.date], list[Proposal]]
"""``sitrep.drafting.extract.draft_incidents``'s signature: the window is handed one."""


class State(Enum):
    PENDING = "to review"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass
class Reviewed:
    """A proposal and what the officer did with it (the draft as last edited)."""

    proposal: Proposal
    draft: IncidentDraft
    state: State = State.PENDING
    incident_id: uuid.UUID | None = None
    reference: str = ""


def summary(draft: IncidentDraft) -> str:
    """One line naming a proposed incident: date, place, type, harm."""
    what = draft.sub_event_type or draft.event_type or "type not found"
    killed = sum(
        c.best for c in draft.casualties if c.outcome == "killed" and not c.is_party_claim
    )
    claimed = sum(c.best for c in draft.casualties if c.outcome == "killed" and c.is_party_claim)
    harm = f" — {killed} killed" if killed else ""
    harm += f" ({claimed} claimed)" if claimed else ""
    return f"{draft.date_start or 'no date'} · {draft.place_name or 'no place'} · {what}{harm}"


class DraftReviewWindow(QWidget):
    """Side by side: report text, proposals, form. One window per report."""

    incidentSaved = Signal(object)  # uuid of an accepted, saved incident
    closed = Signal()

    def __init__(
        self,
        project: Project,
        catalogue: Catalogue,
        document: SourceDocument,
        report_date: dt.date,
        proposals: list[Proposal],
        *,
        save: SaveDraft,
        prompts: Prompts,
        report_error: ReportError,
        show_incident: Callable[[uuid.UUID], object] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("draftReviewWindow")
        self._show_incident = show_incident
        self.project = project
        self.document = document
        self.report_date = report_date
        self._save = save
        self._prompts = prompts
        self.items = [Reviewed(p, p.draft) for p in proposals]
        self._current: int | None = None
        self._closing = False
        self._discarding = False
        self.setWindowTitle(f"Draft incidents from {document.name or 'pasted text'} — Sitrep")
        self.text = EvidenceText(document.text)
        self.list = QListWidget()
        self.list.setObjectName("proposalList")
        self.evidence = QListWidget()
        self.evidence.setObjectName("evidenceList")
        self.evidence.setWordWrap(True)
        self.form = IncidentForm(
            project,
            catalogue,
            save=self._save_accepted,
            prompts=prompts,
            report_error=report_error,
        )
        self._build()
        self._fill_list()
        if self.items:
            self.list.setCurrentRow(0)
        else:
            self._show(None)
        self.list.setFocus()

    # ================================================================= layout
    def _build(self) -> None:
        self.header = QLabel(self._header_text())
        self.header.setWordWrap(True)
        legend = QHBoxLayout()
        legend.addWidget(QLabel("Highlights:"))
        for _kind, label, colour in KINDS:
            chip = QLabel(f" {label} ")
            chip.setStyleSheet(f"background: {colour}; border-radius: 3px")
            legend.addWidget(chip)
        legend.addStretch(1)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addLayout(legend)
        lv.addWidget(self.text, 1)

        self.accept_button = QPushButton("Accept (Ctrl+Enter)")
        self.accept_button.setObjectName("acceptProposal")
        self.reject_button = QPushButton("Reject (Del)")
        self.reject_button.setObjectName("rejectProposal")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        middle = QWidget()
        mv = QVBoxLayout(middle)
        mv.setContentsMargins(0, 0, 0, 0)
        mv.addWidget(QLabel("Proposed incidents (Up/Down)"))
        mv.addWidget(self.list, 2)
        mv.addWidget(QLabel("Drawn from (select to find it in the text)"))
        mv.addWidget(self.evidence, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.accept_button)
        mv.addLayout(buttons)
        mv.addWidget(self.status)

        self.duplicates = QLabel("")
        self.duplicates.setObjectName("duplicatesWarning")
        self.duplicates.setWordWrap(True)
        self.duplicates.setTextFormat(Qt.TextFormat.PlainText)
        self.duplicates.setStyleSheet(
            "background: #fff1c2; border: 1px solid #d9a400; padding: 4px"
        )
        self.duplicates_button = QPushButton("Show in the main window")
        self.duplicates_button.setObjectName("showDuplicate")
        self.duplicates_button.setVisible(False)
        warning = QHBoxLayout()
        warning.addWidget(self.duplicates, 1)
        warning.addWidget(self.duplicates_button)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addLayout(warning)
        rv.addWidget(self.form, 1)
        # the review's own buttons save; the form's would bypass the proposal's state
        self.form.save_button.hide()
        self.form.cancel_button.hide()
        self.form.review_status.setEnabled(False)
        self.form.review_status.setToolTip(
            "Drafted incidents are saved as drafts; approve them after review."
        )

        # text above the proposals on the left, the form (which needs the width) right
        review = QSplitter(Qt.Orientation.Vertical)
        review.addWidget(left)
        review.addWidget(middle)
        review.setSizes([460, 440])
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(review)
        splitter.addWidget(right)
        splitter.setSizes([560, 1040])
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(splitter, 1)
        self.resize(1600, 940)

        self.list.currentRowChanged.connect(self._row_changed)
        self.evidence.currentItemChanged.connect(self._evidence_chosen)
        self.duplicates_button.clicked.connect(as_slot(self.show_duplicate))
        self.accept_button.clicked.connect(as_slot(self.accept_current))
        self.reject_button.clicked.connect(as_slot(self.reject_current))
        self.form.saved.connect(self._form_saved)
        # a saved form closes itself; here it stays, showing the next proposal
        self.form.closed.connect(self._form_closed)
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, as_slot(self.accept_current))
        reject = QShortcut(
            QKeySequence(Qt.Key.Key_Delete), self.list, as_slot(self.reject_current)
        )
        reject.setContext(Qt.ShortcutContext.WidgetShortcut)

    def _header_text(self) -> str:
        doc = self.document
        name = doc.title or doc.name or "Pasted text"
        parts = [f"<b>{_escape(name)}</b> — report date {_day(self.report_date)}"]
        if doc.report_date == self.report_date and doc.report_date_source:
            parts.append(f"(from {_escape(doc.report_date_source)})")
        elif doc.report_date is not None:
            parts.append(f"(the document says {_day(doc.report_date)}; changed by you)")
        else:
            parts.append("(typed by you)")
        n = len(self.items)
        parts.append(
            f"· {n} proposed incident{'s' if n != 1 else ''}; nothing is saved until you accept."
        )
        notes = " ".join(_escape(note) for note in doc.notes)
        return " ".join(parts) + (f"<br>{notes}" if notes else "")

    # ================================================================= list
    def _fill_list(self) -> None:
        self.list.blockSignals(True)
        current = self.list.currentRow()
        self.list.clear()
        for i, item in enumerate(self.items):
            self.list.addItem(self._list_item(i, item))
        self.list.setCurrentRow(current)
        self.list.blockSignals(False)

    def _list_item(self, index: int, item: Reviewed) -> QListWidgetItem:
        text = f"{index + 1}. {summary(item.draft)}"
        if item.state is State.ACCEPTED:
            text += f"\n   ✓ accepted as {item.reference}"
        elif item.state is State.REJECTED:
            text += "\n   ✗ rejected (Del restores)"
        if item.proposal.duplicates and item.state is State.PENDING:
            text += f"\n   ⚠ possible duplicate of {', '.join(item.proposal.duplicates)}"
        widget_item = QListWidgetItem(text)
        font = QFont(widget_item.font())
        if item.state is State.REJECTED:
            font.setStrikeOut(True)
            widget_item.setForeground(QBrush(QColor("#888888")))
        elif item.state is State.ACCEPTED:
            widget_item.setForeground(QBrush(QColor("#1b6e20")))
        widget_item.setFont(font)
        widget_item.setToolTip(plain_tip(item.proposal.passage.text[:400]))
        return widget_item

    def _refresh_item(self, index: int) -> None:
        list_item = self.list.item(index)
        fresh = self._list_item(index, self.items[index])
        list_item.setText(fresh.text())
        list_item.setFont(fresh.font())
        list_item.setForeground(fresh.foreground())

    def _row_changed(self, row: int) -> None:
        self._keep_edits()
        self._show(row if 0 <= row < len(self.items) else None)

    def _keep_edits(self) -> None:
        """The form's edits stay with the proposal the officer is leaving."""
        if self._current is None:
            return
        item = self.items[self._current]
        if item.state is State.PENDING and self.form.dirty:
            item.draft = self.form.draft()
            self._refresh_item(self._current)

    def _show(self, index: int | None) -> None:
        self._current = index
        item = self.items[index] if index is not None else None
        pending = item is not None and item.state is State.PENDING
        self.form.setEnabled(pending)
        self.accept_button.setEnabled(pending)
        self.reject_button.setEnabled(item is not None and item.state is not State.ACCEPTED)
        self.reject_button.setText(
            "Restore (Del)" if item and item.state is State.REJECTED else "Reject (Del)"
        )
        if item is None:
            self.text.show_proposal(None)
            self.evidence.clear()
            self.duplicates.hide()
            self.duplicates_button.hide()
            self.status.setText(
                "The report gave no incidents to propose." if not self.items else ""
            )
            return
        self.form.set_draft(item.draft)
        number = (index or 0) + 1
        self.form.header.setText(f"Proposed incident {number} of {len(self.items)}")
        self.form.show()
        self._annotate_form(item.proposal)
        self._fill_evidence(item.proposal)
        self.text.show_proposal(item.proposal)
        dups = item.proposal.duplicates
        self.duplicates.setVisible(bool(dups) and pending)
        self.duplicates_button.setVisible(
            bool(dups) and pending and self._show_incident is not None
        )
        self.duplicates.setText(
            f"Possible duplicate of {', '.join(dups)}: check "
            f"{'it' if len(dups) == 1 else 'them'} before accepting."
        )
        self.status.setText(self._state_text(item))

    def _state_text(self, item: Reviewed) -> str:
        if item.state is State.ACCEPTED:
            return f"Saved as {item.reference} (review status: draft)."
        if item.state is State.REJECTED:
            return "Rejected: it will not be saved."
        return f"Confidence {item.proposal.confidence:.0%}. Edit the form, then accept or reject."

    def _fill_evidence(self, proposal: Proposal) -> None:
        self.evidence.blockSignals(True)
        self.evidence.clear()
        for key in proposal.evidence:
            entry = QListWidgetItem(field_note(proposal, key))
            entry.setData(Qt.ItemDataRole.UserRole, key)
            self.evidence.addItem(entry)
        self.evidence.blockSignals(False)

    def _evidence_chosen(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is None or self._current is None:
            return
        key = current.data(Qt.ItemDataRole.UserRole)
        self.text.show_proposal(self.items[self._current].proposal, emphasise=key)

    def _annotate_form(self, proposal: Proposal) -> None:
        """Each form field the proposal filled says, on hover, what it was drawn from."""
        form = self.form
        widgets: dict[str, list[QWidget]] = {
            DATE: [form.date_start, form.date_end, form.date_precision],
            PLACE: [form.place, form.lat, form.lon, form.location_precision, form.area],
            EVENT_TYPE: [form.event_type],
            SUB_EVENT_TYPE: [form.sub_event_type],
        }
        for kind, rows in (
            ("actors", form.actors.rows),
            ("casualties", form.casualties.rows),
            ("sources", form.sources.rows),
        ):
            for i, row in enumerate(rows):
                widgets[f"{kind}.{i}"] = [row]
        for key, targets in widgets.items():
            note = field_note(proposal, key) if key in proposal.evidence else ""
            for widget in targets:
                if not hasattr(widget, "_tip_before_review"):
                    widget._tip_before_review = widget.toolTip()  # type: ignore[attr-defined]
                base = widget._tip_before_review  # type: ignore[attr-defined]
                widget.setToolTip(plain_tip(f"{note}\n\n{base}".strip()) if note else base)

    def show_duplicate(self) -> uuid.UUID | None:
        """Select the (first) likely duplicate in the main window, to compare."""
        if self._current is None or self._show_incident is None:
            return None
        refs = self.items[self._current].proposal.duplicates
        with self.project.session() as s:
            found = s.scalar(select(Incident.id).where(Incident.reference.in_(refs)))
        if found is not None:
            self._show_incident(found)
        return found

    # ================================================================= decisions
    def accept_current(self) -> None:
        """Save the form's draft (checked like typed input) as a draft incident."""
        if self._current is None or self.items[self._current].state is not State.PENDING:
            return
        self.form.save()  # on success the form emits saved (see _form_saved)

    def _save_accepted(self, draft: IncidentDraft) -> uuid.UUID:
        draft.review_status = ReviewStatus.DRAFT.value
        return self._save(draft)

    def _form_saved(self, incident_id: uuid.UUID) -> None:
        if self._current is None:
            return
        item = self.items[self._current]
        item.draft = self.form.draft()
        item.state, item.incident_id = State.ACCEPTED, incident_id
        with self.project.session() as s:
            found = s.get(Incident, incident_id)
            item.reference = found.reference if found is not None else ""
        self._refresh_item(self._current)
        self.incidentSaved.emit(incident_id)
        self._next_pending()

    def reject_current(self) -> None:
        """Reject the selected proposal (nothing is saved), or restore a rejected one."""
        if self._current is None:
            return
        item = self.items[self._current]
        if item.state is State.ACCEPTED:
            return
        if item.state is State.REJECTED:
            item.state = State.PENDING
            self._refresh_item(self._current)
            self._show(self._current)
            return
        if self.form.dirty:
            item.draft = self.form.draft()
        item.state = State.REJECTED
        self.form.dirty = False
        self._refresh_item(self._current)
        self._next_pending()

    def _form_closed(self) -> None:
        if not self._closing:
            self.form.show()

    def _next_pending(self) -> None:
        """Move on to the next proposal still to review (or stay, when none is left)."""
        start = self._current or 0
        order = [*range(start + 1, len(self.items)), *range(0, start + 1)]
        nxt = next((i for i in order if self.items[i].state is State.PENDING), None)
        self.form.dirty = False
        if nxt is None or nxt == self._current:
            self._show(self._current)
            self.status.setText(self._done_text())
        else:
            self.list.setCurrentRow(nxt)
        self.list.setFocus()

    def _done_text(self) -> str:
        accepted = sum(1 for i in self.items if i.state is State.ACCEPTED)
        rejected = sum(1 for i in self.items if i.state is State.REJECTED)
        return f"All reviewed: {accepted} accepted (saved as drafts), {rejected} rejected."

    def pending(self) -> list[Reviewed]:
        return [i for i in self.items if i.state is State.PENDING]

    def discard(self) -> None:
        """Close without asking (the app is locking: the report must not stay on screen);
        undecided proposals are dropped, as nothing of them was saved."""
        self._discarding = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        left = len(self.pending())
        if (
            left
            and not self._discarding
            and not self._prompts.confirm(
                self,
                "Close the review?",
                f"{left} proposed incident{'s are' if left != 1 else ' is'} neither accepted nor "
                "rejected and will not be saved. Close anyway?",
            )
        ):
            event.ignore()
            return
        self._closing = True
        self.form.dirty = False
        self.form.close()
        event.accept()
        self.closed.emit()


def _day(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
