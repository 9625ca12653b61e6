"""Write a situation report as DOCX over a reference template.

Every style (fonts, colours, header band, table look) comes from the template, so an
organisation restyles its sitreps in Word. Small tables are built with python-docx;
the incident annex, which can hold thousands of rows, is written as table XML in one
piece (``w:tr`` elements), about fifteen times faster than ``table.add_row()``.
Incident references in the annex are bookmarks; references mentioned elsewhere link
to them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu
from docx.table import Table
from docx.text.paragraph import Paragraph

from sitrep.model.enums import Credibility, Reliability, ReportKind, ReportStatus, Verification
from sitrep.model.harm import FIGURE_FLAGS
from sitrep.places.levels import level_name, plural
from sitrep.reporting import markup, wording
from sitrep.reporting.figures import (
    FIGURE_KEYS,
    FIGURE_LABELS,
    NOT_RECORDED,
    AnnexRow,
    ReportData,
)
from sitrep.reporting.records import HIGHLIGHTS, OVERVIEW

if TYPE_CHECKING:
    from sitrep.reporting.flash import FlashContext

Progress = Callable[[int, str], None]
_INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Burmese script. Myanmar fonts declare very tall lines (Noto Sans Myanmar: 2.18 em), so
# a paragraph holding one Burmese word would get taller lines than its neighbours; such
# paragraphs get the exact line height of their style in Latin text instead.
_MYANMAR = re.compile("[\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff]")
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
MAX_AREA_ROWS = 12  # areas listed by name at least (more when more areas had deaths)
MAX_DEADLY_ROWS = 40  # areas with deaths are never folded into "others" below this
DEFAULT_ANNEX_LIMIT = 200  # incidents listed one by one; the rest summarised by area


@dataclass
class ReportMeta:
    """What the document says about itself (from the Report record and the project)."""

    title: str
    organisation: str
    classification: str
    kind: ReportKind
    number: int
    issued: dt.date
    sections: list[dict[str, str]] = field(default_factory=list)
    status: ReportStatus = ReportStatus.DRAFT
    logo: Path | None = None  # PNG/JPEG shown in the header band
    revision: int = 1
    replaces: str = ""  # "revision 1 of 8 June 2025" when this is a later revision
    next_report: dt.date | None = None
    contact: list[str] = field(default_factory=list)
    annex_limit: int = 0  # 0: the default cap (DEFAULT_ANNEX_LIMIT)
    map_sources: list[str] = field(default_factory=list)  # credited under the map


def clean(text: str) -> str:
    return _INVALID_XML.sub("", text)


def bookmark_name(reference: str) -> str:
    """Word bookmark names: a letter first, then letters, digits or _, 40 at most."""
    return ("inc_" + re.sub(r"\W", "_", reference))[:40]


class DocxWriter:
    def __init__(
        self,
        template: Path,
        data: ReportData,
        meta: ReportMeta,
        flash: FlashContext | None = None,
    ) -> None:
        self.doc: DocumentObject = Document(str(template))
        self.data = data
        self.meta = meta
        self.flash = flash
        limit = meta.annex_limit or DEFAULT_ANNEX_LIMIT
        self.annexed, self.summarised = annex_selection(data.incidents, limit)
        self.refs = {r.reference for r in self.annexed}
        if flash is not None:
            self.refs |= {r.reference for r in flash.nearby}
        self._ref_pattern = (
            re.compile("|".join(re.escape(r) for r in sorted(self.refs, key=len, reverse=True)))
            if self.refs and len(self.refs) <= 5000
            else None
        )
        section = self.doc.sections[0]
        self.usable = Emu(
            int(section.page_width or Cm(21))
            - int(section.left_margin or 0)
            - int(section.right_margin or 0)
        )
        self._figure_no = 0
        self._map_no = 0
        self._table_no = 0
        self._annex_token = f"@@SITREP-ANNEX-{uuid.uuid4().hex}@@"
        self._annex_xml = ""
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
        """Burmese text keeps the paragraph's line height (see ``_MYANMAR``)."""
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
        if _MYANMAR.search(text):
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
        return self.doc.add_heading(clean(text), level=level)

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
        table = self.doc.add_table(rows=len(all_rows), cols=len(headers))
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
        _set_grid(table, [Cm(w) for w in widths_cm])
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

    # ------------------------------------------------------------------ document parts

    def clear_body(self) -> None:
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)

    @property
    def demo_notice(self) -> str:
        """Shown on every page (header and footer) of a report with synthetic incidents."""
        if not self.data.synthetic:
            return ""
        return "DEMO DATA"

    def fill_placeholders(self) -> None:
        marking = self.meta.classification.upper()
        if self.demo_notice:
            marking += f"  ·  {self.demo_notice}"
        values = {
            "{organisation}": self.meta.organisation,
            "{classification}": marking,
            "{title}": self.meta.title,
        }
        for section in self.doc.sections:
            for part in (
                section.header,
                section.footer,
                section.first_page_header,
                section.first_page_footer,
                section.even_page_header,
                section.even_page_footer,
            ):
                if part.is_linked_to_previous:
                    continue
                _replace_tokens(part._element, values)
                if self.meta.logo is not None and part.tables:
                    first = part.tables[0].cell(0, 0).paragraphs[0]
                    run = first.add_run()
                    run.add_picture(str(self.meta.logo), height=Cm(0.55))
                    run.add_text("  ")
                    first._p.insert(
                        1 if first._p.pPr is not None else 0, run._r
                    )  # the logo leads the band

    def title_block(self) -> None:
        d, m = self.data, self.meta
        self.para(m.organisation, style="Sitrep Organisation")
        self.para(m.title, style="Title")
        kind = "Flash update" if m.kind is ReportKind.FLASH else "Reporting period"
        draft = "  ·  DRAFT" if m.status is ReportStatus.DRAFT else ""
        revision = f"  ·  Revision {m.revision}" if m.revision > 1 else ""
        self.para(
            f"{kind}: {wording.period_text(d.date_from, d.date_to)}  ·  "
            f"Issued {wording.day_year(m.issued)}{revision}{draft}",
            style="Subtitle",
        )
        if m.replaces or m.next_report is not None:
            parts = []
            if m.replaces:
                parts.append(f"This revision replaces {m.replaces}.")
            if m.next_report is not None:
                parts.append(
                    f"The next report will be issued on or around "
                    f"{wording.day_year(m.next_report)}."
                )
            self.para(" ".join(parts), style="Source Note")
        areas = d.region.areas
        if len(areas) == 1:
            a = areas[0]
            kind_name = d.region_kind or level_name(None, a.level, [a.country_iso])
            what = f"{a.name} ({kind_name}{', ' + a.pcode if a.pcode else ''})"
        else:
            what = f"{d.region.name}: " + ", ".join(a.name for a in areas)
        coverage = wording.coverage_sentence(d, m.organisation)
        self.para(
            f"{m.classification.upper()}  ·  Coverage: {what}. {coverage}".rstrip(),
            style="Classification Marking",
        )
        if d.synthetic:
            p = self.para(style="Classification Marking")
            self.add_text(
                p,
                f"Demo data: {d.synthetic:,} of the {d.figures.incidents:,} incidents counted "
                f"in this report {'was' if d.synthetic == 1 else 'were'} generated for "
                "demonstration (marked [Synthetic]); they are not real events. Do not use this "
                "as a real situation report.",
                bold=True,
            )

    def highlights(self) -> None:
        self.heading(HIGHLIGHTS)
        body = next(
            (s["body"] for s in self.meta.sections if s["title"].strip() == HIGHLIGHTS), ""
        )
        if body.strip():
            self.markup(body, bullet_style="Highlight")
            return
        self.markup(wording.seeded_highlights_markup(self.data), bullet_style="Highlight")

    def key_figures(self) -> None:
        d = self.data
        self.heading("Key figures")
        now, before = d.figures.as_dict(), d.previous.as_dict()
        table = self.doc.add_table(rows=1, cols=len(FIGURE_KEYS))
        table.style = self.doc.styles["Key Figures Table"]
        width = Emu(int(self.usable / len(FIGURE_KEYS)))
        _set_grid(table, [width] * len(FIGURE_KEYS))
        for cell, key in zip(table.rows[0].cells, FIGURE_KEYS, strict=True):
            cell.width = width
            number = cell.paragraphs[0]
            self.set_style(number, "Key Figure Number")
            value, earlier = now[key], before[key]
            number.add_run("–" if value is None else f"{value:,}")
            label = d.areas_label if key == "areas_affected" else FIGURE_LABELS[key]
            cell.add_paragraph(label, style="Key Figure Label")
            if value is None:
                cell.add_paragraph(NOT_RECORDED, style="Key Figure Change")
                continue
            if (
                key == "killed"
                and d.killed_low is not None
                and d.killed_high is not None
                and d.killed_low != d.killed_high
            ):
                cell.add_paragraph(
                    f"range {d.killed_low:,}–{d.killed_high:,}", style="Key Figure Change"
                )
            if d.figures.unrecorded(key):
                cell.add_paragraph(
                    f"{NOT_RECORDED} for {d.figures.unrecorded(key):,}", style="Key Figure Change"
                )
            change = _change(value, earlier) if earlier is not None else "previous: not recorded"
            cell.add_paragraph(change, style="Key Figure Change")
        where = "listed in Annex 1" if not self.summarised else "in the figures file (JSON)"
        previous = (
            d.previous_period.describe()
            if d.previous_period is not None
            else f"the previous period ({wording.period_text(d.previous_from, d.previous_to)})"
        )
        note = (
            f"Change compared with {previous}. Deaths and injuries are best estimates; the "
            f"incidents each figure counts are {where}."
        )
        note += self._area_note()
        if d.figures.killed_claimed:
            note += (
                f" Party claims of a further {d.figures.killed_claimed:,} deaths could not be "
                "independently verified and are not included."
            )
        for sentence in (wording.withheld_sentence(d), *wording.unrecorded_notes(d)):
            if sentence:
                note += " " + wording.sentence_start(sentence)
        self.para(note, style="Source Note").paragraph_format.space_before = Cm(0.15)

    def _area_note(self) -> str:
        """What "<areas> affected" counts, and the incidents it cannot place."""
        d = self.data
        areas = plural(d.area_level_name)
        text = f" {d.areas_label} counts the {areas} with at least one incident"
        if d.figures.no_area:
            n = d.figures.no_area
            text += (
                f"; {wording.plural(n, 'incident')} with no known {d.area_level_name} "
                f"{'is' if n == 1 else 'are'} counted in the other figures only."
            )
        else:
            text += "."
        return text

    def review_note(self) -> None:
        """Incidents still in review: their details may change (marked in the annex)."""
        pending = self.data.in_review
        if not pending:
            return
        n = len(pending)
        self.para(
            f"{wording.plural(n, 'incident')} in this report {'is' if n == 1 else 'are'} "
            "still in review and marked “in review” in Annex 1; "
            f"{'its' if n == 1 else 'their'} details may change.",
            style="Source Note",
        )

    def map(self, png: bytes) -> None:
        d = self.data
        self._map_no += 1
        n = len([r for r in d.incidents if r.lat is not None])
        located = f"{n:,} of {len(d.incidents):,} incidents" if d.incidents else "no incidents"
        self.figure(
            f"Map {self._map_no}. Incidents in {d.region.place}, "
            f"{wording.period_text(d.date_from, d.date_to)}, by type",
            png,
            alt=(
                f"Map of {d.region.place} showing {located} of "
                f"{wording.period_text(d.date_from, d.date_to)} as dots coloured by type "
                "and sized by deaths, with admin boundaries and main towns."
            ),
        )
        self.para(
            f"Map data: {wording.join_and(self.meta.map_sources or ['Natural Earth'])}. "
            "The boundaries and names shown and the designations used on this map do not "
            "imply official endorsement or acceptance. Locations are approximate where "
            "precision is limited.",
            style="Source Note",
        )

    def narrative(
        self, skip: Iterable[str] = (HIGHLIGHTS,), only: Iterable[str] | None = None
    ) -> None:
        skipped = set(skip)
        wanted = set(only) if only is not None else None
        for section in self.meta.sections:
            title, body = section["title"].strip(), section["body"]
            if not title or title in skipped or (wanted is not None and title not in wanted):
                continue
            if not body.strip():
                if title == OVERVIEW:
                    self.heading(title)
                    self.para(wording.seeded_overview(self.data))
                    self._claims_paragraphs()
                continue
            self.heading(title)
            self.markup(body)
            if title == OVERVIEW:
                self._claims_paragraphs()

    def _claims_paragraphs(self) -> None:
        """Party claims in the period, each worded as a claim."""
        claims = [r for r in self.data.incidents if wording.claim_sentence(r)]
        if not claims:
            return
        self.heading("Claims by parties to the conflict", 2)
        for row in claims[:10]:
            p = self.para(style="List Bullet")
            mark = f"{wording.SYNTHETIC_MARK} " if row.is_synthetic else ""
            lead = f"{mark}{wording.day(row.date)}, {wording.place_text(row)}: "
            self.add_text(p, lead, bold=True)
            self.add_text(p, f"{wording.claim_sentence(row)} ({row.reference})")

    def _count(self, value: int, key: str) -> str:
        """A table cell of figure ``key``: "–" where the data does not record it."""
        return f"{value:,}" if self.data.figures.is_recorded(key) else "–"

    def _withheld_row(self) -> list[str] | None:
        """The tables' row for incidents counted but not described (above the marking)."""
        d = self.data
        w, wp = d.withheld, d.withheld_previous
        if not d.withheld_counted or not (w.incidents or wp.incidents):
            return None
        return [
            "Not described (above this report's classification)",
            f"{w.incidents:,}",
            f"{wp.incidents:,}",
            _change(w.incidents, wp.incidents, short=True),
            self._count(w.killed, "killed"),
        ]

    def _tables_note(self) -> None:
        d = self.data
        notes = []
        if d.synthetic:
            notes.append(
                f"Includes {wording.plural(d.synthetic, 'synthetic (demo) incident')}, "
                "not real events."
            )
        if d.figures.unrecorded("killed") or d.figures.unrecorded("civilians_killed"):
            notes.append("–: not recorded in the data.")
        self.para(" ".join(notes), style="Source Note")

    def tables(self, chart_png: bytes) -> None:
        d = self.data
        self.heading("Incidents by type and area")
        if not d.incidents:
            self.para(
                f"No incidents were recorded in {d.region.place} in the period, against "
                f"{wording.plural(d.previous.incidents, 'incident')} in "
                f"{d.previous_period.describe() if d.previous_period else 'the previous period'}."
            )
            self.chart(chart_png)
            return
        self._table_no += 1
        self.caption(f"Table {self._table_no}. Incidents by type")
        rows = [
            [
                t.event_type,
                f"{t.incidents:,}",
                f"{d.by_type_previous.get(t.event_type, 0):,}",
                _change(t.incidents, d.by_type_previous.get(t.event_type, 0), short=True),
                self._count(t.killed, "killed"),
            ]
            for t in d.by_type
        ]
        current_types = {t.event_type for t in d.by_type}
        rows += [
            [name, "0", f"{n:,}", _change(0, n, short=True), self._count(0, "killed")]
            for name, n in sorted(d.by_type_previous.items())
            if name not in current_types
        ]
        withheld = self._withheld_row()
        if withheld is not None:
            rows.append(withheld)
        self.table(
            ["Type", "Incidents", "Previous period", "Change", "Killed"],
            rows,
            [6.2, 2.6, 3.0, 2.8, 2.6],
            numeric=(1, 2, 3, 4),
            total=[
                "Total",
                f"{d.figures.incidents:,}",
                f"{d.previous.incidents:,}",
                _change(d.figures.incidents, d.previous.incidents, short=True),
                self._count(d.figures.killed, "killed"),
            ],
        )
        self._tables_note()
        self.area_table()
        self.chart(chart_png)

    def area_table(self) -> None:
        """Areas of one level, the deadliest first; the deadliest are never folded into
        "others", and incidents with no known area are a row apart, not a place."""
        d = self.data
        name = d.area_level_name
        withheld = self._withheld_row()
        self._table_no += 1
        self.caption(f"Table {self._table_no}. Incidents by {name}")
        known = [a for a in d.by_area if a.area_id is not None]
        unknown = [a for a in d.by_area if a.area_id is None]
        deadly = sum(1 for a in known if a.killed)
        keep = max(MAX_AREA_ROWS, min(deadly, MAX_DEADLY_ROWS))
        shown, rest = known[:keep], known[keep:]
        rows = [
            [
                a.name,
                a.pcode or "",
                f"{a.incidents:,}",
                self._count(a.killed, "killed"),
                self._count(a.civilians_killed, "civilians_killed"),
            ]
            for a in shown
        ]
        if rest:
            rows.append(
                [
                    f"{len(rest)} other {plural(name) if len(rest) > 1 else name}",
                    "",
                    f"{sum(a.incidents for a in rest):,}",
                    self._count(sum(a.killed for a in rest), "killed"),
                    self._count(sum(a.civilians_killed for a in rest), "civilians_killed"),
                ]
            )
        if withheld is not None:
            w = d.withheld
            rows.append(
                [
                    withheld[0],
                    "",
                    f"{w.incidents:,}",
                    self._count(w.killed, "killed"),
                    self._count(w.civilians_killed, "civilians_killed"),
                ]
            )
        for a in unknown:
            rows.append(
                [
                    f"No known {name}",
                    "",
                    f"{a.incidents:,}",
                    self._count(a.killed, "killed"),
                    self._count(a.civilians_killed, "civilians_killed"),
                ]
            )
        total = [
            "Total",
            "",
            f"{d.figures.incidents:,}",
            self._count(d.figures.killed, "killed"),
            self._count(d.figures.civilians_killed, "civilians_killed"),
        ]
        headers = [
            name[:1].upper() + name[1:],
            "P-code",
            "Incidents",
            "Killed",
            "Civilians killed",
        ]
        widths = [5.6, 3.0, 2.8, 2.6, 3.2]
        if not any(a.pcode for a in shown):  # no P-codes known: no empty column
            rows = [[r[0], *r[2:]] for r in rows]
            headers, total = [headers[0], *headers[2:]], [total[0], *total[2:]]
            widths = [8.6, 2.8, 2.6, 3.2]
        self.table(
            headers, rows, widths, numeric=range(len(headers) - 3, len(headers)), total=total
        )
        note = f"Ordered by people killed, then by incidents. {len(known):,} {plural(name)}"
        note += " had incidents in the period"
        if rest:
            note += f"; the {len(rest):,} listed as others had fewer deaths than those named"
        self.para(note + ".", style="Source Note")
        self._tables_note()

    def chart(self, chart_png: bytes) -> None:
        d = self.data
        if not chart_png or not any(w.incidents for w in d.weekly):
            return  # nothing in the weeks shown: an empty chart says nothing
        self._figure_no += 1
        last_week = d.date_to - dt.timedelta(days=d.date_to.weekday())
        partial = d.date_to.weekday() != 6
        caption = (
            f"Figure {self._figure_no}. Incidents per week by type, "
            f"{wording.day_year(d.chart_from)} – {wording.day_year(d.date_to)}"
        )
        self.figure(
            caption,
            chart_png,
            alt=(
                f"Bar chart of incidents per week by type in {d.region.place} from the week "
                f"of {wording.day_year(d.chart_from)} to the week of "
                f"{wording.day_year(last_week)}; the reporting period is shaded."
            ),
        )
        note = "Weeks start on Monday; the shaded weeks are the reporting period."
        if partial:
            note += (
                f" The last week ({wording.day(last_week)} – {wording.day_year(d.date_to)}) is "
                "partial and drawn hatched: it counts only the days up to the end of the period."
            )
        self.para(note, style="Source Note")

    def changes(self) -> None:
        c = self.data.changes
        self.heading("What changed since the previous report")
        if c.previous_title is None:
            self.para(
                "No report of this region for an earlier period has been issued as final in "
                "this project, so there is nothing to compare with. Once a report is "
                "finalised (sitrep report --final, or Final in the report editor), the next "
                "report lists the incidents reported late, revised or retracted since."
            )
            return
        issued = f", issued {wording.day_year(c.previous_issued)}" if c.previous_issued else ""
        if not (c.late or c.revised or c.retracted):
            self.para(
                f"Compared with {c.previous_title}{issued}: no incident of its period was "
                "reported late, revised or retracted since."
            )
        else:
            self.para(
                f"Compared with {c.previous_title}{issued}: "
                f"{wording.plural(len(c.late), 'incident')} reported late, "
                f"{len(c.revised):,} revised and {len(c.retracted):,} retracted."
            )
        if c.late:
            self.heading("New: reported after the previous report", 3)
            for row in c.late:
                p = self.para(style="List Bullet")
                self.add_text(p, wording.incident_sentence(row))
        if c.revised:
            self.heading("Revised", 3)
            for rev in c.revised:
                p = self.para(style="List Bullet")
                self.add_text(p, f"{rev.row_reference} ({wording.day(rev.date)}, {rev.title}): ")
                self.add_text(p, rev.what + ".")
        if c.retracted:
            self.heading("Retracted", 3)
            for rev in c.retracted:
                p = self.para(style="List Bullet")
                p.add_run(
                    f"{rev.row_reference} ({wording.day(rev.date)}, {rev.title}): {rev.what}."
                )

    def annex(self, number: int = 1) -> None:
        rows = self.annexed
        if self.meta.kind is ReportKind.PERIODIC:  # a flash update stays a few pages
            self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        self.heading(f"Annex {number}. Incident log")
        d = self.data
        total = len(d.incidents)
        withheld = (
            [wording.sentence_start(wording.withheld_sentence(d))] if d.withheld.incidents else []
        )
        if not total:
            self.para(" ".join(["No incidents were recorded in the period.", *withheld]))
            return
        if self.summarised:
            killed = sum(r.killed for r in self.summarised)
            lead = (
                f"The {len(rows):,} incidents with the most harm, of {total:,} described in "
                f"this report, in chronological order; the other {len(self.summarised):,} "
                f"({wording.plural(killed, 'person', 'people')} killed) are summarised by "
                f"{d.area_level_name} in the table that follows."
            )
        else:
            lead = (
                f"All {total:,} incidents of the period described in this report, in "
                "chronological order."
            )
        intro = [
            lead,
            "Harm figures are best estimates; claims are shown as claims and never counted as "
            "fact. Source grading uses the Admiralty system (reliability A–F, credibility 1–6, "
            "see Annex 2); sources that came with an imported dataset were not graded by us "
            "and say so.",
            *withheld,
        ]
        if d.synthetic:
            intro.append("Incidents marked [Synthetic] are generated demo data, not real events.")
        self.para(" ".join(intro), style="Source Note")
        # The table goes in as text when the file is saved (see save()): parsing and
        # moving a 10,000-row tree through lxml costs seconds; splicing the text, nothing.
        self.para(self._annex_token)
        self._annex_xml = annex_table_xml(
            rows,
            self._annex_styles(),
            declare_ns=False,
            dataset_names=wording.dataset_names(d),
        )
        if self.summarised:
            self.annex_summary()

    def annex_summary(self) -> None:
        """The incidents not listed, by area: none of them vanishes from the report."""
        name = self.data.area_level_name
        by_area: dict[str, list[int]] = {}
        for row in self.summarised:
            key = row.township or f"No known {name}"
            acc = by_area.setdefault(key, [0, 0, 0])
            acc[0] += 1
            acc[1] += row.killed
            acc[2] += row.civilians_killed
        ordered = sorted(by_area.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
        self.para("", style="Source Note")
        self._table_no += 1
        self.caption(f"Table {self._table_no}. Incidents not listed above, by {name}")
        self.table(
            [name[:1].upper() + name[1:], "Incidents", "Killed", "Civilians killed"],
            [
                [
                    k,
                    f"{v[0]:,}",
                    self._count(v[1], "killed"),
                    self._count(v[2], "civilians_killed"),
                ]
                for k, v in ordered
            ],
            [7.6, 3.2, 3.2, 3.2],
            numeric=(1, 2, 3),
            total=[
                "Total",
                f"{len(self.summarised):,}",
                self._count(sum(r.killed for r in self.summarised), "killed"),
                self._count(sum(r.civilians_killed for r in self.summarised), "civilians_killed"),
            ],
        )

    def _annex_styles(self) -> dict[str, str]:
        return {
            "table": self.style_id("Sitrep Table"),
            "text": self.style_id("Annex Text"),
            "link": self.style_id("Incident Reference"),
            "line": str(self.line_twips("Annex Text")),
        }

    def _withheld_method(self) -> str:
        d = self.data
        level = self.meta.classification.upper()
        if not d.withheld.incidents:
            return (
                f"Incidents more sensitive than the report's classification ({level}) would "
                "be withheld; there were none in this period."
            )
        counted = (
            "They are counted in the key figures and tables, without any detail."
            if d.withheld_counted
            else "By the organisation's choice they are not counted in the figures either."
        )
        return (
            f"{wording.plural(d.withheld.incidents, 'incident')} more sensitive than the "
            f"report's classification ({level}) {'is' if d.withheld.incidents == 1 else 'are'} "
            f"not described. {counted}"
        )

    def data_sources(self) -> None:
        """Who recorded the data, with each dataset's citation and licence."""
        d = self.data
        if not d.datasets:
            return
        self.heading("Data sources", 2)
        lines = []
        if d.own_incidents:
            lines.append(
                f"- **{self.meta.organisation}:** {wording.plural(d.own_incidents, 'incident')} "
                "recorded from its own staff, partners, media and public sources."
            )
        for use in d.datasets:
            parts = [f"- **{use.name}:** {wording.plural(use.incidents, 'incident')}."]
            if use.citation:
                parts.append(f"Citation: {use.citation}")
            if use.licence:
                parts.append(f"Licence: {use.licence}.")
            if use.url:
                parts.append(use.url)
            missing = [
                words
                for key, words in wording.UNRECORDED_WORDS.items()
                if use.unrecorded & FIGURE_FLAGS[key]
            ]
            if missing:
                parts.append(f"Does not record {wording.join_and(missing)}.")
            lines.append(" ".join(parts))
        self.markup("\n".join(lines))

    def methodology(self, number: int = 2) -> None:
        d = self.data
        self.heading(f"Annex {number}. Methodology, definitions and caveats")
        self.heading("Methodology", 2)
        self.para(
            "An incident is one event on one day at one place; a battle lasting several days "
            "counts once per day. An incident belongs to the period when its start date falls "
            f"within it. This report covers incidents in {d.region.name} between "
            f"{wording.day_year(d.date_from)} and {wording.day_year(d.date_to)}, recorded up to "
            f"the issue date. Retracted incidents are excluded. " + self._withheld_method()
        )
        self.heading("Definitions", 2)
        self.markup(
            "- **Killed, injured:** the sum of the best estimates of each incident; where "
            "sources differ, a low and a high estimate are kept and the range is shown.\n"
            "- **Civilians killed:** deaths of people not taking part in hostilities.\n"
            "- **Abducted or detained:** people taken by any party, whatever the reason given.\n"
            "- **Claims:** figures announced by a party to the conflict, and every figure of "
            "an incident recorded as a claim that could not be independently verified. They "
            'are reported as claims and never added to the totals; "at least" is kept '
            "where the claim gives a lower bound.\n"
            f"- **Not recorded:** a figure the data does not record (UCDP GED records no "
            "injuries; ACLED does not say whether those killed were civilians) is shown as "
            f'"{NOT_RECORDED}", never as zero.\n'
            "- **Incident types** follow ACLED's event types and sub-event types."
        )
        self.data_sources()
        self.heading("Source grading", 2)
        if self.meta.kind is ReportKind.FLASH:
            self.para(
                "Sources are graded with the Admiralty system: reliability of the source from "
                "A (completely reliable) to F (cannot be judged), credibility of the "
                "information from 1 (confirmed) to 6 (cannot be judged)."
            )
        else:
            rows = [
                [f"{r.value}", r.definition, f"{c.value}", c.definition]
                for r, c in zip(Reliability, Credibility, strict=True)
            ]
            self.table(
                ["", "Reliability of the source", "", "Credibility of the information"],
                rows,
                [0.7, 7.9, 0.7, 7.9],
            )
            self.para("", style="Source Note")
        if d.sources_by_type:
            self.heading("Sources", 2)
            parts = [f"{name} ({n:,})" for name, n in d.sources_by_type.items()]
            total = sum(d.sources_by_type.values())
            self.para(
                f"Information in this report comes from {total:,} source reports: "
                + ", ".join(parts)
                + ". Names of sources are withheld for their protection."
                + (
                    " Sources that came with imported datasets were not graded by us and are "
                    'marked "not graded"; the datasets\' own sourcing methods apply.'
                    if d.datasets
                    else ""
                )
            )
        self.heading("Caveats", 2)
        self.para(
            "Access to conflict areas is limited and communications are often cut, so "
            "incidents are under-reported, particularly in remote areas, and figures may be "
            "revised as information arrives. Changes from one period to the next reflect "
            "reporting as well as events. Locations are approximate where precision is limited."
        )
        if d.synthetic:
            self.para(
                f"This report includes {wording.plural(d.synthetic, 'synthetic incident')} "
                "generated for demonstration (marked [Synthetic]). They are not real events and "
                "the report must not be used as a real situation report.",
            )
        self.para(
            f"Data reference: {d.data_hash[:16]} (hash of the incidents and filter this "
            "report was built from).",
            style="Source Note",
        )

    # ------------------------------------------------------------------ whole document

    def contact(self) -> None:
        if not self.meta.contact:
            return
        self.heading("Contact")
        p = self.para("For further information, please contact:")
        p.paragraph_format.keep_with_next = True
        for i, line in enumerate(self.meta.contact):
            p = self.para(line)
            p.paragraph_format.space_after = Cm(0)
            if i == 0:
                p.runs[0].bold = True

    def build(
        self,
        map_png: bytes,
        chart_png: bytes,
        progress: Progress | None = None,
    ) -> None:
        step = progress or (lambda _p, _m: None)
        self.clear_body()
        self.fill_placeholders()
        self.doc.core_properties.title = self.meta.title
        self.doc.core_properties.author = self.meta.organisation
        self.doc.core_properties.subject = f"{self.meta.classification.upper()}"
        self.title_block()
        if self.flash is not None:
            self.build_flash(map_png, step)
            return
        self.highlights()
        self.key_figures()
        self.review_note()
        # the overview right after the figures fills page 1 the way OCHA sitreps read
        self.narrative(only=(OVERVIEW,))
        step(55, "Laying out the map")
        self.map(map_png)
        self.narrative(skip=(HIGHLIGHTS, OVERVIEW))
        self.tables(chart_png)
        self.changes()
        self.contact()
        step(65, "Writing the incident annex")
        self.annex()
        self.methodology()

    def build_flash(self, map_png: bytes, step: Progress) -> None:
        """One event: what happened, the facts of each incident, the map, the context."""
        from sitrep.reporting import flash_wording

        assert self.flash is not None
        flash = self.flash
        self.heading(HIGHLIGHTS)
        body = next(
            (s["body"] for s in self.meta.sections if s["title"].strip() == HIGHLIGHTS), ""
        )
        self.markup(
            body if body.strip() else flash_wording.highlights_markup(flash),
            bullet_style="Highlight",
        )
        self.review_note()
        overview = next(
            (s["body"] for s in self.meta.sections if s["title"].strip() == OVERVIEW), ""
        )
        self.heading("What happened")
        if overview.strip():
            self.markup(overview)
        for event in flash.events:
            self.heading(flash_wording.event_heading(event), 3)
            if event.account:
                self.para(event.account)
            elif event.withheld:
                self.para(
                    "The account of this incident contains sensitive details and is withheld "
                    f"at the {self.meta.classification.upper()} level.",
                    style="Source Note",
                )
            self.table(
                ["Key facts", event.row.reference],
                flash_wording.fact_rows(event),
                [4.2, 12.8],
            )
            self.para("", style="Source Note")
        step(55, "Laying out the map")
        self.map(map_png)
        self.heading("Context")
        self.para(flash_wording.context_lead(flash, self.data.region.place))
        for row in flash.nearby:
            p = self.para(style="List Bullet")
            self.add_text(p, wording.incident_sentence(row))
        self.narrative(skip=(HIGHLIGHTS, OVERVIEW))
        self.contact()
        step(65, "Writing the incident annex")
        self.annexed = [*self.annexed, *sorted(flash.nearby, key=lambda r: (r.date, r.reference))]
        self.heading("Annex 1. Incidents")
        self.para(
            "The incidents of this flash update, then the earlier incidents nearby, in "
            "chronological order. Harm figures are best estimates; party claims are shown as "
            "claims. Source grading uses the Admiralty system (see Annex 2).",
            style="Source Note",
        )
        self.para(self._annex_token)
        self._annex_xml = annex_table_xml(self.annexed, self._annex_styles(), declare_ns=False)
        self.methodology()

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()

    def save(self, target: str | Path | IO[bytes]) -> None:
        raw = io.BytesIO()
        self.doc.save(raw)
        data = raw.getvalue()
        if self._annex_xml:
            data = _splice(data, self._annex_token, self._annex_xml)
        if isinstance(target, str | Path):
            Path(target).write_bytes(data)
        else:
            target.write(data)


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
        if line and _MYANMAR.search(text_xml)
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


# --------------------------------------------------------------------------- small helpers


def _change(now: int, before: int, *, short: bool = False) -> str:
    amount = wording.change_amount(now, before)
    if not amount:
        return "no change" if short else "= no change vs previous period"
    arrow = "▲" if now > before else "▼"
    return f"{arrow} {amount}" if short else f"{arrow} {amount} vs previous period"


def _splice(docx: bytes, token: str, xml: str) -> bytes:
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


def _set_grid(table: Table, widths: Sequence[int]) -> None:
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


def _replace_tokens(root: Any, values: dict[str, str]) -> None:
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
