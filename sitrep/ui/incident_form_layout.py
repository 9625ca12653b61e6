"""The incident form's widgets, section by section, and the fields they make up.

:class:`IncidentFormLayout` builds what the user sees (each section by its own
``_build_*`` method), keeps every named field with the error label under it, gives
the Tab order, and reads the widgets back as a draft. What the widgets *do* (types
that follow each other, location precision, checking, saving) is
:class:`~sitrep.ui.incident_form.IncidentForm`, built on this.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
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
from sitrep.editing.draft import IncidentDraft
from sitrep.model import Blob
from sitrep.model.enums import (
    SENSITIVE_FIELDS,
    DatePrecision,
    LocationPrecision,
    ReviewStatus,
    Sensitivity,
    Verification,
)
from sitrep.places.search import PlaceHit, search_places
from sitrep.store import Project
from sitrep.ui.attachment_list import AttachmentList
from sitrep.ui.date_field import DateField
from sitrep.ui.form_rows import ActorRow, CasualtyRow, RowList, enum_combo
from sitrep.ui.place_field import PlaceField, area_combo
from sitrep.ui.source_row import SourceRow
from sitrep.ui.widgets import ImmediateButton, PickCombo


def _stacked(*widgets: QWidget) -> QWidget:
    """Widgets one above the other in one form cell (a field and its hint)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    for widget in widgets:
        layout.addWidget(widget)
    return box


class IncidentFormLayout(QWidget):
    """The form's widgets; :class:`~sitrep.ui.incident_form.IncidentForm` wires them."""

    project: Project
    catalogue: Catalogue
    _draft: IncidentDraft  # the draft loaded: keeps its id, version and reference
    _place_id: str | None  # the gazetteer place chosen, if the place was picked

    def _init_fields(self) -> None:
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._error_rows: dict[str, QFormLayout] = {}

    # ================================================================= fields
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

    # ================================================================= sections
    def _build_layout(self) -> None:
        """Every section in its place: two columns that scroll, the buttons below."""
        self.header = QLabel()
        self.header.setStyleSheet("font-size: 15px; font-weight: bold")
        left = QVBoxLayout()
        for group in (
            self._build_what(),
            self._build_when(),
            self._build_where(),
            self._build_trust(),
        ):
            left.addWidget(group)
        left.addStretch(1)
        right = QVBoxLayout()
        for group in (
            self._build_actors(),
            self._build_casualties(),
            self._build_sources(),
            self._build_narrative(),
            self._build_attachments(),
        ):
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
        self.cancel_button = QPushButton("Cancel")
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.save_button)
        outer = QVBoxLayout(self)
        outer.addWidget(self.header)
        outer.addWidget(self.scroll_area, 1)
        outer.addLayout(bar)

    def _build_what(self) -> QGroupBox:
        """Title and type: what the incident was."""
        cat = self.catalogue
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
        return what

    def _build_when(self) -> QGroupBox:
        """Dates, time and how precisely the date is known."""
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
        return when

    def _build_where(self) -> QGroupBox:
        """Place, coordinates, location precision, admin area, country."""
        cat = self.catalogue
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
        return where

    def _build_trust(self) -> QGroupBox:
        """Verification, sensitivity, review status, author."""
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
        return status

    def _build_actors(self) -> QGroupBox:
        """Who was involved, one row per actor and role."""
        cat = self.catalogue
        actors_box = QGroupBox("Actors")
        al = QVBoxLayout(actors_box)
        self.actors: RowList = RowList(lambda: ActorRow(cat), "Add &actor")
        al.addWidget(self.actors)
        self._section_error("actors", al)
        return actors_box

    def _build_casualties(self) -> QGroupBox:
        """Casualty rows and victim names."""
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
        return harm_box

    def _build_sources(self) -> QGroupBox:
        """Sources with their Admiralty grading."""
        cat = self.catalogue
        sources_box = QGroupBox("Sources (Admiralty grading: reliability A–F, credibility 1–6)")
        srl = QVBoxLayout(sources_box)
        self.sources: RowList = RowList(lambda: SourceRow(cat), "Add &source")
        srl.addWidget(self.sources)
        self._section_error("sources", srl)
        return sources_box

    def _build_narrative(self) -> QGroupBox:
        """What happened, as the sources tell it."""
        narrative_box = QGroupBox("Na&rrative")
        nl = QVBoxLayout(narrative_box)
        self.narrative = QPlainTextEdit()
        self.narrative.setTabChangesFocus(True)
        self.narrative.setPlaceholderText(
            "What happened, as the sources tell it (victims' names go in Victim names)."
        )
        self.narrative.setMinimumHeight(110)
        nl.addWidget(self.narrative)
        return narrative_box

    def _build_attachments(self) -> QGroupBox:
        """Files kept with the incident."""
        attach_box = QGroupBox("Attachments")
        atl = QVBoxLayout(attach_box)
        self.attachments = AttachmentList(self._load_blob)
        self.attachments.add_button.setText("Attac&h files…")
        self.attachments.view.setMaximumHeight(150)
        atl.addWidget(self.attachments)
        self._section_error("attachments", atl)
        return attach_box

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

    def _load_blob(self, sha256: str) -> bytes | None:
        with self.project.session() as s:
            return s.scalar(select(Blob.data).where(Blob.sha256 == sha256))

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
