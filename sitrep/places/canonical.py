"""The one rule for what an admin area is called in the app and in reports.

Imported files spell one area many ways: UCDP writes ``Sagaing region`` 1,594 times,
``Sagaing division`` 8 times and ``Sagaing district`` (at state level) 6 times; ACLED
writes ``Sagaing``. Whichever spelling came first used to become the name, so a report
could be titled "Sagaing district" for a region. The name is now:

1. the name a boundary or gazetteer pack gives (the P-code name), when there is one;
2. otherwise the most common spelling read from data files, a word for the kind of
   area that contradicts the level ("district" for a state) never being used;

and a trailing kind-of-area word is capitalised ("Sagaing Region"). A pack name without
such a word borrows the one the data uses for a state/region ("Kachin" + "Kachin state"
-> "Kachin State"), because Myanmar's level 1 mixes states and regions and a title
needs to say which.
"""

from __future__ import annotations

from collections.abc import Mapping

from sitrep.places.names import AREA_WORDS, fold

# words that follow a name but designate the kind of area (longest first)
_KIND_WORDS = sorted(
    {
        **AREA_WORDS,
        "union territory": 1,
        "self administered zone": 2,
        "self-administered zone": 2,
        "self administered division": 2,
        "self-administered division": 2,
        "upazila": 3,
    }.items(),
    key=lambda kv: -len(kv[0]),
)


def split_kind(name: str) -> tuple[str, str | None, int | None]:
    """``"Sagaing  region"`` -> ``("Sagaing", "region", 1)``; no word -> ``(name, None, None)``."""
    clean = " ".join(name.split())
    lowered = clean.casefold()
    for word, level in _KIND_WORDS:
        if lowered.endswith(" " + word) and len(lowered) > len(word) + 1:
            return clean[: -len(word) - 1].rstrip(), clean[-len(word) :], level
    return clean, None, None


def _title_word(word: str) -> str:
    return " ".join(part[:1].upper() + part[1:] for part in word.split(" "))


def present(name: str) -> str:
    """Collapse spaces, capitalise a trailing kind word: ``Kachin state`` -> ``Kachin State``."""
    base, word, _level = split_kind(name)
    return f"{base} {_title_word(word)}" if word else base


def canonical_name(
    level: int,
    spellings: Mapping[str, int],
    pack_name: str | None = None,
    *,
    current: str = "",
) -> str | None:
    """The name an area of ``level`` goes by, or None when nothing names it.

    On a tie between spellings the ``current`` name stays, so names do not flip."""
    tally: dict[tuple[str, str | None], int] = {}
    for spelling, count in spellings.items():
        if not spelling.strip():
            continue
        base, word, _ = split_kind(spelling)
        key = (base, word.casefold() if word else None)
        tally[key] = tally.get(key, 0) + max(int(count), 0)
    if pack_name and pack_name.strip():
        name = present(pack_name)
        base, word, _ = split_kind(name)
        if word is None and level == 1:
            borrowed = _kind_from_data(level, fold(base), tally)
            if borrowed:
                name = f"{base} {_title_word(borrowed)}"
        return name
    if not tally:
        return None

    # the name itself: the base spelled most often, however the kind word varies
    kinds = dict(_KIND_WORDS)
    by_base: dict[str, int] = {}
    base_shown: dict[str, dict[str, int]] = {}
    for (base, word), count in tally.items():
        contradicts = word is not None and kinds.get(word) not in (None, level)
        folded = fold(base)
        by_base[folded] = by_base.get(folded, 0) + (0 if contradicts else count)
        spelled = base_shown.setdefault(folded, {})
        spelled[base] = spelled.get(base, 0) + count
    current_base = fold(split_kind(current)[0]) if current else ""

    def rank(key: str) -> tuple[int, int, int, str]:
        return (by_base[key], 1 if key == current_base else 0, len(key), key)

    best = max(by_base, key=rank)
    spelled = base_shown[best]
    base = max(spelled, key=lambda b: (spelled[b], b))
    word = _kind_from_data(level, best, tally)
    return f"{base} {_title_word(word)}" if word else base


def _kind_from_data(
    level: int, folded_base: str, tally: Mapping[tuple[str, str | None], int]
) -> str | None:
    words: dict[str, int] = {}
    kinds = dict(_KIND_WORDS)
    for (base, word), count in tally.items():
        if word is not None and kinds.get(word) == level and fold(base) == folded_base:
            words[word] = words.get(word, 0) + count
    if not words:
        return None
    return max(words, key=lambda w: (words[w], w))
