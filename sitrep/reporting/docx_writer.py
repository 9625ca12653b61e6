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
from typing import IO, Any
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
from sitrep.places.regions import LEVEL_NAMES
from sitrep.reporting import markup, wording
from sitrep.reporting.figures import FIGURE_KEYS, FIGURE_LABELS, AnnexRow, ReportData
from sitrep.reporting.records import HIGHLIGHTS, OVERVIEW

Progress = Callable[[int, str], None]
_INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
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
MAX_AREA_ROWS = 12


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


def clean(text: str) -> str:
    return _INVALID_XML.sub("", text)


def bookmark_name(reference: str) -> str:
    """Word bookmark names: a letter first, then letters, digits or _, 40 at most."""
    return ("inc_" + re.sub(r"\W", "_", reference))[:40]


class DocxWriter:
    def __init__(self, template: Path, data: ReportData, meta: ReportMeta) -> None:
        self.doc: DocumentObject = Document(str(template))
        self.data = data
        self.meta = meta
        self.refs = {r.reference for r in data.incidents}
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
        self._table_no = 0
        self._annex_token = f"@@SITREP-ANNEX-{uuid.uuid4().hex}@@"
        self._annex_xml = ""
        self._style_ids: dict[str, str] = {}

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

    def add_text(
        self, p: Paragraph, text: str, *, bold: bool = False, italic: bool = False
    ) -> None:
        """Add text, turning incident references into links to their annex bookmark."""
        text = clean(text)
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

    def figure(self, caption: str, png: bytes, width: Emu | None = None) -> None:
        """Caption and picture in one paragraph, so a page break cannot part them."""
        p = self.para(caption, style="Caption")
        p.paragraph_format.keep_with_next = True
        run = p.add_run()
        run.add_break()
        run.add_picture(io.BytesIO(png), width=width or self.usable)

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

    def fill_placeholders(self) -> None:
        values = {
            "{organisation}": self.meta.organisation,
            "{classification}": self.meta.classification.upper(),
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
        self.para(
            f"{kind}: {wording.period_text(d.date_from, d.date_to)}  ·  "
            f"Issued {wording.day_year(m.issued)}{draft}",
            style="Subtitle",
        )
        areas = d.region.areas
        if len(areas) == 1:
            a = areas[0]
            what = (
                f"{a.name} ({LEVEL_NAMES.get(a.level, 'area')}{', ' + a.pcode if a.pcode else ''})"
            )
        else:
            what = f"{d.region.name}: " + ", ".join(a.name for a in areas)
        self.para(
            f"{m.classification.upper()}  ·  Coverage: {what}. Incidents recorded by "
            f"{m.organisation} from its own staff, partners, media and public sources.",
            style="Classification Marking",
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
            number.add_run(f"{now[key]:,}")
            cell.add_paragraph(FIGURE_LABELS[key], style="Key Figure Label")
            if key == "killed" and (d.killed_low != d.killed_high):
                cell.add_paragraph(
                    f"range {d.killed_low:,}–{d.killed_high:,}", style="Key Figure Change"
                )
            cell.add_paragraph(_change(now[key], before[key]), style="Key Figure Change")
        note = (
            f"Change compared with the previous period of equal length "
            f"({wording.period_text(d.previous_from, d.previous_to)}). Deaths and injuries are "
            "best estimates; the incidents each figure counts are listed in Annex 1."
        )
        if d.figures.killed_claimed:
            note += (
                f" Party claims of a further {d.figures.killed_claimed:,} deaths could not be "
                "independently verified and are not included."
            )
        self.para(note, style="Source Note").paragraph_format.space_before = Cm(0.15)

    def map(self, png: bytes) -> None:
        d = self.data
        self._figure_no += 1
        self.figure(
            f"Map {self._figure_no}. Incidents in {d.region.name}, "
            f"{wording.period_text(d.date_from, d.date_to)}, by type",
            png,
        )
        self.para(
            "Boundaries: Natural Earth (public domain) and the project's boundary pack. "
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
            self.add_text(p, f"{wording.day(row.date)}, {wording.place_text(row)}: ", bold=True)
            self.add_text(p, f"{wording.claim_sentence(row)} ({row.reference})")

    def tables(self, chart_png: bytes) -> None:
        d = self.data
        self.heading("Incidents by type and area")
        self._table_no += 1
        self.caption(f"Table {self._table_no}. Incidents by type")
        rows = [
            [
                t.event_type,
                f"{t.incidents:,}",
                f"{d.by_type_previous.get(t.event_type, 0):,}",
                _change(t.incidents, d.by_type_previous.get(t.event_type, 0), short=True),
                f"{t.killed:,}",
            ]
            for t in d.by_type
        ]
        current_types = {t.event_type for t in d.by_type}
        rows += [
            [name, "0", f"{n:,}", _change(0, n, short=True), "0"]
            for name, n in sorted(d.by_type_previous.items())
            if name not in current_types
        ]
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
                f"{d.figures.killed:,}",
            ],
        )
        self.para("", style="Source Note")
        level_name = LEVEL_NAMES.get(d.area_level, "area")
        self._table_no += 1
        self.caption(f"Table {self._table_no}. Incidents by {level_name}")
        shown = d.by_area[:MAX_AREA_ROWS]
        rest = d.by_area[MAX_AREA_ROWS:]
        rows = [
            [a.name, a.pcode or "", f"{a.incidents:,}", f"{a.killed:,}", f"{a.civilians_killed:,}"]
            for a in shown
        ]
        if rest:
            rows.append(
                [
                    f"{len(rest)} other areas",
                    "",
                    f"{sum(a.incidents for a in rest):,}",
                    f"{sum(a.killed for a in rest):,}",
                    f"{sum(a.civilians_killed for a in rest):,}",
                ]
            )
        self.table(
            [level_name.capitalize(), "P-code", "Incidents", "Killed", "Civilians killed"],
            rows,
            [5.6, 3.0, 2.8, 2.6, 3.2],
            numeric=(2, 3, 4),
            total=[
                "Total",
                "",
                f"{d.figures.incidents:,}",
                f"{d.figures.killed:,}",
                f"{d.figures.civilians_killed:,}",
            ],
        )
        self.para("", style="Source Note")
        self._figure_no += 1
        self.figure(
            f"Figure {self._figure_no}. Incidents per week by type, "
            f"{wording.day(d.chart_from)} – {wording.day_year(d.date_to)}",
            chart_png,
        )
        self.para(
            "Weeks start on Monday; the shaded weeks are the reporting period.",
            style="Source Note",
        )

    def changes(self) -> None:
        c = self.data.changes
        self.heading("What changed since the previous report")
        if c.previous_title is None:
            self.para(
                "This is the first final report for this region in the project, so every "
                "incident listed is new to the series."
            )
            return
        issued = f", issued {wording.day_year(c.previous_issued)}" if c.previous_issued else ""
        self.para(
            f"Compared with {c.previous_title}{issued}: {len(c.late)} incidents were reported "
            f"late, {len(c.revised)} revised and {len(c.retracted)} retracted."
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
        if self.meta.kind is ReportKind.PERIODIC:  # a flash update stays a few pages
            self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        self.heading(f"Annex {number}. Incident log")
        self.para(
            f"All {len(self.data.incidents):,} incidents of the period in chronological order. "
            "Harm figures are best estimates; party claims are shown as claims. Source grading "
            "uses the Admiralty system (reliability A–F, credibility 1–6, see Annex 2).",
            style="Source Note",
        )
        # The table goes in as text when the file is saved (see save()): parsing and
        # moving a 10,000-row tree through lxml costs seconds; splicing the text, nothing.
        self.para(self._annex_token)
        self._annex_xml = annex_table_xml(
            self.data.incidents, self._annex_styles(), declare_ns=False
        )

    def _annex_styles(self) -> dict[str, str]:
        return {
            "table": self.style_id("Sitrep Table"),
            "text": self.style_id("Annex Text"),
            "link": self.style_id("Incident Reference"),
        }

    def methodology(self, number: int = 2) -> None:
        d = self.data
        self.heading(f"Annex {number}. Methodology, definitions and caveats")
        self.heading("Methodology", 2)
        self.para(
            "An incident is one event on one day at one place; a battle lasting several days "
            "counts once per day. An incident belongs to the period when its start date falls "
            f"within it. This report covers incidents in {d.region.name} between "
            f"{wording.day_year(d.date_from)} and {wording.day_year(d.date_to)}, recorded up to "
            f"the issue date. Retracted incidents are excluded, and incidents more sensitive "
            f"than the report's classification ({self.meta.classification.upper()}) are "
            "left out."
        )
        self.heading("Definitions", 2)
        self.markup(
            "- **Killed, injured:** the sum of the best estimates of each incident; where "
            "sources differ, a low and a high estimate are kept and the range is shown.\n"
            "- **Civilians killed:** deaths of people not taking part in hostilities.\n"
            "- **Abducted or detained:** people taken by any party, whatever the reason given.\n"
            "- **Party claims:** figures announced by a party to the conflict about its own "
            "operations. They are reported as claims and never added to the totals.\n"
            "- **Incident types** follow ACLED's event types and sub-event types."
        )
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
            )
        self.heading("Caveats", 2)
        self.para(
            "Access to conflict areas is limited and communications are often cut, so "
            "incidents are under-reported, particularly in remote areas, and figures may be "
            "revised as information arrives. Changes from one period to the next reflect "
            "reporting as well as events. Locations are approximate where precision is limited."
        )
        self.para(
            f"Data reference: {d.data_hash[:16]} (hash of the incidents and filter this "
            "report was built from).",
            style="Source Note",
        )

    # ------------------------------------------------------------------ whole document

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
        self.highlights()
        self.key_figures()
        # the overview right after the figures fills page 1 the way OCHA sitreps read
        self.narrative(only=(OVERVIEW,))
        step(55, "Laying out the map")
        self.map(map_png)
        self.narrative(skip=(HIGHLIGHTS, OVERVIEW))
        if self.meta.kind is ReportKind.PERIODIC:
            self.tables(chart_png)
            self.changes()
        step(65, "Writing the incident annex")
        self.annex()
        self.methodology()

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


def _cell(text_xml: str, width: int, style: str) -> str:
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{text_xml}</w:p></w:tc>'
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


def annex_cells(row: AnnexRow) -> list[list[str]]:
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
    harm = []
    if row.killed:
        civ = f" ({row.civilians_killed:,} civ.)" if row.civilians_killed else ""
        harm.append(f"{row.killed:,} killed{civ}")
    if row.injured:
        harm.append(f"{row.injured:,} injured")
    if row.abducted_detained:
        harm.append(f"{row.abducted_detained:,} abducted or detained")
    claimed = sum(c.best for c in row.claims if c.outcome == "killed") or row.killed_claimed
    if claimed:
        harm.append(f"Claim: {claimed:,} killed, said {wording.claimant(row)}; not verified")
    sources = [f"{s.grading} {s.source_type}" for s in row.sources[:3]]
    if len(row.sources) > 3:
        sources.append(f"+{len(row.sources) - 3} more")
    return [
        [row.reference],
        [date],
        location,
        [row.type_label],
        actors or ["—"],
        harm or ["none reported"],
        sources or ["—"],
        [SHORT_VERIFICATION.get(row.verification, row.verification.value)],
    ]


def annex_table_xml(
    rows: Sequence[AnnexRow], styles: dict[str, str], *, declare_ns: bool = True
) -> str:
    """The annex as one ``w:tbl``: header row repeated, rows never split, bookmarks."""
    text_style, link_style = styles["text"], styles["link"]
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
        cells = annex_cells(row)
        mark = bookmark_name(row.reference)
        first = (
            f'<w:bookmarkStart w:id="{i + 1}" w:name="{mark}"/>'
            f'<w:r><w:rPr><w:rStyle w:val="{link_style}"/></w:rPr>'
            f'<w:t xml:space="preserve">{xml_escape(clean(row.reference))}</w:t></w:r>'
            f'<w:bookmarkEnd w:id="{i + 1}"/>'
        )
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        parts.append(_cell(first, ANNEX_COLUMNS[0][1], text_style))
        for (_, width), lines in zip(ANNEX_COLUMNS[1:], cells[1:], strict=True):
            parts.append(_cell(_runs(lines), width, text_style))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


# --------------------------------------------------------------------------- small helpers


def _change(now: int, before: int, *, short: bool = False) -> str:
    diff = now - before
    if diff == 0:
        return "no change" if short else "= no change vs previous period"
    arrow = "▲" if diff > 0 else "▼"
    pct = f" ({'+' if diff > 0 else '−'}{abs(round(100 * diff / before))}%)" if before else ""
    if short:
        return f"{arrow} {'+' if diff > 0 else '−'}{abs(diff):,}{pct}"
    return f"{arrow} {'+' if diff > 0 else '−'}{abs(diff):,}{pct} vs previous period"


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
