"""Harm totals of an incident, as reports count them.

Report totals use best estimates and leave a party's own claims out (a KIA statement
of "at least 10 soldiers killed" is a claim until corroborated); claimed deaths are
kept apart in ``killed_claimed`` so a report can mention them as claims.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sitrep.model.enums import Affiliation, Outcome


@dataclass(frozen=True)
class HarmTotals:
    killed: int = 0
    civilians_killed: int = 0
    injured: int = 0
    abducted_detained: int = 0
    killed_claimed: int = 0


class _CasualtyLike:  # protocol-ish for typing without importing the ORM
    outcome: Outcome | str
    affiliation: Affiliation | str
    best: int
    is_party_claim: bool


def harm_totals(rows: Iterable[_CasualtyLike]) -> HarmTotals:
    killed = civ = injured = abducted = claimed = 0
    for row in rows:
        outcome = Outcome(row.outcome)
        best = int(row.best or 0)
        if row.is_party_claim:
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


def refresh_harm_totals(incident: object) -> None:
    """Copy the totals of ``incident.casualties`` onto the incident row."""
    totals = harm_totals(incident.casualties)  # type: ignore[attr-defined]
    for name, value in totals.__dict__.items():
        setattr(incident, name, value)
