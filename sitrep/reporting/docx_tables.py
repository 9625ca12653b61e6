"""The figure tables of a sitrep: incidents and harm by type and by area, the change
chart and what changed since the last report, for :mod:`sitrep.reporting.docx_writer`.
"""

from __future__ import annotations

import datetime as dt

from sitrep.places.levels import plural
from sitrep.reporting import wording
from sitrep.reporting.docx_backmatter import BackMatter

MAX_AREA_ROWS = 12  # areas listed by name at least (more when more areas had deaths)
MAX_DEADLY_ROWS = 40  # areas with deaths are never folded into "others" below this


def change_text(now: int, before: int, *, short: bool = False) -> str:
    """ "▲ 3 (+50%)" against the previous period; ``short`` for table cells."""
    amount = wording.change_amount(now, before)
    if not amount:
        return "no change" if short else "= no change vs previous period"
    arrow = "▲" if now > before else "▼"
    return f"{arrow} {amount}" if short else f"{arrow} {amount} vs previous period"


class FigureTables(BackMatter):
    """Tables and the chart; the counting itself is done in :mod:`sitrep.reporting.figures`."""

    _figure_no: int

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
            change_text(w.incidents, wp.incidents, short=True),
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
                change_text(t.incidents, d.by_type_previous.get(t.event_type, 0), short=True),
                self._count(t.killed, "killed"),
            ]
            for t in d.by_type
        ]
        current_types = {t.event_type for t in d.by_type}
        rows += [
            [name, "0", f"{n:,}", change_text(0, n, short=True), self._count(0, "killed")]
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
                change_text(d.figures.incidents, d.previous.incidents, short=True),
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
