"""Sentences that follow the evidence.

A party's own statement is worded as a claim ("KIA said … ; this could not be
independently verified") and kept out of the totals; a single unconfirmed source is
flagged as such. Every generated sentence goes through here so the rules hold in the
highlights, the overview draft, the change list and the annex alike.
"""

from __future__ import annotations

import datetime as dt

from sitrep.model.enums import Affiliation, Outcome, Verification
from sitrep.reporting.figures import AnnexRow, ReportData

UNVERIFIED_TAIL = "this could not be independently verified"


def day(date: dt.date) -> str:
    return f"{date.day} {date:%B}"


def day_year(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def period_text(date_from: dt.date, date_to: dt.date) -> str:
    if date_from == date_to:
        return day_year(date_from)
    if date_from.year == date_to.year:
        if date_from.month == date_to.month:
            return f"{date_from.day}–{date_to.day} {date_to:%B %Y}"
        return f"{day(date_from)} – {day_year(date_to)}"
    return f"{day_year(date_from)} – {day_year(date_to)}"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def place_text(row: AnnexRow) -> str:
    if row.township and row.township.casefold() not in row.place.casefold():
        return f"{row.place} ({row.township})" if row.place else row.township
    return row.place or row.township or "an unspecified location"


def claimant(row: AnnexRow) -> str:
    return " and ".join(row.claimants) if row.claimants else "A party to the conflict"


def _who(claim_affiliation: str, row: AnnexRow, count: int) -> str:
    aff = claim_affiliation
    if aff == Affiliation.CIVILIAN.value:
        return "civilian" if count == 1 else "civilians"
    side = row.side_a if aff == Affiliation.SIDE_A.value else row.side_b
    others = [s for s in side if s not in row.claimants]
    if aff in (Affiliation.SIDE_A.value, Affiliation.SIDE_B.value) and others:
        return f"{'member' if count == 1 else 'members'} of {others[0]}"
    return "person" if count == 1 else "people"


def claim_sentence(row: AnnexRow) -> str:
    """The party's claim, worded as a claim. Empty when the incident has none."""
    killed_claims = [c for c in row.claims if c.outcome == Outcome.KILLED.value]
    if killed_claims:
        n = sum(c.best for c in killed_claims)
        who = _who(killed_claims[0].affiliation, row, n)
        return f"{claimant(row)} said {n:,} {who} were killed; {UNVERIFIED_TAIL}."
    if row.killed_claimed:
        return (
            f"{claimant(row)} said {plural(row.killed_claimed, 'person', 'people')} "
            f"were killed; {UNVERIFIED_TAIL}."
        )
    if row.verification is Verification.CLAIM_UNVERIFIABLE:
        what = _sentence_case(row.title.rstrip(".")) if row.title else "the incident"
        return f"{what}, according to {_lower_first(claimant(row))}; {UNVERIFIED_TAIL}."
    return ""


def _lower_first(text: str) -> str:
    if text.startswith("A ") or text.startswith("The "):
        return text[:1].lower() + text[1:]
    return text


def _sentence_case(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]


def attribution_sentence(row: AnnexRow) -> str:
    """Who is said to have done it, without stating it as fact; denials said."""
    parts = []
    if row.alleged:
        parts.append(f"Allegedly carried out by {_join(row.alleged)}.")
    if row.denying:
        verb = "denies" if len(row.denying) == 1 else "deny"
        parts.append(f"{_join(row.denying)} {verb} involvement.")
    return " ".join(parts)


def harm_phrase(row: AnnexRow) -> str:
    parts: list[str] = []
    if row.killed:
        text = f"{plural(row.killed, 'person', 'people')} killed"
        if row.civilians_killed == row.killed:
            text = f"{plural(row.killed, 'civilian')} killed"
        elif row.civilians_killed:
            text += f", including {plural(row.civilians_killed, 'civilian')}"
        parts.append(text)
    if row.injured:
        parts.append(f"{row.injured:,} injured")
    if row.abducted_detained:
        parts.append(f"{row.abducted_detained:,} abducted or detained")
    return "; ".join(parts)


def verification_note(row: AnnexRow) -> str:
    if row.verification is Verification.DISPUTED:
        return "Accounts of this incident are disputed."
    if row.verification in (Verification.UNVERIFIED, Verification.SINGLE_SOURCE) and (
        row.killed or row.injured
    ):
        return "Single source, not yet corroborated."
    return ""


def incident_sentence(row: AnnexRow, *, bold_lead: bool = False) -> str:
    """A sitrep bullet about one incident: "3 June, Place: What happened. Harm. (REF)"

    With ``bold_lead`` the date and place are in light markup bold (``**…**``).
    """
    lead = f"{day(row.date)}, {place_text(row)}:"
    if bold_lead:
        lead = f"**{lead}**"
    return _incident_body(row, lead) + f" ({row.reference})"


def _incident_body(row: AnnexRow, lead: str) -> str:
    claim = claim_sentence(row)
    if row.verification is Verification.CLAIM_UNVERIFIABLE and claim:
        harm = harm_phrase(row)
        harm_text = _sentence_case(harm) + "." if harm else ""
        return " ".join(s for s in (lead, claim, harm_text, attribution_sentence(row)) if s)
    title = _sentence_case(row.title.rstrip(".")) if row.title else row.type_label
    harm = harm_phrase(row)
    parts = [lead, f"{title}."]
    if harm and any(w in title.lower() for w in ("killed", "dead", "injured", "wounded")):
        parts.append(f"Best estimate: {harm}.")  # the title already says people died
    elif harm:
        parts.append(f"{_sentence_case(harm)}.")
    parts.extend(s for s in (attribution_sentence(row), claim, verification_note(row)) if s)
    return " ".join(parts)


def change_text(now: int, before: int) -> str:
    if before == 0:
        return "new this period" if now else "no change"
    pct = round(100 * (now - before) / before)
    if pct == 0:
        return "no change"
    return f"{'+' if pct > 0 else '−'}{abs(pct)}% vs previous period"


def seeded_highlights(data: ReportData, limit: int = 4) -> list[str]:
    """Highlight bullets seeded from the period's figures and most severe incidents."""
    f, p = data.figures, data.previous
    bullets = [
        f"{plural(f.incidents, 'incident')} recorded in {data.region.name} "
        f"({change_text(f.incidents, p.incidents)}), with "
        f"{plural(f.killed, 'person', 'people')} reported killed, "
        f"including {plural(f.civilians_killed, 'civilian')}."
    ]
    ranked = sorted(data.incidents, key=lambda r: (-r.severity, r.date, r.reference))
    bullets.extend(incident_sentence(r, bold_lead=True) for r in ranked[:limit] if r.severity > 0)
    return bullets


def seeded_highlights_markup(data: ReportData, limit: int = 4) -> str:
    return "\n".join(f"- {b}" for b in seeded_highlights(data, limit))


def seeded_overview(data: ReportData) -> str:
    """A factual first paragraph the author can rewrite (used when none was written)."""
    f, p = data.figures, data.previous
    lines = [
        f"Between {period_text(data.date_from, data.date_to)}, {plural(f.incidents, 'incident')} "
        f"{'was' if f.incidents == 1 else 'were'} recorded in {data.region.name}, against "
        f"{p.incidents:,} in the previous period of equal length. "
        f"They left an estimated {plural(f.killed, 'person', 'people')} dead "
        f"(range {data.killed_low:,}–{data.killed_high:,}), "
        f"{f.civilians_killed:,} of them civilians, and {f.injured:,} injured."
    ]
    if data.by_type:
        top = data.by_type[0]
        lines.append(
            f"{top.event_type} {'was' if top.incidents == 1 else 'were'} the most frequent "
            f"type of incident ({top.incidents:,} of {f.incidents:,})."
        )
    named = [a for a in data.by_area if a.area_id is not None][:3]
    if named:
        lines.append(
            "Most incidents took place in "
            + _join([f"{a.name} ({a.incidents:,})" for a in named])
            + "."
        )
    if f.killed_claimed:
        lines.append(
            f"Parties to the conflict claimed a further "
            f"{plural(f.killed_claimed, 'death')}; {UNVERIFIED_TAIL}, and these claims are "
            "not included in the totals."
        )
    return " ".join(lines)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
