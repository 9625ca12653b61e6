"""Normalising place and admin-area names so spelling variants meet.

``Kachin state``, ``Kachin State`` and ``Kachin`` are one area; ``Bago division`` and
``Bago region`` too; ``Magway  region`` with two spaces as well; ``Hpākān`` is found by
``hpakan``. Matching is done on these normalised keys, never on raw names.
"""

from __future__ import annotations

import re
import unicodedata

# Generic words that designate the *kind* of area, and the admin level they suggest.
AREA_WORDS: dict[str, int] = {
    "state": 1,
    "region": 1,
    "division": 1,
    "province": 1,
    "district": 2,
    "township": 3,
    "upazila": 3,
    "village tract": 4,
    "tract": 4,
}

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[\u2010-\u2015'’`\".,()\[\]]")


def fold(text: str) -> str:
    """Lower-case, strip diacritics (not other scripts), collapse spaces and punctuation."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        ch
        for ch in decomposed
        # drop combining marks of Latin letters only; Myanmar vowel signs are Mc/Mn too,
        # so keep marks whose base is not ASCII.
        if not (unicodedata.category(ch) == "Mn" and _latin_mark(ch))
    )
    kept = unicodedata.normalize("NFC", kept).casefold()
    kept = _PUNCT.sub(" ", kept).replace("-", " ")
    return _SPACES.sub(" ", kept).strip()


def _latin_mark(ch: str) -> bool:
    return 0x0300 <= ord(ch) <= 0x036F


def split_area_word(text: str) -> tuple[str, int | None]:
    """``"Kachin State"`` → ``("kachin", 1)``; ``"Bhamo"`` → ``("bhamo", None)``."""
    key = fold(text)
    for word, level in sorted(AREA_WORDS.items(), key=lambda kv: -len(kv[0])):
        if key.endswith(" " + word):
            return key[: -len(word) - 1].strip(), level
    return key, None


def area_key(text: str) -> str:
    """The key admin areas are matched on: folded, without the kind-of-area word."""
    return split_area_word(text)[0]
