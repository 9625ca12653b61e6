"""The map pane: the Leaflet page in a QWebEngineView, talking to Python over QWebChannel.

The page asks for its data on every move (bounding box + zoom); Python answers from the
one query layer with grid cells or individual points (:mod:`sitrep.mapping.grid`), so a
filter change updates the data in place without rebuilding the page, and the cost
follows the screen rather than the size of the project.

If Qt WebEngine cannot run (not installed, or the process runs as root where Chromium
refuses its sandbox), the pane says so in words and the rest of the app goes on.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import itertools
import json
import logging
import os
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from sitrep.errors import SitrepError
from sitrep.mapping import indexstore, serving
from sitrep.mapping.basemap_layers import served_entries
from sitrep.mapping.data import incident_popup, located_summary
from sitrep.mapping.grid import POINT_LIMIT, Viewport, viewport_data
from sitrep.mapping.labels import gazetteer_ready, load_gazetteer, view_labels
from sitrep.mapping.page import app_page
from sitrep.mapping.pointindex import PointIndex
from sitrep.places.basemaps import open_basemaps, project_folder
from sitrep.store import Project
from sitrep.store.queries import IncidentFilter
from sitrep.ui.long_task import LatestQuery

try:  # WebEngine is a separate wheel; the app must still start without it
    from PySide6.QtWebChannel import QWebChannel
    from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
    from PySide6.QtWebEngineWidgets import QWebEngineView

    _IMPORT_ERROR: str | None = None
except ImportError as exc:  # pragma: no cover - depends on the installation
    _IMPORT_ERROR = str(exc)

if _IMPORT_ERROR is None:
    from PySide6.QtCore import QCoreApplication

    from sitrep.ui.map_scheme import register_scheme

    if QCoreApplication.instance() is None:  # the scheme can only be declared before it
        register_scheme()

log = logging.getLogger(__name__)

SessionFactory = Callable[[], AbstractContextManager[Session]]

NO_SANDBOX_AS_ROOT = (
    "The map cannot be shown: Sitrep is running as the administrator (root), and the "
    "web engine that draws the map refuses to run that way for safety. Start Sitrep as "
    "an ordinary user to see the map. Everything else works as usual."
)


def webengine_problem() -> str | None:
    """Why the map page cannot be shown here, in words for the user (None if it can)."""
    if _IMPORT_ERROR is not None:
        return (
            "The map cannot be shown: the Qt WebEngine component is missing "
            f"({_IMPORT_ERROR}). Everything else works as usual."
        )
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if not os.environ.get("QTWEBENGINE_DISABLE_SANDBOX") and "--no-sandbox" not in flags:
            return NO_SANDBOX_AS_ROOT
    return None


_PROFILE: Any = None
_PAGE_VERSIONS = itertools.count(1)  # a new URL per reload: never a cached page


class NamesNotifier(QObject):
    """Reads the gazetteer's names once per process and tells every map page when done
    (a page closed meanwhile is simply no longer connected)."""

    loaded = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            load_gazetteer(self.loaded.emit)


_NAMES: NamesNotifier | None = None


def names_notifier() -> NamesNotifier:
    global _NAMES
    if _NAMES is None:
        from PySide6.QtWidgets import QApplication

        _NAMES = NamesNotifier(QApplication.instance())
    return _NAMES


# raster tiles (<img>) that have neither arrived nor failed yet; a broken image is
# "complete" too, so an unreachable server does not hold a screenshot back
_TILES_PENDING_JS = (
    "Array.prototype.filter.call(document.querySelectorAll('img.leaflet-tile'),"
    " function (img) { return !img.complete; }).length"
)


def map_profile() -> Any:
    """One off-the-record profile for every map page (no cache or cookies on disk)."""
    global _PROFILE
    if _PROFILE is None:
        from PySide6.QtWidgets import QApplication

        _PROFILE = QWebEngineProfile(QApplication.instance())
    return _PROFILE


class MapBridge(QObject):
    """The object the page sees as ``channel.objects.bridge``."""

    # Python -> page
    refreshRequested = Signal()
    missingChanged = Signal(int)  # incidents of the filter without coordinates
    focusRequested = Signal(str)  # GeoJSON feature of the incident to show
    zoomRequested = Signal(str)  # [west, south, east, north]
    pickModeRequested = Signal(bool)
    # page -> Python (re-emitted by MapView)
    clicked = Signal(str)
    picked = Signal(float, float)
    ready = Signal()
    shown = Signal(int, int)
    zoomAllRequested = Signal()
    labelsRefresh = Signal()  # more names can be shown: the page asks again

    def __init__(
        self,
        answer: Callable[[str], str],
        parent: QObject | None = None,
        names: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._answer = answer
        self._names = names

    @Slot(str, result=str)
    def viewport(self, request: str) -> str:
        return self._answer(request)

    @Slot(str, result=str)
    def labels(self, request: str) -> str:
        """The place and boundary names for a view (:mod:`sitrep.mapping.labels`)."""
        return self._names(request) if self._names is not None else "[]"

    @Slot()
    def zoomToAll(self) -> None:
        self.zoomAllRequested.emit()

    @Slot(str)
    def incidentClicked(self, incident_id: str) -> None:
        self.clicked.emit(incident_id)

    @Slot(float, float)
    def locationPicked(self, lat: float, lon: float) -> None:
        self.picked.emit(lat, lon)

    @Slot()
    def pageReady(self) -> None:
        self.ready.emit()

    @Slot(int, int)
    def rendered(self, generation: int, count: int) -> None:
        self.shown.emit(generation, count)


if _IMPORT_ERROR is None:

    class MapPage(QWebEnginePage):
        """Routes the page's console messages into Python logging (errors kept for tests)."""

        def __init__(self, profile: Any, parent: QObject | None = None) -> None:
            super().__init__(profile, parent)
            self.console_errors: list[str] = []

        def javaScriptConsoleMessage(
            self, level: Any, message: str, line: int, source: str
        ) -> None:
            text = f"{source}:{line}: {message}"
            if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
                self.console_errors.append(text)
                log.warning("map page: %s", text)
            else:
                log.debug("map page: %s", text)


class MapView(QWidget):
    """The incident map. Feed it the shared filter; it tells which incident was clicked."""

    incidentClicked = Signal(object)  # uuid.UUID
    incidentSelected = Signal(object)  # the same click, under the main window's pane contract
    locationPicked = Signal(float, float)
    pageReady = Signal()
    dataShown = Signal(int)  # incidents drawn (points + grid counts) after an update

    def __init__(
        self,
        session_factory: SessionFactory | Project,
        *,
        online_tiles: bool = False,
        profile: Any = None,
        point_limit: int = POINT_LIMIT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # a Project (the main window's pane factories pass one) or its session factory
        self._sessions = (
            session_factory.session if isinstance(session_factory, Project) else session_factory
        )
        # basemap files are looked for relative to the project's folder
        self._project_dir = (
            project_folder(session_factory) if isinstance(session_factory, Project) else None
        )
        self.basemap_problems: list[str] = []  # why a registered basemap is not shown
        self._point_limit = point_limit
        self._online_tiles = online_tiles
        self._filter = IncidentFilter()
        self._ready = False
        self._drawn = False  # the page has drawn the data of its current load
        self._tiles_pending = -1  # map tiles still loading (-1: not asked yet)
        self._pending_focus: str | None = None
        self.last_query_seconds = 0.0
        # counts for the commonest filters come from an in-memory index read in the
        # background; until it is there (and for other filters) SQL answers
        self._loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sitrep-map-index")
        self._index: Future[PointIndex] | None = None
        self._index_from_store = False
        self._index_wanted = False  # reload once the page has shown its data (refresh)
        self._missing_wanted = False
        self._first_wait = 30.0  # seconds the first view may wait for the index
        loader = self._loader
        self.destroyed.connect(lambda *_: loader.shutdown(wait=False, cancel_futures=True))
        self._layout = QStackedLayout(self)
        self._message = QLabel(self)
        self._message.setWordWrap(True)
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setMargin(24)
        self._layout.addWidget(self._message)
        self.view: Any = None
        self.page: Any = None
        problem = webengine_problem()
        if problem is not None:
            self._show_message(problem)
            return
        self.bridge = MapBridge(self._answer_viewport, self, names=self._answer_labels)
        self.bridge.zoomAllRequested.connect(self.zoom_to_data)
        names_notifier().loaded.connect(self.bridge.labelsRefresh)
        self.bridge.clicked.connect(self._on_clicked)
        self.bridge.picked.connect(self.locationPicked)
        self.bridge.ready.connect(self._on_ready)
        self.bridge.shown.connect(self._on_shown)
        self._missing = LatestQuery(self)  # "N without coordinates", counted in SQL
        self._missing.answered.connect(self._on_missing_counted)
        # the page, its assets and the basemap tiles are served from memory by the
        # sitrep-map: scheme (no page file in the temp folder, no local server)
        from sitrep.ui.map_scheme import handler_for, new_host

        profile = profile or map_profile()
        self.content = serving.MapContent(host=new_host())
        handler_for(profile).serve(self.content)
        content = self.content
        self.destroyed.connect(lambda *_: content.close())
        self.view = QWebEngineView(self)
        self.page = MapPage(profile, self.view)
        self.view.setPage(self.page)
        self.channel = QWebChannel(self.page)
        self.channel.registerObject("bridge", self.bridge)
        self.page.setWebChannel(self.channel)
        self.page.renderProcessTerminated.connect(self._on_crash)
        self._layout.addWidget(self.view)
        self._layout.setCurrentWidget(self.view)
        self.reload()

    # ------------------------------------------------------------------ public API

    @property
    def available(self) -> bool:
        return self.view is not None

    @property
    def message(self) -> str:
        """The explanation shown instead of the map ("" while the map is shown)."""
        return "" if self._layout.currentWidget() is self.view else self._message.text()

    def reload(self) -> None:
        """Rebuild the page (after importing boundaries, or switching online tiles)."""
        if self.view is None:
            return
        self._ready = False
        self._drawn = False
        self._tiles_pending = -1
        if self._index is None:
            # read it while the page loads; the page's first question waits for it,
            # which is quicker than counting everything in SQL for a large project
            self._load_index()
        host = self.content.host
        with self._sessions() as s:
            opened, self.basemap_problems = open_basemaps(s, self._project_dir)
            entries = served_entries(opened, lambda i: serving.tile_url(host, i))
            html = app_page(s, online_tiles=self._online_tiles, host=host, basemaps=entries)
        self.content.page_html = html
        self.content.set_tilesets([o.tileset for o in opened])
        url = f"{serving.base_url(host)}{serving.PAGE_PATH}?v={next(_PAGE_VERSIONS)}"
        self.view.load(QUrl(url))

    def set_online_tiles(self, on: bool) -> None:
        if on != self._online_tiles:
            self._online_tiles = on
            self.reload()

    def set_filter(self, flt: IncidentFilter) -> None:
        """Show the incidents of ``flt``; the view stays where the user left it."""
        self._filter = flt
        if self._ready:
            self._refresh()

    def refresh(self) -> None:
        """Re-read the data in place (after incidents were saved or deleted)."""
        if self.view is None:
            return
        self._index = None  # stale: SQL answers until the new one is read
        self._index_wanted = True
        if self._ready:
            self._refresh()

    def index_ready(self) -> bool:
        """Whether the in-memory index is loaded (for tests and benchmarks)."""
        return self._index is not None and self._index.done()

    def index_from_store(self) -> bool:
        """Whether the loaded index is the one saved with the project (tests, benchmarks)."""
        return self.index_ready() and self._index_from_store

    def is_drawn(self) -> bool:
        """Whether the map looks finished: the page has drawn its data and every map tile
        it asked for has arrived or failed (for screenshots: no fixed sleep). Ask again
        until it says yes; each call asks the page how many tiles are still loading."""
        if self.view is None or self._layout.currentWidget() is not self.view:
            return True  # the pane shows its message instead
        if not (self._ready and self._drawn):
            return False
        self.page.runJavaScript(_TILES_PENDING_JS, 0, self._on_tiles_pending)
        return self._tiles_pending == 0

    def _on_tiles_pending(self, pending: Any) -> None:
        self._tiles_pending = int(pending) if isinstance(pending, (int, float)) else -1

    def _load_index(self) -> None:
        def load() -> PointIndex:
            with self._sessions() as s:
                loaded = indexstore.load_or_build(s)
            self._index_from_store = loaded.from_store
            if loaded.save_as is not None:  # after the map has it: saving is not urgent
                with contextlib.suppress(RuntimeError):  # RuntimeError: the pane was closed
                    self._loader.submit(save, loaded.index, loaded.save_as)
            return loaded.index

        def save(index: PointIndex, change: int) -> None:
            try:
                with self._sessions() as s:
                    indexstore.save(s, index, change)
            except (SitrepError, SQLAlchemyError) as exc:  # read-only, busy …: read next time
                log.info("map index not saved with the project: %s", exc)

        self._index = self._loader.submit(load)

    def _current_index(self, wait: float = 0.0) -> PointIndex | None:
        future = self._index
        if future is not None and not future.done() and wait > 0:
            concurrent.futures.wait([future], timeout=wait)
        if future is None or not future.done():
            return None
        if future.exception() is not None:
            log.warning("map index could not be loaded: %s", future.exception())
            return None
        return future.result()

    @classmethod
    def for_project(cls, project: Any, *, online_tiles: bool = False) -> MapView:
        """The factory the main window uses: ``(project) -> QWidget``."""
        return cls(project, online_tiles=online_tiles)

    def current_filter(self) -> IncidentFilter:
        return self._filter

    def zoom_to_data(self) -> None:
        """Fit the view to the filtered incidents."""
        if not self._ready:
            return
        with self._sessions() as s:
            bounds = located_summary(s, self._filter).bounds
        if bounds is not None:
            self.bridge.zoomRequested.emit(json.dumps(list(bounds)))

    @Slot(object)
    def select_incident(self, incident_id: uuid.UUID | str | None) -> None:
        """Pan to the incident and open its popup (a row chosen in the table)."""
        feature = None
        if incident_id is not None:
            with self._sessions() as s:
                feature = incident_popup(s, uuid.UUID(str(incident_id)))
        payload = json.dumps(feature)
        if self._ready:
            self.bridge.focusRequested.emit(payload)
        else:
            self._pending_focus = payload

    def start_pick(self) -> None:
        """Let the user click a location; it arrives as ``locationPicked(lat, lon)``."""
        if self._ready:
            self.bridge.pickModeRequested.emit(True)

    # ------------------------------------------------------------------ internals

    def _refresh(self) -> None:
        # data first; how many cannot be placed follows (a second scan the user can wait for)
        self._missing_wanted = True
        self.bridge.refreshRequested.emit()

    def _on_shown(self, _generation: int, count: int) -> None:
        self._drawn = True
        self.dataShown.emit(count)
        # work that must not delay what the user is waiting for comes after it
        if self._missing_wanted:
            self._missing_wanted = False
            QTimer.singleShot(0, self, self._send_missing)
        if self._index_wanted:
            self._index_wanted = False
            self._load_index()

    def _send_missing(self) -> None:
        """The status line's "N without coordinates": from the index, or SQL in the
        background (a full scan for a broad filter on a large project)."""
        if not self._ready:
            return
        flt = self._filter
        index = self._current_index()
        if index is not None and PointIndex.answers(flt):
            self.bridge.missingChanged.emit(index.without_coordinates(flt))
            return

        def count() -> tuple[IncidentFilter, int]:
            with self._sessions() as s:
                return flt, located_summary(s, flt).without_coordinates

        self._missing.request(count)

    def _on_missing_counted(self, answer: tuple[IncidentFilter, int]) -> None:
        flt, without = answer
        if self._ready and flt == self._filter:
            self.bridge.missingChanged.emit(without)

    def _answer_viewport(self, request: str) -> str:
        started = time.perf_counter()
        try:
            r = json.loads(request)
            view = Viewport(
                float(r["west"]),
                float(r["south"]),
                float(r["east"]),
                float(r["north"]),
                int(r["zoom"]),
            )
        except (ValueError, KeyError, TypeError):
            log.warning("map page sent a malformed view request: %r", request[:200])
            return json.dumps({"mode": "points", "total": 0, "points": [], "cells": []})
        index = self._current_index(wait=self._first_wait)
        self._first_wait = 0.0  # only the page's first question waits for the index
        with self._sessions() as s:
            answer = viewport_data(s, self._filter, view, self._point_limit, index).as_json()
        text = json.dumps(answer, ensure_ascii=False)
        self.last_query_seconds = time.perf_counter() - started
        return text

    def _answer_labels(self, request: str) -> str:
        try:
            r = json.loads(request)
            view = Viewport(
                float(r["west"]),
                float(r["south"]),
                float(r["east"]),
                float(r["north"]),
                int(r["zoom"]),
            ).clamped()
        except (ValueError, KeyError, TypeError):
            log.warning("map page sent a malformed label request: %r", request[:200])
            return "[]"
        ready = gazetteer_ready()
        if not ready:
            # read once per process in the background, not in the first view's way; the
            # page asks again when it is there (the project's own names come meanwhile)
            names_notifier().start()
        with self._sessions() as s:
            names = view_labels(
                s, view.west, view.south, view.east, view.north, view.zoom, gazetteer=ready
            )
        return json.dumps(names, ensure_ascii=False)

    def _on_ready(self) -> None:
        self._ready = True
        self._refresh()
        if self._pending_focus is not None:
            self.bridge.focusRequested.emit(self._pending_focus)
            self._pending_focus = None
        self.pageReady.emit()

    def _on_clicked(self, incident_id: str) -> None:
        try:
            picked = uuid.UUID(incident_id)
        except ValueError:
            log.warning("map page reported an unknown incident id %r", incident_id)
            return
        self.incidentClicked.emit(picked)
        self.incidentSelected.emit(picked)

    def _on_crash(self, status: Any, code: int) -> None:
        log.error("map page renderer stopped (%s, exit code %s)", status, code)
        self._show_message(
            "The map stopped working (its web engine closed unexpectedly). "
            "Everything else works as usual; reopen the project to try the map again."
        )

    def _show_message(self, text: str) -> None:
        self._ready = False
        self._message.setText(text)
        self._layout.setCurrentWidget(self._message)
