"""The report's text with the words behind each proposed field highlighted.

Spans are Python string offsets (code points); Qt counts UTF-16 units, so a character
outside the Basic Multilingual Plane (an emoji in a pasted post) counts twice there.
:class:`EvidenceText` converts, so a highlight never drifts after such a character.
Highlights are extra selections, not edits: the text itself is never changed.
"""

from __future__ import annotations

import html
from itertools import accumulate

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QHelpEvent, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QTextEdit, QToolTip, QWidget

from sitrep.drafting.proposal import DATE, EVENT_TYPE, PLACE, SUB_EVENT_TYPE, Proposal, Span

# (kind, label, colour): one colour per kind of field, light enough to read text on
KINDS: list[tuple[str, str, str]] = [
    ("date", "Date", "#bfdcff"),
    ("place", "Place", "#c4efc0"),
    ("type", "Type", "#ffd9a8"),
    ("actors", "Actors", "#e2ccff"),
    ("casualties", "Harm", "#ffc2c2"),
    ("sources", "Source / claim", "#d9d9d9"),
    ("other", "Other", "#fff3a8"),
]
COLOURS = {kind: colour for kind, _label, colour in KINDS}
PASSAGE_COLOUR = "#f4f4ee"


def kind_of(key: str) -> str:
    """The colour kind of an evidence key (``date_start``, ``casualties.0``, …)."""
    if key in {DATE, "date_end", "date_precision", "time_local"}:
        return "date"
    if key in {PLACE, "lat", "lon", "location_precision", "area_id", "place_id"}:
        return "place"
    if key in {EVENT_TYPE, SUB_EVENT_TYPE, "local_type"}:
        return "type"
    head = key.split(".", 1)[0]
    return head if head in COLOURS else "other"


def plain_tip(text: str) -> str:
    """A tooltip that shows ``text`` as written: words from a report are never markup."""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>" if text else ""


def field_label(key: str) -> str:
    """A field's name as the form shows it: "Date", "Casualties 1"."""
    names = {
        DATE: "Date",
        PLACE: "Place",
        EVENT_TYPE: "Event type",
        SUB_EVENT_TYPE: "Sub-event type",
    }
    if key in names:
        return names[key]
    head, _, index = key.partition(".")
    label = head.replace("_", " ").capitalize()
    if head.endswith("s") and index.isdigit():
        label = f"{label[:-1]} {int(index) + 1}".replace("Casualtie ", "Casualty ")
    return label


def field_note(proposal: Proposal, key: str) -> str:
    """What the field was drawn from: the extractor's note, else the words themselves."""
    note = proposal.notes.get(key, "").strip()
    words = "; ".join(f"'{s.text}'" for s in proposal.evidence.get(key, []))
    if note:
        return f"{field_label(key)}: {note}"
    return f"{field_label(key)}: drawn from {words}" if words else field_label(key)


class EvidenceText(QTextEdit):
    """Read-only report text; shows one proposal's passage and field spans."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidenceText")
        self.setReadOnly(True)
        self.setPlainText(text)
        self._text = text
        # Qt position of each Python offset: one more for every astral character before
        wide = [1 if ord(ch) > 0xFFFF else 0 for ch in text]
        self._shift = [0, *accumulate(wide)]
        self.proposal: Proposal | None = None
        self.emphasised: str | None = None

    def qt_position(self, offset: int) -> int:
        offset = max(0, min(offset, len(self._text)))
        return offset + self._shift[offset]

    def _selection(self, span: Span, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.qt_position(span.start))
        cursor.setPosition(self.qt_position(span.end), QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor  # type: ignore[misc]
        selection.format = fmt  # type: ignore[misc]
        return selection

    def show_proposal(self, proposal: Proposal | None, emphasise: str | None = None) -> None:
        """Shade the proposal's passage, colour its fields' words, and scroll to it."""
        self.proposal, self.emphasised = proposal, emphasise
        if proposal is None:
            self.setExtraSelections([])
            return
        passage = QTextCharFormat()
        passage.setBackground(QColor(PASSAGE_COLOUR))
        passage.setProperty(QTextFormat.Property.FullWidthSelection, False)
        selections = [self._selection(proposal.passage, passage)]
        for key, spans in proposal.evidence.items():
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(COLOURS[kind_of(key)]))
            if key == emphasise:
                fmt.setFontUnderline(True)
                fmt.setFontWeight(700)
                fmt.setUnderlineColor(QColor("#333333"))
            selections.extend(self._selection(span, fmt) for span in spans)
        self.setExtraSelections(selections)
        target = proposal.passage
        if emphasise and proposal.evidence.get(emphasise):
            target = proposal.evidence[emphasise][0]
        self.scroll_to(target)

    def scroll_to(self, span: Span) -> None:
        """Bring the span's first line near the top of the view (a line of context above)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.qt_position(span.start))
        self.setTextCursor(cursor)
        bar = self.verticalScrollBar()
        top = self.cursorRect(cursor).top()
        bar.setValue(bar.value() + top - self.fontMetrics().lineSpacing())

    def key_at(self, position: int) -> str | None:
        """The evidence key whose words stand at Qt ``position`` (under the mouse)."""
        if self.proposal is None:
            return None
        for key, spans in self.proposal.evidence.items():
            for span in spans:
                if self.qt_position(span.start) <= position < self.qt_position(span.end):
                    return key
        return None

    def event(self, event: QEvent) -> bool:
        """Hovering a highlighted word says which field it was drawn into, and how."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            position = self.cursorForPosition(self.viewport().mapFrom(self, event.pos()))
            key = self.key_at(position.position())
            if key is not None and self.proposal is not None:
                QToolTip.showText(
                    event.globalPos(), plain_tip(field_note(self.proposal, key)), self
                )
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def highlighted(self) -> list[tuple[str, str]]:
        """(text, background colour) of every highlight shown: for tests and checks."""
        return [
            (s.cursor.selectedText(), s.format.background().color().name())
            for s in self.extraSelections()
        ]
