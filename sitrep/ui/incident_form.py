"""The incident form: every field of an incident, checked as the user types.

The form edits an :class:`~sitrep.editing.draft.IncidentDraft`; saving goes through a
``save`` callable the host passes in (the main window's, which also records undo).
While the user edits, the draft is autosaved to the draft store so that a crash or a
killed process loses nothing; saving or discarding the form removes that file.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QStandardItemModel
from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
    QWidget,
)

from sitrep.editing.catalogue import Catalogue
from sitrep.editing.conflict import find_conflict
from sitrep.editing.draft import IncidentDraft, Problem, parse_number
from sitrep.editing.draft_store import DraftStore
from sitrep.editing.location import allowed_precisions, precision_problem, suggested_precision
from sitrep.errors import ConflictError, SitrepError
from sitrep.model.enums import (
    LocationPrecision,
)
from sitrep.model.harm import incident_is_claim
from sitrep.places.search import PlaceHit, add_place, search_places
from sitrep.store import Project
from sitrep.ui.conflict_dialog import ConflictDialog
from sitrep.ui.crash import ReportError
from sitrep.ui.form_rows import set_combo
from sitrep.ui.incident_form_checks import IncidentFormChecks
from sitrep.ui.marks import INVALID_STYLE
from sitrep.ui.place_field import AddPlaceDialog
from sitrep.ui.prompts import Prompts
from sitrep.ui.widgets import (
    FocusLeft,
    as_slot,
    take_first_match,
)

log = logging.getLogger(__name__)

SaveDraft = Callable[[IncidentDraft], uuid.UUID]


class IncidentForm(IncidentFormChecks):
    saved = Signal(object)  # uuid of the saved incident
    closed = Signal()
    pickLocationRequested = Signal()  # the user wants to click the place on the map
    historyRequested = Signal(object)  # uuid of the incident whose history to show (Ctrl+H)

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
        # the incident as the user opened it: the base of a three-way conflict view
        self._base: IncidentDraft | None = None
        self.conflict_dialog: ConflictDialog | None = None
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
        self._init_fields()
        self.setStyleSheet(INVALID_STYLE)
        self.setWindowTitle("New incident")
        self.resize(1200, 860)
        self._autosave = QTimer(self, singleShot=True, interval=autosave_ms)
        self._autosave.timeout.connect(self.autosave)
        self._build()
        self.notice = QLabel()  # someone else saved this incident while it is open
        self.notice.setObjectName("changedElsewhere")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(
            "QLabel { background: #fff4ce; color: #3b2f00; border: 1px solid #c8a600;"
            " padding: 4px 8px; }"
        )
        self.notice.hide()
        outer = self.layout()
        if isinstance(outer, QVBoxLayout):
            outer.insertWidget(1, self.notice)
        self.set_draft(self._draft)
        QShortcut(QKeySequence.StandardKey.Save, self, as_slot(self.save)).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        QShortcut(QKeySequence("Ctrl+H"), self, as_slot(self._history_requested)).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )

    # ================================================================= layout
    def _build(self) -> None:
        self._build_layout()
        self._connect_behaviour()
        self._track_changes()
        self._update_tab_order()

    def _connect_behaviour(self) -> None:
        """What follows what: types, place and area, dates, precision, claims, warnings."""
        self.pick_button.clicked.connect(self.pickLocationRequested)
        self.attachments.addRequested.connect(self._add_attachments)
        self.attachments.captionRequested.connect(self._edit_caption)
        self.save_button.clicked.connect(as_slot(self.save))
        self.cancel_button.clicked.connect(as_slot(self.close))
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

    def _track_changes(self) -> None:
        """Any edit makes the form dirty (autosaved, checked again after a save attempt)."""
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

    def _claims_follow(self) -> None:
        """Ticks "claim" on every casualty row while the incident is an unverifiable
        claim (the rule reports apply); the rows stay editable afterwards."""
        if not incident_is_claim(self.verification.currentData()):
            return
        for row in self.casualties.rows:
            if not row.party_claim.isChecked():
                row.party_claim.setChecked(True)

    # ================================================================= services
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
    def set_draft(
        self, draft: IncidentDraft, *, dirty: bool = False, base: IncidentDraft | None = None
    ) -> None:
        """Show ``draft``. An unchanged saved incident is its own base; a recovered or
        merged draft says what it was based on (``base``; None: not known)."""
        self._base = base if dirty or draft.incident_id is None else draft
        if hasattr(self, "notice"):
            self.notice.hide()
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
            self._drafts.save(self.draft_key, self.draft(), self.project.location, self._base)
        except OSError as exc:  # a full disk must not stop the user typing
            log.warning("could not autosave the draft: %s", exc)

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
        except ConflictError as exc:
            self._show_conflict(draft, exc)
            return False
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

    def notice_changed_elsewhere(self, who: str, *, deleted: bool = False) -> None:
        """Someone saved (or deleted) this incident while the form is open: say so,
        without touching what the user typed."""
        if deleted:
            text = (
                f"{who or 'Someone'} deleted this incident while you had it open. Saving "
                "will say so; Duplicate keeps your work as a new incident."
            )
        else:
            text = (
                f"{who or 'Someone'} saved a change to this incident while you had it open. "
                "Your edits are kept; when you save, you will see their change beside yours "
                "and choose what to keep."
            )
        self.notice.setText(text)
        self.notice.show()

    def _history_requested(self) -> None:
        if self._draft.incident_id:
            self.historyRequested.emit(uuid.UUID(self._draft.incident_id))

    def _show_conflict(self, draft: IncidentDraft, exc: ConflictError) -> None:
        """Someone saved the incident since it was opened: show their change beside
        the user's and let them merge, overwrite or go on editing."""
        if draft.incident_id is None:
            self._report_error(self, exc)
            return
        try:
            with self.project.session() as s:
                conflict = find_conflict(s, self._base, draft)
        except SitrepError as gone:  # deleted meanwhile
            self._report_error(self, gone)
            return
        self._set_summary(
            f"Not saved: {conflict.changed_by or 'someone'} changed this incident after you "
            "opened it. Compare and choose what to keep.",
            "warning",
        )
        dialog = ConflictDialog(conflict, self)
        self.conflict_dialog = dialog
        dialog.resolved.connect(lambda merged: self._save_resolved(merged, conflict.theirs))
        dialog.finished.connect(lambda _r: setattr(self, "conflict_dialog", None))
        dialog.open()

    def _save_resolved(self, merged: IncidentDraft, theirs: IncidentDraft) -> None:
        """Save what the user chose; it is based on their version, so a third person's
        save in between is caught again."""
        self.set_draft(merged, dirty=True, base=theirs)
        self._accepted_warnings |= {w.message for w in self.warnings}
        self.save()

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
