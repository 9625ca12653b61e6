"""Deciding a text file's encoding honestly, and saying where it does not hold.

The rule (issue 12): a byte-order mark decides (UTF-8, UTF-16, UTF-32). Otherwise the
file is UTF-8 when it decodes as UTF-8, and *also* when it holds valid multi-byte UTF-8
characters beside a few bytes that are not: that is UTF-8 with errors, and the rows
holding the bad bytes are refused (or skipped) by row, column and byte offset. Reading
such a file whole as a legacy code page would garble every non-ASCII name and pass.
A legacy code page is guessed only when the file is clearly not UTF-8: high bytes and
not one valid multi-byte UTF-8 sequence. That guess is shown before anything is written
and the user can choose another encoding.

Bytes that do not decode become :data:`MARK` characters in the text (a lone surrogate,
which no valid decoding produces), one per bad byte range, in file order; the reader
turns them back into row problems with :func:`bad_places`.
"""

from __future__ import annotations

import codecs
import re
import threading
from dataclasses import dataclass, field

from sitrep.errors import SitrepError

MARK = "\udc00"
"""Stands in the decoded text for one range of bytes that did not decode."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_NEUTRAL = {"General Punctuation", "Currency Symbols", "Control character", "Letterlike Symbols"}
_NON_ASCII = re.compile(r"[^\x00-\x7f\udc00]")

_state = threading.local()


def _mark(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    _state.bad.append((exc.start, exc.end))
    return MARK, exc.end


codecs.register_error("sitrep-mark", _mark)


@dataclass
class Decoded:
    """A file's text and how it was decided."""

    text: str
    encoding: str
    how: str  # "byte-order mark", "UTF-8", "guessed", "chosen"
    bad: list[tuple[int, int]] = field(default_factory=list)  # byte ranges that failed
    data: bytes = b""

    @property
    def label(self) -> str:
        """The encoding as people write it: UTF-8, UTF-16, cp1252."""
        name = self.encoding.removesuffix("-sig")
        return name.upper() if name.startswith("utf") else name

    @property
    def guessed(self) -> bool:
        return self.how == "guessed"

    def describe(self) -> str:
        """One phrase for previews and the CLI, e.g. ``cp1252 (guessed: not UTF-8)``."""
        if self.how == "guessed":
            return f"{self.label} (a guess: the file is not UTF-8)"
        if self.how == "chosen":
            return f"{self.label} (chosen)"
        if self.bad:
            return f"{self.label} with {len(self.bad)} invalid byte sequences"
        return self.label

    def bad_place(self, index: int) -> str:
        """The ``index``-th bad byte range in words: which bytes, where."""
        start, end = self.bad[index]
        shown = " ".join(f"0x{b:02X}" for b in self.data[start : min(end, start + 4)])
        return f"byte {shown} at byte offset {start} is not valid {self.label}"


def _decode_marked(data: bytes, encoding: str) -> tuple[str, list[tuple[int, int]]]:
    _state.bad = []
    try:
        text = data.decode(encoding, errors="sitrep-mark")
        return text, _state.bad
    finally:
        _state.bad = []


def check_encoding_name(name: str) -> str:
    """``name`` as Python knows it; a clear error for a name it does not know."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise SitrepError(
            f"'{name}' is not a text encoding this program knows (try utf-8, cp1252, "
            "latin-1, utf-16)."
        ) from None


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def decode(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode ``data`` by the rule of the module docstring (``encoding`` overrides it)."""
    if encoding:
        name = check_encoding_name(encoding)
        text, bad = _decode_marked(data, name)
        return Decoded(_strip_bom(text), name, "chosen", bad, data)
    for bom, name in _BOMS:
        if data.startswith(bom):
            text, bad = _decode_marked(data, name)
            return Decoded(_strip_bom(text), name, "byte-order mark", bad, data)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "UTF-8", [], data)
    except UnicodeDecodeError:
        pass
    # UTF-16 without BOM: every other byte of ASCII text is zero.
    sample = data[:4000]
    for name, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if len(sample) >= 4 and zeros.count(0) > len(sample) // 4:
            text, bad = _decode_marked(data, name)
            return Decoded(text, name, "guessed", bad, data)
    text, bad = _decode_marked(data, "utf-8")
    if _NON_ASCII.search(text):
        # valid multi-byte characters beside the bad bytes: UTF-8 with errors
        return Decoded(text, "utf-8", "UTF-8", bad, data)
    name = _guess_legacy(data)
    text, bad = _decode_marked(data, name)
    return Decoded(text, name, "guessed", bad, data)


def _guess_legacy(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    try:
        data.decode("cp1252")
        cp1252_ok = True
    except UnicodeDecodeError:
        cp1252_ok = False
    if best is None:
        return "cp1252" if cp1252_ok else "latin_1"
    # Short Western text is ambiguous between cp1252, cp850, mac_roman…; what users
    # have is Excel's "CSV" on Windows, i.e. cp1252. Other scripts (Cyrillic, Arabic,
    # Thai…) keep the detected code page.
    latin = all("Latin" in a or a in _NEUTRAL for a in best.alphabets)
    if cp1252_ok and latin:
        return "cp1252"
    return str(best.encoding)
