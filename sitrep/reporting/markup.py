"""The light markup of narrative sections: ``**bold**``, ``*italic*`` and ``- `` bullets.

Narrative is stored as this plain text (readable in the database, in diffs and in
exports) and turned into Word runs by the DOCX writer and into rich text by the report
editor. Anything that is not markup stays literal text: an unmatched ``*`` is a star.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BULLET = re.compile(r"^\s*[-•]\s+")
# **bold**, then *italic*; the inner text must not start or end with a space.
_TOKEN = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|\*(?=[^\s*])(.+?)(?<=[^\s*])\*")


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Block:
    """One paragraph of a section: plain or a bullet, made of runs."""

    runs: tuple[Run, ...]
    bullet: bool = False

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def parse_inline(text: str) -> tuple[Run, ...]:
    runs: list[Run] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        if match.start() > pos:
            runs.append(Run(text[pos : match.start()]))
        if match.group(1) is not None:
            runs.extend(
                Run(r.text, bold=True, italic=r.italic) for r in parse_inline(match.group(1))
            )
        else:
            runs.append(Run(match.group(2), italic=True))
        pos = match.end()
    if pos < len(text):
        runs.append(Run(text[pos:]))
    return tuple(runs)


def parse(body: str) -> list[Block]:
    """Split a section body into paragraphs and bullets.

    Lines starting with ``- `` are bullets; other consecutive lines form one paragraph;
    blank lines separate paragraphs.
    """
    blocks: list[Block] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            blocks.append(Block(parse_inline(" ".join(s.strip() for s in pending))))
            pending.clear()

    for line in body.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            flush()
        elif _BULLET.match(line):
            flush()
            blocks.append(Block(parse_inline(_BULLET.sub("", line, count=1).strip()), True))
        else:
            pending.append(line)
    flush()
    return blocks


def escape(text: str) -> str:
    """Protect literal stars so they survive a round trip through the markup."""
    return text.replace("*", "\u2217")


def render(blocks: list[Block]) -> str:
    """Blocks back to light markup (the editor saves what the user formatted)."""
    lines: list[str] = []
    previous_bullet: bool | None = None
    for block in blocks:
        parts: list[str] = []
        for run in block.runs:
            text = run.text
            if not text:
                continue
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()) :]
            core = text.strip()
            if core and run.italic:
                core = f"*{core}*"
            if core and run.bold:
                core = f"**{core}**"
            parts.append(lead + core + trail)
        line = "".join(parts).strip()
        if block.bullet:
            if previous_bullet is False:
                lines.append("")
            lines.append(f"- {line}")
        else:
            if lines:
                lines.append("")
            lines.append(line)
        previous_bullet = block.bullet
    return "\n".join(lines).strip("\n")


def plain(body: str) -> str:
    """The text without markup (for word counts, previews and search)."""
    return "\n".join(b.text for b in parse(body))
