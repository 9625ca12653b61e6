"""Starting the app: logging, crash handler, settings, and switching between projects.

:class:`SitrepApp` owns the one open project and its window; the welcome page and the
main window only ask it (by signals) to open, create or close a project.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable
from pathlib import Path

import platformdirs
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from sitrep.editing.draft_store import DraftStore
from sitrep.errors import SitrepError
from sitrep.store import Project, create_project, open_project
from sitrep.ui.crash import CrashHandler, ReportError, show_error
from sitrep.ui.logs import default_log_dir, route_qt_messages, setup_logging
from sitrep.ui.long_task import run_task
from sitrep.ui.main_window import MainWindow
from sitrep.ui.panes import PaneFactories, PaneFactory
from sitrep.ui.prompts import Prompts
from sitrep.ui.settings import AppSettings, default_qsettings
from sitrep.ui.welcome import WelcomePage
from sitrep.ui.widgets import as_slot

log = logging.getLogger(__name__)


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir("sitrep", appauthor=False))


def _optional_pane(module: str, name: str, *, wants: str = "sessions") -> PaneFactory:
    """A factory importing its widget only when the window is built.

    ``wants`` says what the widget's constructor takes: the project's session factory
    (map, timeline) or the project itself (report editor). A build without Qt
    WebEngine still starts: the import error becomes a placeholder pane (see
    :func:`sitrep.ui.panes.make_pane`).
    """

    def factory(project: Project) -> QWidget:
        widget_class = getattr(importlib.import_module(module), name)
        argument = project.session if wants == "sessions" else project
        return widget_class(argument)  # type: ignore[no-any-return]

    return factory


def default_panes() -> PaneFactories:
    return PaneFactories(
        map=_optional_pane("sitrep.ui.map_view", "MapView"),
        timeline=_optional_pane("sitrep.ui.timeline", "TimelineView"),
        report_editor=_optional_pane("sitrep.ui.report_editor", "ReportEditor", wants="project"),
    )


def make_application() -> QApplication:
    """The QApplication, created after Qt WebEngine is loaded (when it is installed).

    WebEngine must be imported, and OpenGL contexts shared, before the application
    object exists; without WebEngine the app still starts and the map says why.
    """
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    try:
        import PySide6.QtWebEngineWidgets  # noqa: F401
    except ImportError as exc:
        log.info("Qt WebEngine not available: %s", exc)
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    return QApplication(sys.argv[:1])


def warm_up() -> None:
    """Set up the ORM once at start, so opening the first project does not pay for it."""
    from sqlalchemy.orm import configure_mappers

    configure_mappers()


def build_demo_file(path: Path) -> None:
    from sitrep.demo import build_demo

    build_demo(path).close()


class SitrepApp(QObject):
    def __init__(
        self,
        settings: AppSettings,
        drafts: DraftStore,
        prompts: Prompts,
        *,
        demo_path: Path,
        panes: PaneFactories | None = None,
        report_error: ReportError = show_error,
        build_demo: Callable[[Path], None] = build_demo_file,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.drafts = drafts
        self.prompts = prompts
        self.demo_path = demo_path
        self.panes = panes or PaneFactories()
        self.report_error = report_error
        self._build_demo = build_demo
        self.project: Project | None = None
        self.window: MainWindow | None = None
        self.welcome: WelcomePage | None = None

    # ------------------------------------------------------------ start
    def start(self, location: str | None = None) -> None:
        target = location or self.settings.last_project()
        if target and self.open_location(target, quiet=location is None):
            return
        self.show_welcome()

    def show_welcome(self) -> None:
        self.welcome = WelcomePage(self.settings.recent_projects())
        self.welcome.openDemoRequested.connect(self.open_demo)
        self.welcome.newProjectRequested.connect(self.choose_new)
        self.welcome.openProjectRequested.connect(self.choose_open)
        self.welcome.recentChosen.connect(self._open_recent)
        self.welcome.show()

    # ------------------------------------------------------------ projects
    def open_location(self, location: str, *, quiet: bool = False, create: bool = False) -> bool:
        parent = self.window or self.welcome
        try:
            project = create_project(location) if create else open_project(location)
        except SitrepError as exc:
            log.info("cannot open %s: %s", location, exc)
            if quiet:  # the remembered last project moved away: just show the welcome page
                self.settings.forget_last_project()
            else:
                self.report_error(parent, exc)
            return False
        if project.backup_path is not None:
            log.info("upgraded %s; backup at %s", location, project.backup_path)
        self._show_project(project)
        return True

    def _open_recent(self, location: str) -> None:
        self.open_location(location)

    def _show_project(self, project: Project) -> None:
        old_window, old_project = self.window, self.project
        self.project = project
        self.settings.add_recent(project.location)
        window = MainWindow(
            project,
            self.settings,
            drafts=self.drafts,
            prompts=self.prompts,
            report_error=self.report_error,
            panes=self.panes,
        )
        window.openProjectRequested.connect(self.choose_open)
        window.newProjectRequested.connect(self.choose_new)
        window.openDemoRequested.connect(self.open_demo)
        window.closeProjectRequested.connect(self.close_project)
        self.window = window
        window.show()
        if self.welcome is not None:
            self.welcome.close()
            self.welcome = None
        if old_window is not None:
            old_window.close()
        if old_project is not None:
            old_project.close()
        QTimer.singleShot(0, as_slot(window.offer_drafts))

    def choose_open(self) -> None:
        path = self.prompts.open_project(self.window or self.welcome)
        if path:
            self.open_location(path)

    def choose_new(self) -> None:
        path = self.prompts.new_project(self.window or self.welcome)
        if path:
            self.open_location(path, create=True)

    def open_demo(self) -> None:
        if not self.demo_path.exists():
            self.demo_path.parent.mkdir(parents=True, exist_ok=True)
            try:
                run_task(  # a few seconds, and a half-built demo is no use: no Cancel
                    self.window or self.welcome,
                    "Building the demo project…",
                    lambda _progress: self._build_demo(self.demo_path),
                    cancellable=False,
                )
            except SitrepError as exc:
                self.report_error(self.window or self.welcome, exc)
                return
        self.open_location(str(self.demo_path))

    def close_project(self) -> None:
        window, project = self.window, self.project
        self.show_welcome()
        if window is not None:
            if not window.close():
                if self.welcome is not None:
                    self.welcome.close()
                    self.welcome = None
                return
            self.window = None
        if project is not None:
            project.close()
            self.project = None
        self.settings.forget_last_project()


def render_screenshot(location: str, output: str, *, wait_ms: int = 1500) -> int:
    """Open ``location`` in the main window, save the window as an image, and exit.

    Leaves the user's settings (recent projects, window layout) untouched.
    """
    import tempfile
    import time

    from PySide6.QtCore import QSettings

    from sitrep.store.targets import check_output_target

    app = make_application()
    project = open_project(location)
    try:
        check_output_target(output, what="screenshot")
    except SitrepError:
        project.close()
        raise
    with tempfile.TemporaryDirectory() as tmp:
        settings = AppSettings(QSettings(f"{tmp}/settings.ini", QSettings.Format.IniFormat))
        window = MainWindow(project, settings, panes=default_panes())
        window.resize(1500, 900)
        window.show()
        end = time.monotonic() + wait_ms / 1000
        while time.monotonic() < end:  # let panes load and paint
            app.processEvents()
            time.sleep(0.01)
        ok = window.grab().save(output)
        window.close()
    project.close()
    if not ok:
        raise SitrepError(f"Could not write the screenshot to {output}.")
    print(f"Wrote {output}")
    return 0


def run_gui(location: str | None = None) -> int:
    """Run the app until its last window closes; returns the exit status."""
    app = make_application()
    app.setApplicationName("Sitrep")
    app.setOrganizationName("Sitrep")
    log_path = setup_logging(default_log_dir())
    route_qt_messages()
    crash = CrashHandler(
        log_path, show_user_error=lambda exc: show_error(QApplication.activeWindow(), exc)
    )
    crash.install()
    log.info("Sitrep starting; log at %s", log_path)
    warm_up()
    controller = SitrepApp(
        AppSettings(default_qsettings()),
        DraftStore(data_dir() / "drafts"),
        Prompts(),
        demo_path=data_dir() / "demo.sitrep",
        panes=default_panes(),
    )
    controller.start(location)
    status = app.exec()
    if controller.project is not None:
        controller.project.close()
    crash.uninstall()
    return int(status)
