"""Place search with autocomplete, and adding a place no gazetteer knows (Lone Khin)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from sitrep.editing.catalogue import AreaOption
from sitrep.editing.draft import parse_number
from sitrep.errors import SitrepError, ValidationError
from sitrep.places.search import PlaceHit
from sitrep.ui.widgets import ImmediateButton, completer_popup, searchable_combo

SearchPlaces = Callable[[str], list[PlaceHit]]
AddPlace = Callable[[str, float | None, float | None, uuid.UUID | None, list[str]], PlaceHit]


def area_combo(areas: Sequence[AreaOption], empty: str = "(no admin area)") -> QComboBox:
    combo = searchable_combo(min_chars=24)
    combo.addItem(empty, None)
    for area in areas:
        combo.addItem(area.label, str(area.ref.id))  # str: findData compares by value
    return combo


class PlaceField(QWidget):
    """A line edit that offers project places (then gazetteer places) as the user types.

    Enter takes the highlighted place, or the first one offered when none is
    highlighted (searching at once if the search had not run yet).
    """

    placeChosen = Signal(object)  # PlaceHit
    textEdited = Signal(str)

    def __init__(self, search: SearchPlaces, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self.hits: list[PlaceHit] = []
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Place: type to search (project places, then gazetteer)")
        self.add_button = ImmediateButton("&New place…")
        self.add_button.setToolTip("Add a place that is not in the list yet")
        self._model = QStandardItemModel(self)
        self.completer = QCompleter(self._model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCompletionRole(Qt.ItemDataRole.UserRole)
        self.completer.setMaxVisibleItems(12)
        self.edit.setCompleter(self.completer)
        self.completer.activated[QModelIndex].connect(self._activated)  # type: ignore[index]
        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(self.refresh_hits)
        self.edit.textEdited.connect(self._edited)
        self.edit.installEventFilter(self)
        completer_popup(self.completer).installEventFilter(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.add_button)

    def _edited(self, text: str) -> None:
        self.textEdited.emit(text)
        self._timer.start()

    def refresh_hits(self, *, show: bool = True) -> None:
        text = self.edit.text()
        self.hits = self._search(text) if text.strip() else []
        self._model.clear()
        for hit in self.hits:
            item = QStandardItem(hit.label)
            item.setData(hit.name, Qt.ItemDataRole.UserRole)
            origin = "your project" if hit.origin == "project" else "gazetteer"
            coords = f"{hit.lat:.4f}, {hit.lon:.4f}" if hit.lat is not None else "no coordinates"
            item.setToolTip(f"{coords} — from {origin}")
            self._model.appendRow(item)
        if show and self.hits and self.edit.hasFocus():
            self.completer.complete()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
        ):
            completer_popup(self.completer).hide()  # Tab leaves the field, list or not
            return False
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            popup = completer_popup(self.completer)
            if popup.isVisible() and popup.currentIndex().isValid():
                return False  # a highlighted place: the completer chooses it
            if self.take_first_match():
                return True
        return False

    def take_first_match(self) -> bool:
        """Choose the first place offered for the text; False when there is none."""
        if self._timer.isActive() or not self.hits:
            self._timer.stop()
            self.refresh_hits(show=False)
        completer_popup(self.completer).hide()
        if not self.hits or not self.edit.text().strip():
            return False
        self.choose(self.hits[0])
        return True

    def _activated(self, index: QModelIndex) -> None:
        if 0 <= index.row() < len(self.hits):
            self.choose(self.hits[index.row()])

    def choose(self, hit: PlaceHit) -> None:
        self.edit.setText(hit.name)
        self.placeChosen.emit(hit)

    def text(self) -> str:
        return self.edit.text()

    def set_text(self, text: str) -> None:
        self.edit.setText(text)


class AddPlaceDialog(QDialog):
    """Name, coordinates and the admin area a new place lies in."""

    def __init__(
        self,
        add_place: AddPlace,
        areas: Sequence[AreaOption],
        *,
        name: str = "",
        lat: str = "",
        lon: str = "",
        area_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New place")
        self._add_place = add_place
        self.hit: PlaceHit | None = None
        self.name = QLineEdit(name)
        self.alt_names = QLineEdit()
        self.alt_names.setPlaceholderText("other spellings, separated by commas")
        self.lat = QLineEdit(lat)
        self.lat.setPlaceholderText("e.g. 25.6612")
        self.lon = QLineEdit(lon)
        self.lon.setPlaceholderText("e.g. 96.2810")
        self.area = area_combo(areas)
        if area_id is not None:
            self.area.setCurrentIndex(max(self.area.findData(str(area_id)), 0))
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("&Name", self.name)
        form.addRow("Other spellings", self.alt_names)
        form.addRow("&Latitude", self.lat)
        form.addRow("L&ongitude", self.lon)
        form.addRow("In &area", self.area)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add place")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.buttons = buttons

    def accept(self) -> None:
        try:
            lat = parse_number(self.lat.text(), "Latitude", "latitude")
            lon = parse_number(self.lon.text(), "Longitude", "longitude")
            if (lat is None) != (lon is None):
                raise ValidationError("Give both latitude and longitude, or neither.")
            alts = [a.strip() for a in self.alt_names.text().split(",") if a.strip()]
            area = self.area.currentData()
            area_id = uuid.UUID(area) if area else None
            self.hit = self._add_place(self.name.text(), lat, lon, area_id, alts)
        except SitrepError as exc:
            self.error.setText(str(exc))
            return
        super().accept()
