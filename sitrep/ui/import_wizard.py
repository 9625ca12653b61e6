"""File > Import…: choose a file, see its detected format, map columns with a preview,
read the validation report, then import in a worker thread (cancellable = rolled back).

The wizard only shows what :mod:`sitrep.interchange.importer` computes: the check step
is a dry run of the real import, so the figures shown are the figures that will apply.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from sitrep.errors import SitrepError
from sitrep.interchange import datasets
from sitrep.interchange.columns import FIELDS, ColumnMapping, save_mapping, saved_mappings
from sitrep.interchange.import_read import default_mapping, load_table
from sitrep.interchange.importer import DatasetCredit, ImportRejected, ImportResult, import_file
from sitrep.interchange.parsed_rows import write_report
from sitrep.interchange.readers import Table
from sitrep.store import Project
from sitrep.ui.long_task import CANCELLED, run_task

FILE_FILTER = "Incident data (*.csv *.txt *.tsv *.xlsx *.geojson *.json);;All files (*)"
FORMAT_LABELS = {
    "acled": "ACLED export",
    "ucdp": "UCDP GED (georeferenced events)",
    "csv": "CSV file (columns mapped in the next step)",
    "xlsx": "Excel workbook (columns mapped in the next step)",
    "geojson": "GeoJSON points (properties mapped in the next step)",
}
PREVIEW_ROWS = 20
NONE = "(not in this file)"
ENCODINGS = (  # what users meet: Excel's "CSV" on Windows in each script, and Unicode
    ("utf-8", "UTF-8"),
    ("utf-16", "UTF-16"),
    ("cp1252", "Western European, Windows (cp1252)"),
    ("latin-1", "Latin-1 (ISO 8859-1)"),
    ("cp1250", "Central European, Windows (cp1250)"),
    ("cp1251", "Cyrillic, Windows (cp1251)"),
    ("cp1256", "Arabic, Windows (cp1256)"),
    ("cp1253", "Greek, Windows (cp1253)"),
    ("cp1254", "Turkish, Windows (cp1254)"),
    ("cp874", "Thai, Windows (cp874)"),
    ("cp850", "Western European, DOS (cp850)"),
    ("mac_roman", "Mac Roman"),
)

PAGE_FILE, PAGE_FORMAT, PAGE_MAPPING, PAGE_CHECK, PAGE_DONE = range(5)


def choose_file_dialog(parent: QWidget | None) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Import incidents", "", FILE_FILTER)
    return path or None


class ImportWizard(QWizard):
    """Import one file into ``project``; ``import_result`` holds what was done."""

    def __init__(
        self,
        project: Project,
        parent: QWidget | None = None,
        *,
        choose_file: Callable[[QWidget | None], str | None] = choose_file_dialog,
        choose_report: Callable[[QWidget | None], str | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.choose_file = choose_file
        self.choose_report = choose_report or _choose_report
        self.setWindowTitle("Import incidents")
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.path: Path | None = None
        self.fmt = "auto"
        self.encoding: str | None = None  # None: as detected
        self.table: Table | None = None
        self.mapping: ColumnMapping | None = None
        self.check: ImportResult | None = None
        self.import_result: ImportResult | None = None
        self.file_page = FilePage(self)
        self.format_page = FormatPage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.done_page = DonePage(self)
        for page_id, page in enumerate(
            (self.file_page, self.format_page, self.mapping_page, self.check_page, self.done_page)
        ):
            self.setPage(page_id, page)
        self.resize(900, 640)

    @property
    def needs_mapping(self) -> bool:
        return self.fmt not in {"acled", "ucdp"}

    def credit(self) -> DatasetCredit:
        """How reports will credit the imported data, as the user left it."""
        return self.format_page.credit()

    def show_error(self, exc: BaseException) -> None:
        QMessageBox.warning(self, "Import", str(exc))


def _choose_report(parent: QWidget | None) -> str | None:
    path, _ = QFileDialog.getSaveFileName(
        parent, "Save validation report", "import-report.csv", "CSV (*.csv)"
    )
    return path or None


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Choose a file")
        self.setSubTitle(
            "ACLED or UCDP exports, a partner's CSV or Excel sheet (HXL hashtags are "
            "recognised), or GeoJSON points."
        )
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("File to import")
        self.path_edit.textChanged.connect(lambda _t: self.completeChanged.emit())
        browse = QPushButton("Browse…")
        browse.clicked.connect(lambda: self._browse())
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addStretch(1)

    def _browse(self) -> None:
        path = self.w.choose_file(self)
        if path:
            self.path_edit.setText(path)

    def isComplete(self) -> bool:
        return bool(self.path_edit.text().strip())

    def validatePage(self) -> bool:
        path = Path(self.path_edit.text().strip())
        try:
            fmt, table = load_table(path, "auto")
        except SitrepError as exc:
            self.w.show_error(exc)
            return False
        self.w.path, self.w.fmt, self.w.table = path, fmt, table
        self.w.encoding = None  # a new file: its own encoding, as detected
        with self.w.project.session() as s:
            self.w.mapping = default_mapping(s, table) if fmt not in {"acled", "ucdp"} else None
        return True


class FormatPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Format")
        self.format_label = QLabel()
        self.format_label.setObjectName("detectedFormat")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.format_combo = QComboBox()
        for key, label in FORMAT_LABELS.items():
            self.format_combo.addItem(label, key)
        # the text encoding: what was decided (a guess is said to be one), or the user's
        self.encoding_label = QLabel()
        self.encoding_label.setObjectName("detectedEncoding")
        self.encoding_label.setWordWrap(True)
        self.encoding_combo = QComboBox()
        self.encoding_combo.setObjectName("encodingCombo")
        self.encoding_combo.addItem("As detected", None)
        for key, label in ENCODINGS:
            self.encoding_combo.addItem(label, key)
        self.encoding_combo.activated.connect(lambda _i: self._reread())
        # how reports will credit the data (UCDP GED and ACLED ask to be cited)
        self.credit_name = QLineEdit()
        self.credit_name.setObjectName("creditName")
        self.credit_citation = QLineEdit()
        self.credit_citation.setObjectName("creditCitation")
        self.credit_licence = QLineEdit()
        self.credit_licence.setObjectName("creditLicence")
        form = QFormLayout(self)
        form.addRow("Detected:", self.format_label)
        form.addRow("Read as:", self.format_combo)
        form.addRow("", self.details)
        form.addRow("Text encoding:", self.encoding_label)
        form.addRow("&Read the text as:", self.encoding_combo)
        form.addRow("Credit &reports to:", self.credit_name)
        form.addRow("&Citation:", self.credit_citation)
        form.addRow("&Licence:", self.credit_licence)

    def initializePage(self) -> None:
        table = self.w.table
        assert table is not None
        self.format_label.setText(FORMAT_LABELS.get(self.w.fmt, self.w.fmt))
        self.format_combo.setCurrentIndex(self.format_combo.findData(self.w.fmt))
        self.encoding_combo.setCurrentIndex(max(self.encoding_combo.findData(self.w.encoding), 0))
        self._show_table(table)
        self._fill_credit(self.w.fmt)

    def _show_table(self, table: Table) -> None:
        parts = [f"{len(table.rows)} rows, {len(table.columns)} columns"]
        if table.problems:
            parts.append(f"{len(table.bad_rows)} rows cannot be read as they are")
        if table.delimiter and table.delimiter != ",":
            parts.append(f"separator {table.delimiter!r}")
        if table.hxl_tags:
            parts.append("HXL hashtag row found: columns mapped from the hashtags")
        self.details.setText("; ".join(parts) + ".")
        text_file = table.encoding not in {"", "xlsx"}
        self.encoding_combo.setEnabled(text_file)
        if not text_file:
            self.encoding_label.setText("(not a text file)")
            return
        note = table.encoding_note or table.encoding
        sample = table.non_ascii_sample()
        if sample:
            note += f". Read like this: {sample} (if these look wrong, choose the encoding)"
        if table.problems:
            first = table.problems[0]
            note += f". First problem: row {first.row}, column '{first.column}': {first.reason}"
        self.encoding_label.setText(note)

    def _reread(self) -> None:
        """Read the file again with the encoding the user chose, and show the result."""
        encoding = self.encoding_combo.currentData()
        try:
            _fmt, table = load_table(
                self.w.path or Path(), self.format_combo.currentData(), encoding=encoding
            )
        except SitrepError as exc:
            self.w.show_error(exc)
            return
        self.w.encoding, self.w.table = encoding, table
        self._show_table(table)

    def _fill_credit(self, fmt: str) -> None:
        known = datasets.KNOWN.get(fmt)
        path = self.w.path or Path()
        self.credit_name.setText(known.name if known else path.name)
        self.credit_citation.setText(known.citation if known else "")
        self.credit_licence.setText(known.licence if known else "")

    def credit(self) -> DatasetCredit:
        return DatasetCredit(
            self.credit_name.text().strip(),
            self.credit_citation.text().strip(),
            self.credit_licence.text().strip(),
        )

    def validatePage(self) -> bool:
        chosen = self.format_combo.currentData()
        if chosen != self.w.fmt:
            try:
                fmt, table = load_table(self.w.path or Path(), chosen, encoding=self.w.encoding)
            except SitrepError as exc:
                self.w.show_error(exc)
                return False
            self.w.fmt, self.w.table = fmt, table
            self._fill_credit(fmt)
            if self.w.needs_mapping and self.w.mapping is None:
                with self.w.project.session() as s:
                    self.w.mapping = default_mapping(s, table)
        return True

    def nextId(self) -> int:
        chosen = self.format_combo.currentData() or self.w.fmt
        return PAGE_CHECK if chosen in {"acled", "ucdp"} else PAGE_MAPPING


class MappingPage(QWizardPage):
    """One row per incident field: the column it comes from, or a value for all rows."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Columns")
        self.setSubTitle(
            "Say which column holds which field, or type a value that applies to every "
            "row (e.g. an event type the file does not have)."
        )
        self.fields = QTableWidget(len(FIELDS), 3)
        self.fields.setObjectName("mappingTable")
        self.fields.setHorizontalHeaderLabels(["Field", "Column", "Or, for every row"])
        self.fields.verticalHeader().setVisible(False)
        header = self.fields.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.combos: dict[str, QComboBox] = {}
        self.constants: dict[str, QLineEdit] = {}
        for row, (key, label) in enumerate(FIELDS.items()):
            item = QTableWidgetItem(label)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.fields.setItem(row, 0, item)
            combo = QComboBox()
            combo.currentIndexChanged.connect(lambda _i: self._changed())
            self.fields.setCellWidget(row, 1, combo)
            edit = QLineEdit()
            edit.textChanged.connect(lambda _t: self._changed())
            self.fields.setCellWidget(row, 2, edit)
            self.combos[key] = combo
            self.constants[key] = edit
        self.preview = QTableWidget()
        self.preview.setObjectName("previewTable")
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.problems = QLabel()
        self.problems.setObjectName("mappingProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #a00;")
        self.save_name = QLineEdit()
        self.save_name.setPlaceholderText("Name to save this mapping under (optional)")
        self.saved = QComboBox()
        self.saved.activated.connect(lambda _i: self._load_saved())
        top = QHBoxLayout()
        top.addWidget(QLabel("Saved mappings:"))
        top.addWidget(self.saved, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.fields, 3)
        layout.addWidget(QLabel(f"The first {PREVIEW_ROWS} rows of the file:"))
        layout.addWidget(self.preview, 2)
        layout.addWidget(self.problems)
        layout.addWidget(self.save_name)
        self._loading = False

    def initializePage(self) -> None:
        table = self.w.table
        assert table is not None
        self._loading = True
        with self.w.project.session() as s:
            self._saved = {
                k: v for k, v in saved_mappings(s).items() if not k.startswith("layout-")
            }
        self.saved.clear()
        self.saved.addItem("—", None)
        for name in sorted(self._saved):
            self.saved.addItem(name, name)
        for combo in self.combos.values():
            combo.clear()
            combo.addItem(NONE, None)
            for col in table.columns:
                combo.addItem(col, col)
        self._show(self.w.mapping or ColumnMapping())
        headers = table.columns
        self.preview.setColumnCount(len(headers))
        labels = [
            f"{c}\n{t}" if table.hxl_tags and t else c
            for c, t in zip(headers, table.hxl_tags or [""] * len(headers), strict=False)
        ]
        self.preview.setHorizontalHeaderLabels(labels)
        rows = table.rows[:PREVIEW_ROWS]
        self.preview.setRowCount(len(rows))
        self.preview.setVerticalHeaderLabels([str(n) for n, _ in rows])
        for r, (_, cells) in enumerate(rows):
            for c, value in enumerate(cells[: len(headers)]):
                self.preview.setItem(r, c, QTableWidgetItem(value.replace("\n", " ")[:200]))
        self._loading = False
        self._changed()

    def _show(self, mapping: ColumnMapping) -> None:
        for key, combo in self.combos.items():
            col = mapping.columns.get(key)
            index = combo.findData(col) if col else 0
            combo.setCurrentIndex(max(index, 0))
            self.constants[key].setText(mapping.constants.get(key, ""))

    def _load_saved(self) -> None:
        name = self.saved.currentData()
        if name:
            self._loading = True
            self._show(self._saved[name])
            self._loading = False
            self._changed()

    def current_mapping(self) -> ColumnMapping:
        base = self.w.mapping or ColumnMapping()
        mapping = ColumnMapping(scheme=base.scheme, month_first=base.month_first)
        for key, combo in self.combos.items():
            if combo.currentData():
                mapping.columns[key] = combo.currentData()
            text = self.constants[key].text().strip()
            if text:
                mapping.constants[key] = text
        return mapping

    def _changed(self) -> None:
        if self._loading or self.w.table is None:
            return
        problems = self.current_mapping().problems(self.w.table.columns)
        self.problems.setText("To do: " + "; ".join(problems) + "." if problems else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        if self.w.table is None:
            return False
        return not self.current_mapping().problems(self.w.table.columns)

    def validatePage(self) -> bool:
        self.w.mapping = self.current_mapping()
        name = self.save_name.text().strip()
        if name:
            with self.w.project.session() as s:
                save_mapping(s, name, self.w.mapping)
        return True


class CheckPage(QWizardPage):
    """The validation report of a dry run; the import itself runs when leaving it."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Check")
        self.setButtonText(QWizard.WizardButton.NextButton, "Import")
        self.summary = QLabel()
        self.summary.setObjectName("checkSummary")
        self.summary.setWordWrap(True)
        self.report = QTableWidget(0, 4)
        self.report.setObjectName("reportTable")
        self.report.setHorizontalHeaderLabels(["Row", "Column", "", "Problem"])
        self.report.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.report.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.skip = QCheckBox("Import the valid rows and leave out the rows listed")
        self.skip.setObjectName("skipInvalid")
        self.skip.toggled.connect(lambda _c: self.completeChanged.emit())
        save = QPushButton("Save report…")
        save.clicked.connect(lambda: self._save_report())
        row = QHBoxLayout()
        row.addWidget(self.skip, 1)
        row.addWidget(save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.report, 1)
        layout.addLayout(row)

    def _run(self, dry_run: bool, skip_invalid: bool) -> ImportResult:
        w = self.w
        assert w.path is not None
        return run_task(
            self,
            "Importing" if not dry_run else "Checking",
            lambda progress: import_file(
                w.project,
                w.path,  # type: ignore[arg-type]
                fmt=w.fmt,
                mapping=w.mapping if w.needs_mapping else None,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                progress=progress,
                credit=w.credit(),
                encoding=w.encoding,
            ),
        )

    def initializePage(self) -> None:
        self.w.check = None
        try:
            self.w.check = self._run(dry_run=True, skip_invalid=True)
        except SitrepError as exc:  # a cancelled check too: its message says so
            self.summary.setText(str(exc))
            self.report.setRowCount(0)
            self.completeChanged.emit()
            return
        check = self.w.check
        text = check.summary()
        if check.errors:
            text += (
                f"\n{check.invalid} rows cannot be imported (listed below). By default "
                "nothing is imported until they are fixed."
            )
        else:
            text += "\nEvery row is valid."
        for note in check.notes:
            text += f"\n• {note}"
        self.summary.setText(text)
        self.skip.setVisible(bool(check.errors))
        self.skip.setChecked(False)
        problems = check.problems
        self.report.setRowCount(len(problems))
        for r, p in enumerate(problems):
            for c, value in enumerate(
                ("" if p.row is None else str(p.row), p.column, p.severity, p.reason)
            ):
                self.report.setItem(r, c, QTableWidgetItem(value))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        check = self.w.check
        if check is None:
            return False
        return not check.errors or self.skip.isChecked()

    def _save_report(self) -> None:
        if self.w.check is None:
            return
        path = self.w.choose_report(self)
        if not path:
            return
        try:  # refuses a project (or its -wal) as the report's file, writing nothing
            write_report(Path(path), self.w.check.problems)
        except SitrepError as exc:
            self.w.show_error(exc)

    def validatePage(self) -> bool:
        try:
            self.w.import_result = self._run(dry_run=False, skip_invalid=self.skip.isChecked())
        except CANCELLED:  # the user stays on this page and may import again
            self.summary.setText("Import cancelled; nothing was saved.")
            return False
        except (SitrepError, ImportRejected) as exc:
            self.w.show_error(exc)
            return False
        return True


class DonePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Imported")
        self.label = QLabel()
        self.label.setObjectName("doneSummary")
        self.label.setWordWrap(True)
        QVBoxLayout(self).addWidget(self.label)

    def initializePage(self) -> None:
        result = self.w.import_result
        self.label.setText(result.summary() if result else "")
