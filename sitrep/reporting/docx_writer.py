"""Write a situation report as DOCX over a reference template.

Every style (fonts, colours, header band, table look) comes from the template, so an
organisation restyles its sitreps in Word. This module has the report's front sections
(title block, highlights, key figures, map, narrative) and puts the report together;
the figure tables are in :mod:`~sitrep.reporting.docx_tables`, annex and back sections in
:mod:`~sitrep.reporting.docx_backmatter`, the document primitives in
:mod:`~sitrep.reporting.docx_document` and the annex table XML (thousands of rows, written
in one piece) in :mod:`~sitrep.reporting.docx_xml`.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from docx.shared import Cm, Emu

from sitrep.model.enums import ReportKind, ReportStatus
from sitrep.places.levels import level_name, plural
from sitrep.reporting import wording
from sitrep.reporting.docx_tables import FigureTables, change_text
from sitrep.reporting.docx_xml import (
    annex_selection,
    annex_table_xml,
    replace_tokens,
    set_grid,
    splice_paragraph,
)
from sitrep.reporting.figures import (
    FIGURE_KEYS,
    FIGURE_LABELS,
    NOT_RECORDED,
    ReportData,
)
from sitrep.reporting.records import HIGHLIGHTS, OVERVIEW

if TYPE_CHECKING:
    from sitrep.reporting.flash import FlashContext

Progress = Callable[[int, str], None]
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


class DocxWriter(FigureTables):
    """One report's sections, in reading order, over the document primitives."""

    def __init__(
        self,
        template: Path,
        data: ReportData,
        meta: ReportMeta,
        flash: FlashContext | None = None,
    ) -> None:
        self.data = data
        self.meta = meta
        self.flash = flash
        limit = meta.annex_limit or DEFAULT_ANNEX_LIMIT
        self.annexed, self.summarised = annex_selection(data.incidents, limit)
        self.refs = {r.reference for r in self.annexed}
        if flash is not None:
            self.refs |= {r.reference for r in flash.nearby}
        super().__init__(template, self.refs)
        self._figure_no = 0
        self._map_no = 0
        self._table_no = 0
        self._annex_token = f"@@SITREP-ANNEX-{uuid.uuid4().hex}@@"
        self._annex_xml = ""

    # ------------------------------------------------------------------ document parts

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
                replace_tokens(part._element, values)
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
        set_grid(table, [width] * len(FIGURE_KEYS))
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
            change = (
                change_text(value, earlier) if earlier is not None else "previous: not recorded"
            )
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
            data = splice_paragraph(data, self._annex_token, self._annex_xml)
        if isinstance(target, str | Path):
            Path(target).write_bytes(data)
        else:
            target.write(data)
