"""The report editor's top bar: which report, or the region, period and kind of a new one.

:class:`RegionCombo` lists the regions a report can cover (custom regions, then admin
areas of levels 1–3) and is the one place that knows how an area is named in that list
(:func:`area_key`), for a report being opened and for the main window's filter alike.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLabel, QPushButton, QWidget
from sqlalchemy import select

from sitrep.model import AdminArea, CustomRegion
from sitrep.model.enums import ReportKind
from sitrep.places.levels import level_name
from sitrep.reporting.periods import COMPARISON_LABELS
from sitrep.store import Project
from sitrep.ui.date_field import DateField


def area_key(pcode: str | None, level: int, name: str) -> str:
    """An admin area's item in the list: its P-code, or the name with its level
    ("Chittagong" names a division and a district in Bangladesh)."""
    return pcode or f"admin{level}:{name}"


class RegionCombo(QComboBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumWidth(180)

    def load(self, project: Project) -> None:
        """Every region of the project; the first state/region chosen."""
        self.clear()
        with project.session() as s:
            for custom in s.scalars(select(CustomRegion).order_by(CustomRegion.name)):
                self.addItem(f"{custom.name} (custom region)", custom.name)
            first_state = -1
            for area in s.scalars(
                select(AdminArea)
                .where(AdminArea.level.between(1, 3))
                .order_by(AdminArea.level, AdminArea.name)
            ):
                kind = level_name(s, area.level, [area.country_iso])
                if area.level == 1 and first_state < 0:
                    first_state = self.count()
                self.addItem(f"{area.name} ({kind})", area_key(area.pcode, area.level, area.name))
        self.setCurrentIndex(max(first_state, 0))

    def query(self) -> str:
        """What the user picked: an item's P-code or name, or what they typed."""
        index = self.findText(self.currentText())
        if index >= 0:
            return str(self.itemData(index))
        return self.currentText().strip()

    def choose(self, name: str, area_keys: list[str]) -> None:
        """Select the region called ``name``, or else the single area of ``area_keys``."""
        index = self.findData(name)
        if index < 0 and len(area_keys) == 1:
            index = self.findData(area_keys[0])
        if index >= 0:
            self.setCurrentIndex(index)


class ReportSetupBar(QGroupBox):
    """Open a report, or choose region, period, kind and comparison of a new one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Report", parent)
        self.reports = QComboBox()
        self.reports.setMinimumWidth(260)
        self.region = RegionCombo()
        self.date_from = DateField(what="From date")
        self.date_to = DateField(what="To date")
        self.week_button = QPushButton("Last week")
        self.month_button = QPushButton("Last month")
        self.kind = QComboBox()
        self.kind.addItem("Periodic update", ReportKind.PERIODIC)
        self.kind.addItem("Flash update", ReportKind.FLASH)
        self.comparison = QComboBox()
        self.comparison.setObjectName("comparison")
        self.comparison.setToolTip("The period the key figures are compared with")
        for mode, description in COMPARISON_LABELS.items():
            self.comparison.addItem(f"Compare with the {description}", mode)
        self.create_button = QPushButton("New report")
        row = QHBoxLayout(self)
        for label, widget in (
            ("Open", self.reports),
            ("Region", self.region),
            ("From", self.date_from),
            ("To", self.date_to),
        ):
            row.addWidget(QLabel(label))
            row.addWidget(widget)
        for extra in (
            self.week_button,
            self.month_button,
            self.kind,
            self.comparison,
            self.create_button,
        ):
            row.addWidget(extra)
        row.addStretch(1)
