"""Drafting incidents from a report's text, every field tied to the words behind it.

:func:`draft_incidents` reads a :class:`SourceDocument` against what the project knows
(its places, admin areas, actors and coded incidents, see :mod:`.knowledge`) and
returns one :class:`Proposal` per event the text tells of (see :mod:`.events`). Nothing
is saved: the officer accepts, edits or rejects each proposal, and an accepted one goes
through :func:`sitrep.editing.save.save_draft` like typed input. Figures a party gives
are party claims; verification stays "unverified"; the source is left ungraded with a
suggestion; likely duplicates of the project's incidents are named.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from sitrep.drafting.claims import claimant, speakers
from sitrep.drafting.duplicates import likely_duplicates
from sitrep.drafting.events import EventText, split_events
from sitrep.drafting.knowledge import Knowledge, knowledge_for
from sitrep.drafting.places import point_in_area, precision_for
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
from sitrep.drafting.types import STRONG, TypeGuess, guess_by_rules
from sitrep.editing.draft import ActorDraft, CasualtyDraft, IncidentDraft, SourceDraft
from sitrep.errors import SitrepError
from sitrep.model.enums import (
    ActorRole,
    Affiliation,
    LocationPrecision,
    ReviewStatus,
    SourceType,
    Verification,
)
from sitrep.model.taxonomy import event_type_of

_ONE_SIDED = {"Violence against civilians"}
_ONE_SIDED_SUBS = {"Arrests", "Looting/property destruction"}


def draft_incidents(
    session: Session, document: SourceDocument, report_date: dt.date | None = None
) -> list[Proposal]:
    """Proposed incidents for ``document``; ``report_date`` overrides the document's own."""
    report = report_date or document.report_date
    if report is None:
        raise SitrepError(
            f"{document.name or 'The text'} gives no date of its own: say when the report "
            "was written (--report-date YYYY-MM-DD) so 'on Tuesday' or 'last week' can be read."
        )
    know = knowledge_for(session)
    proposals = propose(document, report, know)
    for proposal in proposals:
        proposal.duplicates = likely_duplicates(session, proposal.draft)
    return proposals


def propose(document: SourceDocument, report: dt.date, know: Knowledge) -> list[Proposal]:
    """The proposals without the duplicate check (which needs the database)."""
    text = document.text
    known_speakers = speakers(text, know.actors)
    return [
        _proposal(event, document, report, know, known_speakers)
        for event in split_events(text, report, know)
    ]


def _span(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


def _proposal(
    event: EventText,
    doc: SourceDocument,
    report: dt.date,
    know: Knowledge,
    known_speakers: dict[str, str],
) -> Proposal:
    text = doc.text
    draft = IncidentDraft(review_status=ReviewStatus.DRAFT.value)
    passage = _span(text, event.start, event.end)
    proposal = Proposal(draft=draft, passage=passage)
    draft.narrative = passage.text
    confidence = 0.4
    # when
    d = event.date
    draft.date_start = d.start.isoformat()
    draft.date_end = d.end.isoformat() if d.end != d.start else ""
    draft.date_precision = int(d.precision)
    if d.start_char >= 0:
        proposal.evidence[DATE] = [_span(text, d.start_char, d.end_char)]
        confidence += 0.2
    proposal.notes[DATE] = (
        f"{event.date_note} → {d.start.isoformat()}"
        + (f" to {d.end.isoformat()}" if d.end != d.start else "")
        + f" ({d.precision.label})"
    )
    # where
    _place(event, draft, proposal, text, know)
    if event.place is not None and not event.place_note:
        confidence += 0.2
    # what
    guess = _event_type(event, know, text)
    if guess is not None:
        draft.event_type, draft.sub_event_type = guess.event_type, guess.sub_event_type
        if guess.end > guess.start:
            proposal.evidence[EVENT_TYPE] = [_span(text, guess.start, guess.end)]
            proposal.evidence[SUB_EVENT_TYPE] = [_span(text, guess.start, guess.end)]
        proposal.notes[SUB_EVENT_TYPE] = guess.note
        proposal.notes[EVENT_TYPE] = guess.note
        confidence += 0.1 if guess.score >= STRONG else 0.0
    # who, harm, claims
    claim_by = _claimant(event, known_speakers, know)
    _actors(event, draft, proposal, text, claim_by)
    _casualties(event, draft, proposal, text, claim_by)
    _source(event, doc, report, draft, proposal, claim_by)
    draft.verification = Verification.UNVERIFIED.value
    draft.title = _title(draft)
    proposal.confidence = round(min(confidence, 1.0), 2)
    return proposal


def _place(
    event: EventText, draft: IncidentDraft, proposal: Proposal, text: str, know: Knowledge
) -> None:
    mention = event.place
    if mention is None:
        proposal.notes[PLACE] = "no place named: choose one"
        return
    loc = mention.location
    precision = precision_for(mention)
    coords = loc
    if loc.level is not None:
        point = point_in_area(know.places, loc)
        if point is not None:
            coords = point
    elif mention.kind_level is not None and mention.kind_level >= 1:
        precision = (
            LocationPrecision.ADMIN2 if mention.kind_level >= 2 else LocationPrecision.ADMIN1
        )
    draft.place_name = loc.name
    draft.place_id = str(loc.place_id) if loc.place_id else None
    if coords.lat is not None and coords.lon is not None:
        draft.lat = f"{coords.lat:.5f}".rstrip("0").rstrip(".")
        draft.lon = f"{coords.lon:.5f}".rstrip("0").rstrip(".")
    elif precision in (LocationPrecision.EXACT, LocationPrecision.NEAR):
        precision = LocationPrecision.ADMIN2 if loc.deepest_area else LocationPrecision.COUNTRY
    area = loc.deepest_area
    draft.area_id = str(area) if area else None
    draft.country_iso = loc.country_iso or know.places.country_iso
    draft.location_precision = int(precision)
    proposal.evidence[PLACE] = [_span(text, mention.start, mention.end)]
    where = {
        "project place": "a place of the project",
        "coded incidents": "where the project's incidents were coded",
        "admin area": "an admin area of the project",
        "gazetteer": "the shipped gazetteer",
    }[loc.origin]
    note = f"'{text[mention.start : mention.end]}' is {loc.name}, {where} ({precision.label})"
    proposal.notes[PLACE] = f"{event.place_note}: {note}" if event.place_note else note


def _event_type(event: EventText, know: Knowledge, text: str) -> TypeGuess | None:
    if event.forced_type:
        start, end = event.forced_span or (event.start, event.start)
        return TypeGuess(
            event_type_of(event.forced_type) or "", event.forced_type, float(STRONG), start, end,
            f"keyword rule: '{text[start:end]}' (one of several acts in the sentence)",
        )  # fmt: skip
    body = event.text()
    rule = guess_by_rules(body)
    if rule is not None:
        rule = TypeGuess(
            rule.event_type,
            rule.sub_event_type,
            rule.score,
            rule.start + event.start,
            rule.end + event.start,
            rule.note,
        )
        rule = _fix_offsets(rule, event, text)
    model = know.classifier
    if model is None:
        return rule
    sub, prob = model.predict(body)
    if (
        rule is not None
        and rule.score >= STRONG
        and (prob < model.trust or sub == rule.sub_event_type)
    ):
        return rule
    if sub not in know.known_subs and sub not in ((event_type_of(sub) and [sub]) or []):
        return rule
    start, end = (
        (rule.start, rule.end) if rule is not None and rule.sub_event_type == sub else (0, 0)
    )
    return TypeGuess(
        event_type_of(sub) or "", sub, prob, start, end,
        f"learnt from the project's {model.trained_on} coded incidents ({prob:.0%} sure)",
    )  # fmt: skip


def _fix_offsets(rule: TypeGuess, event: EventText, text: str) -> TypeGuess:
    """Rule offsets were counted in the joined sentences; map them onto the document."""
    pos = 0
    for s in event.sentences:
        length = len(s.text)
        rel = rule.start - event.start
        if pos <= rel < pos + length + 1:
            start = s.start + (rel - pos)
            end = start + (rule.end - rule.start)
            return TypeGuess(
                rule.event_type, rule.sub_event_type, rule.score, start, end, rule.note
            )
        pos += length + 1
    return rule


def _claimant(event: EventText, known: dict[str, str], know: Knowledge) -> str | None:
    for _, sentence in event.claims:
        who = claimant(sentence, known, know.actors)
        if who:
            return who
    if event.unverifiable:
        return next((a.name for a in event.actors if a.inter_code not in (0, 7)), None)
    return None


def _actors(
    event: EventText, draft: IncidentDraft, proposal: Proposal, text: str, claim_by: str | None
) -> None:
    seen: dict[str, int] = {}
    spans: dict[str, list[Span]] = {}
    for a in event.actors:
        spans.setdefault(a.name, []).append(_span(text, a.start, a.end))
        seen.setdefault(a.name, a.inter_code)
    one_sided = draft.event_type in _ONE_SIDED or draft.sub_event_type in _ONE_SIDED_SUBS
    armed = 0
    for name, code in seen.items():
        if code == 7:
            role = ActorRole.TARGET
        elif one_sided:
            role = ActorRole.PERPETRATOR if armed == 0 else ActorRole.TARGET
            armed += 1
        else:
            role = ActorRole.SIDE_A if armed == 0 else ActorRole.SIDE_B
            armed += 1
        draft.actors.append(ActorDraft(name=name, role=role.value))
        key = row_key("actors", len(draft.actors) - 1)
        proposal.evidence[key] = spans[name]
        proposal.notes[key] = (
            f"'{spans[name][0].text}' is {name} ({role.value}, by order of mention)"
        )
    if claim_by:
        draft.actors.append(ActorDraft(name=claim_by, role=ActorRole.CLAIMANT.value))
        key = row_key("actors", len(draft.actors) - 1)
        proposal.notes[key] = f"{claim_by} makes the claim"


def _side_of(draft: IncidentDraft, state: bool, names: dict[str, int]) -> Affiliation:
    """The side soldiers/police (``state``) or fighters belong to in this event."""
    for actor in draft.actors:
        code = names.get(actor.name, 0)
        if (code == 1) == state and code not in (0, 7):
            if actor.role == ActorRole.SIDE_A.value:
                return Affiliation.SIDE_A
            if actor.role == ActorRole.SIDE_B.value:
                return Affiliation.SIDE_B
    return Affiliation.UNKNOWN


def _casualties(
    event: EventText, draft: IncidentDraft, proposal: Proposal, text: str, claim_by: str | None
) -> None:
    codes = {a.name: a.inter_code for a in event.actors}
    rows: dict[tuple[str, str, bool], tuple[CasualtyDraft, Span]] = {}
    claim_sentences = [s for _, s in event.claims]
    for h in event.harm:
        sentence = next((s for s in event.sentences if s.start <= h.start < s.end), None)
        in_claim = sentence is not None and sentence.text in claim_sentences
        party = bool(in_claim and (claim_by or event.unverifiable))
        aff = h.affiliation
        if aff in (Affiliation.SIDE_A, Affiliation.SIDE_B):
            aff = _side_of(draft, aff == Affiliation.SIDE_A, codes)
        low, best, high = h.low, h.best, h.high
        note = h.note
        if event.share_of > 1:
            n = event.share_of
            low, best, high = low // n, round(best / n), -(-high // n)
            note += f" across {n} days; split evenly (an estimate)"
        row = CasualtyDraft(
            outcome=h.outcome.value, affiliation=aff.value, low=low, best=best, high=high,
            is_party_claim=party, at_least=h.at_least,
            note=(f"{note}, {claim_by or 'a party'}'s claim" if party else note)[:200],
        )  # fmt: skip
        group = (row.outcome, row.affiliation, party)
        if group not in rows or rows[group][0].best < row.best:
            rows[group] = (row, _span(text, h.start, h.end))
    for row, span in rows.values():
        draft.casualties.append(row)
        key = row_key("casualties", len(draft.casualties) - 1)
        proposal.evidence[key] = [span]
        proposal.notes[key] = row.note


def _source(
    event: EventText,
    doc: SourceDocument,
    report: dt.date,
    draft: IncidentDraft,
    proposal: Proposal,
    claim_by: str | None,
) -> None:
    name = doc.title or doc.name or "Pasted report"
    draft.sources.append(
        SourceDraft(
            name=name[:200], source_type=SourceType.OTHER.value, published=report.isoformat(),
            url=doc.url, excerpt=event.text()[:500], graded=False,
        )
    )  # fmt: skip
    key = row_key("sources", 0)
    proposal.evidence[key] = [proposal.passage]
    suggestion = "Not graded: grade the source (reliability A–F) and the information (1–6)."
    if claim_by or event.unverifiable:
        suggestion += (
            f" The figures are {claim_by or 'a party'}'s claim"
            + (" and the report could not verify them" if event.unverifiable else "")
            + ": information 6 (cannot be judged) unless another source confirms it."
        )
    proposal.notes[key] = suggestion


def _title(draft: IncidentDraft) -> str:
    what = draft.sub_event_type or "Event"
    return f"{what} – {draft.place_name}" if draft.place_name else what
