"""What: the event type and sub-type from keywords, when the project has too few coded
incidents to learn from (see :mod:`sitrep.drafting.classifier`).

Each rule is a pattern, the ACLED sub-event type it suggests and a weight; the
sub-type with the highest total wins, ties going to the rule listed first (remote
weapons before ground fighting: "ground, artillery and drone attacks" is a drone strike).
Rules of weight 3 or more are specific enough to stand against the learnt classifier.
"""

# ruff: noqa: E501  (the rule table reads best one rule per line)
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sitrep.model.taxonomy import event_type_of

STRONG = 3

_RULES: tuple[tuple[str, str, int], ...] = (
    (r"suicide (?:bomb|attack)", "Suicide bomb", 5),
    (r"chemical weapon|poison gas", "Chemical weapon", 5),
    (r"grenade", "Grenade", 4),
    (r"blasts? at (?:\w+\s+){0,3}min(?:e|ing)[- ]sites?|mine[- ]site blast", "Shelling/artillery/missile attack", 5),
    (r"air ?strikes?|airstrikes?|air raids?|air attacks?|bomb(?:ed|ing)? (?:from|by) (?:aircraft|jets?)|fighter jets?|aircraft (?:bombed|dropped)|\bair and artillery", "Air/drone strike", 4),
    (r"(?<!supported by )(?<!backed by )drones?", "Air/drone strike", 3),
    (r"artillery|shell(?:s|ed|ing)\b|mortars?|rockets?|missiles?", "Shelling/artillery/missile attack", 3),
    (r"land ?mines?|\bIEDs?\b|improvised explosive|roadside bomb|remote[- ]controlled bomb|mine (?:blast|explo)", "Remote explosive/landmine/IED", 4),
    (r"crude bombs?|cocktail|bomb(?:s|ed|ing)?\b|explo(?:sions?|ded?)|blasts?", "Remote explosive/landmine/IED", 2),
    (r"\brap(?:e|ed|ing)\b|sexual(?:ly)? (?:assault|violence|abuse)", "Sexual violence", 5),
    (r"abduct|kidnap|forcibly disappear|taken away|went missing", "Abduction/forced disappearance", 4),
    (r"arrest|detain|detention|taken into custody|rounded up", "Arrests", 3),
    (r"\bburn(?:ed|ing|t)?\b[^.]{0,40}\b(?:houses|homes|machinery|villages?|property|shops|vehicles)|\bloot|set (?:fire|ablaze)|torch(?:ed|ing)|destroy(?:ed|ing) (?:houses|homes|property)", "Looting/property destruction", 3),
    (r"arming (?:local )?militias?|recruit(?:ed|ing|ment)|conscript|formed a (?:new )?(?:armed )?(?:group|militia)", "Change to group/activity", 4),
    (r"ceasefire|peace (?:deal|agreement|talks)|signed an? agreement", "Agreement", 3),
    (r"defused|seized (?:weapons|arms|explosives)|recovered (?:bombs|explosives|arms)|intercepted (?:drones?|missiles?)", "Disrupted weapons use", 4),
    (r"established (?:a )?(?:new )?(?:base|camp|headquarters)", "Headquarters or base established", 4),
    (r"recaptured|retook|regained control", "Government regains territory", 3),
    (r"(?:captured|overran|seized|took control of) (?:the )?(?:\w+\s+){0,3}(?:town|camp|base|outpost|post|village)", "Non-state actor overtakes territory", 2),
    (r"advanc(?:e|ed|ing)|reinforcements|columns?\b|troop movements?|deployed|reached|moving (?:towards|into)", "Other", 2),
    (r"tear ?gas|baton[- ]charg|lathi|rubber bullets|water cannon|dispersed|blank shots", "Protest with intervention", 3),
    (r"vandali[sz]|threw (?:stones|bricks)|brick[- ]?bats|violent (?:protest|demonstration)|blocked (?:the )?(?:road|highway)[^.]{0,40}(?:set fire|vandal)", "Violent demonstration", 3),
    (r"\bmob\b|lynch|beaten to death by (?:locals|villagers|a mob)|mass beating|vigilante", "Mob violence", 3),
    (r"protest|demonstrat|rall(?:y|ied|ies)\b|human chain|procession|sit-in|hartal|marched|gherao|boycott|strike\b", "Peaceful protest", 2),
    (r"clash(?:ed|es)?|fighting|fought|battles?\b|gun ?fights?|exchange of fire|exchanged fire|firefights?|offensive|ambush|encircl|besieg|siege|skirmish|seiz(?:ed|ing) (?:\w+\s+){0,3}positions", "Armed clash", 2),
    (r"ambush(?:ed|es)?|seiz(?:ed|ing) (?:\w+\s+){0,3}positions|trapped by|encircled", "Armed clash", 3),
    (r"attack(?:ed|s|ing)? (?:\w+\s+){0,3}(?:helicopters?|positions?|camps?|bases?|outposts?|convoys?|posts?)", "Armed clash", 3),
    (r"shot (?:dead|and killed)|gunned down|stabbed|hacked|beat(?:en)?|assault(?:ed)?|murdered|killed|attacked|opened fire", "Attack", 1),
)  # fmt: skip

_COMPILED = tuple((re.compile(rf"(?i)\b(?:{p})"), sub, w) for p, sub, w in _RULES)

# one-sided acts two of which in one sentence are two incidents ("arresting civilians
# and burning heavy machinery")
SEPARABLE = {"Arrests", "Looting/property destruction", "Abduction/forced disappearance"}


@dataclass(frozen=True)
class TypeGuess:
    event_type: str
    sub_event_type: str
    score: float
    start: int  # the words that decided it (offsets in the text read)
    end: int
    note: str


@lru_cache(maxsize=512)
def rule_matches(text: str) -> tuple[tuple[str, int, int, int], ...]:
    """(sub-event type, weight, start, end) of every rule that matches, in rule order."""
    out = []
    for pattern, sub, weight in _COMPILED:
        for m in pattern.finditer(text):
            out.append((sub, weight, m.start(), m.end()))
    return tuple(out)


def guess_by_rules(text: str, offset: int = 0) -> TypeGuess | None:
    matches = rule_matches(text)
    if not matches:
        return None
    totals: dict[str, int] = {}
    first: dict[str, tuple[int, int]] = {}
    order: dict[str, int] = {}
    for sub, weight, start, end in matches:
        totals[sub] = totals.get(sub, 0) + weight
        first.setdefault(sub, (start, end))
        order.setdefault(sub, len(order))
    # protests: force used against them changes the sub-type, not the event
    sub = max(totals, key=lambda s: (totals[s], -order[s]))
    start, end = first[sub]
    event_type = event_type_of(sub) or ""
    return TypeGuess(
        event_type,
        sub,
        float(totals[sub]),
        offset + start,
        offset + end,
        f"keyword rule: '{text[start:end]}'",
    )


def has_event_words(text: str) -> bool:
    """Whether a sentence reads like it reports something that happened."""
    return bool(rule_matches(text))


def separable_acts(text: str) -> list[tuple[str, int, int]]:
    """The one-sided acts of :data:`SEPARABLE` a sentence names, first mention each."""
    seen: dict[str, tuple[int, int]] = {}
    for sub, _, start, end in rule_matches(text):
        if sub in SEPARABLE:
            seen.setdefault(sub, (start, end))
    return [(sub, s, e) for sub, (s, e) in sorted(seen.items(), key=lambda kv: kv[1])]
