"""Sentences that follow the evidence.

A party's own statement is worded as a claim ("KIA said at least 10 … ; this could not
be independently verified") and kept out of the totals; a single unconfirmed source is
flagged as such, and only when there is one source; a figure the data does not record
is said to be not recorded, never 0; synthetic demo incidents say so. Every generated
sentence goes through here so the rules hold in the highlights, the overview draft, the
change list and the annex alike.
"""

from __future__ import annotations

import datetime as dt

from sitrep.model.enums import Affiliation, Outcome, Verification
from sitrep.model.harm import harm_text
from sitrep.reporting.annex import AnnexRow, ClaimRow
from sitrep.reporting.figures import NOT_RECORDED, ReportData

UNVERIFIED_TAIL = "this could not be independently verified"
SYNTHETIC_MARK = "[Synthetic]"
_CLAIM_VERBS = {
    Outcome.KILLED.value: "killed",
    Outcome.INJURED.value: "injured",
    Outcome.MISSING.value: "missing",
    Outcome.ABDUCTED.value: "abducted",
    Outcome.DETAINED.value: "detained",
    Outcome.DISPLACED.value: "displaced",
}


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


def count_text(n: int, at_least: bool = False) -> str:
    """A number as a sentence gives it: "at least 10" for a lower bound."""
    return f"at least {n:,}" if at_least else f"{n:,}"


def _claims_by_outcome(claims: list[ClaimRow]) -> list[tuple[str, str, list[ClaimRow], int]]:
    """(outcome, verb, its claim rows, their total) for each claimed outcome, in order."""
    out = []
    for outcome, verb in _CLAIM_VERBS.items():
        rows = [c for c in claims if c.outcome == outcome]
        if rows:
            out.append((outcome, verb, rows, sum(c.best for c in rows)))
    return out


def _claimed(claims: list[ClaimRow], row: AnnexRow) -> list[str]:
    """ "at least 10 members of X were killed", one part per claimed outcome."""
    parts: list[str] = []
    for outcome, verb, rows, n in _claims_by_outcome(claims):
        who = _who(rows[0].affiliation, row, n) if outcome == Outcome.KILLED.value else ""
        if not who:
            who = "person" if n == 1 else "people"
        number = count_text(n, any(c.at_least for c in rows))
        parts.append(f"{number} {who} {'was' if n == 1 else 'were'} {verb}")
    return parts


def claimed_short(row: AnnexRow) -> str:
    """The claimed figures in a few words ("at least 10 killed, 3 injured")."""
    parts = [
        f"{count_text(n, any(c.at_least for c in rows))} {verb}"
        for _outcome, verb, rows, n in _claims_by_outcome(row.claims)
    ]
    if not parts and row.killed_claimed:
        parts.append(f"{row.killed_claimed:,} killed")
    return ", ".join(parts)


def claim_sentence(row: AnnexRow) -> str:
    """The party's claim, worded as a claim. Empty when the incident has none."""
    parts = _claimed(row.claims, row)
    if parts:
        return f"{claimant(row)} said {_join(parts)}; {UNVERIFIED_TAIL}."
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


sentence_start = _sentence_case


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
    """What the incident's (non-claim) figures say, in the words of
    :func:`sitrep.model.harm.harm_text` (claims are worded apart, naming the claimant)."""
    return harm_text(row, unrecorded=row.unrecorded, at_least=row.at_least, claims=False, empty="")


def verification_note(row: AnnexRow, dataset_name: str = "") -> str:
    """What the reader must know about how sure the incident is.

    "Single source" only where there is one source; an imported dataset's event is
    credited to the dataset instead of being called unverified by us.
    """
    if row.verification is Verification.DISPUTED:
        return "Accounts of this incident are disputed."
    if row.verification not in (Verification.UNVERIFIED, Verification.SINGLE_SOURCE):
        return ""
    if not (row.killed or row.injured):
        return ""
    if row.dataset_key is not None:
        return f"As recorded by {dataset_name or 'an external dataset'}; not verified by us."
    if len(row.sources) <= 1:
        return "Single source, not yet corroborated."
    return "Not yet corroborated."


def incident_sentence(row: AnnexRow, *, bold_lead: bool = False, dataset_name: str = "") -> str:
    """A sitrep bullet about one incident: "3 June, Place: What happened. Harm. (REF)"

    With ``bold_lead`` the date and place are in light markup bold (``**…**``). A
    synthetic (demo) incident starts with "[Synthetic]" whatever its title says; an
    incident still in review says so after its reference.
    """
    lead = f"{day(row.date)}, {place_text(row)}:"
    if bold_lead:
        lead = f"**{lead}**"
    if row.is_synthetic:
        lead = f"{SYNTHETIC_MARK} {lead}"
    review = ", in review" if row.in_review else ""
    return _incident_body(row, lead, dataset_name) + f" ({row.reference}{review})"


def _incident_body(row: AnnexRow, lead: str, dataset_name: str = "") -> str:
    claim = claim_sentence(row)
    if row.verification is Verification.CLAIM_UNVERIFIABLE and claim:
        harm = harm_phrase(row)
        harm_sentence = _sentence_case(harm) + "." if harm else ""
        return " ".join(s for s in (lead, claim, harm_sentence, attribution_sentence(row)) if s)
    title = row.title
    if row.is_synthetic and title.startswith(SYNTHETIC_MARK):
        title = title[len(SYNTHETIC_MARK) :].strip()  # the lead says it already
    title = _sentence_case(title.rstrip(".")) if title else row.type_label
    harm = harm_phrase(row)
    parts = [lead, f"{title}."]
    if harm and any(w in title.lower() for w in ("killed", "dead", "injured", "wounded")):
        parts.append(f"Best estimate: {harm}.")  # the title already says people died
    elif harm:
        parts.append(f"{_sentence_case(harm)}.")
    parts.extend(
        s for s in (attribution_sentence(row), claim, verification_note(row, dataset_name)) if s
    )
    return " ".join(parts)


# Below this many in the previous period a percentage misleads ("+600%" for 1 -> 7):
# the change is then given as a number only.
SMALL_BASE = 20


def change_amount(now: int, before: int) -> str:
    """``+6``, ``−3``, or ``+40 (+25%)`` when the base is large enough; "" if equal."""
    diff = now - before
    if diff == 0:
        return ""
    text = f"{'+' if diff > 0 else '−'}{abs(diff):,}"
    if before >= SMALL_BASE:
        pct = round(100 * abs(diff) / before)
        if pct:
            text += f" ({'+' if diff > 0 else '−'}{pct}%)"
    return text


def change_text(now: int, before: int) -> str:
    amount = change_amount(now, before)
    return f"{amount} vs previous period" if amount else "no change"


def _comparison(now: int, before: int) -> str:
    """``6 more than in the previous period``; with a percentage only on a base of at
    least SMALL_BASE: ``329 more than in the previous period (+165%)``."""
    diff = now - before
    if diff == 0:
        return "as many as in the previous period"
    more = "more" if diff > 0 else "fewer"
    amount = change_amount(now, before)
    pct = f" ({amount.split('(')[1]}" if "(" in amount else ""
    return f"{abs(diff):,} {more} than in the previous period{pct}"


def between(date_from: dt.date, date_to: dt.date) -> str:
    """``between 1 October and 31 December 2021``; ``on 3 June 2025``."""
    if date_from == date_to:
        return f"on {day_year(date_from)}"
    if (date_from.year, date_from.month) == (date_to.year, date_to.month):
        first = str(date_from.day)
    elif date_from.year == date_to.year:
        first = day(date_from)
    else:
        first = day_year(date_from)
    return f"between {first} and {day_year(date_to)}"


def dataset_names(data: ReportData) -> dict[str, str]:
    return {d.key: d.name for d in data.datasets}


def _names(uses: list[str]) -> str:
    return _join(uses) if uses else "the data"


def deaths_clause(data: ReportData) -> str:
    """ "12 people reported killed, including 3 civilians", saying what is not recorded."""
    f = data.figures
    killed = f.value("killed")
    if killed is None:
        names = _names([d.name for d in data.unrecorded_by("killed")])
        return f"the number of people killed is {NOT_RECORDED} in {names}"
    text = f"{plural(killed, 'person', 'people')} reported killed"
    civilians = f.value("civilians_killed")
    if civilians is None:
        names = _names([d.name for d in data.unrecorded_by("civilians_killed")])
        text += f" (whether they were civilians is {NOT_RECORDED} in {names})"
    elif killed:
        # where some deaths' civilian share is not recorded, the count is a lower bound
        at_least = "at least " if f.unrecorded("civilians_killed") else ""
        text += f", including {at_least}{plural(civilians, 'civilian')}"
    return text


def withheld_sentence(data: ReportData) -> str:
    """How many incidents the report does not describe, and whether they are counted."""
    n = data.withheld.incidents
    if not n:
        return ""
    level = data.filter.max_sensitivity.value if data.filter.max_sensitivity else ""
    what = (
        f"{plural(n, 'incident')} more sensitive than this report's classification "
        f"({level.upper()}) {'is' if n == 1 else 'are'} not described"
    )
    if data.withheld_counted:
        return what + "; they are counted in the key figures."
    return what + " and not counted in the figures."


def seeded_highlights(data: ReportData, limit: int = 4) -> list[str]:
    """Highlight bullets seeded from the period's figures and most severe incidents."""
    f, p = data.figures, data.previous
    if not f.incidents:
        return [nil_sentence(data)]
    bullets = [
        f"{plural(f.incidents, 'incident')} recorded in {data.region.place}, "
        f"{_comparison(f.incidents, p.incidents)}, with {deaths_clause(data)}."
    ]
    names = dataset_names(data)
    ranked = sorted(data.incidents, key=lambda r: (-r.severity, r.date, r.reference))
    bullets.extend(
        incident_sentence(r, bold_lead=True, dataset_name=names.get(r.dataset_key or "", ""))
        for r in ranked[:limit]
        if r.severity > 0
    )
    return bullets


def nil_sentence(data: ReportData) -> str:
    """A nil report says so plainly, with the comparison it rests on."""
    previous = data.previous_period.describe() if data.previous_period else "the previous period"
    return (
        f"No incidents were recorded in {data.region.place} "
        f"{between(data.date_from, data.date_to)} (against "
        f"{plural(data.previous.incidents, 'incident')} in {previous}). A nil report "
        "records that nothing was reported, not that nothing happened."
    ) + (f" {_sentence_case(withheld_sentence(data))}" if data.withheld.incidents else "")


def seeded_highlights_markup(data: ReportData, limit: int = 4) -> str:
    return "\n".join(f"- {b}" for b in seeded_highlights(data, limit))


def seeded_overview(data: ReportData) -> str:
    """A factual first paragraph the author can rewrite (used when none was written)."""
    f, p = data.figures, data.previous
    if not f.incidents:
        return nil_sentence(data)
    previous = data.previous_period.describe() if data.previous_period else "the previous period"
    lines = [
        f"{_sentence_case(between(data.date_from, data.date_to))}, "
        f"{plural(f.incidents, 'incident')} "
        f"{'was' if f.incidents == 1 else 'were'} recorded in {data.region.place}, against "
        f"{p.incidents:,} in {previous}."
    ]
    killed = f.value("killed")
    if killed is None:
        lines.append(_sentence_case(deaths_clause(data)) + ".")
    else:
        text = f"They left an estimated {plural(killed, 'person', 'people')} dead"
        if (
            data.killed_low is not None
            and data.killed_high is not None
            and (data.killed_low != data.killed_high)
        ):
            text += f" (range {data.killed_low:,}–{data.killed_high:,})"
        civilians = f.value("civilians_killed")
        if civilians is None:
            names = _names([d.name for d in data.unrecorded_by("civilians_killed")])
            text += f"; whether they were civilians is {NOT_RECORDED} in {names}"
        elif killed:
            at_least = "at least " if f.unrecorded("civilians_killed") else ""
            text += f", {at_least}{civilians:,} of them civilians"
        injured = f.value("injured")
        if injured is None:
            names = _names([d.name for d in data.unrecorded_by("injured")])
            text += f". Injuries are {NOT_RECORDED} in {names}."
        else:
            text += f", and {injured:,} injured."
        lines.append(text)
    if data.by_type:
        top = data.by_type[0]
        lines.append(
            f"{top.event_type} {'was' if top.incidents == 1 else 'were'} the most frequent "
            f"type of incident ({top.incidents:,} of the {data.described.incidents:,} "
            "described here)."
            if data.withheld.incidents
            else f"{top.event_type} {'was' if top.incidents == 1 else 'were'} the most "
            f"frequent type of incident ({top.incidents:,} of {f.incidents:,})."
        )
    busiest = sorted(
        (a for a in data.by_area if a.area_id is not None), key=lambda a: (-a.incidents, a.name)
    )
    named = busiest[:3]
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
    withheld = withheld_sentence(data)
    if withheld:
        lines.append(_sentence_case(withheld))
    return " ".join(lines)


def join_and(items: list[str]) -> str:
    return _join(items)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


UNRECORDED_WORDS = {
    "killed": "the number of people killed",
    "civilians_killed": "whether those killed were civilians",
    "injured": "injuries",
    "abducted_detained": "abductions and detentions",
}


def unrecorded_notes(data: ReportData) -> list[str]:
    """One sentence per key figure some incidents do not record, naming the datasets."""
    f = data.figures
    notes: list[str] = []
    for key, words in UNRECORDED_WORDS.items():
        n = f.unrecorded(key)
        if not n:
            continue
        names = _names([d.name for d in data.unrecorded_by(key)])
        if f.value(key) is None:
            verb = "does" if len(data.unrecorded_by(key)) <= 1 else "do"
            notes.append(
                f"{_sentence_case(names)} {verb} not record {words}, so the figure is shown "
                f"as {NOT_RECORDED}."
            )
        else:
            base = "incidents with deaths" if key == "civilians_killed" else "incidents"
            notes.append(
                f"{_sentence_case(words)}: {NOT_RECORDED} for {n:,} of the "
                f"{f.base(key):,} {base} (from {names}); the figure counts the others only."
            )
    return notes


def coverage_sentence(data: ReportData, organisation: str) -> str:
    """Who recorded the report's incidents, crediting every dataset used."""
    own = data.own_incidents
    parts: list[str] = []
    if own and not data.datasets:
        return (
            f"Incidents recorded by {organisation} from its own staff, partners, media and "
            "public sources."
        )
    if own:
        parts.append(f"{plural(own, 'incident')} recorded by {organisation}")
    for d in data.datasets:
        licence = f" ({d.licence})" if d.licence else ""
        parts.append(f"{plural(d.incidents, 'incident')} from {d.name}{licence}")
    if not parts:
        return ""
    return "Data: " + _join(parts) + ". Citations in the methodology annex."
