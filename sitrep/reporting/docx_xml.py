"""WordprocessingML written as text: the incident annex and the few XML edits python-docx
has no API for.

The annex can hold thousands of rows, so it is written as table XML in one piece
(``w:tr`` elements), about fifteen times faster than ``table.add_row()``, and spliced
into the saved document in place of a token paragraph (:func:`splice_paragraph`).
Incident references in the annex are bookmarks (:func:`bookmark_name`).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.table import Table

from sitrep.model.enums import Verification
from sitrep.reporting import wording
from sitrep.reporting.annex import AnnexRow

_INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Burmese script. Myanmar fonts declare very tall lines (Noto Sans Myanmar: 2.18 em), so
# a paragraph holding one Burmese word would get taller lines than its neighbours; such
# paragraphs get the exact line height of their style in Latin text instead.
MYANMAR = re.compile("[\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff]")
LATIN_LINE_EM = 1.15  # Arial/Liberation Sans: ascent + descent, in em
ANNEX_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Reference", 1330),
    ("Date", 700),
    ("Location", 1150),
    ("Type", 1100),
    ("Actors", 1750),
    ("Harm (best estimates)", 1420),
    ("Sources (grading)", 1100),
    ("Verification", 1200),
)
SHORT_VERIFICATION = {
    Verification.CLAIM_UNVERIFIABLE: "claim, not verifiable",
}


def clean(text: str) -> str:
    return _INVALID_XML.sub("", text)


def bookmark_name(reference: str) -> str:
    """Word bookmark names: a letter first, then letters, digits or _, 40 at most."""
    return ("inc_" + re.sub(r"\W", "_", reference))[:40]


# --------------------------------------------------------------------------- annex XML


def annex_selection(rows: Sequence[AnnexRow], limit: int) -> tuple[list[AnnexRow], list[AnnexRow]]:
    """(listed, summarised): at most ``limit`` incidents, those with the most harm,
    listed in date order; the others are summarised by area, never dropped."""
    if limit <= 0 or len(rows) <= limit:
        return list(rows), []
    ranked = sorted(rows, key=lambda r: (-r.severity, -r.date.toordinal(), r.reference))
    keep = {id(r) for r in ranked[:limit]}
    listed = [r for r in rows if id(r) in keep]
    summarised = [r for r in rows if id(r) not in keep]
    return listed, summarised


def _cell(text_xml: str, width: int, style: str, line: str = "") -> str:
    spacing = (
        f'<w:spacing w:line="{line}" w:lineRule="exact"/>'
        if line and MYANMAR.search(text_xml)
        else ""
    )
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{spacing}</w:pPr>{text_xml}</w:p></w:tc>'
    )


def _runs(lines: Sequence[str], bold: bool = False) -> str:
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    parts = []
    for i, line in enumerate(lines):
        if i:
            parts.append("<w:r><w:br/></w:r>")
        if line:
            parts.append(
                f'<w:r>{rpr}<w:t xml:space="preserve">{xml_escape(clean(line))}</w:t></w:r>'
            )
    return "".join(parts)


def annex_cells(row: AnnexRow, dataset_names: dict[str, str] | None = None) -> list[list[str]]:
    """The annex columns of one incident, each as lines of text."""
    date = f"{row.date.day} {row.date:%b %Y}"
    if row.date_end != row.date:
        date += f" – {row.date_end.day} {row.date_end:%b}"
    location = [row.place or row.township]
    if row.township and row.township != row.place:
        location.append(row.township)
    actors = []
    if row.side_a:
        actors.append(", ".join(row.side_a))
    if row.side_b:
        actors.append("v. " + ", ".join(row.side_b))
    actors += [f"allegedly {name}" for name in row.alleged]
    actors += [f"{name} denies involvement" for name in row.denying]
    figures = wording.harm_phrase(row)
    harm = [figures] if figures else []
    claimed = wording.claimed_short(row)
    if claimed:
        harm.append(f"Claim ({wording.claimant(row)}): {claimed}; not verified")
    dataset = (dataset_names or {}).get(row.dataset_key or "", row.dataset_key or "")
    graded = [s for s in row.sources if s.graded]
    sources = [f"{s.grading} {s.source_type}" for s in graded[:3]]
    if len(graded) > 3:
        sources.append(f"+{len(graded) - 3} more")
    ungraded = len(row.sources) - len(graded)
    if dataset:
        sources.insert(0, dataset)
    if ungraded:
        sources.append(f"{ungraded:,} {'source' if ungraded == 1 else 'sources'}, not graded")
    reference = [row.reference, wording.SYNTHETIC_MARK] if row.is_synthetic else [row.reference]
    return [
        reference,
        [date],
        location,
        [row.type_label],
        actors or ["—"],
        harm or ["none reported"],
        sources or ["—"],
        [SHORT_VERIFICATION.get(row.verification, row.verification.value)]
        + (["in review"] if row.in_review else []),
    ]


def annex_table_xml(
    rows: Sequence[AnnexRow],
    styles: dict[str, str],
    *,
    declare_ns: bool = True,
    dataset_names: dict[str, str] | None = None,
) -> str:
    """The annex as one ``w:tbl``: header row repeated, rows never split, bookmarks."""
    text_style, link_style = styles["text"], styles["link"]
    line = styles.get("line", "")
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for _, w in ANNEX_COLUMNS)
    ns = " " + nsdecls("w") if declare_ns else ""
    parts = [
        f'<w:tbl{ns}><w:tblPr><w:tblStyle w:val="{styles["table"]}"/>'
        '<w:tblW w:w="5000" w:type="pct"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>",
        "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>",
    ]
    parts.extend(_cell(_runs([name], bold=True), w, text_style) for name, w in ANNEX_COLUMNS)
    parts.append("</w:tr>")
    for i, row in enumerate(rows):
        cells = annex_cells(row, dataset_names)
        mark = bookmark_name(row.reference)
        first = (
            f'<w:bookmarkStart w:id="{i + 1}" w:name="{mark}"/>'
            f'<w:r><w:rPr><w:rStyle w:val="{link_style}"/></w:rPr>'
            f'<w:t xml:space="preserve">{xml_escape(clean(row.reference))}</w:t></w:r>'
            f'<w:bookmarkEnd w:id="{i + 1}"/>'
        )
        if len(cells[0]) > 1:  # the [Synthetic] mark under the reference
            first += _runs(["", *cells[0][1:]], bold=True)
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        parts.append(_cell(first, ANNEX_COLUMNS[0][1], text_style))
        for (_, width), lines in zip(ANNEX_COLUMNS[1:], cells[1:], strict=True):
            parts.append(_cell(_runs(lines), width, text_style, line))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def splice_paragraph(docx: bytes, token: str, xml: str) -> bytes:
    """Replace the paragraph holding ``token`` in word/document.xml by ``xml``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "word/document.xml":
                text = content.decode("utf-8")
                at = text.index(token)
                start = max(text.rfind("<w:p>", 0, at), text.rfind("<w:p ", 0, at))
                end = text.index("</w:p>", at) + len("</w:p>")
                content = (text[:start] + xml + text[end:]).encode("utf-8")
            dst.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue()


def set_grid(table: Table, widths: Sequence[int]) -> None:
    """Column widths Word and LibreOffice both honour: grid, table width, fixed layout."""
    twips = [int(w / 635) for w in widths]  # EMU -> twentieths of a point
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), twips, strict=True):
        col.set(qn("w:w"), str(width))
    tbl_pr = table._tbl.tblPr
    for tag in ("w:tblW", "w:tblLayout"):
        old = tbl_pr.find(qn(tag))
        if old is not None:
            tbl_pr.remove(old)
    style = tbl_pr.find(qn("w:tblStyle"))
    index = list(tbl_pr).index(style) + 1 if style is not None else 0
    tbl_pr.insert(index, parse_xml(f'<w:tblW {nsdecls("w")} w:w="{sum(twips)}" w:type="dxa"/>'))
    tbl_pr.insert(index + 1, parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))


def replace_tokens(root: Any, values: dict[str, str]) -> None:
    """Fill ``{token}`` placeholders even if Word split them over several runs."""
    for p in root.iter(qn("w:p")):
        texts = list(p.iter(qn("w:t")))
        joined = "".join(t.text or "" for t in texts)
        if not any(token in joined for token in values):
            continue
        for t in texts:
            for token, value in values.items():
                if t.text and token in t.text:
                    t.text = t.text.replace(token, clean(value))
        joined = "".join(t.text or "" for t in texts)
        if any(token in joined for token in values) and texts:
            # a token was split across runs: merge the paragraph's text into its first run
            for token, value in values.items():
                joined = joined.replace(token, clean(value))
            texts[0].text = joined
            for t in texts[1:]:
                t.text = ""
