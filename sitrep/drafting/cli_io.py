"""Plain text in, JSON records out: what the command line reads and writes.

The document readers for .docx/.pdf/.eml live in :mod:`sitrep.drafting.documents`;
plain text (a .txt file, standard input, a batch line) needs only
:func:`plain_document`, which also takes a date written alone on the first line as the
report's own date.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sitrep.drafting.dates import find_dates
from sitrep.drafting.proposal import Proposal, SourceDocument, Span
from sitrep.model.enums import Outcome

_DATELINE = re.compile(r"^\s*(?:(?:date|published|dated)\s*:?\s*)?(.{6,40}?)\s*$", re.I)


def plain_document(text: str, name: str = "") -> SourceDocument:
    """A pasted or plain-text report; its date when its first line is one."""
    doc = SourceDocument(text=text, name=name, kind="text")
    first = re.match(r"\s*([^\n]*)", text)
    if first and first.group(1):
        line = first.group(1)
        m = _DATELINE.match(line)
        if m:
            found = [
                d
                for d in find_dates(m.group(1), dt.date.max - dt.timedelta(days=2))
                if d.start == d.end and d.start_char == 0 and d.end_char == len(m.group(1))
            ]
            explicit_year = re.search(r"(19|20)\d\d", m.group(1))
            if found and explicit_year:
                start = first.start(1) + m.start(1)
                doc.report_date = found[0].start
                doc.report_date_evidence = Span(start, start + len(m.group(1)), m.group(1))
    return doc


def _spans(spans: list[Span]) -> list[dict[str, Any]]:
    return [{"start": s.start, "end": s.end, "text": s.text} for s in spans]


def proposal_record(p: Proposal) -> dict[str, Any]:
    """One proposed incident as the command line writes it (JSON-ready)."""
    d = p.draft
    killed = sum(
        c.best for c in d.casualties if c.outcome == Outcome.KILLED and not c.is_party_claim
    )
    claimed = sum(c.best for c in d.casualties if c.outcome == Outcome.KILLED and c.is_party_claim)
    return {
        "title": d.title,
        "date_start": d.date_start,
        "date_end": d.date_end or d.date_start,
        "date_precision": d.date_precision,
        "place_name": d.place_name,
        "lat": float(d.lat) if d.lat else None,
        "lon": float(d.lon) if d.lon else None,
        "location_precision": d.location_precision,
        "area_id": d.area_id,
        "country_iso": d.country_iso,
        "event_type": d.event_type,
        "sub_event_type": d.sub_event_type,
        "killed": killed,
        "killed_claimed": claimed,
        "casualties": [
            {
                "outcome": c.outcome,
                "affiliation": c.affiliation,
                "low": c.low,
                "best": c.best,
                "high": c.high,
                "at_least": c.at_least,
                "is_party_claim": c.is_party_claim,
                "note": c.note,
            }
            for c in d.casualties
        ],
        "actors": [{"name": a.name, "role": a.role} for a in d.actors],
        "verification": d.verification,
        "sources": [
            {"name": s.name, "published": s.published, "graded": s.graded, "url": s.url}
            for s in d.sources
        ],
        "narrative": d.narrative,
        "evidence": {key: _spans(spans) for key, spans in p.evidence.items()},
        "notes": dict(p.notes),
        "passage": _spans([p.passage])[0],
        "duplicates": list(p.duplicates),
        "confidence": p.confidence,
    }
