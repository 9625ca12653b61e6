"""Who: the project's actors found in a report by name, alias or a common way of
calling them ("junta", "military council", "SAC" → the Myanmar military).

Only actors the project already has are proposed: a name the project does not know
is left for the officer to add, never invented. When two actors share a word (two
periods of a country's military), the one the project's incidents name most wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sitrep.model import Actor, IncidentActor

# How reports commonly name kinds of actor, by the start of the actor's name.
COMMON_NAMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "military forces of",
        (
            "military", "junta", "regime", "military council", "SAC",
            "State Administration Council", "Tatmadaw", "regime forces", "junta forces",
            "regime troops", "junta troops", "government troops", "government forces",
            "military junta", "soldiers",
        ),
    ),
    ("police forces of", ("police", "policemen", "police officers", "cops")),
    ("protesters", ("protesters", "protestors", "demonstrators")),
    ("rioters", ("rioters", "mob", "angry locals")),
    ("civilians", ("civilians", "villagers", "residents", "locals")),
)  # fmt: skip
_PAREN = re.compile(r"\s*\([^)]*\)\s*$")


@dataclass(frozen=True)
class ActorMention:
    start: int
    end: int
    name: str  # the project's actor name
    inter_code: int
    words: str


@dataclass
class ActorIndex:
    names: dict[str, tuple[str, int]] = field(default_factory=dict)  # folded word → actor
    exact: dict[str, tuple[str, int]] = field(default_factory=dict)  # case-sensitive acronyms
    pattern: re.Pattern[str] | None = None
    exact_pattern: re.Pattern[str] | None = None

    def find(self, text: str, offset: int = 0) -> list[ActorMention]:
        found: list[ActorMention] = []
        taken: list[tuple[int, int]] = []
        for pattern, table, fold in (
            (self.pattern, self.names, True),
            (self.exact_pattern, self.exact, False),
        ):
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                key = m.group(0).casefold() if fold else m.group(0)
                name, code = table[key]
                taken.append((m.start(), m.end()))
                found.append(
                    ActorMention(offset + m.start(), offset + m.end(), name, code, m.group(0))
                )
        return sorted(found, key=lambda a: a.start)


def build_actor_index(session: Session) -> ActorIndex:
    uses = dict(
        session.execute(
            select(IncidentActor.actor_id, func.count()).group_by(IncidentActor.actor_id)
        ).all()
    )
    candidates: dict[str, list[tuple[int, str, int]]] = {}

    def offer(word: str, actor: Actor, rank: int) -> None:
        word = " ".join(word.split())
        if len(word) < 2:
            return
        candidates.setdefault(word, []).append(
            (rank * 1_000_000 + uses.get(actor.id, 0), actor.name, actor.inter_code)
        )

    for actor in session.scalars(select(Actor)):
        base = _PAREN.sub("", actor.name)
        offer(actor.name, actor, 3)
        offer(base, actor, 3)
        if ":" in base:
            short, long = (x.strip() for x in base.split(":", 1))
            if ":" not in actor.name.split(":", 1)[1] and short.upper() == short:
                offer(short, actor, 2)
            offer(long, actor, 2)
        for alias in actor.aliases or []:
            offer(alias, actor, 3)
        low = base.casefold()
        for prefix, words in COMMON_NAMES:
            if low.startswith(prefix) and ":" not in base:
                for w in words:
                    offer(w, actor, 1)
    index = ActorIndex()
    for word, offers in candidates.items():
        _, name, code = max(offers)
        if _is_acronym(word):
            index.exact.setdefault(word, (name, code))
        else:
            index.names.setdefault(word.casefold(), (name, code))
    index.pattern = _alternation(index.names, re.I)
    index.exact_pattern = _alternation(index.exact, 0)
    return index


def _is_acronym(word: str) -> bool:
    return len(word) <= 6 and word.upper() == word and any(c.isalpha() for c in word)


def _alternation(table: dict[str, tuple[str, int]], flags: int) -> re.Pattern[str] | None:
    if not table:
        return None
    words = sorted(table, key=len, reverse=True)
    body = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", flags)
