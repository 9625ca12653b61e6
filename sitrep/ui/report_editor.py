"""The report editor: create a sitrep, write its sections, watch the figures, generate it.

Everything it shows and saves goes through the core (:mod:`sitrep.reporting`); the
widget only arranges it. Its parts are modules of their own: the top bar
(:mod:`sitrep.ui.report_setup`), the sections and their rich text
(:mod:`sitrep.ui.report_sections`, :mod:`sitrep.ui.rich_text`) and the key figures
(:mod:`sitrep.ui.key_figures`). What is left here (a little over 500 lines) is what
ties them to one report: opening, creating, saving, and generating it. Generation runs
in a worker thread behind a cancellable progress dialog (:mod:`sitrep.ui.long_task`);
the finished file is opened with the system's default application.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from sitrep.errors import SitrepError
from sitrep.model import AdminArea, Report
from sitrep.model.enums import ReportKind, ReportStatus, Sensitivity
from sitrep.places.regions import Region, resolve_region
from sitrep.reporting import wording
from sitrep.reporting.build import Generated, generate, spec_for_report
from sitrep.reporting.figures import (
    classification_level,
)
from sitrep.reporting.flash import open_flash_report
from sitrep.reporting.records import (
    HIGHLIGHTS,
    OVERVIEW,
    create_report,
    default_period,
    find_same,
    sections_of,
)
from sitrep.store import Project
from sitrep.store.queries import IncidentFilter
from sitrep.store.targets import check_output_target
from sitrep.ui.key_figures import KeyFiguresPanel
from sitrep.ui.long_task import CANCELLED, TaskProgress, run_task
from sitrep.ui.report_sections import SectionsEditor
from sitrep.ui.report_setup import ReportSetupBar, area_key

AskPath = Callable[[QWidget, str], str | None]
OpenFile = Callable[[Path], None]


def _ask_path(parent: QWidget, suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(
        parent, "Save the report as", suggested, "Word documents (*.docx)"
    )
    return path or None


def _open_file(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


# --------------------------------------------------------------------------- generation


def _generate_in_worker(
    project: Project, report_id: uuid.UUID, output: Path, progress: TaskProgress
) -> Generated:
    """:func:`sitrep.reporting.build.generate` for one saved report, in the worker thread."""
    with project.session() as s:
        spec = spec_for_report(s, s.get_one(Report, report_id))
    return generate(
        project, spec, output, progress=progress.percent, is_cancelled=progress.is_cancelled
    )


# --------------------------------------------------------------------------- the editor


class ReportEditor(QWidget):
    """Create a report, edit its sections next to live key figures, generate the DOCX."""

    generated = Signal(object)  # Generated

    def __init__(
        self,
        project: Project,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
        ask_path: AskPath = _ask_path,
        open_file: OpenFile = _open_file,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.today = today or dt.date.today()
        self.ask_path = ask_path
        self.open_file = open_file
        self.report_id: uuid.UUID | None = None
        self._loaded_period: tuple[dt.date, dt.date] | None = None
        self._loading = False
        self.last_result: Generated | None = None
        self.last_error = ""
        self._build()
        self.region.load(self.project)
        self.use_period("week")
        self.refresh_reports()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        self.setWindowTitle("Situation report")
        outer = QVBoxLayout(self)
        outer.addWidget(self._build_setup())
        self.flash_label = QLabel("")
        self.flash_label.setObjectName("flashIncidents")
        self.flash_label.setWordWrap(True)
        self.flash_label.hide()
        outer.addWidget(self.flash_label)
        outer.addWidget(self._build_workspace(), 1)
        outer.addLayout(self._build_bottom_bar())
        self._connect_period()
        self._enable_editing(False)  # until a report is open

    def _build_setup(self) -> ReportSetupBar:
        """Which report: open one, or choose region, period, kind and comparison."""
        bar = ReportSetupBar()
        # its parts, by the names the rest of the editor (and its tests) use
        self.reports, self.region, self.kind = bar.reports, bar.region, bar.kind
        self.date_from, self.date_to = bar.date_from, bar.date_to
        self.week_button, self.month_button = bar.week_button, bar.month_button
        self.comparison, self.create_button = bar.comparison, bar.create_button
        self.reports.activated.connect(self._report_chosen)
        self.week_button.clicked.connect(lambda: self.use_period("week"))
        self.month_button.clicked.connect(lambda: self.use_period("month"))
        self.comparison.currentIndexChanged.connect(lambda _i: self._period_edited())
        self.create_button.clicked.connect(self.new_report)
        return bar

    def _build_workspace(self) -> QSplitter:
        """Sections, the chosen section's text, and the key figures, side by side."""
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.sections_editor = SectionsEditor(
            "Open a report above, or choose a region and period and press New report. "
            "Then pick a section on the left and write it here.",
            self,
        )
        self.sections_editor.textEdited.connect(self._text_changed)
        self.sections_editor.structureChanged.connect(self.save)
        # the parts by the names tests and the main window's flash update know
        self.writer = self.sections_editor.writer
        self.section_list = self.sections_editor.section_list
        self.up_button = self.sections_editor.up_button
        self.text = self.writer.text
        self.bold_button = self.writer.bold_button
        self.bullet_button = self.writer.bullet_button
        self.draft_button = QPushButton("Draft from data")
        self.draft_button.setToolTip(
            "Fill this section with a factual draft from the period's incidents "
            "(highlights and situation overview)"
        )
        self.draft_button.clicked.connect(self.draft_from_data)
        self.writer.tools.addWidget(self.draft_button)
        splitter.addWidget(self.sections_editor.list_panel)
        splitter.addWidget(self.writer)

        self.key_figures = KeyFiguresPanel()
        # the panel's labels, by the names tests and the editor's callers know
        self.figure_labels = self.key_figures.figure_labels
        self.figure_names = self.key_figures.figure_names
        self.figures_note = self.key_figures.figures_note
        splitter.addWidget(self.key_figures)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([220, 700, 330])
        return splitter

    def _build_bottom_bar(self) -> QHBoxLayout:
        """Status, classification, messages and Generate."""
        bottom = QHBoxLayout()
        self.status = QComboBox()
        self.status.addItem("Draft", ReportStatus.DRAFT)
        self.status.addItem("Final", ReportStatus.FINAL)
        self.status.currentIndexChanged.connect(lambda _i: self.save())
        # one of the sensitivity levels: a free-text marking ("Confidential") would leave
        # the report's ceiling unclear, and restricted incidents with it
        self.classification = QComboBox()
        for level in Sensitivity:
            self.classification.addItem(level.value.upper(), level)
        self.classification.setCurrentIndex(self.classification.findData(Sensitivity.INTERNAL))
        self.classification.setToolTip(
            "Incidents more sensitive than this are not described in the report; they are "
            "counted in its figures unless the project says otherwise."
        )
        self.classification.currentIndexChanged.connect(lambda _i: self._classification_changed())
        self.message = QLabel("")
        self.generate_button = QPushButton("Generate…")
        self.generate_button.setDefault(True)
        self.generate_button.clicked.connect(self.generate)
        bottom.addWidget(QLabel("Status"))
        bottom.addWidget(self.status)
        bottom.addWidget(QLabel("Classification"))
        bottom.addWidget(self.classification)
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.generate_button)
        return bottom

    def _connect_period(self) -> None:
        """Figures follow the region and period as they are edited; the report is saved."""
        self._figure_timer = QTimer(self, singleShot=True, interval=250)
        self._figure_timer.timeout.connect(self.update_figures)
        self._save_timer = QTimer(self, singleShot=True, interval=800)
        self._save_timer.timeout.connect(self.save)
        self.region.currentTextChanged.connect(lambda _t: self._period_edited())
        self.date_from.dateChanged.connect(lambda _d: self._period_edited())
        self.date_to.dateChanged.connect(lambda _d: self._period_edited())
        self.date_from.editingFinished.connect(self._period_edited)
        self.date_to.editingFinished.connect(self._period_edited)

    def _enable_editing(self, enabled: bool) -> None:
        for w in (
            *self.sections_editor.controls(),
            self.draft_button,
            self.status,
            self.generate_button,
        ):
            w.setEnabled(enabled)

    # ------------------------------------------------------------------ regions, period

    def region_query(self) -> str:
        """What the user picked: an item's P-code or name, or what they typed."""
        return self.region.query()

    def chosen_region(self) -> Region:
        with self.project.session() as s:
            return resolve_region(s, self.region_query())

    def period(self) -> tuple[dt.date, dt.date]:
        """The period typed; raises ValidationError when a date cannot be read (the
        field is marked with the reason)."""
        start, end = self.date_from.read(), self.date_to.read()
        assert start is not None and end is not None  # the fields are not optional
        return start, end

    def set_period(self, start: dt.date, end: dt.date) -> None:
        self.date_from.setDate(start)
        self.date_to.setDate(end)

    def use_period(self, length: str) -> None:
        self.set_period(*default_period(self.today, "month" if length == "month" else "week"))

    def _period_edited(self) -> None:
        if self._loading:
            return
        self._figure_timer.start()
        if self.report_id is not None:
            self._save_timer.start()

    # ------------------------------------------------------------------ main window hooks

    def set_filter(self, flt: IncidentFilter) -> None:
        """The main window's shared filter: a new report starts from its region and period."""
        if self.report_id is not None:
            return  # an open report keeps its own region and period
        if flt.region is not None:
            keys = [area_key(a.pcode, a.level, a.name) for a in flt.region.areas]
            self.region.choose(flt.region.name, keys)
        if flt.date_from is not None and flt.date_to is not None and flt.date_from <= flt.date_to:
            self.set_period(flt.date_from, flt.date_to)

    def refresh(self) -> None:
        """Incidents changed somewhere in the app: the key figures follow."""
        self._figure_timer.start()

    # ------------------------------------------------------------------ figures

    def update_figures(self) -> None:
        try:
            start, end = self.period()
        except SitrepError as exc:
            self.key_figures.show_problem(str(exc))
            return
        if start > end:
            self.key_figures.show_problem("The period is empty: its start is after its end.")
            return
        try:
            region = self.chosen_region()
        except SitrepError as exc:
            self.key_figures.show_problem(str(exc), clear=True)
            return
        try:
            self.key_figures.show_figures(
                self.project,
                region,
                start,
                end,
                self.comparison.currentData() or "auto",
                self.classification.currentText(),
            )
        except SitrepError as exc:  # a comparison the period does not allow
            self.key_figures.show_problem(str(exc))

    # ------------------------------------------------------------------ reports

    def refresh_reports(self) -> None:
        self.reports.clear()
        self.reports.addItem("— choose a report —", None)
        with self.project.session() as s:
            for report in s.scalars(
                select(Report).order_by(Report.period_to.desc(), Report.number.desc())
            ):
                status = "final" if report.status == ReportStatus.FINAL else "draft"
                self.reports.addItem(f"{report.title} ({status})", str(report.id))
        if self.report_id is not None:
            self.reports.setCurrentIndex(max(self.reports.findData(str(self.report_id)), 0))

    def _report_chosen(self, index: int) -> None:
        report_id = self.reports.itemData(index)
        if report_id:
            self.load(uuid.UUID(report_id))

    def new_report(self) -> uuid.UUID | None:
        """A new report for the chosen region, period and kind (with the next number);
        the report of that region, kind and period if there is one already (generating
        it again makes a new revision, not a new number)."""
        self.save()
        if self.kind.currentData() is ReportKind.FLASH:
            self.show_error(
                "A flash update is about chosen incidents: select them in the Incidents "
                "table, then choose Incident > Flash update from selected incidents."
            )
            return None
        existing = False
        try:
            start, end = self.period()
            region = self.chosen_region()
            with self.project.session() as s:
                report = find_same(s, region, ReportKind.PERIODIC, start, end)
                if (
                    report is not None
                    and report.id == self.report_id
                    and self._loaded_period not in (None, (start, end))
                ):
                    # the dates of the open report were changed to start another one:
                    # the open report keeps its own period
                    report.period_from, report.period_to = self._loaded_period  # type: ignore[misc]
                    report = None
                existing = report is not None
                if report is None:
                    report = create_report(
                        s,
                        region,
                        start,
                        end,
                        kind=ReportKind.PERIODIC,
                        classification=self.classification.currentText(),
                        comparison=self.comparison.currentData() or "auto",
                    )
                report_id, title = report.id, report.title
        except SitrepError as exc:
            self.show_error(str(exc))
            return None
        self.load(report_id)
        self.refresh_reports()
        if existing:
            self.message.setText(
                f"{title} already covers this region and period: opened it. Generating it "
                "again makes a new revision."
            )
        return report_id

    def new_flash(self, incident_ids: list[uuid.UUID]) -> uuid.UUID | None:
        """The flash update about the chosen incidents (selected rows of the table)."""
        self.save()
        try:
            with self.project.session() as s:
                report, created = open_flash_report(
                    s, incident_ids, self.classification.currentText()
                )
                report_id, title = report.id, report.title
        except SitrepError as exc:
            self.show_error(str(exc))
            return None
        self.load(report_id)
        self.refresh_reports()
        if not created:
            self.message.setText(f"{title} is about these incidents: opened it.")
        return report_id

    def load(self, report_id: uuid.UUID) -> None:
        self.save()
        self._loading = True
        try:
            with self.project.session() as s:
                report = s.get_one(Report, report_id)
                self.report_id = report.id
                self._loaded_period = (report.period_from, report.period_to)
                sections = sections_of(report)
                self.set_period(report.period_from, report.period_to)
                self.kind.setCurrentIndex(self.kind.findData(ReportKind(report.kind)))
                self.status.setCurrentIndex(self.status.findData(ReportStatus(report.status)))
                level = classification_level(report.classification) or Sensitivity.INTERNAL
                self.classification.setCurrentIndex(self.classification.findData(level))
                self.comparison.setCurrentIndex(
                    max(self.comparison.findData(report.comparison or "auto"), 0)
                )
                flash_refs = _references(s, report.incident_ids or [])
                keys = [
                    area_key(a.pcode, a.level, a.name)
                    for a in (s.get(AdminArea, uuid.UUID(i)) for i in report.region_area_ids)
                    if a is not None
                ]
                title = report.title
            self.region.choose(report.region_name, keys)
            self.flash_label.setText(
                "Flash update about " + ", ".join(flash_refs) if flash_refs else ""
            )
            self.flash_label.setVisible(bool(flash_refs))
            self.sections_editor.set_sections(sections)
        finally:
            self._loading = False
        self.setWindowTitle(title)
        self.message.setText(title)
        self._enable_editing(True)
        self.update_figures()

    def _classification_changed(self) -> None:
        self.save()
        self._figure_timer.start()

    def save(self) -> None:
        """Write sections, status, period and classification to the project."""
        self._save_timer.stop()
        if self.report_id is None or self._loading:
            return
        start, end = self.date_from.date(), self.date_to.date()  # None: unreadable, kept
        with self.project.session() as s:
            report = s.get(Report, self.report_id)
            if report is None:
                return
            report.sections = self.sections_editor.sections()
            report.status = self.status.currentData()
            report.classification = self.classification.currentText()
            report.comparison = self.comparison.currentData() or "auto"
            if start is not None and end is not None and start <= end:
                report.period_from, report.period_to = start, end

    # ------------------------------------------------------------------ sections

    def current_title(self) -> str:
        return self.sections_editor.current_title()

    def add_section(self, title: str | None = None) -> None:
        self.sections_editor.add_section(title)

    def _text_changed(self) -> None:
        if not self._loading and self.report_id is not None:
            self._save_timer.start()

    def draft_from_data(self) -> None:
        """Replace the section's text with a factual draft (highlights or overview)."""
        from sitrep.reporting.figures import collect

        try:
            start, end = self.period()
            region = self.chosen_region()
        except SitrepError as exc:
            self.show_error(str(exc))
            return
        with self.project.session() as s:
            data = collect(s, region, start, end, classification=self.classification.currentText())
        if self.current_title() == HIGHLIGHTS:
            body = wording.seeded_highlights_markup(data)
        elif self.current_title() == OVERVIEW:
            body = wording.seeded_overview(data)
        else:
            body = "\n".join(f"- {wording.incident_sentence(r)}" for r in data.incidents[:10])
        self.sections_editor.set_current_body(body)
        self.save()

    # ------------------------------------------------------------------ generation

    def generate(self) -> None:
        if self.report_id is None:
            return
        self.save()
        with self.project.session() as s:
            title = s.get_one(Report, self.report_id).title
        suggested = str(Path.home() / (title.replace(":", " -").replace("/", "-") + ".docx"))
        chosen = self.ask_path(self, suggested)
        if not chosen:
            return
        output = Path(chosen)
        if output.suffix.lower() != ".docx":
            output = output.with_suffix(".docx")
        self.last_result, self.last_error = None, ""
        try:  # before any work: never over the open project or another one
            check_output_target(output, what="report")
        except SitrepError as exc:
            self.last_error = str(exc)
            self.show_error(str(exc))
            return
        report_id = self.report_id
        self.generate_button.setEnabled(False)
        try:
            result = run_task(
                self,
                "Generating the report…",
                lambda progress: _generate_in_worker(self.project, report_id, output, progress),
            )
        except CANCELLED:
            self.last_error = "cancelled"
            self.message.setText("Generation cancelled; nothing was written.")
            return
        except SitrepError as exc:  # anything else is a bug: the crash dialog shows it
            self.last_error = str(exc)
            self.show_error(str(exc))
            return
        finally:
            self.generate_button.setEnabled(self.report_id is not None)
        self.last_result = result
        self.message.setText(f"Saved {result.path.name}")
        self.refresh_reports()
        self.generated.emit(result)
        self.open_file(result.path)

    def show_error(self, message: str) -> None:
        self.message.setText(message)
        QMessageBox.warning(self, "Report", message)

    def hideEvent(self, event: object) -> None:
        self.save()  # leaving the tab or closing the window keeps what was typed
        super().hideEvent(event)  # type: ignore[arg-type]

    def closeEvent(self, event: object) -> None:
        self.save()
        super().closeEvent(event)  # type: ignore[arg-type]


def _references(session: Session, ids: list[str]) -> list[str]:
    from sitrep.model import Incident

    if not ids:
        return []
    wanted = [uuid.UUID(str(i)) for i in ids]
    return sorted(session.scalars(select(Incident.reference).where(Incident.id.in_(wanted))).all())
