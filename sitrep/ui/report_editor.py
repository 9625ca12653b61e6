"""The report editor: create a sitrep, write its sections, watch the figures, generate it.

Everything it shows and saves goes through the core (:mod:`sitrep.reporting`); the
widget only arranges it. Narrative is edited as rich text (bold, italic, bullets) and
stored as the light markup of :mod:`sitrep.reporting.markup`. Generation runs in a
worker thread behind a cancellable progress dialog; the finished file is opened with
the system's default application.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QThread, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QFont,
    QKeySequence,
    QShortcut,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextListFormat,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from sitrep.errors import SitrepError
from sitrep.model import AdminArea, CustomRegion, Report
from sitrep.model.enums import ReportKind, ReportStatus, Sensitivity
from sitrep.places.levels import level_name, plural
from sitrep.places.regions import Region, resolve_region
from sitrep.reporting import markup, wording
from sitrep.reporting.build import Cancelled, Generated, generate, spec_for_report
from sitrep.reporting.figures import (
    FIGURE_KEYS,
    FIGURE_LABELS,
    NOT_RECORDED,
    area_level_in_data,
    classification_level,
    period_figures,
    report_filter,
)
from sitrep.reporting.flash import open_flash_report
from sitrep.reporting.periods import COMPARISON_LABELS, previous_period
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
from sitrep.ui.date_field import DateField

AskPath = Callable[[QWidget, str], str | None]
OpenFile = Callable[[Path], None]


def _ask_path(parent: QWidget, suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(
        parent, "Save the report as", suggested, "Word documents (*.docx)"
    )
    return path or None


def _open_file(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


# --------------------------------------------------------------------------- markup <-> rich


def markup_to_document(body: str, document: QTextDocument) -> None:
    document.clear()
    cursor = QTextCursor(document)
    first = True
    for block in markup.parse(body):
        if not first:
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        first = False
        if block.bullet:
            fmt = QTextListFormat()
            fmt.setStyle(QTextListFormat.Style.ListDisc)
            cursor.createList(fmt)
        for run in block.runs:
            char = QTextCharFormat()
            char.setFontWeight(QFont.Weight.Bold if run.bold else QFont.Weight.Normal)
            char.setFontItalic(run.italic)
            cursor.insertText(run.text, char)


def document_to_markup(document: QTextDocument) -> str:
    blocks: list[markup.Block] = []
    block = document.begin()
    while block.isValid():
        runs: list[markup.Run] = []
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.isValid():
                fmt = fragment.charFormat()
                runs.append(
                    markup.Run(
                        fragment.text().replace("\u2028", " "),
                        bold=fmt.fontWeight() >= QFont.Weight.DemiBold,
                        italic=fmt.fontItalic(),
                    )
                )
            it += 1
        text = "".join(r.text for r in runs)
        if text.strip():
            blocks.append(markup.Block(tuple(runs), bullet=block.textList() is not None))
        block = block.next()
    return markup.render(blocks)


# --------------------------------------------------------------------------- worker


class GenerateWorker(QThread):
    """Runs :func:`sitrep.reporting.build.generate` off the UI thread."""

    progressed = Signal(int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, project: Project, report_id: uuid.UUID, output: Path) -> None:
        super().__init__()
        self.project, self.report_id, self.output = project, report_id, output
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def run(self) -> None:
        try:
            with self.project.session() as s:
                report = s.get_one(Report, self.report_id)
                spec = spec_for_report(s, report)
            result = generate(
                self.project,
                spec,
                self.output,
                progress=lambda p, m: self.progressed.emit(p, m),
                is_cancelled=lambda: self._cancel,
            )
        except Cancelled:
            self.cancelled.emit()
        except SitrepError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - shown to the user, not swallowed
            self.failed.emit(f"The report could not be generated: {exc}")
        else:
            self.succeeded.emit(result)


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
        self.sections: list[dict[str, str]] = []
        self._current = -1
        self._loading = False
        self.worker: GenerateWorker | None = None
        self.progress: QProgressDialog | None = None
        self.last_result: Generated | None = None
        self.last_error = ""
        self._build()
        self._load_regions()
        self.use_period("week")
        self.refresh_reports()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        self.setWindowTitle("Situation report")
        outer = QVBoxLayout(self)

        setup = QGroupBox("Report")
        form = QHBoxLayout(setup)
        self.reports = QComboBox()
        self.reports.setMinimumWidth(260)
        self.reports.activated.connect(self._report_chosen)
        self.region = QComboBox()
        self.region.setEditable(True)
        self.region.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.region.setMinimumWidth(180)
        self.date_from = DateField(what="From date")
        self.date_to = DateField(what="To date")
        self.week_button = QPushButton("Last week")
        self.month_button = QPushButton("Last month")
        self.week_button.clicked.connect(lambda: self.use_period("week"))
        self.month_button.clicked.connect(lambda: self.use_period("month"))
        self.kind = QComboBox()
        self.kind.addItem("Periodic update", ReportKind.PERIODIC)
        self.kind.addItem("Flash update", ReportKind.FLASH)
        self.comparison = QComboBox()
        self.comparison.setObjectName("comparison")
        self.comparison.setToolTip("The period the key figures are compared with")
        for mode, description in COMPARISON_LABELS.items():
            self.comparison.addItem(f"Compare with the {description}", mode)
        self.comparison.currentIndexChanged.connect(lambda _i: self._period_edited())
        self.create_button = QPushButton("New report")
        self.create_button.clicked.connect(self.new_report)
        for label, widget in (
            ("Open", self.reports),
            ("Region", self.region),
            ("From", self.date_from),
            ("To", self.date_to),
        ):
            form.addWidget(QLabel(label))
            form.addWidget(widget)
        for extra in (
            self.week_button,
            self.month_button,
            self.kind,
            self.comparison,
            self.create_button,
        ):
            form.addWidget(extra)
        form.addStretch(1)
        outer.addWidget(setup)
        self.flash_label = QLabel("")
        self.flash_label.setObjectName("flashIncidents")
        self.flash_label.setWordWrap(True)
        self.flash_label.hide()
        outer.addWidget(self.flash_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("Sections"))
        self.section_list = QListWidget()
        self.section_list.currentRowChanged.connect(self._section_chosen)
        left_layout.addWidget(self.section_list)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add")
        self.rename_button = QPushButton("Rename")
        self.up_button = QPushButton("Up")
        self.down_button = QPushButton("Down")
        self.remove_button = QPushButton("Remove")
        self.add_button.clicked.connect(lambda: self.add_section())
        self.rename_button.clicked.connect(lambda: self.rename_section())
        self.up_button.clicked.connect(lambda: self.move_section(-1))
        self.down_button.clicked.connect(lambda: self.move_section(1))
        self.remove_button.clicked.connect(self.remove_section)
        for b in (
            self.add_button,
            self.rename_button,
            self.up_button,
            self.down_button,
            self.remove_button,
        ):
            buttons.addWidget(b)
        left_layout.addLayout(buttons)
        left.setMaximumWidth(320)
        splitter.addWidget(left)

        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        tools = QHBoxLayout()
        self.bold_button = self._tool("B", "Bold (Ctrl+B)")
        self.italic_button = self._tool("I", "Italic (Ctrl+I)")
        self.bullet_button = self._tool("•", "Bulleted list")
        self.bold_button.setStyleSheet("font-weight: bold")
        self.italic_button.setStyleSheet("font-style: italic")
        self.bold_button.clicked.connect(self.toggle_bold)
        self.italic_button.clicked.connect(self.toggle_italic)
        self.bullet_button.clicked.connect(self.toggle_bullets)
        self.draft_button = QPushButton("Draft from data")
        self.draft_button.setToolTip(
            "Fill this section with a factual draft from the period's incidents "
            "(highlights and situation overview)"
        )
        self.draft_button.clicked.connect(self.draft_from_data)
        for w in (self.bold_button, self.italic_button, self.bullet_button):
            tools.addWidget(w)
        tools.addStretch(1)
        tools.addWidget(self.draft_button)
        middle_layout.addLayout(tools)
        self.text = QTextEdit()
        self.text.setAcceptRichText(False)
        self.text.setPlaceholderText(
            "Open a report above, or choose a region and period and press New report. "
            "Then pick a section on the left and write it here."
        )
        self.text.textChanged.connect(self._text_changed)
        self.text.currentCharFormatChanged.connect(self._format_changed)
        # Shortcuts call the toggles at once: a button's own shortcut "animates" a click
        # that lands 100 ms later, after the next letters were already typed plain.
        for sequence, toggle in (
            (QKeySequence.StandardKey.Bold, self.toggle_bold),
            (QKeySequence.StandardKey.Italic, self.toggle_italic),
        ):
            shortcut = QShortcut(QKeySequence(sequence), self.text)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(toggle)
        middle_layout.addWidget(self.text)
        splitter.addWidget(middle)

        right = QGroupBox("Key figures")
        self.figures_form = QFormLayout(right)
        self.figure_labels: dict[str, QLabel] = {}
        self.figure_names: dict[str, QLabel] = {}
        for key in FIGURE_KEYS:
            value = QLabel("–")
            value.setObjectName(f"figure_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.figure_labels[key] = value
            self.figure_names[key] = QLabel(FIGURE_LABELS[key])
            self.figures_form.addRow(self.figure_names[key], value)
        self.figures_note = QLabel("")
        self.figures_note.setWordWrap(True)
        self.figures_form.addRow(self.figures_note)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([220, 700, 330])
        outer.addWidget(splitter, 1)

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
        outer.addLayout(bottom)

        self._figure_timer = QTimer(self, singleShot=True, interval=250)
        self._figure_timer.timeout.connect(self.update_figures)
        self._save_timer = QTimer(self, singleShot=True, interval=800)
        self._save_timer.timeout.connect(self.save)
        self.region.currentTextChanged.connect(lambda _t: self._period_edited())
        self.date_from.dateChanged.connect(lambda _d: self._period_edited())
        self.date_to.dateChanged.connect(lambda _d: self._period_edited())
        self.date_from.editingFinished.connect(self._period_edited)
        self.date_to.editingFinished.connect(self._period_edited)
        self._enable_editing(False)

    def _tool(self, text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(True)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the text focused
        return button

    def _enable_editing(self, enabled: bool) -> None:
        for w in (
            self.section_list,
            self.text,
            self.add_button,
            self.rename_button,
            self.up_button,
            self.down_button,
            self.remove_button,
            self.bold_button,
            self.italic_button,
            self.bullet_button,
            self.draft_button,
            self.status,
            self.generate_button,
        ):
            w.setEnabled(enabled)

    # ------------------------------------------------------------------ regions, period

    def _load_regions(self) -> None:
        self.region.clear()
        with self.project.session() as s:
            for custom in s.scalars(select(CustomRegion).order_by(CustomRegion.name)):
                self.region.addItem(f"{custom.name} (custom region)", custom.name)
            first_state = -1
            for area in s.scalars(
                select(AdminArea)
                .where(AdminArea.level.between(1, 3))
                .order_by(AdminArea.level, AdminArea.name)
            ):
                kind = level_name(s, area.level, [area.country_iso])
                if area.level == 1 and first_state < 0:
                    first_state = self.region.count()
                # a P-code, or the name with its level: "Chittagong" names a division
                # and a district in Bangladesh
                self.region.addItem(
                    f"{area.name} ({kind})", area.pcode or f"admin{area.level}:{area.name}"
                )
        self.region.setCurrentIndex(max(first_state, 0))

    def region_query(self) -> str:
        """What the user picked: an item's P-code or name, or what they typed."""
        index = self.region.findText(self.region.currentText())
        if index >= 0:
            return str(self.region.itemData(index))
        return self.region.currentText().strip()

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
            areas = flt.region.areas
            index = self.region.findData(flt.region.name)
            if index < 0 and len(areas) == 1:
                a = areas[0]
                index = self.region.findData(a.pcode or f"admin{a.level}:{a.name}")
            if index >= 0:
                self.region.setCurrentIndex(index)
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
            self.figures_note.setText(str(exc))
            return
        if start > end:
            self.figures_note.setText("The period is empty: its start is after its end.")
            return
        try:
            region = self.chosen_region()
        except SitrepError as exc:
            self.figures_note.setText(str(exc))
            for label in self.figure_labels.values():
                label.setText("–")
            return
        try:
            prev = previous_period(start, end, self.comparison.currentData() or "auto")
        except SitrepError as exc:
            self.figures_note.setText(str(exc))
            return
        flt = report_filter(region, start, end, self.classification.currentText())
        with self.project.session() as s:
            level = area_level_in_data(s, flt.with_period(prev.date_from, end), region)
            figures = period_figures(s, flt, area_level=level)
            before = period_figures(
                s, flt.with_period(prev.date_from, prev.date_to), figures.withheld_counted, level
            )
            areas = plural(level_name(s, level, region.countries))
        self.figure_names["areas_affected"].setText(f"{areas[:1].upper()}{areas[1:]} affected")
        now = figures.shown
        current, previous = now.as_dict(), before.shown.as_dict()
        for key, label in self.figure_labels.items():
            value, earlier = current[key], previous[key]
            if value is None:
                label.setText(f"<b>–</b>  ({NOT_RECORDED})")
                continue
            change = wording.change_text(value, earlier) if earlier is not None else ""
            partial = (
                f"; {NOT_RECORDED} for {now.unrecorded(key):,}" if now.unrecorded(key) else ""
            )
            label.setText(
                f"<b>{value:,}</b>  ({change}{partial})"
                if change or partial
                else (f"<b>{value:,}</b>")
            )
        note = (
            f"{region.name}, {wording.period_text(start, end)}, compared with {prev.describe()}."
        )
        if now.killed_claimed:
            note += f" Party claims of {now.killed_claimed:,} more deaths are not counted."
        withheld = figures.withheld.incidents
        if withheld:
            note += (
                f" {withheld:,} incident{'s' if withheld != 1 else ''} above this "
                f"classification {'are' if withheld != 1 else 'is'} withheld from the report"
                + (
                    ", counted in these figures."
                    if figures.withheld_counted
                    else " and not counted in these figures."
                )
            )
        self.figures_note.setText(note)

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
                self.sections = sections_of(report)
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
                    a.pcode or f"admin{a.level}:{a.name}"
                    for a in (s.get(AdminArea, uuid.UUID(i)) for i in report.region_area_ids)
                    if a is not None
                ]
                title = report.title
            index = self.region.findData(report.region_name)
            if index < 0 and len(keys) == 1:
                index = self.region.findData(keys[0])
            if index >= 0:
                self.region.setCurrentIndex(index)
            self.flash_label.setText(
                "Flash update about " + ", ".join(flash_refs) if flash_refs else ""
            )
            self.flash_label.setVisible(bool(flash_refs))
            self._current = -1
            self.section_list.clear()
            for section in self.sections:
                self.section_list.addItem(QListWidgetItem(section["title"]))
        finally:
            self._loading = False
        self.setWindowTitle(title)
        self.message.setText(title)
        self._enable_editing(True)
        self.section_list.setCurrentRow(0 if self.sections else -1)
        self.update_figures()

    def _classification_changed(self) -> None:
        self.save()
        self._figure_timer.start()

    def save(self) -> None:
        """Write sections, status, period and classification to the project."""
        self._save_timer.stop()
        if self.report_id is None or self._loading:
            return
        self._store_current_text()
        start, end = self.date_from.date(), self.date_to.date()  # None: unreadable, kept
        with self.project.session() as s:
            report = s.get(Report, self.report_id)
            if report is None:
                return
            report.sections = [dict(sec) for sec in self.sections]
            report.status = self.status.currentData()
            report.classification = self.classification.currentText()
            report.comparison = self.comparison.currentData() or "auto"
            if start is not None and end is not None and start <= end:
                report.period_from, report.period_to = start, end

    # ------------------------------------------------------------------ sections

    def _store_current_text(self) -> None:
        if 0 <= self._current < len(self.sections):
            self.sections[self._current]["body"] = document_to_markup(self.text.document())

    def _section_chosen(self, row: int) -> None:
        if self._loading:
            return
        self._store_current_text()
        self._current = row
        self._loading = True
        try:
            if 0 <= row < len(self.sections):
                markup_to_document(self.sections[row]["body"], self.text.document())
            else:
                self.text.clear()
        finally:
            self._loading = False
        self.text.moveCursor(QTextCursor.MoveOperation.End)

    def _text_changed(self) -> None:
        if not self._loading and self.report_id is not None:
            self._save_timer.start()

    def current_title(self) -> str:
        return (
            self.sections[self._current]["title"]
            if 0 <= self._current < len(self.sections)
            else ""
        )

    def add_section(self, title: str | None = None) -> None:
        if title is None:
            title, ok = QInputDialog.getText(self, "Add a section", "Section title:")
            if not ok:
                return
        title = title.strip()
        if not title:
            return
        self._store_current_text()
        self.sections.append({"title": title, "body": ""})
        self.section_list.addItem(title)
        self.section_list.setCurrentRow(len(self.sections) - 1)
        self.save()

    def rename_section(self, title: str | None = None) -> None:
        row = self._current
        if not 0 <= row < len(self.sections):
            return
        if title is None:
            title, ok = QInputDialog.getText(
                self, "Rename the section", "Section title:", text=self.sections[row]["title"]
            )
            if not ok:
                return
        title = title.strip()
        if title:
            self.sections[row]["title"] = title
            self.section_list.item(row).setText(title)
            self.save()

    def move_section(self, step: int) -> None:
        row = self._current
        target = row + step
        if not (0 <= row < len(self.sections) and 0 <= target < len(self.sections)):
            return
        self._store_current_text()
        self.sections[row], self.sections[target] = self.sections[target], self.sections[row]
        self._loading = True
        try:
            for i in (row, target):
                self.section_list.item(i).setText(self.sections[i]["title"])
            self.section_list.setCurrentRow(target)
            self._current = target
        finally:
            self._loading = False
        self.save()

    def remove_section(self) -> None:
        row = self._current
        if not 0 <= row < len(self.sections):
            return
        self.sections.pop(row)
        self._current = -1
        self._loading = True
        try:
            self.section_list.takeItem(row)
        finally:
            self._loading = False
        self.section_list.setCurrentRow(min(row, len(self.sections) - 1))
        self._section_chosen(self.section_list.currentRow())
        self.save()

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
        markup_to_document(body, self.text.document())
        self.save()

    # ------------------------------------------------------------------ formatting

    def _format_changed(self, fmt: QTextCharFormat) -> None:
        self.bold_button.setChecked(fmt.fontWeight() >= QFont.Weight.DemiBold)
        self.italic_button.setChecked(fmt.fontItalic())
        self.bullet_button.setChecked(self.text.textCursor().currentList() is not None)

    def toggle_bold(self) -> None:
        fmt = QTextCharFormat()
        bold = self.text.fontWeight() < QFont.Weight.DemiBold
        fmt.setFontWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
        self.text.mergeCurrentCharFormat(fmt)
        self.bold_button.setChecked(bold)

    def toggle_italic(self) -> None:
        fmt = QTextCharFormat()
        italic = not self.text.fontItalic()
        fmt.setFontItalic(italic)
        self.text.mergeCurrentCharFormat(fmt)
        self.italic_button.setChecked(italic)

    def toggle_bullets(self) -> None:
        cursor = self.text.textCursor()
        current = cursor.currentList()
        if current is not None:
            block = cursor.block()
            current.remove(block)
            fmt = cursor.blockFormat()
            fmt.setIndent(0)
            cursor.setBlockFormat(fmt)
        else:
            fmt = QTextListFormat()
            fmt.setStyle(QTextListFormat.Style.ListDisc)
            cursor.createList(fmt)
        self.bullet_button.setChecked(cursor.currentList() is not None)
        self._text_changed()

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
            self._failed(str(exc))
            return
        self.progress = QProgressDialog("Preparing the report…", "Cancel", 0, 100, self)
        self.progress.setWindowTitle("Generating the report")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.worker = GenerateWorker(self.project, self.report_id, output)
        self.worker.progressed.connect(self._progressed)
        self.worker.succeeded.connect(self._succeeded)
        self.worker.failed.connect(self._failed)
        self.worker.cancelled.connect(self._cancelled)
        self.worker.finished.connect(self._worker_done)
        self.progress.canceled.connect(self.worker.cancel)
        self.generate_button.setEnabled(False)
        self.worker.start()
        self.progress.show()

    def _progressed(self, percent: int, message: str) -> None:
        dialog = self.progress
        if dialog is not None:
            dialog.setLabelText(message)
            # a modal dialog's setValue() processes events: the worker may finish (and
            # this dialog be closed) inside it, so nothing may follow this call
            dialog.setValue(percent)

    def _succeeded(self, result: Generated) -> None:
        self.last_result = result
        self.message.setText(f"Saved {result.path.name}")
        self.refresh_reports()
        self.generated.emit(result)
        self.open_file(result.path)

    def _failed(self, message: str) -> None:
        self.last_error = message
        self.show_error(message)

    def _cancelled(self) -> None:
        self.last_error = "cancelled"
        self.message.setText("Generation cancelled; nothing was written.")

    def _worker_done(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        self.generate_button.setEnabled(self.report_id is not None)
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.deleteLater()

    def show_error(self, message: str) -> None:
        self.message.setText(message)
        QMessageBox.warning(self, "Report", message)

    def hideEvent(self, event: object) -> None:
        self.save()  # leaving the tab or closing the window keeps what was typed
        super().hideEvent(event)  # type: ignore[arg-type]

    def closeEvent(self, event: object) -> None:
        self.save()
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait(10_000)
        super().closeEvent(event)  # type: ignore[arg-type]


def _references(session: Session, ids: list[str]) -> list[str]:
    from sitrep.model import Incident

    if not ids:
        return []
    wanted = [uuid.UUID(str(i)) for i in ids]
    return sorted(session.scalars(select(Incident.reference).where(Incident.id.in_(wanted))).all())


def open_report_editor(project: Project, parent: QWidget | None = None) -> ReportEditor:
    """A top-level report editor window (the main window's Reports menu uses this)."""
    editor = ReportEditor(project, parent)
    editor.setWindowFlag(Qt.WindowType.Window, True)
    editor.resize(1200, 720)
    editor.show()
    return editor
