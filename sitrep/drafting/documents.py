"""Reports as the officer has them (.txt, .docx, .pdf, .eml, pasted text) read into one
:class:`~sitrep.drafting.proposal.SourceDocument`.

Why one reader: the extractor, the command line and the review window must see exactly
the same text, because every proposed field points into it by character offsets. So all
text is normalised here once (line ends become ``\\n``, no NUL or form feed) and nowhere
else. The report's own date is what relative dates ("on Tuesday") are resolved against;
a dateline in the first lines ("YANGON, 6 March 2025") wins over metadata, because it is
what the author wrote, while file properties are often those of last week's copy. Where
the date came from is recorded so the window can show it before the officer confirms.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import re
import zipfile
from collections.abc import Iterator
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

from sitrep.drafting.proposal import SourceDocument, Span
from sitrep.errors import SitrepError
from sitrep.interchange.dates import MONTHS
from sitrep.interchange.encoding import MARK, decode

KINDS = {".txt": "text", ".text": "text", ".md": "text", ".docx": "docx", ".pdf": "pdf"}
KINDS |= {".eml": "eml"}
# a file larger than this is not a report but something opened by mistake
MAX_BYTES = 50 * 1024 * 1024
# how far into the text a dateline is looked for
DATELINE_CHARS = 400

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DATE_PATTERNS = [
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),  # 6 March 2025
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),  # March 6, 2025
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b"),  # 2025-03-06
]


def supported_suffixes() -> list[str]:
    """File name endings the readers take, for the open dialog's filter."""
    return sorted(KINDS)


def normalise(text: str) -> str:
    """The one form of text spans point into: ``\\n`` line ends, no NULs or form feeds."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    return text.replace("\x00", "").replace("\f", "\n").replace("\x0b", "\n")


# the word before a date that makes it an event's date, not the report's
_EVENT_WORDS = frozenset(
    ["on", "since", "from", "until", "till", "to", "between", "and", "by", "before", "after"]
)
# a date on a line this short (a header, a dateline paragraph) is taken anywhere in the head
_SHORT_LINE = 100


def find_dateline(text: str) -> tuple[dt.date, Span] | None:
    """The date written at the head of the report, with where it stands.

    Only the first few lines count (a date further down is an event's, not the
    report's), and there only a date on the first line or on a short line (a header),
    not one that follows "on", "since", "until"… ("On 4 March 2025 soldiers…" is an
    event). Only forms that cannot be misread are taken: a month written in words, or
    ISO ``2025-03-06``. ``06/03/2025`` is day-first in Yangon and month-first in New
    York, so it is left for the officer.
    """
    head = text[:DATELINE_CHARS]
    first_line_end = _first_line_end(text)
    found: list[tuple[int, dt.date, Span]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(head):
            if not _stands_as_dateline(text, m.start(), m.end(), first_line_end):
                continue
            groups = m.groupdict()
            month = int(groups["mnum"]) if groups.get("mnum") else MONTHS[m["month"].lower()]
            try:
                date = dt.date(int(m["year"]), month, int(m["day"]))
            except ValueError:
                continue
            found.append((m.start(), date, Span(m.start(), m.end(), m.group(0))))
    if not found:
        return None
    _, date, span = min(found, key=lambda f: f[0])
    return date, span


def _first_line_end(text: str) -> int:
    """Where the first line with any text on it ends."""
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def _stands_as_dateline(text: str, start: int, end: int, first_line_end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if start > first_line_end and line_end - line_start > _SHORT_LINE:
        return False
    before = re.findall(r"[A-Za-z]+", text[line_start:start])
    return not (before and before[-1].lower() in _EVENT_WORDS)


def text_document(text: str, name: str = "", kind: str = "text") -> SourceDocument:
    """Pasted or already-read text as a document, its dateline found when it has one."""
    doc = SourceDocument(text=normalise(text), name=name, kind=kind)
    _take_dateline(doc)
    return doc


def _take_dateline(doc: SourceDocument) -> bool:
    found = find_dateline(doc.text)
    if found is None:
        return False
    doc.report_date, doc.report_date_evidence = found
    doc.report_date_source = f"the dateline '{found[1].text}'"
    return True


def _set_metadata_date(doc: SourceDocument, date: dt.date | None, where: str) -> None:
    if doc.report_date is None and date is not None:
        doc.report_date = date
        doc.report_date_source = where


def read_document(path: Path) -> SourceDocument:
    """The report in ``path``; a :class:`SitrepError` of one sentence when it cannot be
    read (unsupported kind, corrupt file, a scan without a text layer)."""
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(s for s in supported_suffixes() if s not in {".text", ".md"})
        raise SitrepError(
            f"{path.name} is not a kind of file Sitrep reads reports from ({known}); "
            "save it as one of those or paste its text."
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SitrepError(f"{path} cannot be read: {exc.strerror}.") from None
    if size > MAX_BYTES:
        raise SitrepError(
            f"{path.name} is {size // 2**20} MB, too large for a report "
            f"(at most {MAX_BYTES // 2**20} MB); paste the part that matters."
        )
    reader = {"text": _read_text, "docx": _read_docx, "pdf": _read_pdf, "eml": _read_eml}[kind]
    doc = reader(path)
    doc.name, doc.kind = path.name, kind
    if not doc.text.strip():
        raise SitrepError(f"{path.name} holds no text to draft incidents from.")
    return doc


# --------------------------------------------------------------------------- text


def _read_text(path: Path) -> SourceDocument:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SitrepError(f"{path} cannot be read: {exc.strerror}.") from None
    decoded = decode(data)
    doc = text_document(decoded.text.replace(MARK, "\ufffd"))
    if decoded.guessed:
        doc.notes.append(f"Read as {decoded.describe()}.")
    if decoded.bad:
        doc.notes.append(
            f"{len(decoded.bad)} invalid byte sequence(s) shown as \ufffd; "
            f"the first: {decoded.bad_place(0)}."
        )
    return doc


# --------------------------------------------------------------------------- docx


def _read_docx(path: Path) -> SourceDocument:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise SitrepError(
            f"{path.name} is not a Word document Sitrep can open (damaged, or another "
            "format with a .docx name)."
        ) from None
    text = "\n".join(_docx_blocks(document))
    doc = text_document(text)
    props = document.core_properties
    doc.title = (props.title or "").strip()
    doc.author = (props.author or "").strip()
    if props.modified is not None:
        _set_metadata_date(doc, props.modified.date(), "the document's properties (last saved)")
    elif props.created is not None:
        _set_metadata_date(doc, props.created.date(), "the document's properties (created)")
    return doc


def _docx_blocks(document: object) -> Iterator[str]:
    """Paragraphs and table rows in document order; a table row is one line, its cells
    apart by tabs (a merged cell once)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in document.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                last: object = None
                for cell in row.cells:
                    if cell._tc is last:  # a merged cell repeats across the span
                        continue
                    last = cell._tc
                    cells.append(" ".join(cell.text.split()))
                yield "\t".join(cells)
            yield ""


# --------------------------------------------------------------------------- pdf


def _read_pdf(path: Path) -> SourceDocument:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise SitrepError(
                f"{path.name} is protected by a password; open it in a PDF viewer and "
                "paste its text."
            )
        pages = [page.extract_text() or "" for page in reader.pages]
        meta = reader.metadata
    except SitrepError:
        raise
    except (PyPdfError, ValueError, KeyError, OSError, TypeError):
        raise SitrepError(
            f"{path.name} is not a PDF Sitrep can read (damaged, or another format "
            "with a .pdf name)."
        ) from None
    if not any(p.strip() for p in pages):
        raise SitrepError(
            f"{path.name} has no text layer: it looks like a scanned image; run it "
            "through OCR or paste the text."
        )
    doc = text_document("\n\n".join(p.strip("\n") for p in pages))
    if meta is not None:
        doc.title = str(meta.title or "").strip()
        doc.author = str(meta.author or "").strip()
        try:
            created = meta.creation_date
        except (ValueError, TypeError):  # a malformed date string in the file
            created = None
        if created is not None:
            _set_metadata_date(doc, created.date(), "the PDF's properties (created)")
    return doc


# --------------------------------------------------------------------------- e-mail


def _read_eml(path: Path) -> SourceDocument:
    try:
        with path.open("rb") as fh:
            message = email.message_from_binary_file(fh, policy=email.policy.default)
    except OSError as exc:
        raise SitrepError(f"{path} cannot be read: {exc.strerror}.") from None
    assert isinstance(message, EmailMessage)
    if not message.keys():
        raise SitrepError(f"{path.name} is not an e-mail message (no headers found).")
    body = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        try:
            content = body.get_content()
        except (LookupError, ValueError):  # an unknown charset or a broken encoding
            content = body.get_payload(decode=True)
            content = content.decode("utf-8", "replace") if isinstance(content, bytes) else ""
        text = html_to_text(content) if body.get_content_type() == "text/html" else content
    doc = text_document(str(text))
    doc.title = " ".join(str(message.get("Subject", "")).split())
    sender = message.get("From")
    if sender is not None:
        name, address = email.utils.parseaddr(str(sender))
        doc.author = name or address
    sent = _header_date(message.get("Date"))
    if sent is not None:
        _set_metadata_date(doc, sent, "the e-mail's Date header")
    names = [part.get_filename() or part.get_content_type() for part in _attachments(message)]
    if names:
        doc.notes.append(
            f"{len(names)} attachment(s) not read: {', '.join(names)} "
            "(save one and open it to draft from it)."
        )
    return doc


def _attachments(message: EmailMessage) -> list[EmailMessage]:
    return [p for p in message.iter_attachments() if isinstance(p, EmailMessage)]


def _header_date(value: object) -> dt.date | None:
    """The day the sender's clock showed (the report's day where it was written)."""
    if value is None:
        return None
    try:
        return email.utils.parsedate_to_datetime(str(value)).date()
    except (TypeError, ValueError, IndexError):
        return None


# --------------------------------------------------------------------------- HTML


class _TextOfHtml(HTMLParser):
    """HTML reduced to its visible text: no scripts, styles or links followed; block
    elements become line breaks, table cells tabs; entities decoded."""

    BLOCKS = frozenset(
        [
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "tr",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "pre",
            "table",
            "section",
            "article",
            "header",
            "footer",
            "hr",
            "dd",
            "dt",
        ]
    )
    HIDDEN = frozenset(["script", "style", "head", "title", "template", "noscript"])

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag in {"td", "th"}:
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """The visible text of an HTML e-mail body, as lines."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = []
    for line in "".join(parser.parts).split("\n"):
        cells = [" ".join(cell.split()) for cell in line.split("\t")]
        lines.append("\t".join(c for c in cells if c))
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
