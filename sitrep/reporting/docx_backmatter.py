"""The back of a sitrep: incident annex, its summary, data sources, methodology, contact.

Mostly fixed wording about how the report counts (claims, withheld and not-recorded
figures), kept apart from the front sections of :mod:`sitrep.reporting.docx_writer`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docx.enum.text import WD_BREAK
from docx.shared import Cm

from sitrep.model.enums import Credibility, Reliability, ReportKind
from sitrep.model.harm import FIGURE_FLAGS
from sitrep.reporting import wording
from sitrep.reporting.annex import AnnexRow
from sitrep.reporting.docx_document import DocxDocument
from sitrep.reporting.docx_xml import (
    annex_table_xml,
)
from sitrep.reporting.figures import (
    NOT_RECORDED,
    ReportData,
)

if TYPE_CHECKING:
    from sitrep.reporting.docx_writer import ReportMeta


class BackMatter(DocxDocument):
    """Annex and back sections, for :class:`~sitrep.reporting.docx_writer.DocxWriter`."""

    data: ReportData
    meta: ReportMeta
    annexed: list[AnnexRow]
    summarised: list[AnnexRow]
    _annex_token: str
    _annex_xml: str
    _table_no: int

    def _count(self, value: int, key: str) -> str:
        """A table cell of figure ``key``: "–" where the data does not record it."""
        return f"{value:,}" if self.data.figures.is_recorded(key) else "–"

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
