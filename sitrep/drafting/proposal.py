"""What the drafting core hands to the review window and the command line.

A :class:`Proposal` is an ordinary form draft (:class:`~sitrep.editing.draft.IncidentDraft`,
with ``review_status`` "draft") plus, for each field it filled, the spans of the document's
text it was drawn from and a short note of how. The review window highlights the spans and
shows the notes; accepting a proposal saves its draft with the usual
:func:`sitrep.editing.save.save_draft`, so a proposal is checked exactly like typed input.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sitrep.editing.draft import IncidentDraft

# Keys of Proposal.evidence / Proposal.notes: IncidentDraft field names, and for rows
# "actors.N", "casualties.N", "sources.N" (N = index in the draft's list).
DATE = "date_start"  # date_start, date_end and date_precision together
PLACE = "place_name"  # place, coordinates, admin area and location precision together
EVENT_TYPE = "event_type"
SUB_EVENT_TYPE = "sub_event_type"


def row_key(kind: str, index: int) -> str:
    """The evidence key of one actor, casualty or source row: ``"casualties.0"``."""
    return f"{kind}.{index}"


@dataclass(frozen=True)
class Span:
    """Characters ``start:end`` of :attr:`SourceDocument.text` (Python string offsets)."""

    start: int
    end: int
    text: str


@dataclass
class SourceDocument:
    """A report as read from a file or pasted: plain text plus what it says about itself."""

    text: str
    name: str = ""  # file name, or "" when pasted
    kind: str = "text"  # "text", "docx", "pdf", "eml"
    title: str = ""
    # the report's own date (document metadata, e-mail Date header, a dateline); None
    # when the document does not give one and the user must be asked
    report_date: dt.date | None = None
    report_date_evidence: Span | None = None
    author: str = ""
    url: str = ""
    # where report_date came from, in words: "the dateline '6 March 2025'", "the
    # e-mail's Date header"; "" when there is no report_date
    report_date_source: str = ""
    # what the reader could not take in, for the officer: attachments left aside,
    # a guessed encoding, bytes that did not decode
    notes: list[str] = field(default_factory=list)


@dataclass
class Proposal:
    """One incident the text appears to describe, for the officer to accept, edit or reject."""

    draft: IncidentDraft
    # the paragraph or sentences the incident was drawn from
    passage: Span
    evidence: dict[str, list[Span]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    # references of existing incidents that look like the same event
    duplicates: list[str] = field(default_factory=list)
    # 0..1, how sure the extractor is that this is an incident at all
    confidence: float = 1.0
