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


_TOKEN = re.compile(r"[\w’'-]+")
MAX_WORDS = 8


def _key(words: str, fold: bool) -> str:
    tokens = _TOKEN.findall(words)
    return " ".join(t.casefold() for t in tokens) if fold else " ".join(tokens)


@dataclass
class ActorIndex:
    """Actor names by their words (looked up word run by word run, longest first: a
    project with thousands of actors is read as fast as one with ten)."""

    names: dict[str, tuple[str, int]] = field(default_factory=dict)  # folded words → actor
    exact: dict[str, tuple[str, int]] = field(default_factory=dict)  # case-sensitive acronyms
    longest: int = 1
    firsts: set[str] = field(default_factory=set)  # folded first words of every name

    def find(self, text: str, offset: int = 0) -> list[ActorMention]:
        tokens = list(_TOKEN.finditer(text))
        words = [t.group(0) for t in tokens]
        folded = [w.casefold() for w in words]
        found: list[ActorMention] = []
        i = 0
        while i < len(tokens):
            hit = None
            if folded[i] in self.firsts:
                for n in range(min(self.longest, len(tokens) - i), 0, -1):
                    entry = self.exact.get(" ".join(words[i : i + n])) or self.names.get(
                        " ".join(folded[i : i + n])
                    )
                    if entry is not None:
                        hit = (n, entry, tokens[i].start(), tokens[i + n - 1].end())
                        break
            if hit is None:
                i += 1
                continue
            n, (name, code), start, end = hit
            found.append(ActorMention(offset + start, offset + end, name, code, text[start:end]))
            i += n
        return found


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
        key = _key(word, fold=not _is_acronym(word))
        if not key:
            continue
        table = index.exact if _is_acronym(word) else index.names
        table.setdefault(key, (name, code))
        index.firsts.add(key.split(" ", 1)[0].casefold())
        index.longest = max(index.longest, min(MAX_WORDS, key.count(" ") + 1))
    return index


def _is_acronym(word: str) -> bool:
    return len(word) <= 6 and word.upper() == word and any(c.isalpha() for c in word)
