"""Reading generated reports back as data (python-docx), for the tests."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn

FIGURE_ORDER = (
    "incidents",
    "killed",
    "civilians_killed",
    "injured",
    "abducted_detained",
    "areas_affected",
)


def open_docx(path: Path) -> DocumentObject:
    return Document(str(path))


def headings(doc: DocumentObject, level: int = 1) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def key_figures(doc: DocumentObject) -> dict[str, int | None]:
    """The key figure boxes; None where a box says the figure is not recorded ("–")."""
    table = next(t for t in doc.tables if t.style.name == "Key Figures Table")
    cells = table.rows[0].cells
    out: dict[str, int | None] = {}
    for key, cell in zip(FIGURE_ORDER, cells, strict=True):
        text = cell.paragraphs[0].text.replace(",", "")
        out[key] = None if text == "–" else int(text)
    return out


def body_text(doc: DocumentObject) -> str:
    """All text of the body, hyperlinks included (python-docx's .text skips them)."""
    return "\n".join(
        "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in doc.element.body.iter(qn("w:p"))
    )


def tables_by_first_header(doc: DocumentObject) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    for table in doc.tables:
        rows = [[c.text for c in row.cells] for row in table.rows]
        if rows:
            out.setdefault(rows[0][0], rows)
    return out
