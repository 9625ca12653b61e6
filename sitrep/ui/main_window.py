"""The main window: filter bar, incident table and detail pane, map and timeline.

Everything it needs comes in through the constructor (project, settings, draft store,
prompts, pane factories), so tests build it on a temporary project and settings file.
The panes talk through three things only: ``filterChanged``, ``incidentSelected`` and
:meth:`MainWindow.select_incident` (see :mod:`sitrep.ui.panes`).

Over 500 lines, on purpose for now: this is the one switchboard every menu action,
pane and incident form is connected to, and several branches change it at once. The
next seam to cut is the hosting of incident forms (open, pick on map, drafts offered
back), which could become a controller of its own.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from sitrep.editing.catalogue import Catalogue, load_catalogue
from sitrep.editing.draft import IncidentDraft, duplicate_draft
from sitrep.editing.draft_store import DraftStore, StoredDraft
from sitrep.editing.save import load_draft
from sitrep.errors import SitrepError
from sitrep.model import Incident
from sitrep.model.enums import Sensitivity
from sitrep.places.admin_lookup import locate_admin_areas
from sitrep.store import Project
from sitrep.store.queries import IncidentFilter
from sitrep.ui.counter import BackgroundCounter
from sitrep.ui.crash import ReportError, show_error
from sitrep.ui.detail_pane import DetailPane
from sitrep.ui.draft_flow import DraftFlow
from sitrep.ui.draft_review import Extractor
from sitrep.ui.filter_bar import FilterBar
from sitrep.ui.history_dialog import HistoryDialog
from sitrep.ui.incident_form import IncidentForm
from sitrep.ui.incident_table import COL_DATE, COLUMNS, IncidentTableModel, IncidentTableView
from sitrep.ui.live_refresh import LiveRefresh
from sitrep.ui.long_task import CANCELLED
from sitrep.ui.panes import (
    ChoosesPeriod,
    FollowsFilter,
    PaneFactories,
    PicksLocation,
    Refreshes,
    ReportsSelection,
    ShowsBasemaps,
    ShowsOnlineTiles,
    ShowsSelection,
    WritesFlash,
    make_pane,
)
from sitrep.ui.prompts import Prompts
from sitrep.ui.settings import AppSettings
from sitrep.ui.share_dialogs import (
    ConflictsDialog,
    SharePrompts,
    export_shared,
    merge_shared,
    undo_merge,
)
from sitrep.ui.undo import IncidentEditing
from sitrep.ui.widgets import as_slot

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    filterChanged = Signal(object)  # IncidentFilter
    incidentSelected = Signal(object)  # uuid.UUID | None
    # asked of whoever runs the app (sitrep.ui.app), which owns the project switch
    openProjectRequested = Signal()
    newProjectRequested = Signal()
    openDemoRequested = Signal()
    closeProjectRequested = Signal()
    encryptRequested = Signal()
    decryptRequested = Signal()
    lockRequested = Signal()
    lockTimeRequested = Signal()

    def __init__(
        self,
        project: Project,
        settings: AppSettings,
        *,
        drafts: DraftStore | None = None,
        prompts: Prompts | None = None,
        report_error: ReportError = show_error,
        panes: PaneFactories | None = None,
        share_prompts: SharePrompts | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        autosave_ms: int = 1500,
        live_poll_ms: int = 2000,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.settings = settings
        self.drafts = drafts
        self.prompts = prompts or Prompts()
        self.share_prompts = share_prompts or SharePrompts()
        # the duplicates review asks before merging; tests replace the question
        self.duplicates_confirm: Callable[[QWidget | None, str, str], bool] | None = None
        # Incident > Draft from report…: None uses sitrep.drafting.extract (tests pass one)
        self.draft_extractor: Extractor | None = None
        self.draft_flow: DraftFlow | None = None
        self._report_error = report_error
        self._today = today
        self._autosave_ms = autosave_ms
        self.forms: list[IncidentForm] = []
        self.catalogue: Catalogue = self._load_catalogue()
        self.undo_stack = self._make_undo_stack()
        self.editing = IncidentEditing(project, self.undo_stack, self.report_error, self)
        self.editing.incidentsChanged.connect(self._incidents_changed)
        self._selected: uuid.UUID | None = None
        # what the user may read (history withholds the rest); team roles set it
        self.clearance = Sensitivity.RESTRICTED
        self.history_dialog: HistoryDialog | None = None
        self._location_picker: PicksLocation | None = None
        self._picking_form: IncidentForm | None = None
        self.setWindowTitle(f"{project.setting('name') or project.name} — Sitrep")
        self._build(panes or PaneFactories())
        self._build_actions()
        self._restore_layout()
        self.model.set_filter(self.filter_bar.current_filter())
        self._after_reload()
        self.live = LiveRefresh(project, poll_ms=live_poll_ms, parent=self)
        self.live.changed.connect(self._changed_elsewhere)

    def _load_catalogue(self) -> Catalogue:
        with self.project.session() as s:
            return load_catalogue(s)

    def _make_undo_stack(self) -> QUndoStack:
        stack = QUndoStack(self)
        stack.setUndoLimit(200)
        return stack

    # ================================================================= building
    def _build(self, panes: PaneFactories) -> None:
        self.filter_bar = FilterBar(
            self.catalogue.areas,
            list(self.catalogue.event_types),
            custom_regions=self.catalogue.custom_regions,
            today=self._today,
        )
        self.filter_bar.filterChanged.connect(self._filter_changed)
        self.filter_bar.resultsRequested.connect(self.go_to_results)

        self.model = IncidentTableModel(self.project, parent=self)
        self.table = IncidentTableView()
        self.table.setObjectName("incidentTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(COL_DATE, Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._keep_sort_indicator)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        for column, spec in enumerate(COLUMNS):
            self.table.setColumnWidth(column, spec.width)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(as_slot(self.edit_selected))
        self.detail = DetailPane(self.project)

        self.map_pane = make_pane(panes.map, self.project, "Map")
        self.timeline_pane = make_pane(panes.timeline, self.project, "Timeline")
        self.report_pane = make_pane(panes.report_editor, self.project, "Situation reports")
        for pane in (self.map_pane, self.timeline_pane, self.report_pane):
            self._connect_pane(pane)

        self.left_split = QSplitter(Qt.Orientation.Vertical)
        self.left_split.setObjectName("leftSplit")
        self.left_split.addWidget(self.table)
        self.left_split.addWidget(self.detail)
        self.left_split.setSizes([520, 280])
        self.right_split = QSplitter(Qt.Orientation.Vertical)
        self.right_split.setObjectName("rightSplit")
        self.right_split.addWidget(self.map_pane)
        self.right_split.addWidget(self.timeline_pane)
        self.right_split.setSizes([560, 220])
        self.main_split = QSplitter(Qt.Orientation.Horizontal)
        self.main_split.setObjectName("mainSplit")
        self.main_split.addWidget(self.left_split)
        self.main_split.addWidget(self.right_split)
        self.main_split.setSizes([880, 520])

        self.tabs = QTabWidget()
        self.tabs.addTab(self.main_split, "&Incidents")
        self.tabs.addTab(self.report_pane, "Situation &reports")
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.read_only_banner = self._read_only_banner()
        if self.read_only_banner is not None:
            layout.addWidget(self.read_only_banner)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.count_label = QLabel()
        self.counter = BackgroundCounter(self.project, self)
        self.counter.counted.connect(self._show_count)
        self.statusBar().addPermanentWidget(self.count_label)
        self.clearance_label = self._clearance_label()
        if self.clearance_label is not None:
            self.statusBar().addPermanentWidget(self.clearance_label)
        self.resize(1400, 860)

    def _clearance_label(self) -> QLabel | None:
        """On a team database: who is connected, their role and clearance (the server
        shows them only incidents at or below it)."""
        member = self.project.member
        if member is None:
            return None
        level = member.clearance.value if member.clearance else "none"
        label = QLabel(f"{member.login} · {member.role or 'not a member'} · clearance {level}")
        label.setObjectName("clearanceLabel")
        label.setToolTip("The team database shows you only incidents at or below your clearance.")
        return label

    def _read_only_banner(self) -> QLabel | None:
        """A bar across the top while the project cannot be changed (read-only medium,
        or a viewer on a team database)."""
        if not self.project.read_only:
            return None
        member = self.project.member
        if member is not None:
            text = (
                f"Read-only: you are a {member.role or 'guest'} on the team database "
                f"{self.project.name}; you can read, search, map and export incidents, but "
                "not change them. Ask a team administrator if you need to edit."
            )
        else:
            text = (
                f"Read-only: {self.project.location} is on a read-only disk or in a folder "
                "you cannot write to; you can read, search, map and export incidents, but "
                "changes cannot be saved. Copy it to a folder you can write to in order to "
                "edit it."
            )
        banner = QLabel(text)
        banner.setObjectName("readOnlyBanner")
        banner.setWordWrap(True)
        banner.setStyleSheet(
            "QLabel { background: #fff4ce; color: #3b2f00; border-bottom: 1px solid #c8a600;"
            " padding: 6px 10px; font-weight: bold; }"
        )
        return banner

    def _connect_pane(self, pane: QWidget) -> None:
        if isinstance(pane, FollowsFilter):
            self.filterChanged.connect(pane.set_filter)
            pane.set_filter(self.filter_bar.current_filter())
        if isinstance(pane, ShowsSelection):
            self.incidentSelected.connect(pane.select_incident)
        if isinstance(pane, ReportsSelection):
            pane.incidentSelected.connect(self.select_incident)
        if isinstance(pane, ChoosesPeriod):
            pane.periodSelected.connect(self.filter_bar.set_period)
        if isinstance(pane, PicksLocation):
            self._location_picker = pane
            pane.locationPicked.connect(self._location_picked)

    def _build_actions(self) -> None:
        self._make_incident_actions()
        self._make_project_actions()
        self._make_sharing_actions()
        self._build_menus()
        self._build_toolbar()
        self._update_actions()

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
    ) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(shortcut)
        act.setToolTip(tip or text.replace("&", ""))
        act.triggered.connect(as_slot(slot))
        self.addAction(act)
        return act

    def _make_incident_actions(self) -> None:
        """New, edit, duplicate, delete, flash update; undo and redo; search."""
        action = self._action
        self.new_action = action("&New incident", self.new_incident, QKeySequence.StandardKey.New)
        self.draft_action = action(
            "D&raft from report…",
            self.draft_from_report,
            tip="Propose incidents from a news article or field report, for you to review",
        )
        self.edit_action = action("&Edit incident", self.edit_selected)
        self.edit_action.setToolTip("Edit the selected incident (Enter in the table)")
        for key in ("Return", "Enter"):  # only in the table: Enter elsewhere means other things
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(as_slot(self.edit_selected))
        self.duplicate_action = action(
            "&Duplicate incident",
            self.duplicate_selected,
            "Ctrl+D",
            "Enter a new incident like the selected one",
        )
        self.delete_action = action(
            "De&lete incident", self.delete_selected, QKeySequence.StandardKey.Delete
        )
        self.flash_action = action(
            "&Flash update from selected incidents",
            self.flash_from_selected,
            tip="Write a flash update about the selected incidents (one event)",
        )
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        # Ctrl+Y (Windows) and Ctrl+Shift+Z (elsewhere) both redo, whatever the platform says
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)
        self.search_action = action("&Search", self.filter_bar.focus_search, "Ctrl+F")
        self.history_action = action(
            "&History…",
            self.show_history,
            "Ctrl+H",
            "Who changed the selected incident, when, and what (from the audit log)",
        )

    def _make_project_actions(self) -> None:
        """Open, new, demo, close, quit; import and export; about."""
        action = self._action
        self.open_project_action = action(
            "&Open project…", self.openProjectRequested.emit, "Ctrl+O"
        )
        self.new_project_action = action("New &project…", self.newProjectRequested.emit)
        self.demo_action = action("Open &demo project", self.openDemoRequested.emit)
        self.close_project_action = action(
            "&Close project", self.closeProjectRequested.emit, "Ctrl+W"
        )
        self.quit_action = action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.import_action = action(
            "&Import incidents…",
            self.import_incidents,
            "Ctrl+I",
            "ACLED, UCDP, CSV/Excel, HXL, GeoJSON",
        )
        self.export_action = action(
            "&Export incidents…",
            self.export_incidents,
            "Ctrl+E",
            "CSV, Excel, GeoJSON, HXL, ACLED",
        )
        self.about_action = action("&About Sitrep", self.show_about)
        self.online_tiles_action = QAction("Online map &tiles (OpenStreetMap)", self)
        self.online_tiles_action.setCheckable(True)
        self.online_tiles_action.setChecked(self.settings.online_tiles())
        self.online_tiles_action.setToolTip(
            "Load OpenStreetMap tiles from the internet. Off, the map uses only data "
            "shipped with Sitrep and your boundary packs, and sends nothing anywhere."
        )
        self.online_tiles_action.toggled.connect(self._set_online_tiles)
        self._apply_online_tiles(self.settings.online_tiles())
        self.basemaps_action = action(
            "Offline &basemaps…",
            self.show_basemaps,
            tip="MBTiles and PMTiles maps drawn under the incidents, with no network",
        )

    def _make_sharing_actions(self) -> None:
        """Shared project export, merge, conflicts, undo of a merge, duplicates."""
        action = self._action
        self.share_export_action = action(
            "E&xport shared project…",
            self.export_shared,
            tip="Write a (redacted, optionally encrypted) project file for a colleague",
        )
        self.share_merge_action = action(
            "&Merge colleague's project…",
            self.merge_shared,
            tip="Bring in a colleague's project file; nothing of yours is deleted",
        )
        self.conflicts_action = action("Merge &conflicts…", self.show_conflicts)
        self.duplicates_action = action(
            "Find &duplicates…",
            self.show_duplicates,
            tip="Incidents entered twice: review side by side, merge keeping every claim",
        )
        self.undo_merge_action = action(
            "&Undo last merge…",
            self.undo_merge,
            tip="Reverse every change the last merge of a colleague's project made",
        )
        self.restore_backup_action = action(
            "Restore from &backup…",
            self.restore_from_backup,
            tip="Restore one of this project's automatic backups as a new project file",
        )
        self.restore_backup_action.setEnabled(self.project.is_file)
        self.backups_keep_action = action(
            "Automatic backups to &keep…",
            self.choose_backups_keep,
            tip="How many automatic backups of this project to keep beside it (0: none)",
        )
        self.backups_keep_action.setEnabled(self.project.is_file and not self.project.read_only)

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("&File")
        for act in (
            self.new_project_action,
            self.open_project_action,
            self.demo_action,
            self.close_project_action,
        ):
            menu.addAction(act)
        menu.addSeparator()
        menu.addAction(self.import_action)
        menu.addAction(self.export_action)
        menu.addSeparator()
        for act in (
            self.share_export_action,
            self.share_merge_action,
            self.conflicts_action,
            self.undo_merge_action,
            self.duplicates_action,
        ):
            menu.addAction(act)
        menu.addSeparator()
        menu.addAction(self.restore_backup_action)
        menu.addAction(self.backups_keep_action)
        self._add_encryption_actions(menu, self._action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        menu = self.menuBar().addMenu("&Edit")
        menu.addAction(self.undo_action)
        menu.addAction(self.redo_action)
        menu.addSeparator()
        menu.addAction(self.search_action)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self.online_tiles_action)
        view_menu.addAction(self.basemaps_action)
        menu = self.menuBar().addMenu("&Incident")
        for act in (self.new_action, self.edit_action, self.duplicate_action, self.delete_action):
            menu.addAction(act)
        menu.insertAction(self.edit_action, self.draft_action)
        menu.addAction(self.history_action)
        menu.addSeparator()
        menu.addAction(self.flash_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for act in (
            self.edit_action,
            self.duplicate_action,
            self.history_action,
            self.flash_action,
        ):
            self.table.addAction(act)
        self.menuBar().addMenu("&Help").addAction(self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Incidents")
        toolbar.setObjectName("incidentToolbar")
        for act in (
            self.new_action,
            self.edit_action,
            self.duplicate_action,
            self.delete_action,
            self.undo_action,
            self.redo_action,
        ):
            toolbar.addAction(act)
        self.addToolBar(toolbar)

    # ================================================================= layout memory
    def _restore_layout(self) -> None:
        geometry = self.settings.state("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.state("main/state")
        if state is not None:
            self.restoreState(state)
        for split in (self.main_split, self.left_split, self.right_split):
            saved = self.settings.state(f"main/{split.objectName()}")
            if saved is not None:
                split.restoreState(saved)

    def save_layout(self) -> None:
        self.settings.set_state("main/geometry", self.saveGeometry())
        self.settings.set_state("main/state", self.saveState())
        for split in (self.main_split, self.left_split, self.right_split):
            self.settings.set_state(f"main/{split.objectName()}", split.saveState())
        self.settings.sync()

    # ================================================================= filter + table
    def import_incidents(self) -> None:
        from sitrep.ui.interchange_actions import run_import

        result = run_import(self, self.project)
        if result is not None and (result.added or result.updated):
            self._incidents_changed(result.incident_ids)

    def export_incidents(self) -> None:
        from sitrep.ui.interchange_actions import run_export

        run_export(self, self.project, self.current_filter())

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from sitrep import __version__
        from sitrep.places.attribution import ATTRIBUTION_TEXT

        QMessageBox.about(self, "About Sitrep", f"Sitrep {__version__}\n\n{ATTRIBUTION_TEXT}")

    def _filter_changed(self, flt: IncidentFilter) -> None:
        self.model.set_filter(flt)
        self._after_reload()
        self.filterChanged.emit(flt)

    def current_filter(self) -> IncidentFilter:
        return self.filter_bar.current_filter()

    def _after_reload(self) -> None:
        if self._selected is not None:
            row = self.model.row_of(self._selected)
            if row is not None:
                self._select_row(row)
            else:
                self.table.clearSelection()
        if self.model.canFetchMore():
            self.count_label.setText("counting incidents…")
            self.counter.request(self.model.current_filter())
        else:  # everything is loaded: no need to ask the database
            self._show_count(self.model.loaded_rows())

    def _show_count(self, total: int) -> None:
        self.count_label.setText(f"{total:,} incident{'s' if total != 1 else ''}")

    def _incidents_changed(self, ids: list[uuid.UUID]) -> None:
        self.live.mark_seen()  # our own change: no second refresh when the file is polled
        self.model.reload(keep_rows=self.model.loaded_rows())
        self._after_reload()
        if self._selected is not None:
            self.detail.show_incident(self._selected)
        for pane in (self.map_pane, self.timeline_pane, self.report_pane):
            if isinstance(pane, Refreshes):
                pane.refresh()
        self._update_actions()

    def _changed_elsewhere(self) -> None:
        """A colleague (another app, another process) changed the project: refresh the
        table, detail, map and timeline keeping the selection, and tell each open form
        whose incident changed — never reloading what the user is typing."""
        self._incidents_changed([])
        editing = {
            uuid.UUID(d.incident_id): (form, d.base_version)
            for form in self.forms
            if (d := form.draft()).incident_id and d.base_version is not None
        }
        if not editing:
            return
        with self.project.session() as s:
            rows = s.execute(
                select(Incident.id, Incident.version, Incident.updated_by).where(
                    Incident.id.in_(editing)
                )
            ).all()
        found = {row.id: row for row in rows}
        for incident_id, (form, base_version) in editing.items():
            row = found.get(incident_id)
            if row is None:
                form.notice_changed_elsewhere("", deleted=True)
            elif row.version != base_version:
                form.notice_changed_elsewhere(row.updated_by)

    def _keep_sort_indicator(self, column: int, _order: Qt.SortOrder) -> None:
        """A column the table cannot sort by must not show an arrow it does not honour."""
        if 0 <= column < len(COLUMNS) and COLUMNS[column].sort_key is None:
            key, descending = self.model.sort_state()
            current = next(i for i, c in enumerate(COLUMNS) if c.sort_key == key)
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(
                current,
                Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder,
            )
            header.blockSignals(False)

    # ================================================================= map tiles
    def _set_online_tiles(self, on: bool) -> None:
        self.settings.set_online_tiles(on)
        self._apply_online_tiles(on)

    def _apply_online_tiles(self, on: bool) -> None:
        if isinstance(self.map_pane, ShowsOnlineTiles):
            self.map_pane.set_online_tiles(on)

    def show_basemaps(self) -> None:
        from sitrep.ui.basemaps_dialog import BasemapsDialog

        dialog = BasemapsDialog(self.project, self.prompts.basemap_file, self)
        dialog.exec()
        if dialog.was_changed and isinstance(self.map_pane, ShowsBasemaps):
            self.map_pane.reload()

    # ================================================================= sharing
    def export_shared(self) -> None:
        try:
            export_shared(self, self.project, self.current_filter(), self.share_prompts)
        except CANCELLED:
            self.statusBar().showMessage("Export cancelled; no file was written.", 6000)
        except SitrepError as exc:
            self.report_error(exc)

    def merge_shared(self) -> None:
        try:
            result = merge_shared(self, self.project, self.share_prompts)
        except CANCELLED:
            self.statusBar().showMessage("Merge cancelled; the project is unchanged.", 6000)
            return
        except SitrepError as exc:
            self.report_error(exc)
            return
        if result is None:
            return
        self.statusBar().showMessage(f"Merge finished: {result.added} incidents added.", 6000)
        self._incidents_changed([])
        if result.conflicts:
            self.show_conflicts()

    def undo_merge(self) -> None:
        try:
            result = undo_merge(self, self.project, self.share_prompts)
        except SitrepError as exc:
            self.report_error(exc)
            return
        if result is not None:
            self._incidents_changed([])

    def restore_from_backup(self) -> None:
        from sitrep.ui.backup_dialog import RestoreBackupDialog

        RestoreBackupDialog(self.project, self.prompts, self._report_error, self).exec()

    def choose_backups_keep(self) -> None:
        from sitrep.store.backups import BACKUPS_KEEP, check_keep, keep_count

        answer = self.prompts.text(
            self,
            "Automatic backups",
            "Backups of this project to keep in the “backups” folder beside it (0: none):",
            str(keep_count(self.project)),
        )
        if answer is None:
            return
        try:
            self.project.set_setting(BACKUPS_KEEP, check_keep(answer))
        except SitrepError as exc:
            self.report_error(exc)

    def show_duplicates(self) -> None:
        from sitrep.ui.duplicates_dialog import DuplicatesDialog, ask

        dialog = DuplicatesDialog(self.project, self, confirm=self.duplicates_confirm or ask)
        dialog.changed.connect(lambda: self._incidents_changed([]))
        dialog.exec()
        dialog.deleteLater()

    def show_conflicts(self) -> None:
        dialog = ConflictsDialog(self.project, self)
        dialog.exec()
        self._incidents_changed([])

    # ================================================================= selection
    def selected_ids(self) -> list[uuid.UUID]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [i for i in (self.model.incident_id(r) for r in rows) if i is not None]

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        current = ids[0] if ids else None
        if current != self._selected:
            self._selected = current
            self.detail.show_incident(current)
            self.incidentSelected.emit(current)
        self._update_actions()

    def select_incident(self, incident_id: object) -> None:
        """Select an incident (from the map or timeline), loading pages to find its row."""
        if not isinstance(incident_id, uuid.UUID):
            incident_id = uuid.UUID(str(incident_id)) if incident_id else None
        if incident_id is None:
            self.table.clearSelection()
            return
        row = self.model.row_of(incident_id, fetch_pages=25)
        if row is not None:
            self._select_row(row)
        else:  # not in the filtered table: still show it in full
            self.table.clearSelection()
            self._selected = incident_id
            self.detail.show_incident(incident_id)
            self.incidentSelected.emit(incident_id)

    def _select_row(self, row: int) -> None:
        self.table.select_row(row)

    def go_to_results(self) -> None:
        """Down in the search box: the table has the keyboard, its first row selected
        (or the one already selected); Enter then opens it."""
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.table.selectionModel().hasSelection():
            self.table.select_row(0)

    def _update_actions(self) -> None:
        has = bool(self.selected_ids())
        writable = not self.project.read_only
        self.history_action.setEnabled(has)
        for act in (self.edit_action, self.duplicate_action, self.delete_action):
            act.setEnabled(has and writable)
        self.flash_action.setEnabled(
            has and writable and isinstance(self.report_pane, WritesFlash)
        )
        for act in (
            self.new_action,
            self.draft_action,
            self.import_action,
            self.share_merge_action,
            self.conflicts_action,
            self.duplicates_action,
            self.undo_merge_action,
        ):
            act.setEnabled(writable)

    # ================================================================= incidents
    def open_form(
        self,
        draft: IncidentDraft | None = None,
        *,
        draft_key: str | None = None,
        dirty: bool = False,
        base: IncidentDraft | None = None,
    ) -> IncidentForm:
        form = IncidentForm(
            self.project,
            self.catalogue,
            save=self._save_draft,
            prompts=self.prompts,
            report_error=self._report_error,
            drafts=self.drafts,
            draft_key=draft_key,
            autosave_ms=self._autosave_ms,
            today=self._today,
        )
        form.setWindowFlag(Qt.WindowType.Window, True)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        if draft is None:
            draft = IncidentDraft(author=self.project.user, date_start=self._today().isoformat())
        form.set_draft(draft, dirty=dirty, base=base)
        form.saved.connect(self._form_saved)
        if self._location_picker is not None:
            form.pick_button.setVisible(True)
            form.pickLocationRequested.connect(lambda f=form: self._start_pick(f))
        form.closed.connect(lambda f=form: self._form_closed(f))
        form.historyRequested.connect(self.show_history)
        self.forms.append(form)
        form.show()
        form.raise_()
        form.activateWindow()
        form.title.setFocus()
        return form

    def _start_pick(self, form: IncidentForm) -> None:
        if self._location_picker is None:
            return
        self._picking_form = form
        self.raise_()
        self.activateWindow()
        self.statusBar().showMessage("Click the incident's location on the map.", 10000)
        self._location_picker.start_pick()

    def _location_picked(self, lat: float, lon: float) -> None:
        form, self._picking_form = self._picking_form, None
        if form is not None and form in self.forms:
            with self.project.session() as s:
                areas = locate_admin_areas(s, lat, lon)  # from imported boundaries, if any
            form.set_location(lat, lon, areas[max(areas)].id if areas else None)
            form.raise_()
            form.activateWindow()

    def _save_draft(self, draft: IncidentDraft) -> uuid.UUID:
        new_id = self.editing.save(draft)
        self._refresh_catalogue_actors()
        return new_id

    def _refresh_catalogue_actors(self) -> None:
        self.catalogue = self._load_catalogue()

    def _form_closed(self, form: IncidentForm) -> None:
        if form in self.forms:
            self.forms.remove(form)
        if self._picking_form is form:
            self._picking_form = None

    def _form_saved(self, incident_id: uuid.UUID) -> None:
        self.select_incident(incident_id)
        self.statusBar().showMessage("Incident saved", 4000)

    def new_incident(self) -> IncidentForm:
        return self.open_form()

    def draft_from_report(self) -> DraftFlow:
        """Ask for a report and its date; the review window follows (sitrep.ui.draft_flow)."""
        if self.draft_flow is None:
            self.draft_flow = DraftFlow(
                self,
                self.project,
                lambda: self.catalogue,
                save=self._save_draft,
                prompts=self.prompts,
                report_error=self._report_error,
                today=self._today,
                show_incident=self.select_incident,
            )
        self.draft_flow.extractor = self.draft_extractor
        self.draft_flow.start()
        return self.draft_flow

    def flash_from_selected(self) -> None:
        """A flash update about the selected incidents, opened in the report editor."""
        ids = self.selected_ids()
        if not ids or not isinstance(self.report_pane, WritesFlash):
            return
        if self.report_pane.new_flash(ids) is not None:
            self.tabs.setCurrentWidget(self.report_pane)

    def edit_selected(self) -> IncidentForm | None:
        ids = self.selected_ids()
        if not ids:
            return None
        for form in self.forms:  # already open: bring it up
            if form.draft().incident_id == str(ids[0]):
                form.raise_()
                form.activateWindow()
                return form
        try:
            with self.project.session() as s:
                draft = load_draft(s, ids[0])
        except SitrepError as exc:
            self.report_error(exc)
            return None
        return self.open_form(draft)

    def duplicate_selected(self) -> IncidentForm | None:
        ids = self.selected_ids()
        if not ids:
            return None
        try:
            with self.project.session() as s:
                draft = duplicate_draft(load_draft(s, ids[0]))
        except SitrepError as exc:
            self.report_error(exc)
            return None
        return self.open_form(draft, dirty=True)

    def show_history(self, incident_id: uuid.UUID | None = None) -> HistoryDialog | None:
        """The history of the selected incident (or of a form's), in a window of its own."""
        if incident_id is None:
            ids = self.selected_ids()
            if not ids:
                return None
            incident_id = ids[0]
        try:
            dialog = HistoryDialog(
                self.project, incident_id, clearance=self.clearance, parent=self
            )
        except SitrepError as exc:
            self.report_error(exc)
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.finished.connect(lambda _r: setattr(self, "history_dialog", None))
        self.history_dialog = dialog
        dialog.show()
        return dialog

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        self.editing.delete(ids)
        n = len(ids)
        self.statusBar().showMessage(
            f"Deleted {n} incident{'s' if n != 1 else ''}. Undo with Ctrl+Z.", 6000
        )

    def report_error(self, exc: BaseException) -> None:
        self._report_error(self, exc)

    def _add_encryption_actions(self, menu: QMenu, action: Callable[..., QAction]) -> None:
        encrypted = self.project.encrypted
        self.encrypt_action = action(
            "Encr&ypt project…",
            self.encryptRequested.emit,
            tip="Encrypt this project file with a passphrase (SQLCipher)",
        )
        self.decrypt_action = action(
            "Remove encr&yption…",
            self.decryptRequested.emit,
            tip="Store this project file without encryption again",
        )
        self.lock_action = action("&Lock now", self.lockRequested.emit, "Ctrl+L")
        self.lock_time_action = action(
            "Lock after idle &time…",
            self.lockTimeRequested.emit,
            tip="Lock encrypted projects after some minutes without typing or clicking",
        )
        self.encrypt_action.setEnabled(self.project.is_file and not encrypted)
        self.decrypt_action.setEnabled(encrypted)
        self.lock_action.setEnabled(encrypted)
        for act in (
            self.encrypt_action,
            self.decrypt_action,
            self.lock_action,
            self.lock_time_action,
        ):
            menu.addAction(act)

    def shelve_forms(self) -> None:
        """Close every incident form, keeping unsaved edits as drafts (locking)."""
        for form in list(self.forms):
            form.shelve()
        if self.draft_flow is not None:  # a report under review must not stay on screen
            self.draft_flow.close_windows(ask=False)

    # ================================================================= drafts
    def offer_drafts(self) -> list[IncidentForm]:
        """Offer back forms that were never saved or cancelled (a crash, a killed process)."""
        if self.drafts is None:
            return []
        opened: list[IncidentForm] = []
        for stored in self.drafts.drafts_for(self.project.location):
            if self.prompts.confirm(self, "Recover unsaved incident?", _recover_text(stored)):
                opened.append(
                    self.open_form(
                        stored.draft, draft_key=stored.key, dirty=True, base=stored.base
                    )
                )
            else:
                self.drafts.discard(stored.key)
        return opened

    # ================================================================= closing
    def closeEvent(self, event: QCloseEvent) -> None:
        for form in list(self.forms):
            if not form.close():
                event.ignore()
                return
        if self.draft_flow is not None and not self.draft_flow.close_windows():
            event.ignore()
            return
        self.save_layout()
        self.counter.wait()
        self.live.stop()
        event.accept()


def _recover_text(stored: StoredDraft) -> str:
    when = stored.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return (
        f"An incident you were editing was not saved when Sitrep last closed:\n\n"
        f"{stored.draft.describe()}\n(autosaved {when})\n\n"
        "Open it again to finish it? Choosing No discards it."
    )
