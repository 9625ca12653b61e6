"""Harm: people killed, injured, abducted, detained or missing, from the words used.

"about a dozen" is 10–14 with 12 as the best estimate; "at least 10" is 10 and a lower
bound; "10-15" is 10–15 with the lower end as best (conservative, as conflict-data
coders count); "a leader was killed" is one. Each figure keeps the words it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitrep.model.enums import Affiliation, Outcome

_UNITS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "a hundred": 100, "a dozen": 12, "dozen": 12, "a couple of": 2, "a pair of": 2,
}  # fmt: skip
_VAGUE = {"several": (3, 3, 9), "a few": (2, 3, 4), "dozens of": (24, 24, 99),
          "scores of": (40, 40, 99), "hundreds of": (200, 200, 999), "some": (2, 2, 9),
          "many": (10, 10, 99)}  # fmt: skip
_APPROX = r"about|around|approximately|nearly|almost|roughly|some|an estimated|estimated|close to"
_LOWER = r"at least|more than|over|no fewer than|not less than"
_UPPER = r"up to|as many as|at most"
_WORDNUM = "|".join(sorted((re.escape(w) for w in [*_UNITS, *_VAGUE]), key=len, reverse=True))
NUMBER = (
    rf"(?:(?P<q>{_APPROX}|{_LOWER}|{_UPPER})\s+)?"
    rf"(?P<n>\d{{1,3}}(?:,\d{{3}})+|\d+|(?:{_WORDNUM}))"
    r"(?:\s*(?:-|–|to)\s*(?P<n2>\d+))?"
)
_VICTIMS = {
    "civilian": Affiliation.CIVILIAN, "villager": Affiliation.CIVILIAN,
    "resident": Affiliation.CIVILIAN, "child": Affiliation.CIVILIAN,
    "children": Affiliation.CIVILIAN, "woman": Affiliation.CIVILIAN,
    "women": Affiliation.CIVILIAN, "student": Affiliation.CIVILIAN,
    "worker": Affiliation.CIVILIAN, "miner": Affiliation.CIVILIAN,
    "farmer": Affiliation.CIVILIAN, "journalist": Affiliation.CIVILIAN,
    "passenger": Affiliation.CIVILIAN, "aid worker": Affiliation.AID_WORKER,
    "soldier": Affiliation.SIDE_A, "troop": Affiliation.SIDE_A,
    "police": Affiliation.SIDE_A, "policemen": Affiliation.SIDE_A,
    "policeman": Affiliation.SIDE_A, "officer": Affiliation.SIDE_A,
    "fighter": Affiliation.SIDE_B, "militant": Affiliation.SIDE_B,
    "rebel": Affiliation.SIDE_B, "insurgent": Affiliation.SIDE_B,
}  # fmt: skip
_OUTCOMES = {
    "killed": Outcome.KILLED, "killing": Outcome.KILLED, "dead": Outcome.KILLED,
    "died": Outcome.KILLED, "death": Outcome.KILLED, "deaths": Outcome.KILLED,
    "lost their lives": Outcome.KILLED, "shot dead": Outcome.KILLED,
    "beaten to death": Outcome.KILLED, "hacked to death": Outcome.KILLED,
    "injured": Outcome.INJURED, "injuring": Outcome.INJURED, "wounded": Outcome.INJURED,
    "wounding": Outcome.INJURED, "hurt": Outcome.INJURED,
    "abducted": Outcome.ABDUCTED, "abducting": Outcome.ABDUCTED,
    "kidnapped": Outcome.ABDUCTED, "kidnapping": Outcome.ABDUCTED,
    "arrested": Outcome.DETAINED, "arresting": Outcome.DETAINED,
    "detained": Outcome.DETAINED, "detaining": Outcome.DETAINED,
    "missing": Outcome.MISSING, "displaced": Outcome.DISPLACED,
}  # fmt: skip
_VERB = "|".join(sorted((re.escape(w) for w in _OUTCOMES), key=len, reverse=True))
_AUX = r"(?:were|was|have|has|had|are|is|got|reportedly|also|allegedly|and|or|in|at|on|by)\b"
_NOUN = rf"(?P<noun>(?!{_AUX})[\w-]+(?:\s+(?!{_AUX})[\w-]+){{0,3}})"
# "12 civilians were killed", "at least 10 junta soldiers killed", "10 were injured"
_NUMBER_FIRST = re.compile(
    rf"\b{NUMBER}(?:\s+{_NOUN})?(?:,?\s+(?:including|among them)[^,.;]*,)?\s+"
    rf"(?:(?:were|was|have been|has been|had been|are|is|got|reportedly|also|allegedly)\s+)*"
    rf"(?:(?:shot|beaten|hacked|stabbed)\s+)?(?P<verb>{_VERB})\b",
    re.I,
)
# "killing around a dozen civilians", "injured 4 others", "killed a leader of BNP"
_VERB_FIRST = re.compile(
    rf"\b(?P<verb>{_VERB})\s+(?:(?:and|or)\s+\w+\s+)?{NUMBER}(?:\s+{_NOUN})?", re.I
)
_PRONOUN = re.compile(
    rf"\b(?P<n>he|she)\s+(?:was|had been|has been)\s+(?:(?:shot|beaten|hacked|stabbed)\s+)?"
    rf"(?P<verb>{_VERB})\b",
    re.I,
)
_TOLL = re.compile(
    rf"\b(?:death toll|fatalities|dead)\s+(?:\w+\s+){{0,3}}?(?:to|of|at|reached)\s+{NUMBER}", re.I
)
_NO_HARM = re.compile(r"\b(no one|nobody|no casualties|no injuries|no deaths|none)\b", re.I)


@dataclass(frozen=True)
class HarmFound:
    outcome: Outcome
    affiliation: Affiliation
    low: int
    best: int
    high: int
    at_least: bool
    start: int
    end: int
    note: str
    noun: str


def read_number(q: str | None, n: str, n2: str | None) -> tuple[int, int, int, bool] | None:
    """(low, best, high, at_least) for a number as written, or None."""
    word = n.lower()
    qual = (q or "").lower()
    if word in _VAGUE:
        low, best, high = _VAGUE[word]
        return low, best, high, False
    if word in _UNITS:
        value = _UNITS[word]
    else:
        try:
            value = int(word.replace(",", ""))
        except ValueError:
            return None
    if n2:
        other = int(n2)
        if other > value:
            return value, value, other, False
    if qual and re.fullmatch(_APPROX, qual):
        margin = max(1, round(value / 6))
        return max(0, value - margin), value, value + margin, False
    if qual in {"more than", "over"}:
        return value + 1, value + 1, value + 1, True
    if qual and re.fullmatch(_LOWER, qual):
        return value, value, value, True
    if qual and re.fullmatch(_UPPER, qual):
        return min(1, value), value, value, False
    return value, value, value, False


def find_harm(
    text: str, offset: int = 0, masked: list[tuple[int, int]] | None = None
) -> list[HarmFound]:
    """Figures of harm in ``text``; ``masked`` ranges (dates) are not read as numbers."""
    masked = masked or []
    found: list[HarmFound] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_NUMBER_FIRST, _VERB_FIRST, _TOLL, _PRONOUN):
        for m in pattern.finditer(text):
            ns, ne = m.span("n")
            if any(s <= ns + offset < e for s, e in masked):
                continue
            if any(ns < e and s < ne for s, e in taken):
                continue
            verb = (m.groupdict().get("verb") or "killed").lower()
            noun = (m.groupdict().get("noun") or "").lower()
            if pattern is _VERB_FIRST:
                noun = _victim_words(noun)
                tail = text[m.end("n2") if m.group("n2") else ne :]
                if not noun and not re.match(r"\s*(?:[,.;)]|$)", tail):
                    continue
            if (
                pattern is _NUMBER_FIRST
                and noun
                and not _plausible_victim(noun, m.group("n"), strict=False)
            ):
                continue
            if m.group("n").lower() in {"a", "an"} and not noun:
                continue
            if pattern is _PRONOUN:
                value: tuple[int, int, int, bool] | None = (1, 1, 1, False)
                noun = "person"
            else:
                value = read_number(m.group("q"), m.group("n"), m.group("n2"))
            if value is None or value[2] > 100_000:
                continue
            taken.append((ns, ne))
            found.append(HarmFound(
                _OUTCOMES.get(verb, Outcome.KILLED), _affiliation(noun), *value,
                offset + m.start(), offset + m.end(), f"'{m.group(0)}'", noun,
            ))  # fmt: skip
    return found


def _victim_words(words: str) -> str:
    """The words up to the first that names people ("junta soldiers" of "junta soldiers
    killed"), or "" when none does."""
    parts = words.split()
    for i in range(len(parts)):
        if _plausible_victim(" ".join(parts[: i + 1]), "2"):
            return " ".join(parts[: i + 1])
    return ""


def _plausible_victim(noun: str, number: str, *, strict: bool = True) -> bool:
    """The words after the number name people (not "3 houses", "2 vehicles")."""
    if not noun:
        return not strict or number.lower() not in {"a", "an"}
    last = noun.split()[-1]
    if any(last.startswith(k) for k in _VICTIMS) and not strict:
        return True
    if any(last.startswith(k) for k in _VICTIMS):
        return True
    people = ("people", "person", "persons", "other", "others", "men", "man", "member",
              "activist", "leader", "supporter", "youth", "boy", "girl", "teen", "elder",
              "monk", "teacher", "doctor", "nurse", "trader", "driver", "guard", "cadre",
              "individual", "worker", "local", "protester", "demonstrator", "staff",
              "chairman", "councillor", "councilor", "official", "wife", "husband",
              "son", "daughter", "mother", "father", "brother", "sister", "relative",
              "family", "victim", "suspect", "rohingya", "refugee", "pedestrian",
              "commander", "member", "army", "personnel", "combatant")  # fmt: skip
    return any(last.startswith(p) for p in people)


def _affiliation(noun: str) -> Affiliation:
    for word in reversed(noun.split()):
        for key, aff in _VICTIMS.items():
            if word.startswith(key):
                return aff
    return Affiliation.UNKNOWN


def no_harm_said(text: str) -> bool:
    return bool(_NO_HARM.search(text))
