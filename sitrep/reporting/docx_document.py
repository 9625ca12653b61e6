"""A DOCX document over a reference template, with the few primitives a report needs.

Paragraphs, headings, captions, figures and small tables in the template's styles; text
that mentions an incident reference becomes a link to its annex bookmark; Burmese text
keeps its paragraph's line height. :class:`~sitrep.reporting.docx_writer.DocxWriter`
builds the report's sections on these.
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu
from docx.table import Table
from docx.text.paragraph import Paragraph

from sitrep.reporting import markup
from sitrep.reporting.docx_xml import LATIN_LINE_EM, MYANMAR, bookmark_name, clean, set_grid


class DocxDocument:
    def __init__(self, template: Path, refs: Collection[str] = ()) -> None:
        self.doc: DocumentObject = Document(str(template))
        self._ref_pattern = (
            re.compile("|".join(re.escape(r) for r in sorted(refs, key=len, reverse=True)))
            if refs and len(refs) <= 5000
            else None
        )
        section = self.doc.sections[0]
        self.usable = Emu(
            int(section.page_width or Cm(21))
            - int(section.left_margin or 0)
            - int(section.right_margin or 0)
        )
        self._style_ids: dict[str, str] = {}
        self._line_cache: dict[str, int] = {}

    # ------------------------------------------------------------------ helpers

    def style_id(self, name: str) -> str:
        if name not in self._style_ids:
            self._style_ids[name] = self.doc.styles[name].style_id
        return self._style_ids[name]

    def set_style(self, p: Paragraph, name: str) -> None:
        """Like ``p.style = name`` without python-docx's slow lookup by name each time."""
        p._p.get_or_add_pPr().get_or_add_pStyle().val = self.style_id(name)

    def para(self, text: str = "", style: str | None = None) -> Paragraph:
        p = self.doc.add_paragraph()
        if style is not None:
            self.set_style(p, style)
        if text:
            self.add_text(p, text)
        return p

    def line_twips(self, style_name: str) -> int:
        """The line height of a paragraph style in Latin text, in twentieths of a point."""
        if style_name not in self._line_cache:
            size, multiple = None, None
            style: Any = self.doc.styles[style_name]
            while style is not None:
                size = size or style.font.size
                if multiple is None:
                    multiple = style.paragraph_format.line_spacing
                style = style.base_style
            points = size.pt if size is not None else 10.0
            factor = multiple if isinstance(multiple, float) and multiple < 3 else 1.0
            self._line_cache[style_name] = round(points * LATIN_LINE_EM * factor * 20)
        return self._line_cache[style_name]

    def keep_line_height(self, p: Paragraph) -> None:
        """Burmese text keeps the paragraph's line height (see ``MYANMAR``)."""
        ppr = p._p.get_or_add_pPr()
        if ppr.find(qn("w:spacing")) is not None and ppr.find(qn("w:spacing")).get(
            qn("w:lineRule")
        ):
            return
        name = p.style.name if p.style is not None else "Normal"
        spacing = ppr.get_or_add_spacing()
        spacing.set(qn("w:line"), str(self.line_twips(name)))
        spacing.set(qn("w:lineRule"), "exact")

    def add_text(
        self, p: Paragraph, text: str, *, bold: bool = False, italic: bool = False
    ) -> None:
        """Add text, turning incident references into links to their annex bookmark."""
        text = clean(text)
        if MYANMAR.search(text):
            self.keep_line_height(p)
        pos = 0
        if self._ref_pattern is not None:
            for match in self._ref_pattern.finditer(text):
                if match.start() > pos:
                    run = p.add_run(text[pos : match.start()])
                    run.bold, run.italic = bold or None, italic or None
                self.link(p, match.group(0), bookmark_name(match.group(0)))
                pos = match.end()
        if pos < len(text):
            run = p.add_run(text[pos:])
            run.bold, run.italic = bold or None, italic or None

    def link(self, p: Paragraph, text: str, anchor: str) -> None:
        rstyle = self.style_id("Hyperlink")
        p._p.append(
            parse_xml(
                f'<w:hyperlink {nsdecls("w")} w:anchor="{anchor}" w:history="1">'
                f'<w:r><w:rPr><w:rStyle w:val="{rstyle}"/></w:rPr>'
                f"<w:t>{xml_escape(text)}</w:t></w:r></w:hyperlink>"
            )
        )

    def markup(self, body: str, *, bullet_style: str = "List Bullet") -> None:
        for block in markup.parse(body):
            p = self.para(style=bullet_style if block.bullet else None)
            for run in block.runs:
                self.add_text(p, run.text, bold=run.bold, italic=run.italic)

    def heading(self, text: str, level: int = 1) -> Paragraph:
        heading: Paragraph = self.doc.add_heading(clean(text), level=level)
        return heading

    def caption(self, text: str) -> None:
        p = self.para(text, style="Caption")
        p.paragraph_format.keep_with_next = True

    def figure(self, caption: str, png: bytes, alt: str, width: Emu | None = None) -> None:
        """Caption and picture in one paragraph, so a page break cannot part them; the
        picture carries ``alt`` as its description for screen readers."""
        p = self.para(caption, style="Caption")
        p.paragraph_format.keep_with_next = True
        run = p.add_run()
        run.add_break()
        shape = run.add_picture(io.BytesIO(png), width=width or self.usable)
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", clean(alt))
        doc_pr.set("title", clean(caption.split(". ", 1)[-1]))

    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[str]],
        widths_cm: Sequence[float],
        *,
        numeric: Iterable[int] = (),
        total: Sequence[str] | None = None,
    ) -> Table:
        """A small "Sitrep Table": header row repeated on each page, rows never split."""
        numeric = set(numeric)
        body = [list(r) for r in rows]
        all_rows = [list(headers), *body, *([list(total)] if total else [])]
        table: Table = self.doc.add_table(rows=len(all_rows), cols=len(headers))
        table.style = self.doc.styles["Sitrep Table"]
        tbl_pr = table._tbl.tblPr
        look = tbl_pr.find(qn("w:tblLook"))
        if look is not None:
            tbl_pr.remove(look)
        tbl_pr.append(
            parse_xml(
                f'<w:tblLook {nsdecls("w")} w:val="0{"6" if total else "4"}A0" '
                f'w:firstRow="1" w:lastRow="{1 if total else 0}" w:firstColumn="0" '
                'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
            )
        )
        set_grid(table, [Cm(w) for w in widths_cm])
        for r, values in enumerate(all_rows):
            row = table.rows[r]
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
            if r == 0:
                tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
            for c, value in enumerate(values):
                cell = row.cells[c]
                cell.width = Cm(widths_cm[c])
                p = cell.paragraphs[0]
                self.set_style(p, "Table Number" if c in numeric else "Table Text")
                if r < len(all_rows) - 1 and len(all_rows) <= 25:
                    p.paragraph_format.keep_with_next = True  # short tables stay whole
                header_or_total = r == 0 or (total is not None and r == len(all_rows) - 1)
                self.add_text(p, str(value), bold=header_or_total)
        return table

    def clear_body(self) -> None:
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
