"""File > Export…: incidents as CSV, Excel, GeoJSON, HXL or ACLED CSV, filtered.

The filter starts as the main window's current view (when it passes one) and can be
narrowed to a region, a period and an event type. Writing runs in a worker thread;
cancelling leaves no file behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)
from sqlalchemy import select

from sitrep.errors import SitrepError
from sitrep.interchange.exporters import (
    SUFFIXES,
    count_matching,
    export_incidents,
)
from sitrep.model import AdminArea, EventType
from sitrep.model.enums import Sensitivity
from sitrep.places.regions import resolve_region
from sitrep.sharing.redaction import leaving_filter
from sitrep.store import Project
from sitrep.store.queries import IncidentFilter
from sitrep.ui.date_field import DateField
from sitrep.ui.long_task import CANCELLED, run_task

FORMATS = {
    "csv": "CSV (spreadsheet, UTF-8)",
    "xlsx": "Excel workbook (.xlsx)",
    "geojson": "GeoJSON points (GIS)",
    "hxl": "HXL-tagged CSV (humanitarian data exchange)",
    "acled": "ACLED-format CSV",
}


LEVEL_HELP = {
    Sensitivity.PUBLIC: "Public incidents only; sensitive fields withheld.",
    Sensitivity.PARTNER: "Public and partner incidents; sensitive fields withheld.",
    Sensitivity.INTERNAL: "Everything but restricted incidents, unredacted: colleagues only.",
    Sensitivity.RESTRICTED: "Every incident, restricted ones included, unredacted.",
}


def choose_output_dialog(parent: QWidget | None, suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Export incidents", suggested)
    return path or None


class FlatExportDialog(QDialog):
    def __init__(
        self,
        project: Project,
        parent: QWidget | None = None,
        *,
        base_filter: IncidentFilter | None = None,
        choose_output: Callable[[QWidget | None, str], str | None] = choose_output_dialog,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export incidents")
        self.project = project
        self.base_filter = base_filter or IncidentFilter()
        self.choose_output = choose_output
        self.written: int | None = None
        self.format = QComboBox()
        for key, label in FORMATS.items():
            self.format.addItem(label, key)
        self.format.currentIndexChanged.connect(lambda _i: self._suffix())
        self.path = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(lambda: self._browse())
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.region = QComboBox()
        self.region.setEditable(True)
        self.region.addItem("")
        with project.session() as s:
            names = sorted(set(s.scalars(select(AdminArea.name).where(AdminArea.level <= 2))))
            types = list(s.scalars(select(EventType.name).order_by(EventType.position)))
        self.region.addItems(names)
        if self.base_filter.region is not None:
            self.region.setEditText(self.base_filter.region.name)
        # empty: no limit on that side
        self.date_from = DateField(optional=True, what="From date")
        self.date_to = DateField(optional=True, what="To date")
        self.date_from.setDate(self.base_filter.date_from)
        self.date_to.setDate(self.base_filter.date_to)
        for edit in (self.date_from, self.date_to):
            edit.setPlaceholderText("no limit")
        period = QHBoxLayout()
        for w in (QLabel("from"), self.date_from, QLabel("to"), self.date_to):
            period.addWidget(w)
        period.addStretch(1)
        self.event_type = QComboBox()
        self.event_type.addItem("All types", None)
        for name in types:
            self.event_type.addItem(name, name)
        self.level = QComboBox()
        self.level.setObjectName("exportLevel")
        for level in Sensitivity:
            self.level.addItem(level.value.capitalize(), level)
        self.level.setCurrentIndex(list(Sensitivity).index(Sensitivity.INTERNAL))
        self.level.setToolTip(
            "Incidents up to this confidentiality level are exported. Below internal, the "
            "fields an incident marks sensitive (names, narrative, exact location) are withheld."
        )
        self.level_help = QLabel()
        self.level_help.setObjectName("exportLevelHelp")
        self.level_help.setWordWrap(True)
        self.count = QLabel()
        self.count.setObjectName("exportCount")
        for signal in (
            self.region.currentTextChanged,
            self.date_from.dateChanged,
            self.date_to.dateChanged,
            self.date_from.editingFinished,
            self.date_to.editingFinished,
            self.event_type.currentIndexChanged,
            self.level.currentIndexChanged,
        ):
            signal.connect(lambda *_a: self._update_count())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(lambda: self._export())
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Export")
        form = QFormLayout(self)
        form.addRow("Format:", self.format)
        form.addRow("File:", path_row)
        form.addRow("Region:", self.region)
        form.addRow("Period:", period)
        form.addRow("Event type:", self.event_type)
        form.addRow("Confidentiality:", self.level)
        form.addRow("", self.level_help)
        form.addRow("", self.count)
        form.addRow(buttons)
        self._update_count()

    def _suffix(self) -> None:
        text = self.path.text().strip()
        if text:
            self.path.setText(str(Path(text).with_suffix(SUFFIXES[self.format.currentData()])))

    def _browse(self) -> None:
        suggested = self.path.text() or f"incidents{SUFFIXES[self.format.currentData()]}"
        path = self.choose_output(self, suggested)
        if path:
            self.path.setText(path)

    def chosen_level(self) -> Sensitivity:
        return Sensitivity(self.level.currentData())

    def current_filter(self) -> IncidentFilter:
        """The base filter narrowed by what the dialog shows; raises on an unknown region."""
        flt = self.base_filter
        region_text = self.region.currentText().strip()
        region = None
        if region_text:
            with self.project.session() as s:
                region = resolve_region(s, region_text)
        date_from = self.date_from.read()  # an unreadable date is an error, never a guess
        date_to = self.date_to.read()
        types = (self.event_type.currentData(),) if self.event_type.currentData() else ()
        return leaving_filter(
            replace(
                flt,
                region=region,
                date_from=date_from,
                date_to=date_to,
                event_types=types or flt.event_types,
            ),
            self.chosen_level(),
        )

    def _update_count(self) -> None:
        self.level_help.setText(LEVEL_HELP[self.chosen_level()])
        try:
            flt = self.current_filter()
        except SitrepError as exc:
            self.count.setText(str(exc))
            self.save_button.setEnabled(False)
            return
        with self.project.session() as s:
            n = count_matching(s, flt)
        self.count.setText(f"{n} incidents will be exported.")
        self.save_button.setEnabled(True)

    def _export(self) -> None:
        text = self.path.text().strip()
        if not text:
            self._browse()
            text = self.path.text().strip()
            if not text:
                return
        try:
            flt = self.current_filter()
            fmt = self.format.currentData()
            self.written = run_task(
                self,
                "Exporting",
                lambda progress: export_incidents(
                    self.project,
                    Path(text),
                    fmt,
                    flt,
                    level=self.chosen_level(),
                    progress=progress,
                ),
            )
        except CANCELLED:  # no file was written; the dialog stays open
            return
        except SitrepError as exc:
            QMessageBox.warning(self, "Export", str(exc))
            return
        self.accept()
