"""Sentences and paragraphs of a report, with their offsets in the document's text.

Every field a draft gets points back at characters of the original text (a
:class:`~sitrep.drafting.proposal.Span`), so splitting never copies or cleans the text:
it only finds where paragraphs and sentences start and end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitrep.drafting.proposal import Span

# A sentence ends at . ! ? (optionally followed by a closing quote) before a space and
# a capital letter, a digit or an opening quote. Abbreviations such as "Col." or "U.N."
# before a capital are rare in these reports and would only split a sentence in two.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"‘(])")
_ABBREVIATIONS = re.compile(r"\b(?:Col|Lt|Gen|Maj|Capt|Mr|Ms|Mrs|Dr|No|St|Sgt|Brig|U\.N|U\.S)\.$")
_PARAGRAPH = re.compile(r"\n\s*")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int  # index of the paragraph the sentence belongs to

    def span(self) -> Span:
        return Span(self.start, self.end, self.text)


def sentences(text: str) -> list[Sentence]:
    """The text's sentences in order, each with its paragraph number."""
    found: list[Sentence] = []
    pos = 0
    for paragraph, para in enumerate([*_PARAGRAPH.finditer(text), None]):
        stop = para.start() if para else len(text)
        _split(text, pos, stop, paragraph, found)
        if para is None:
            break
        pos = para.end()
    return found


def _split(text: str, start: int, stop: int, paragraph: int, out: list[Sentence]) -> None:
    pos = start
    for match in _SENTENCE_END.finditer(text, start, stop):
        if _ABBREVIATIONS.search(text, pos, match.start()):
            continue
        _add(text, pos, match.start(), paragraph, out)
        pos = match.end()
    _add(text, pos, stop, paragraph, out)


def _add(text: str, start: int, end: int, paragraph: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, text[start:end], paragraph))


def span_at(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])
