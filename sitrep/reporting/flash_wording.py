"""Sentences and fact rows of a flash update (the rules of :mod:`wording` apply)."""

from __future__ import annotations

from sitrep.reporting import wording
from sitrep.reporting.flash import EventDetail, FlashContext


def event_heading(event: EventDetail) -> str:
    row = event.row
    when = wording.day_year(row.date)
    if event.time_local:
        when += f", {event.time_local}"
    return f"{when} — {wording.place_text(row)} ({row.reference})"


def highlights_markup(flash: FlashContext) -> str:
    bullets = [wording.incident_sentence(e.row, bold_lead=True) for e in flash.events]
    if flash.nearby:
        n = len(flash.nearby)
        killed = sum(r.killed for r in flash.nearby)
        bullets.append(
            f"{wording.plural(n, 'other incident')} {'was' if n == 1 else 'were'} recorded "
            f"within {flash.radius_km:.0f} km in the {flash.days_before} days before, with "
            f"{wording.plural(killed, 'person', 'people')} reported killed."
        )
    return "\n".join(f"- {b}" for b in bullets)


def fact_rows(event: EventDetail) -> list[list[str]]:
    row = event.row
    date = wording.day_year(row.date)
    if row.date_end != row.date:
        date += f" – {wording.day_year(row.date_end)}"
    if event.time_local:
        date += f", {event.time_local} local time"
    actors = []
    if row.side_a:
        actors.append(", ".join(row.side_a))
    if row.side_b:
        actors.append("against " + ", ".join(row.side_b))
    harm = wording.harm_phrase(row) or "none reported"
    claim = wording.claim_sentence(row)
    if claim:
        harm += f". {claim}"
    sources = [
        f"{s.source_type} ({s.grading})"
        + (f", {wording.day_year(s.published)}" if s.published else "")
        for s in event.sources
    ]
    verification = row.verification.value
    if row.in_review:
        verification += "; still in review, details may change"
    facts = [
        ["Date", date],
        ["Location", ", ".join(event.location) + f" ({event.precision})"],
        ["Type", f"{row.event_type} — {row.type_label}"],
        ["Actors", "; ".join(actors) or "not known"],
        ["Harm (best estimates)", harm],
    ]
    if event.impacts:
        facts.append(["Impacts", ", ".join(event.impacts)])
    facts.append(["Sources (grading)", "; ".join(sources) or "none recorded"])
    facts.append(["Verification", verification])
    return facts


def context_lead(flash: FlashContext, region_name: str) -> str:
    if not flash.nearby:
        return (
            f"No other incident was recorded within {flash.radius_km:.0f} km of this event "
            f"in the {flash.days_before} days before it."
        )
    n = len(flash.nearby)
    return (
        f"Incidents recorded within {flash.radius_km:.0f} km in the {flash.days_before} days "
        f"before ({'the most recent ' + str(n) if n >= 12 else wording.plural(n, 'incident')}),"
        " most recent first:"
    )
