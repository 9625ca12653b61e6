"""The incident form: every field of an incident, checked as the user types.

The form edits an :class:`~sitrep.editing.draft.IncidentDraft`; saving goes through a
``save`` callable the host passes in (the main window's, which also records undo).
While the user edits, the draft is autosaved to the draft store so that a crash or a
killed process loses nothing; saving or discarding the form removes that file.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from sitrep.editing.catalogue import Catalogue
from sitrep.editing.draft import IncidentDraft, Problem, check_draft, parse_number
from sitrep.editing.draft_store import DraftStore
from sitrep.editing.location import allowed_precisions, precision_problem, suggested_precision
from sitrep.editing.plausibility import date_warnings
from sitrep.errors import SitrepError
from sitrep.model import Blob
from sitrep.model.enums import (
    SENSITIVE_FIELDS,
    DatePrecision,
    LocationPrecision,
    ReviewStatus,
    Sensitivity,
    Verification,
)
from sitrep.model.harm import incident_is_claim
from sitrep.places.search import PlaceHit, add_place, search_places
from sitrep.store import Project
from sitrep.ui.attachment_list import AttachmentList
from sitrep.ui.date_field import DateField
from sitrep.ui.form_rows import ActorRow, CasualtyRow, RowList, SourceRow, enum_combo, set_combo
from sitrep.ui.marks import INVALID_STYLE, mark_invalid, mark_warning
from sitrep.ui.place_field import AddPlaceDialog, PlaceField, area_combo
from sitrep.ui.prompts import Prompts
from sitrep.ui.widgets import (
    FocusLeft,
    ImmediateButton,
    PickCombo,
    as_slot,
    shows_its_entry,
    take_first_match,
)

log = logging.getLogger(__name__)

SaveDraft = Callable[[IncidentDraft], uuid.UUID]
ReportError = Callable[[QWidget, BaseException], None]

ROW_FIELDS = {
    "actor_name": "actors",
    "actor_role": "actors",
    "casualty_low": "casualties",
    "casualty_best": "casualties",
    "casualty_high": "casualties",
    "casualty_outcome": "casualties",
    "casualty_claim": "casualties",
    "source_name": "sources",
    "source_published": "sources",
}


def _stacked(*widgets: QWidget) -> QWidget:
    """Widgets one above the other in one form cell (a field and its hint)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    for widget in widgets:
        layout.addWidget(widget)
    return box


class IncidentForm(QWidget):
    saved = Signal(object)  # uuid of the saved incident
    closed = Signal()
    pickLocationRequested = Signal()  # the user wants to click the place on the map

    def __init__(
        self,
        project: Project,
        catalogue: Catalogue,
        *,
        save: SaveDraft,
        prompts: Prompts,
        report_error: ReportError,
        drafts: DraftStore | None = None,
        draft_key: str | None = None,
        autosave_ms: int = 1500,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.catalogue = catalogue
        self._save = save
        self._prompts = prompts
        self._report_error = report_error
        self._drafts = drafts
        self.draft_key = draft_key or DraftStore.new_key()
        self._shelved = False
        self._today = today
        self._draft = IncidentDraft(author=project.user)
        self._loading = False
        self.dirty = False
        self._tried_save = False
        self._place_id: str | None = None
        self.problems: list[Problem] = []
        self._last_start: dt.date | None = None
        self._precision_by_user = False
        self._applying_local_type = False
        self.warnings: list[Problem] = []
        self._accepted_warnings: set[str] = set()
        self.add_place_dialog: AddPlaceDialog | None = None
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._error_rows: dict[str, QFormLayout] = {}
        self.setStyleSheet(INVALID_STYLE)
        self.setWindowTitle("New incident")
        self.resize(1200, 860)
        self._autosave = QTimer(self, singleShot=True, interval=autosave_ms)
        self._autosave.timeout.connect(self.autosave)
        self._build()
        self.set_draft(self._draft)
        QShortcut(QKeySequence.StandardKey.Save, self, as_slot(self.save)).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )

    # ================================================================= layout
    def _field(self, form: QFormLayout, label: str, name: str, widget: QWidget) -> QWidget:
        form.addRow(label, widget)
        error = QLabel()
        error.setProperty("role", "error")
        error.setWordWrap(True)
        error.setVisible(False)
        form.addRow("", error)
        form.setRowVisible(error, False)
        self._error_rows[name] = form
        self.fields[name] = widget
        self.errors[name] = error
        return widget

    def _section_error(self, name: str, layout: QVBoxLayout) -> None:
        error = QLabel()
        error.setProperty("role", "error")
        error.setWordWrap(True)
        error.setVisible(False)
        layout.addWidget(error)
        self.errors[name] = error

    def _build(self) -> None:
        cat = self.catalogue
        self.header = QLabel()
        self.header.setStyleSheet("font-size: 15px; font-weight: bold")

        # ---- what
        what = QGroupBox("What happened")
        fw = QFormLayout(what)
        self.title = QLineEdit()
        self.title.setPlaceholderText("Short title, e.g. Blast at Lone Khin jade mine")
        self._field(fw, "&Title", "title", self.title)
        self.local_type = PickCombo()
        self.local_type.addItem("(none)", "")
        for opt in cat.local_types:
            self.local_type.addItem(opt.name, opt.name)
            self.local_type.setItemData(
                self.local_type.count() - 1,
                f"ACLED: {opt.sub_event_type}. {opt.hint}",
                Qt.ItemDataRole.ToolTipRole,
            )
        self.local_hint = QLabel()
        self.local_hint.setProperty("role", "hint")
        self.local_hint.setWordWrap(True)
        self.local_hint.setVisible(False)
        self._field(fw, "&Local type", "local_type", _stacked(self.local_type, self.local_hint))
        self.fields["local_type"] = self.local_type
        self._buddy(fw, self.local_type)
        self.event_type = PickCombo()
        self.event_type.addItem("(choose)", "")
        for name in cat.event_types:
            self.event_type.addItem(name, name)
        self._field(fw, "&Event type", "event_type", self.event_type)
        self.sub_event_type = PickCombo()
        self._field(fw, "S&ub-event type", "sub_event_type", self.sub_event_type)
        self.civilian_targeting = QCheckBox("Civilians were the tar&get")
        fw.addRow("", self.civilian_targeting)
        self.weapons = QLineEdit()
        self.weapons.setPlaceholderText("e.g. artillery, drone — separated by commas")
        fw.addRow("&Weapons", self.weapons)
        self.impacts = QLineEdit()
        self.impacts.setPlaceholderText("e.g. houses, mine sites, aid suspended")
        fw.addRow("&Impacts", self.impacts)

        # ---- when
        when = QGroupBox("When")
        fd = QFormLayout(when)
        self.date_start = DateField(what="Start date")
        self.date_end = DateField(what="End date")
        self.date_end.setToolTip(
            "The last day, for an incident over several days; follows the date until "
            "you change it. " + self.date_end.toolTip()
        )
        self._field(fd, "&Date", "date_start", self.date_start)
        self.date_warning = QLabel()
        self.date_warning.setProperty("role", "warning")
        self.date_warning.setWordWrap(True)
        fd.addRow("", self.date_warning)
        fd.setRowVisible(self.date_warning, False)
        self._warning_form = fd
        self._field(fd, "Until", "date_end", self.date_end)
        self.time_local = QLineEdit()
        self.time_local.setPlaceholderText("HH:MM, local time (optional)")
        self.time_local.setMaximumWidth(180)
        self._field(fd, "Time", "time_local", self.time_local)
        self.date_precision = PickCombo()
        for dp in DatePrecision:
            self.date_precision.addItem(dp.label, int(dp))
        fd.addRow("Date &known to", self.date_precision)

        # ---- where
        where = QGroupBox("Where")
        fp = QFormLayout(where)
        self.place = PlaceField(self._search_places)
        self._field(fp, "&Place", "place_name", self.place)
        self._buddy(fp, self.place.edit)
        coords = QWidget()
        cl = QHBoxLayout(coords)
        cl.setContentsMargins(0, 0, 0, 0)
        self.lat = QLineEdit()
        self.lat.setPlaceholderText("latitude, e.g. 25.6612")
        self.lat.setAccessibleName("Latitude")
        self.lon = QLineEdit()
        self.lon.setPlaceholderText("longitude, e.g. 96.2810")
        self.lon.setAccessibleName("Longitude")
        cl.addWidget(self.lat)
        cl.addWidget(self.lon)
        self.pick_button = ImmediateButton("Pick &on map")
        self.pick_button.setToolTip("Click the location on the map; its coordinates fill in")
        self.pick_button.clicked.connect(self.pickLocationRequested)
        self.pick_button.setVisible(False)  # shown by the host when a map can pick
        cl.addWidget(self.pick_button)
        fp.addRow("Coordinates", coords)
        for name, widget in (("latitude", self.lat), ("longitude", self.lon)):
            error = QLabel()
            error.setProperty("role", "error")
            error.setWordWrap(True)
            error.setVisible(False)
            fp.addRow("", error)
            fp.setRowVisible(error, False)
            self._error_rows[name] = fp
            self.fields[name] = widget
            self.errors[name] = error
        self.location_precision = PickCombo()
        for lp in LocationPrecision:
            self.location_precision.addItem(lp.label, int(lp))
        self.location_precision.setToolTip(
            "Follows how the place was given: a place or a point on the map is a location, "
            "an admin area alone is that area. Choices the data cannot support are greyed."
        )
        self._field(fp, "Location is", "location_precision", self.location_precision)
        self.area = area_combo(cat.areas)
        self.area_path = QLabel()
        self.area_path.setProperty("role", "hint")
        self._field(fp, "Ad&min area", "area", _stacked(self.area, self.area_path))
        self.fields["area"] = self.area
        self._buddy(fp, self.area)
        self.country = QLineEdit()
        self.country.setPlaceholderText("ISO code, from the area if empty")
        self.country.setMaximumWidth(220)
        fp.addRow("Country", self.country)

        # ---- status
        status = QGroupBox("Trust and workflow")
        fs = QFormLayout(status)
        self.verification = enum_combo([v.value for v in Verification])
        self._field(fs, "Veri&fication", "verification", self.verification)
        self.sensitivity = enum_combo([s.value for s in Sensitivity])
        self._field(fs, "Sensitivit&y", "sensitivity", self.sensitivity)
        sens = QWidget()
        sl = QGridLayout(sens)
        sl.setContentsMargins(0, 0, 0, 0)
        self.sensitive_fields: dict[str, QCheckBox] = {}
        for i, name in enumerate(SENSITIVE_FIELDS):
            box = QCheckBox(name.replace("_", " "))
            self.sensitive_fields[name] = box
            sl.addWidget(box, i // 3, i % 3)
        self.sensitive_fields["victim_names"].setToolTip(
            "Victim names are withheld below internal whatever this says; ticked, the "
            "narrative is withheld too (it may name them)"
        )
        fs.addRow("Sensitive", sens)
        self.review_status = enum_combo([r.value for r in ReviewStatus])
        self._field(fs, "Review", "review_status", self.review_status)
        self.author = QLineEdit()
        fs.addRow("Author", self.author)

        # ---- right column
        actors_box = QGroupBox("Actors")
        al = QVBoxLayout(actors_box)
        self.actors: RowList = RowList(lambda: ActorRow(cat), "Add &actor")
        al.addWidget(self.actors)
        self._section_error("actors", al)
        harm_box = QGroupBox("Casualties (one row per outcome × affiliation)")
        hl = QVBoxLayout(harm_box)
        self.casualties: RowList = RowList(CasualtyRow, "Add &casualty row")
        hl.addWidget(self.casualties)
        self._section_error("casualties", hl)
        victims = QFormLayout()
        self.victim_names = QLineEdit()
        self.victim_names.setPlaceholderText(
            "names, if known — sensitive: withheld below internal, never in reports"
        )
        victims.addRow("&Victim names", self.victim_names)
        hl.addLayout(victims)
        sources_box = QGroupBox("Sources (Admiralty grading: reliability A–F, credibility 1–6)")
        srl = QVBoxLayout(sources_box)
        self.sources: RowList = RowList(lambda: SourceRow(cat), "Add &source")
        srl.addWidget(self.sources)
        self._section_error("sources", srl)
        narrative_box = QGroupBox("Na&rrative")
        nl = QVBoxLayout(narrative_box)
        self.narrative = QPlainTextEdit()
        self.narrative.setTabChangesFocus(True)
        self.narrative.setPlaceholderText(
            "What happened, as the sources tell it (victims' names go in Victim names)."
        )
        self.narrative.setMinimumHeight(110)
        nl.addWidget(self.narrative)
        attach_box = QGroupBox("Attachments")
        atl = QVBoxLayout(attach_box)
        self.attachments = AttachmentList(self._load_blob)
        self.attachments.add_button.setText("Attac&h files…")
        self.attachments.view.setMaximumHeight(150)
        self.attachments.addRequested.connect(self._add_attachments)
        self.attachments.captionRequested.connect(self._edit_caption)
        atl.addWidget(self.attachments)
        self._section_error("attachments", atl)

        left = QVBoxLayout()
        for group in (what, when, where, status):
            left.addWidget(group)
        left.addStretch(1)
        right = QVBoxLayout()
        for group in (actors_box, harm_box, sources_box, narrative_box, attach_box):
            right.addWidget(group)
        right.addStretch(1)
        body = QWidget()
        grid = QHBoxLayout(body)
        grid.addLayout(left, 4)
        grid.addLayout(right, 5)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a Tab stop of its own
        self.scroll_area.setWidget(body)

        self.summary = QLabel()
        self.summary.setProperty("role", "error")
        self.summary.setWordWrap(True)
        self.save_button = QPushButton("Save (Ctrl+S)")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(as_slot(self.save))
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(as_slot(self.close))
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.save_button)
        outer = QVBoxLayout(self)
        outer.addWidget(self.header)
        outer.addWidget(self.scroll_area, 1)
        outer.addLayout(bar)

        # ---- behaviour
        self.local_type.currentIndexChanged.connect(self._local_type_changed)
        self.event_type.currentIndexChanged.connect(self._event_type_changed)
        self.sub_event_type.currentIndexChanged.connect(self._sub_type_changed)
        self.place.placeChosen.connect(self._place_chosen)
        self.place.textEdited.connect(self._place_edited)
        self.place.add_button.clicked.connect(self.add_new_place)
        self.area.currentIndexChanged.connect(self._area_changed)
        self._area_left = FocusLeft(self._area_typed, self.area)
        self.date_start.dateChanged.connect(self._start_changed)
        self.location_precision.activated.connect(self._precision_chosen)
        for edit in (self.lat, self.lon):
            edit.textEdited.connect(self._coordinates_typed)
        for edit in (self.lat, self.lon, self.time_local, self.date_start, self.date_end):
            edit.editingFinished.connect(self._check_live)
        self.victim_names.textEdited.connect(self._victims_typed)
        for rows in (self.actors, self.casualties, self.sources):
            rows.rowsChanged.connect(self._update_tab_order)
        # an unverifiable claim's figures are all claims: its rows say so as they are made
        self.verification.currentIndexChanged.connect(lambda _i: self._claims_follow())
        self.casualties.rowsChanged.connect(self._claims_follow)
        self.sources.changed.connect(self._update_warnings)
        self.date_start.dateChanged.connect(lambda _d: self._update_warnings())
        for signal in (
            self.title.textChanged,
            self.weapons.textChanged,
            self.impacts.textChanged,
            self.time_local.textChanged,
            self.lat.textChanged,
            self.lon.textChanged,
            self.country.textChanged,
            self.author.textChanged,
            self.place.edit.textChanged,
            self.narrative.textChanged,
            self.victim_names.textChanged,
            self.date_start.textChanged,
            self.date_end.textChanged,
            self.civilian_targeting.toggled,
            self.actors.changed,
            self.casualties.changed,
            self.sources.changed,
            self.attachments.changed,
            *(c.currentIndexChanged for c in self._combos()),
            *(b.toggled for b in self.sensitive_fields.values()),
        ):
            signal.connect(self._changed)
        self._update_tab_order()

    def _claims_follow(self) -> None:
        """Ticks "claim" on every casualty row while the incident is an unverifiable
        claim (the rule reports apply); the rows stay editable afterwards."""
        if not incident_is_claim(self.verification.currentData()):
            return
        for row in self.casualties.rows:
            if not row.party_claim.isChecked():
                row.party_claim.setChecked(True)

    @staticmethod
    def _buddy(form: QFormLayout, widget: QWidget) -> None:
        """Point a row label's Alt mnemonic at the field inside a compound cell."""
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is None or field is None:
                continue
            text, cell = label.widget(), field.widget()
            if isinstance(text, QLabel) and cell is not None and cell.isAncestorOf(widget):
                text.setBuddy(widget)

    def focus_chain(self) -> list[QWidget]:
        """Every field and button in Tab order: the left column, then the right one."""
        chain: list[QWidget] = [
            self.title,
            self.local_type,
            self.event_type,
            self.sub_event_type,
            self.civilian_targeting,
            self.weapons,
            self.impacts,
            self.date_start,
            self.date_end,
            self.time_local,
            self.date_precision,
            self.place.edit,
            self.place.add_button,
            self.lat,
            self.lon,
            self.pick_button,
            self.location_precision,
            self.area,
            self.country,
            self.verification,
            self.sensitivity,
            *self.sensitive_fields.values(),
            self.review_status,
            self.author,
        ]
        for rows in (self.actors, self.casualties):
            for row in rows.rows:
                chain.extend(row.focus_chain())
            chain.append(rows.add_button)
        chain.append(self.victim_names)
        for row in self.sources.rows:
            chain.extend(row.focus_chain())
        chain.append(self.sources.add_button)
        chain += [
            self.narrative,
            self.attachments.view,
            self.attachments.add_button,
            self.attachments.caption_button,
            self.attachments.remove_button,
            self.cancel_button,
            self.save_button,
        ]
        return chain

    def _update_tab_order(self) -> None:
        """Rows come and go: keep them where they are shown in the Tab order."""
        for a, b in itertools.pairwise(self.focus_chain()):
            QWidget.setTabOrder(a, b)

    def _combos(self) -> list[QComboBox]:
        return [
            self.local_type,
            self.event_type,
            self.sub_event_type,
            self.date_precision,
            self.location_precision,
            self.area,
            self.verification,
            self.sensitivity,
            self.review_status,
        ]

    # ================================================================= services
    def _search_places(self, text: str) -> list[PlaceHit]:
        with self.project.session() as s:
            return search_places(s, text, 15)

    def _create_place(
        self,
        name: str,
        lat: float | None,
        lon: float | None,
        area_id: uuid.UUID | None,
        alt_names: list[str],
    ) -> PlaceHit:
        with self.project.session() as s:
            place = add_place(s, name, lat, lon, area_id=area_id, alt_names=alt_names)
            place_id = place.id
            hits = [h for h in search_places(s, name, 50) if h.place_id == place_id]
        return hits[0]

    def _load_blob(self, sha256: str) -> bytes | None:
        with self.project.session() as s:
            return s.scalar(select(Blob.data).where(Blob.sha256 == sha256))

    # ================================================================= behaviour
    def _changed(self, *_args: object) -> None:
        if self._loading:
            return
        self.dirty = True
        if self._drafts is not None:
            self._autosave.start()
        if self._tried_save:
            self._check_live()

    def _local_type_changed(self) -> None:
        opt = self.catalogue.local_type(self.local_type.currentData() or "")
        self.local_hint.setVisible(opt is not None)
        if opt is None:
            self.local_hint.setText("")
            return
        self.local_hint.setText(
            f"Coded as ACLED {opt.event_type} › {opt.sub_event_type}. {opt.hint}"
        )
        # The local type sets both ACLED types; while it does, the sub-type passing
        # through "(choose)" must not undo the local type just chosen.
        self._applying_local_type = True
        try:
            set_combo(self.event_type, opt.event_type)
            set_combo(self.sub_event_type, opt.sub_event_type)
        finally:
            self._applying_local_type = False

    def _event_type_changed(self) -> None:
        current = self.sub_event_type.currentData()
        self.sub_event_type.blockSignals(True)
        self.sub_event_type.clear()
        self.sub_event_type.addItem("(choose)", "")
        for sub in self.catalogue.event_types.get(self.event_type.currentData() or "", []):
            self.sub_event_type.addItem(sub, sub)
        index = self.sub_event_type.findData(current)
        self.sub_event_type.setCurrentIndex(max(index, 0))
        self.sub_event_type.blockSignals(False)
        self._sub_type_changed()

    def _sub_type_changed(self) -> None:
        if self._applying_local_type:
            return
        opt = self.catalogue.local_type(self.local_type.currentData() or "")
        if opt is not None and opt.sub_event_type != self.sub_event_type.currentData():
            self.local_type.blockSignals(True)
            self.local_type.setCurrentIndex(0)
            self.local_type.blockSignals(False)
            self.local_hint.setText("")

    def _place_chosen(self, hit: PlaceHit) -> None:
        self._place_id = str(hit.place_id) if hit.place_id else None
        if hit.lat is not None and hit.lon is not None:
            self.lat.setText(f"{hit.lat:.6f}".rstrip("0").rstrip("."))
            self.lon.setText(f"{hit.lon:.6f}".rstrip("0").rstrip("."))
        area_id = hit.deepest_area_id
        if area_id is not None:
            self.area.setCurrentIndex(max(self.area.findData(str(area_id)), 0))
        if hit.country_iso and not self.country.text():
            self.country.setText(hit.country_iso)
        self._precision_by_user = False  # a new place: the precision follows it
        self._update_precision()
        self._check_live()

    def set_location(self, lat: float, lon: float, area_id: uuid.UUID | None = None) -> None:
        """Coordinates picked on the map (rounded to about 1 m), and the admin area the
        project's boundaries put them in (when it knows one)."""
        self.lat.setText(f"{lat:.5f}".rstrip("0").rstrip("."))
        self.lon.setText(f"{lon:.5f}".rstrip("0").rstrip("."))
        if area_id is not None and self.area.findData(str(area_id)) >= 0:
            self.area.setCurrentIndex(self.area.findData(str(area_id)))
        self._precision_by_user = False  # a picked point is a location
        self._update_precision()
        self._check_live()

    def _place_edited(self, _text: str) -> None:
        self._place_id = None

    def add_new_place(self) -> None:
        dialog = AddPlaceDialog(
            self._create_place,
            self.catalogue.areas,
            name=self.place.text(),
            lat=self.lat.text(),
            lon=self.lon.text(),
            area_id=uuid.UUID(self.area.currentData()) if self.area.currentData() else None,
            parent=self,
        )
        self.add_place_dialog = dialog  # reachable for tests while it is open
        if dialog.exec() and dialog.hit is not None:
            self.place.choose(dialog.hit)

    def _area_changed(self) -> None:
        area = self.area.currentData()
        path = self.catalogue.area_path(uuid.UUID(area) if area else None)
        self.area_path.setText(" › ".join(a.ref.name for a in path))
        self._update_precision()

    def _start_changed(self, date: dt.date | None) -> None:
        """The end date follows the start until the user sets it apart."""
        if date is None:
            return
        end = self.date_end.date()
        if end is None or end < date or end == self._last_start:
            self.date_end.setDate(date)
        self._last_start = date

    def _area_typed(self) -> None:
        """Leaving the area with a few letters typed takes the first area offered."""
        take_first_match(self.area)
        self._check_live()

    # ---- location precision
    def _has_coordinates(self) -> bool:
        try:
            lat = parse_number(self.lat.text(), "Latitude", "latitude")
            lon = parse_number(self.lon.text(), "Longitude", "longitude")
        except SitrepError:
            return False
        return lat is not None and lon is not None

    def _area_level(self) -> int | None:
        area = self.area.currentData()
        return self.catalogue.area_level(uuid.UUID(area)) if area else None

    def _coordinates_typed(self, _text: str) -> None:
        self._precision_by_user = False  # typed coordinates are a point
        self._update_precision()

    def _precision_chosen(self, _index: int) -> None:
        self._precision_by_user = True

    def _update_precision(self) -> None:
        """Offer only the precisions the location supports; follow what was given."""
        has, level = self._has_coordinates(), self._area_level()
        allowed = set(allowed_precisions(has, level))
        model = self.location_precision.model()
        assert isinstance(model, QStandardItemModel)
        for i in range(self.location_precision.count()):
            item = model.item(i)
            ok = LocationPrecision(self.location_precision.itemData(i)) in allowed
            item.setEnabled(ok)
            precision = LocationPrecision(self.location_precision.itemData(i))
            item.setToolTip("" if ok else precision_problem(precision, has, level))
        current = self.location_precision.currentData()
        if not self._precision_by_user or current not in allowed:
            set_combo(self.location_precision, int(suggested_precision(has, level)))

    def _victims_typed(self, text: str) -> None:
        if text.strip():  # names are sensitive by default
            self.sensitive_fields["victim_names"].setChecked(True)

    def _add_attachments(self) -> None:
        paths = self._prompts.attachments(self)
        if paths:
            self.attachments.add_files(paths)

    def _edit_caption(self, row: int) -> None:
        item = self.attachments.items[row]
        caption = self._prompts.text(
            self, "Attachment caption", f"What does {item.filename} show?", item.caption
        )
        if caption is not None:
            self.attachments.set_caption(row, caption.strip())

    # ================================================================= draft
    def draft(self) -> IncidentDraft:
        d = self._draft
        return IncidentDraft(
            incident_id=d.incident_id,
            base_version=d.base_version,
            reference=d.reference,
            title=self.title.text().strip(),
            narrative=self.narrative.toPlainText(),
            victim_names=self.victim_names.text().strip(),
            date_start=self.date_start.draft_text(),
            date_end=self.date_end.draft_text(),
            time_local=self.time_local.text().strip(),
            date_precision=self.date_precision.currentData(),
            place_id=self._place_id,
            place_name=self.place.text().strip(),
            lat=self.lat.text().strip(),
            lon=self.lon.text().strip(),
            location_precision=self.location_precision.currentData(),
            country_iso=self.country.text().strip(),
            area_id=self.area.currentData() or None,
            event_type=self.event_type.currentData() or "",
            sub_event_type=self.sub_event_type.currentData() or "",
            local_type=self.local_type.currentData() or "",
            weapons=[w.strip() for w in self.weapons.text().split(",") if w.strip()],
            impacts=[w.strip() for w in self.impacts.text().split(",") if w.strip()],
            civilian_targeting=self.civilian_targeting.isChecked(),
            verification=self.verification.currentData(),
            sensitivity=self.sensitivity.currentData(),
            sensitive_fields=[n for n, b in self.sensitive_fields.items() if b.isChecked()],
            review_status=self.review_status.currentData(),
            author=self.author.text().strip(),
            actors=self.actors.values(),
            casualties=self.casualties.values(),
            sources=self.sources.values(),
            attachments=self.attachments.values(),
        )

    def set_draft(self, draft: IncidentDraft, *, dirty: bool = False) -> None:
        self._loading = True
        try:
            self._draft = draft
            today = self._today()
            self.header.setText(
                f"{draft.reference} — {draft.title or draft.place_name}"
                if draft.reference
                else "New incident"
            )
            self.setWindowTitle(
                f"Incident {draft.reference}" if draft.reference else "New incident"
            )
            self.title.setText(draft.title)
            set_combo(self.event_type, draft.event_type)
            self._event_type_changed()
            set_combo(self.sub_event_type, draft.sub_event_type)
            set_combo(self.local_type, draft.local_type)
            self._local_type_changed()
            self.civilian_targeting.setChecked(draft.civilian_targeting)
            self.weapons.setText(", ".join(draft.weapons))
            self.impacts.setText(", ".join(draft.impacts))
            if draft.date_start.strip():  # kept as typed: an unreadable date stays marked
                self.date_start.set_text_as_typed(draft.date_start)
            else:
                self.date_start.setDate(today)
            self._last_start = self.date_start.date()
            if draft.date_end.strip():
                self.date_end.set_text_as_typed(draft.date_end)
            else:
                self.date_end.setDate(self.date_start.date())
            self.time_local.setText(draft.time_local)
            set_combo(self.date_precision, int(draft.date_precision))
            self.place.set_text(draft.place_name)
            self._place_id = draft.place_id
            self.lat.setText(draft.lat)
            self.lon.setText(draft.lon)
            self._precision_by_user = draft.location_precision is not None
            if draft.location_precision is not None:
                set_combo(self.location_precision, int(draft.location_precision))
            self.area.setCurrentIndex(max(self.area.findData(draft.area_id or None), 0))
            self._area_changed()
            self.country.setText(draft.country_iso)
            set_combo(self.verification, draft.verification)
            set_combo(self.sensitivity, draft.sensitivity)
            for name, box in self.sensitive_fields.items():
                box.setChecked(name in draft.sensitive_fields)
            set_combo(self.review_status, draft.review_status)
            self.author.setText(draft.author)
            self.actors.set_values(draft.actors)
            self.casualties.set_values(draft.casualties)
            self.sources.set_values(draft.sources)
            self.narrative.setPlainText(draft.narrative)
            self.victim_names.setText(draft.victim_names)
            self.attachments.set_values(draft.attachments)
        finally:
            self._loading = False
        self.dirty = dirty
        self._accepted_warnings = set()
        self.show_problems([])
        self._check_live()
        if dirty and self._drafts is not None:
            self.autosave()

    def autosave(self) -> None:
        if self._drafts is None:
            return
        try:
            self._drafts.save(self.draft_key, self.draft(), self.project.location)
        except OSError as exc:  # a full disk must not stop the user typing
            log.warning("could not autosave the draft: %s", exc)

    # ================================================================= checking
    def show_problems(self, problems: list[Problem]) -> None:
        by_field: dict[str, list[str]] = {}
        for p in problems:
            if p.field in ROW_FIELDS:
                section = ROW_FIELDS[p.field]
                row_no = p.row if p.row is not None else 0
                by_field.setdefault(section, []).append(f"Row {row_no + 1}: {p.message}")
            else:
                key = p.field if p.field in self.errors else "title"
                by_field.setdefault(key, []).append(p.message)
        for name, label in self.errors.items():
            messages = by_field.get(name, [])
            label.setText("\n".join(messages))
            if name in self._error_rows:
                self._error_rows[name].setRowVisible(label, bool(messages))
            else:
                label.setVisible(bool(messages))
            if name in self.fields:
                mark_invalid(self.fields[name], "\n".join(messages) or None)
        for section in ("actors", "casualties", "sources"):
            for i, row in enumerate(getattr(self, section).rows):
                row.clear_marks()
                for p in problems:
                    if ROW_FIELDS.get(p.field) == section and p.row == i:
                        row.mark(p.field, p.message)
        if problems:
            n = len(problems)
            self._set_summary(
                f"{n} problem{'s' if n > 1 else ''} to fix before saving: {problems[0].message}"
            )
        else:
            self._set_summary("")
        self.problems = problems
        self._show_warnings()

    def _set_summary(self, text: str, role: str = "error") -> None:
        self.summary.setText(text)
        if self.summary.property("role") != role:
            self.summary.setProperty("role", role)
            self.summary.style().unpolish(self.summary)
            self.summary.style().polish(self.summary)

    def _check_draft(self, draft: IncidentDraft) -> list[Problem]:
        problems = check_draft(
            draft,
            self.catalogue.sub_event_types,
            date_order=self.date_start.order,
            area_level=self._area_level(),
        )
        if not shows_its_entry(self.area):  # the text typed is not the area to be saved
            problems.append(
                Problem(
                    "area",
                    f"No admin area is called '{self.area.currentText().strip()}'; "
                    "choose one from the list (type a few letters, then Enter).",
                )
            )
        return problems

    def _check_live(self) -> None:
        problems = self._check_draft(self.draft())
        if not self._tried_save:  # before a save attempt, only judge fields already typed
            typed = {
                "latitude",
                "longitude",
                "time_local",
                "date_start",
                "date_end",
                "location_precision",
                "source_published",
                "area",
            }
            problems = [p for p in problems if p.field in typed]
        self.show_problems(problems)

    # ---- warnings: possible, but worth a second look; a second Save keeps them
    def _update_warnings(self) -> None:
        if not self._loading:
            self._show_warnings()

    def _show_warnings(self) -> None:
        self.warnings = date_warnings(self.draft(), self.date_start.order)
        about_date = [w.message for w in self.warnings if w.field == "date_start"]
        self.date_warning.setText("\n".join(about_date))
        self._warning_form.setRowVisible(self.date_warning, bool(about_date))
        mark_warning(self.date_start, "\n".join(about_date) or None)
        for i, row in enumerate(self.sources.rows):
            message = next(
                (w.message for w in self.warnings if w.field == "source_published" and w.row == i),
                None,
            )
            row.warn("source_published", message)

    def focus_first_problem(self) -> None:
        if not self.problems:
            return
        p = self.problems[0]
        widget = self.fields.get(p.field)
        if widget is None and p.field in ROW_FIELDS:
            rows = getattr(self, ROW_FIELDS[p.field]).rows
            if p.row is not None and p.row < len(rows):
                widget = rows[p.row].fields.get(p.field)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            edit = widget if isinstance(widget, QLineEdit) else None
            if isinstance(widget, QComboBox) and widget.isEditable():
                edit = widget.lineEdit()
            if edit is not None:
                edit.selectAll()  # typing replaces what was wrong

    # ================================================================= saving
    def save(self) -> bool:
        self._tried_save = True
        for field in (self.date_start, self.date_end, *(r.published for r in self.sources.rows)):
            field.commit()  # a date typed just before Ctrl+S is read now (the end follows)
        take_first_match(self.area)  # so are a few letters typed in the area
        draft = self.draft()
        problems = self._check_draft(draft)
        self.show_problems(problems)
        if problems:
            self.focus_first_problem()
            return False
        unseen = [w for w in self.warnings if w.message not in self._accepted_warnings]
        if unseen:
            self._accepted_warnings |= {w.message for w in self.warnings}
            self._set_summary(
                f"Check before saving: {unseen[0].message} (Ctrl+S again saves as it is.)",
                "warning",
            )
            return False
        try:
            incident_id = self._save(draft)
        except SitrepError as exc:
            field = getattr(exc, "field", None)
            if field:
                self.show_problems([Problem(field, str(exc))])
                self.focus_first_problem()
            else:
                self._report_error(self, exc)
            return False
        if self._drafts is not None:
            self._autosave.stop()
            self._drafts.discard(self.draft_key)
        self.dirty = False
        self.saved.emit(incident_id)
        self.close()
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.dirty and not self._prompts.confirm(
            self, "Discard changes?", "This incident has changes that are not saved. Discard them?"
        ):
            event.ignore()
            return
        self._autosave.stop()
        if self._drafts is not None and not self._shelved:
            self._drafts.discard(self.draft_key)
        self.dirty = False
        event.accept()
        self.closed.emit()

    def shelve(self) -> None:
        """Close, keeping the unsaved edits in the draft store (the app is locking): the
        draft is offered back when the project is opened again."""
        if self.dirty:
            self.autosave()
        self._shelved = True
        self.dirty = False
        self.close()
