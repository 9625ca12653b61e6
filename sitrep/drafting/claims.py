"""Claims: figures a party to the conflict gives, which the officer must not report as
established ("claimed", "according to", "said", "could not be independently verified").

A sentence carries a claim when it has one of these cues; the claim is a *party's*
when the speaker is an armed actor the project knows, or a person the text has
introduced as speaking for one ("KIA spokesman Colonel Naw Bu ... according to Naw Bu").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitrep.drafting.actors import ActorIndex

CUE = re.compile(
    r"\b(claim(?:ed|s|ing)?|according to|said|says|stated|told|alleged(?:ly)?|"
    r"could not (?:be )?independently (?:verify|verified|confirm|confirmed)|"
    r"(?:cannot|could not|can't) be (?:independently )?(?:verified|confirmed)|"
    r"not (?:be )?independently verified)\b",
    re.I,
)
UNVERIFIABLE = re.compile(
    r"\b(?:could not|cannot|can't|couldn't|unable to)\s+(?:be\s+)?independently\s+"
    r"(?:verify|verified|confirm|confirmed)|not (?:be )?independently verified",
    re.I,
)
_SPOKES = re.compile(
    r"(?P<org>\b[\w-]+)\s+(?:spokes(?:man|woman|person)|spokes-person|commander|leader|official|"
    r"chief|information officer)\s*,?\s+(?:(?:Colonel|Col\.|General|Gen\.|Major|Maj\.|Captain|"
    r"Capt\.|Lt\.|Lieutenant|U|Daw|Mr\.?|Ms\.?|Dr\.?)\s+)?"
    r"(?P<person>[A-Z][\w-]+(?:\s+[A-Z][\w-]+){0,3})"
)


@dataclass(frozen=True)
class ClaimCue:
    start: int
    end: int
    words: str
    unverifiable: bool


def speakers(text: str, actors: ActorIndex) -> dict[str, str]:
    """People the text introduces as speaking for an actor: name (and surname) → actor."""
    out: dict[str, str] = {}
    for m in _SPOKES.finditer(text):
        found = actors.find(m.group("org"))
        if found:
            person = m.group("person")
            out[person] = found[0].name
            parts = person.split()
            if len(parts) > 1:
                out[" ".join(parts[-2:])] = found[0].name
    return out


def claim_cue(text: str, offset: int = 0) -> ClaimCue | None:
    m = CUE.search(text)
    if m is None:
        return None
    return ClaimCue(
        offset + m.start(), offset + m.end(), m.group(0), bool(UNVERIFIABLE.search(text))
    )


def claimant(text: str, known: dict[str, str], actors: ActorIndex) -> str | None:
    """The actor making the claim in ``text``: a known speaker named in it, or the actor
    named right after "according to" / before "said" / "claimed"."""
    for person, actor in known.items():
        if person in text:
            return actor
    for m in re.finditer(r"according to\s+(?:the\s+)?(.{0,60})", text, re.I):
        found = actors.find(m.group(1))
        if found:
            return found[0].name
    for m in re.finditer(r"(.{0,60})\b(?:said|claimed|stated)\b", text, re.I):
        found = actors.find(m.group(1))
        if found:
            return found[-1].name
    return None
