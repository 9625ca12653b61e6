"""Plain text in, JSON records out: what the command line reads and writes.

Files of every kind are read by :mod:`sitrep.drafting.documents`; standard input and
batch lines go through :func:`plain_document`, which reads their dateline by the same rule.
"""

from __future__ import annotations

from typing import Any

from sitrep.drafting.documents import text_document
from sitrep.drafting.proposal import Proposal, SourceDocument, Span
from sitrep.model.enums import Outcome


def plain_document(text: str, name: str = "") -> SourceDocument:
    """A pasted or plain-text report, with its own date when a dateline gives one (the
    one rule for every kind of document: :func:`sitrep.drafting.documents.find_dateline`)."""
    return text_document(text, name)


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
