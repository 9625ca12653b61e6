"""Harm totals of an incident, as reports count them: the one place for these rules.

- **Claims are never counted as fact.** A casualty figure is a claim when its row is a
  party's own claim, or when the incident as a whole is recorded as a claim that could
  not be independently verified (:func:`is_claim`). Report totals use best estimates and
  leave claims out; claimed deaths are kept apart in ``killed_claimed`` so a report can
  mention them as claims ("KIA said at least 10 soldiers were killed").
- **Not recorded is not zero.** A dataset such as UCDP GED records no injuries, and ACLED
  does not say whether those killed were civilians. Such incidents carry the matching
  :class:`Unrecorded` flags, and a figure none of the counted incidents records is
  reported as "not recorded" (``None``), never as 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntFlag
from typing import Any, Protocol

from sitrep.model.enums import Affiliation, Outcome, Verification


class Unrecorded(IntFlag):
    """Harm figures an incident's data does not record (stored as an integer mask)."""

    NONE = 0
    KILLED = 1
    CIVILIANS = 2  # whether those killed were civilians
    INJURED = 4
    ABDUCTED_DETAINED = 8


# Key figure -> the flag that says an incident does not record it.
FIGURE_FLAGS: dict[str, Unrecorded] = {
    "killed": Unrecorded.KILLED,
    "civilians_killed": Unrecorded.CIVILIANS,
    "injured": Unrecorded.INJURED,
    "abducted_detained": Unrecorded.ABDUCTED_DETAINED,
}

CLAIM_VERIFICATIONS = frozenset({Verification.CLAIM_UNVERIFIABLE})
"""Verification statuses that make every casualty figure of the incident a claim."""


def records_figure(unrecorded: int, key: str, killed: int = 0) -> bool:
    """Whether one incident's data records figure ``key`` (given its flags).

    The civilian share of no deaths is known (none) whatever the dataset says.
    """
    flag = FIGURE_FLAGS.get(key)
    if flag is None:
        return True
    if key == "civilians_killed" and not killed and not unrecorded & Unrecorded.KILLED:
        return True
    return not int(unrecorded or 0) & flag


def recorded_value(value: int, unrecorded: int, key: str, killed: int = 0) -> int | None:
    """An incident's figure, or None where its data does not record it."""
    return int(value) if records_figure(unrecorded, key, killed) else None


def incident_is_claim(verification: Verification | str | None) -> bool:
    return verification is not None and Verification(verification) in CLAIM_VERIFICATIONS


def is_claim(verification: Verification | str | None, is_party_claim: bool) -> bool:
    """Whether one casualty figure is a claim (and so kept out of every total)."""
    return bool(is_party_claim) or incident_is_claim(verification)


@dataclass(frozen=True)
class HarmTotals:
    killed: int = 0
    civilians_killed: int = 0
    injured: int = 0
    abducted_detained: int = 0
    killed_claimed: int = 0


class _CasualtyLike(Protocol):
    """A casualty row, its draft or an imported record (``is_party_claim`` optional)."""

    @property
    def outcome(self) -> Outcome | str: ...

    @property
    def affiliation(self) -> Affiliation | str: ...

    @property
    def best(self) -> int: ...


def harm_totals(
    rows: Iterable[_CasualtyLike], verification: Verification | str | None = None
) -> HarmTotals:
    killed = civ = injured = abducted = claimed = 0
    for row in rows:
        outcome = Outcome(row.outcome)
        best = int(row.best or 0)
        if is_claim(verification, getattr(row, "is_party_claim", False)):
            if outcome is Outcome.KILLED:
                claimed += best
            continue
        if outcome is Outcome.KILLED:
            killed += best
            if Affiliation(row.affiliation) is Affiliation.CIVILIAN:
                civ += best
        elif outcome is Outcome.INJURED:
            injured += best
        elif outcome in (Outcome.ABDUCTED, Outcome.DETAINED):
            abducted += best
    return HarmTotals(killed, civ, injured, abducted, claimed)


def recorded_by_rows(
    rows: Iterable[_CasualtyLike],
    unrecorded: int,
    verification: Verification | str | None = None,
) -> Unrecorded:
    """The flags that stay once the incident's own casualty rows are taken into account.

    A user who adds an injury row to a UCDP event has recorded its injuries; a death of
    known affiliation records the civilian share; a claim records nothing. Rows never
    *add* flags.
    """
    flags = Unrecorded(int(unrecorded or 0))
    for row in rows:
        if is_claim(verification, getattr(row, "is_party_claim", False)):
            continue
        outcome = Outcome(row.outcome)
        if outcome is Outcome.KILLED:
            flags &= ~Unrecorded.KILLED
            if Affiliation(row.affiliation) is not Affiliation.UNKNOWN:
                flags &= ~Unrecorded.CIVILIANS
        elif outcome is Outcome.INJURED:
            flags &= ~Unrecorded.INJURED
        elif outcome in (Outcome.ABDUCTED, Outcome.DETAINED):
            flags &= ~Unrecorded.ABDUCTED_DETAINED
    return flags


def refresh_harm_totals(incident: Any) -> None:
    """Copy the totals of ``incident.casualties`` onto the incident row."""
    rows = list(incident.casualties)
    totals = harm_totals(rows, getattr(incident, "verification", None))
    for name, value in totals.__dict__.items():
        setattr(incident, name, value)
    if hasattr(incident, "harm_unrecorded"):
        incident.harm_unrecorded = int(
            recorded_by_rows(rows, incident.harm_unrecorded or 0, incident.verification)
        )


def at_least_outcomes(
    rows: Iterable[Any], verification: Verification | str | None = None
) -> frozenset[str]:
    """Outcomes (``"killed"``, ``"injured"`` …) whose counted figure is a lower bound:
    some non-claim casualty row of the incident says "at least"."""
    return frozenset(
        Outcome(row.outcome).value
        for row in rows
        if getattr(row, "at_least", False)
        and not is_claim(verification, getattr(row, "is_party_claim", False))
    )


def _count(value: int, at_least: bool) -> str:
    return f"at least {value:,}" if at_least else f"{value:,}"


def harm_text(
    incident: Any,
    *,
    unrecorded: int | None = None,
    at_least: Iterable[str] = (),
    claims: bool = True,
    empty: str = "none reported",
) -> str:
    """One incident's harm in a few words: the one wording of the detail pane, the map
    popup, the report's incident bullets and the DOCX annex.

    "at least 3 killed (2 civilians); 4 injured; 10 killed according to a party's
    claim". A figure the incident's data does not record is said to be not recorded
    instead of being shown as 0. ``incident`` is anything with the five harm figures (an
    incident row, a report's annex row); ``unrecorded`` defaults to its
    ``harm_unrecorded``; ``at_least`` names the outcomes whose figure is a lower bound
    (:func:`at_least_outcomes`). Reports word claims themselves, naming the claimant
    (``claims=False``).
    """
    if unrecorded is None:
        unrecorded = int(getattr(incident, "harm_unrecorded", 0) or 0)
    bounds = set(at_least)
    killed = int(incident.killed or 0)
    parts: list[str] = []
    if not records_figure(unrecorded, "killed", killed):
        parts.append("deaths not recorded")
    elif killed:
        count = _count(killed, Outcome.KILLED.value in bounds)
        civilians = int(incident.civilians_killed or 0)
        if not records_figure(unrecorded, "civilians_killed", killed):
            text = f"{count} killed (civilians not recorded)"
        elif civilians == killed:  # "7 civilians killed", not "7 killed (7 civilians)"
            text = f"{count} civilian{'s' if killed != 1 else ''} killed"
        elif civilians:
            text = f"{count} killed ({civilians:,} civilian{'s' if civilians != 1 else ''})"
        else:
            text = f"{count} killed"
        parts.append(text)
    injured = int(incident.injured or 0)
    if injured:
        parts.append(f"{_count(injured, Outcome.INJURED.value in bounds)} injured")
    abducted = int(incident.abducted_detained or 0)
    if abducted:
        lower = bool(bounds & {Outcome.ABDUCTED.value, Outcome.DETAINED.value})
        parts.append(f"{_count(abducted, lower)} abducted or detained")
    missing = [
        words
        for key, words in (("injured", "injuries"), ("abducted_detained", "abductions"))
        if not records_figure(unrecorded, key, killed)
    ]
    if missing and parts:
        parts.append(f"{' and '.join(missing)} not recorded")
    if claims and incident.killed_claimed:
        parts.append(f"{incident.killed_claimed:,} killed according to a party's claim")
    return "; ".join(parts) or empty
