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

from sitrep.editing.draft_store import DraftStore, draft_identity
from sitrep.errors import PassphraseError, SitrepError
from sitrep.store import Project, create_project, open_project
from sitrep.ui.crash import CrashHandler, ReportError, show_error
from sitrep.ui.logs import default_log_dir, route_qt_messages, setup_logging
from sitrep.ui.long_task import run_task
from sitrep.ui.main_window import MainWindow
from sitrep.ui.panes import PaneFactories, PaneFactory
from sitrep.ui.passphrase import IdleWatch, LockScreen
from sitrep.ui.prompts import Prompts
from sitrep.ui.settings import AppSettings, default_qsettings
from sitrep.ui.welcome import WelcomePage
from sitrep.ui.widgets import as_slot

log = logging.getLogger(__name__)

WRONG_PASSPHRASE = "That passphrase is wrong. Try again."


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

        from sitrep.ui.map_scheme import register_scheme

        register_scheme()  # the map's sitrep-map: scheme, before the application exists
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
        self.lock_screen: LockScreen | None = None
        self._locked_location: str | None = None
        self.idle = IdleWatch(self.lock, parent=self)
        self.idle.set_minutes(settings.lock_minutes())

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
    def open_location(
        self,
        location: str,
        *,
        quiet: bool = False,
        create: bool = False,
        passphrase: str | None = None,
    ) -> bool:
        """Open (or create) a project and show it; an encrypted one asks for its passphrase
        until it is right or the user cancels."""
        parent = self.window or self.welcome or self.lock_screen
        try:
            if create:
                opened: Project | None = create_project(location, passphrase=passphrase)
            else:
                opened = self._open_asking(location, passphrase, parent)
        except SitrepError as exc:
            log.info("cannot open %s: %s", location, exc)
            if quiet:  # the remembered last project moved away: just show the welcome page
                self.settings.forget_last_project()
            else:
                self.report_error(parent, exc)
            return False
        if opened is None:  # the user cancelled the passphrase
            return False
        project = opened
        if project.backup_path is not None:
            log.info("upgraded %s; backup at %s", location, project.backup_path)
        if not create:
            self._rolling_backup(project)
        self._show_project(project)
        return True

    def _rolling_backup(self, project: Project) -> None:
        """Keep the newest copies of the project beside it (File > Restore from backup…);
        a copy that cannot be written never stops the project from opening."""
        from sitrep.store.backups import rolling_backup

        try:
            made = rolling_backup(project)
        except (SitrepError, OSError) as exc:
            log.warning("no automatic backup of %s: %s", project.location, exc)
            return
        if made is not None:
            log.info("automatic backup of %s at %s", project.location, made)

    def _open_asking(
        self, location: str, passphrase: str | None, parent: QWidget | None
    ) -> Project | None:
        while True:
            try:
                return open_project(location, passphrase=passphrase)
            except PassphraseError as exc:
                error = "" if exc.missing else WRONG_PASSPHRASE
                passphrase = self.prompts.passphrase(parent, Path(location).name, error)
                if passphrase is None:
                    return None

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
        window.encryptRequested.connect(self.encrypt_project)
        window.decryptRequested.connect(self.decrypt_project)
        window.lockRequested.connect(self.lock)
        window.lockTimeRequested.connect(self.choose_lock_time)
        identity = draft_identity(project)
        if identity is not None:  # drafts of an encrypted project are encrypted
            self.drafts.protect(project.location, identity)
            self.drafts.reseal(project.location)
        self.window = window
        window.show()
        if self.welcome is not None:
            self.welcome.close()
            self.welcome = None
        if self.lock_screen is not None:
            self.lock_screen.close()
            self.lock_screen = None
            self._locked_location = None
        if old_window is not None:
            old_window.close()
        if old_project is not None:
            self.drafts.forget(old_project.location)
            old_project.close()
        QTimer.singleShot(0, as_slot(lambda: self._offer_drafts(window)))

    def _offer_drafts(self, window: MainWindow) -> None:
        if self.window is window:  # not a window already closed (locked, switched)
            window.offer_drafts()

    def choose_open(self) -> None:
        path = self.prompts.open_project(self.window or self.welcome)
        if path:
            self.open_location(path)

    def choose_new(self) -> None:
        parent = self.window or self.welcome
        path = self.prompts.new_project(parent)
        if not path:
            return
        accepted, passphrase = self.prompts.new_passphrase(parent, Path(path).name, optional=True)
        if accepted:
            self.open_location(path, create=True, passphrase=passphrase)

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
            self.drafts.forget(project.location)
            project.close()
            self.project = None
        self.settings.forget_last_project()

    # ------------------------------------------------------------ encryption
    def _put_away(self, cover: Callable[[], None]) -> tuple[str, str] | None:
        """Close the window and the project, keeping unsaved forms as drafts; returns the
        project's location and name, or None if there is none (or the window stayed).

        ``cover`` shows the window that takes its place first (the app quits when its
        last window closes)."""
        window, project = self.window, self.project
        if window is None or project is None:
            return None
        cover()
        window.shelve_forms()
        if not window.close():
            self._uncover()
            return None
        self.window = None
        self.drafts.forget(project.location)
        project.close()
        self.project = None
        return project.location, project.name

    def encrypt_project(self) -> None:
        """File > Encrypt project…: rewritten encrypted (atomically), then reopened."""
        from sitrep.store.cipher import encrypt_with_backups

        project, parent = self.project, self.window
        if project is None or not project.is_file or project.encrypted:
            return
        accepted, passphrase = self.prompts.new_passphrase(parent, Path(project.location).name)
        if not accepted or passphrase is None:
            return
        put = self._put_away(cover=self.show_welcome)
        if put is None:
            return
        location, _name = put
        self._rewrite(lambda: encrypt_with_backups(Path(location), passphrase), location)
        self.open_location(location, passphrase=passphrase)

    def decrypt_project(self) -> None:
        """File > Remove encryption…: asks the passphrase again, then rewrites it plain."""
        from sitrep.store.cipher import decrypt_file

        project, parent = self.project, self.window
        if project is None or not project.encrypted:
            return
        if not self.prompts.confirm(
            parent,
            "Remove encryption?",
            f"{project.name} will be stored without encryption: anyone who gets the file "
            "can read it. Remove the encryption?",
        ):
            return
        name = Path(project.location).name
        error = ""
        while True:
            passphrase = self.prompts.passphrase(parent, name, error)
            if passphrase is None:
                return
            try:
                from sitrep.store.cipher import key_for_file

                key_for_file(Path(project.location), passphrase)
                break
            except PassphraseError:
                error = WRONG_PASSPHRASE
        put = self._put_away(cover=self.show_welcome)
        if put is None:
            return
        location, _name = put
        self._rewrite(lambda: decrypt_file(Path(location), passphrase), location)
        self.open_location(location, passphrase=passphrase)

    def _rewrite(self, job: Callable[[], object], location: str) -> None:
        """Run an encrypt/decrypt in this thread, under a busy cursor. There is no Cancel:
        the core cannot stop a rewrite halfway (it is atomic: old file or new, never
        half); it takes seconds even for large projects."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            job()
        except SitrepError as exc:
            log.info("cannot rewrite %s: %s", location, exc)
            self.report_error(None, exc)
        finally:
            QApplication.restoreOverrideCursor()

    # ------------------------------------------------------------ locking
    def choose_lock_time(self) -> None:
        answer = self.prompts.text(
            self.window,
            "Lock after idle time",
            "Lock encrypted projects after this many minutes without typing or clicking "
            "(0 = never):",
            str(self.settings.lock_minutes()),
        )
        if answer is None:
            return
        try:
            minutes = int(answer.strip())
        except ValueError:
            minutes = -1
        if minutes < 0:
            self.report_error(
                self.window, SitrepError(f"'{answer}' is not a number of minutes (0 = never).")
            )
            return
        self.settings.set_lock_minutes(minutes)
        self.idle.set_minutes(minutes)

    def lock(self) -> None:
        """Close an encrypted project (its engine, every pane, unsaved forms kept as
        encrypted drafts) and show the lock screen, which only its passphrase opens."""
        if self.project is None or not self.project.encrypted:
            return
        name, location = self.project.name, self.project.location

        def cover() -> None:
            screen = LockScreen(name)
            screen.unlockRequested.connect(self.unlock)
            screen.closeRequested.connect(self._close_locked)
            self.lock_screen = screen
            self._locked_location = location
            screen.show()

        if self._put_away(cover) is None:
            return
        if self.lock_screen is not None:
            self.lock_screen.secret.setFocus()
        log.info("locked %s", location)

    def _uncover(self) -> None:
        for cover in (self.welcome, self.lock_screen):
            if cover is not None:
                cover.close()
        self.welcome = self.lock_screen = None
        self._locked_location = None

    def unlock(self, passphrase: str) -> None:
        location, screen = self._locked_location, self.lock_screen
        if location is None or screen is None:
            return
        try:
            project = open_project(location, passphrase=passphrase)
        except PassphraseError:
            screen.show_error(WRONG_PASSPHRASE)
            return
        except SitrepError as exc:
            self.report_error(screen, exc)
            return
        self._show_project(project)

    def _close_locked(self) -> None:
        self.show_welcome()
        if self.lock_screen is not None:
            self.lock_screen.close()
            self.lock_screen = None
        self._locked_location = None


def render_screenshot(location: str, output: str, *, timeout_s: float = 60.0) -> int:
    """Open ``location`` in the main window, save the window as an image, and exit.

    Waits until every pane has drawn (the map its markers and tiles: panes that can
    tell answer ``is_drawn()``), not a fixed time, so a slow machine still gets the
    whole picture; after ``timeout_s`` it saves what is there and says so.
    Leaves the user's settings (recent projects, window layout) untouched.
    """
    import tempfile

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
        if not wait_until_drawn(app, [window.map_pane, window.timeline_pane], timeout_s):
            print(f"Some panes had not finished drawing after {timeout_s:.0f} s.", file=sys.stderr)
        why = getattr(window.map_pane, "message", "")
        if isinstance(why, str) and why:  # e.g. run as root: say so, not only in the picture
            print(f"The map is not in the picture: {why}", file=sys.stderr)
        ok = window.grab().save(output)
        window.close()
    project.close()
    if not ok:
        raise SitrepError(f"Could not write the screenshot to {output}.")
    print(f"Wrote {output}")
    return 0


def wait_until_drawn(app: QApplication, panes: list[QWidget], timeout_s: float) -> bool:
    """Run the event loop until every pane with an ``is_drawn()`` says it has drawn
    (then a few more frames, so the last paint reaches the window); False on timeout."""
    import time

    def pump(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    deadline = time.monotonic() + timeout_s
    checks = [c for c in (getattr(p, "is_drawn", None) for p in panes) if callable(c)]
    drawn = False
    while time.monotonic() < deadline:
        pump(0.05)
        if all(check() for check in checks):
            drawn = True
            break
    pump(0.3)  # the web engine composites the last change on its next frames
    return drawn


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
