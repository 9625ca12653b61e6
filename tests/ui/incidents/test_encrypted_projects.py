"""Encrypted projects in the app: the passphrase typed like a person, locking, encrypting."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit

from sitrep.editing.draft_store import DraftStore
from sitrep.store import create_project
from sitrep.store.engine import SQLITE_HEADER
from sitrep.ui.app import SitrepApp
from sitrep.ui.passphrase import PassphraseDialog
from sitrep.ui.settings import AppSettings
from tests.ui.incidents.conftest import ErrorLog, ScriptedPrompts

SECRET = "field office 2026"


class DialogTyper:
    """Answers the passphrase dialogs as they open: ticks, types, presses Enter.

    Each answer is a mapping of field object names to text ("encryptProject": "tick"),
    or None to press Escape. What each dialog showed as its error is recorded.
    """

    def __init__(self, answers: list[dict[str, str] | None]) -> None:
        self.answers = answers
        self.errors_shown: list[str] = []
        self.failures: list[BaseException] = []
        self._seen: set[int] = set()
        self._tries = 0
        QTimer.singleShot(10, self._tick)

    def _tick(self) -> None:
        self._tries += 1
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, PassphraseDialog) and id(dialog) not in self._seen:
            self._seen.add(id(dialog))
            try:
                self._answer(dialog, self.answers.pop(0))
            except BaseException as exc:  # noqa: BLE001 - recorded, and the dialog closed
                self.failures.append(exc)
                dialog.reject()
        if self.answers and self._tries < 500:
            QTimer.singleShot(10, self._tick)
        elif isinstance(dialog, PassphraseDialog) and id(dialog) not in self._seen:
            dialog.reject()  # a dialog nobody scripted: never leave a test waiting

    def _answer(self, dialog: PassphraseDialog, answer: dict[str, str] | None) -> None:
        self.errors_shown.append(dialog.error.text())
        if answer is None:
            QTest.keyClick(dialog, Qt.Key.Key_Escape)
            return
        for name, text in answer.items():
            if text == "tick":
                box = dialog.findChild(QCheckBox, name)
                assert box is not None, name
                QTest.keyClick(box, Qt.Key.Key_Space)
                continue
            edit = dialog.findChild(QLineEdit, name)
            assert edit is not None and edit.isEnabled(), name
            QTest.keyClicks(edit, text)
        QTest.keyClick(dialog.secret, Qt.Key.Key_Return)


@pytest.fixture
def make_app(
    qtbot: Any,
    settings: AppSettings,
    prompts: ScriptedPrompts,
    errors: ErrorLog,
    drafts: DraftStore,
    tmp_path: Path,
    demo_file: Path,
) -> Any:
    made: list[SitrepApp] = []

    prompts.typed_passphrases = True

    def copy_demo(path: Path) -> None:
        shutil.copy(demo_file, path)

    def make() -> SitrepApp:
        app = SitrepApp(
            settings,
            drafts,
            prompts,
            demo_path=tmp_path / "user-data" / "demo.sitrep",
            report_error=errors,
            build_demo=copy_demo,
        )
        made.append(app)
        app.start(None)
        return app

    yield make
    for app in made:
        app.idle.set_minutes(0)  # no event filter left on the application
        for widget in (app.window, app.welcome, app.lock_screen):
            if widget is not None:
                widget.close()
        if app.project is not None:
            app.project.close()


def encrypted_project(tmp_path: Path) -> Path:
    path = tmp_path / "field office.sitrep"
    create_project(path, name="Field office", passphrase=SECRET).close()
    return path


def test_new_project_with_encrypt_ticked_is_encrypted_from_the_start(
    qtbot: Any, make_app: Callable[[], SitrepApp], prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    app = make_app()
    path = tmp_path / "field-office.sitrep"
    prompts.project_paths = [str(path)]
    typer = DialogTyper(
        [{"encryptProject": "tick", "passphrase": SECRET, "passphraseRepeat": SECRET}]
    )
    assert app.welcome is not None
    app.welcome.new_button.click()
    assert typer.failures == []
    assert app.project is not None and app.project.encrypted
    assert not path.read_bytes().startswith(SQLITE_HEADER)
    assert app.window is not None and app.window.decrypt_action.isEnabled()


def test_new_project_left_unticked_is_plain(
    qtbot: Any, make_app: Callable[[], SitrepApp], prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    app = make_app()
    path = tmp_path / "plain.sitrep"
    prompts.project_paths = [str(path)]
    typer = DialogTyper([{}])
    assert app.welcome is not None
    app.welcome.new_button.click()
    assert typer.failures == []
    assert app.project is not None and not app.project.encrypted
    assert path.read_bytes().startswith(SQLITE_HEADER)


def test_opening_asks_for_the_passphrase_and_again_when_it_is_wrong(
    qtbot: Any,
    make_app: Callable[[], SitrepApp],
    prompts: ScriptedPrompts,
    tmp_path: Path,
    errors: ErrorLog,
) -> None:
    path = encrypted_project(tmp_path)
    app = make_app()
    prompts.project_paths = [str(path)]
    typer = DialogTyper([{"passphrase": "field office 2025"}, {"passphrase": SECRET}])
    assert app.welcome is not None
    app.welcome.open_button.click()
    assert typer.failures == [] and errors == []
    assert typer.errors_shown == ["", "That passphrase is wrong. Try again."]
    assert app.window is not None and "Field office" in app.window.windowTitle()


def test_cancelling_the_passphrase_leaves_the_welcome_page_and_the_file(
    qtbot: Any,
    make_app: Callable[[], SitrepApp],
    prompts: ScriptedPrompts,
    tmp_path: Path,
    errors: ErrorLog,
) -> None:
    path = encrypted_project(tmp_path)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    app = make_app()
    prompts.project_paths = [str(path)]
    typer = DialogTyper([None])
    assert app.welcome is not None
    app.welcome.open_button.click()
    assert typer.failures == [] and errors == []
    assert app.window is None and app.welcome is not None
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [path.name]


def test_idle_lock_closes_the_project_keeps_the_form_encrypted_and_unlocks(
    qtbot: Any,
    make_app: Callable[[], SitrepApp],
    prompts: ScriptedPrompts,
    tmp_path: Path,
    drafts: DraftStore,
    settings: AppSettings,
) -> None:
    path = encrypted_project(tmp_path)
    app = make_app()
    prompts.project_paths = [str(path)]
    typer = DialogTyper([{"passphrase": SECRET}])
    assert app.welcome is not None
    app.welcome.open_button.click()
    assert typer.failures == []
    window = app.window
    assert window is not None
    # File > Lock after idle time…: 5 minutes
    prompts.texts = ["5"]
    window.lock_time_action.trigger()
    assert settings.lock_minutes() == 5
    form = window.new_incident()
    qtbot.keyClicks(form.title, "Shelling near the ZQLOCK school")
    now = [app.idle.clock()]
    app.idle.clock = lambda: now[0]
    app.idle.last_input = now[0]
    now[0] += 4 * 60
    app.idle.check()
    assert app.window is window  # not yet
    now[0] += 61
    app.idle.check()
    assert app.window is None and app.project is None
    screen = app.lock_screen
    assert screen is not None and screen.isVisible()
    stored = list(drafts.folder.iterdir())
    assert [p.suffix for p in stored] == [".age"]
    assert b"ZQLOCK" not in stored[0].read_bytes()

    qtbot.keyClicks(screen.secret, "not the passphrase")
    qtbot.keyClick(screen.secret, Qt.Key.Key_Return)
    assert screen.error.text() == "That passphrase is wrong. Try again."
    assert app.project is None

    prompts.answers = [True]  # "Recover unsaved incident?" – yes
    qtbot.keyClicks(screen.secret, SECRET)
    qtbot.keyClick(screen.secret, Qt.Key.Key_Return)
    assert app.window is not None and app.lock_screen is None
    qtbot.waitUntil(lambda: bool(app.window and app.window.forms))
    assert app.window.forms[0].title.text() == "Shelling near the ZQLOCK school"
    assert [t for t, _ in prompts.asked].count("Recover unsaved incident?") == 1


def test_plain_projects_are_never_locked(
    qtbot: Any, make_app: Callable[[], SitrepApp], prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    path = tmp_path / "plain.sitrep"
    create_project(path).close()
    app = make_app()
    prompts.project_paths = [str(path)]
    assert app.welcome is not None
    app.welcome.open_button.click()
    assert app.window is not None and not app.window.lock_action.isEnabled()
    app.lock()
    assert app.window is not None and app.lock_screen is None


def test_encrypt_then_remove_encryption_from_the_file_menu(
    qtbot: Any,
    make_app: Callable[[], SitrepApp],
    prompts: ScriptedPrompts,
    tmp_path: Path,
    errors: ErrorLog,
) -> None:
    path = tmp_path / "office.sitrep"
    create_project(path, name="Office").close()
    app = make_app()
    prompts.project_paths = [str(path)]
    assert app.welcome is not None
    app.welcome.open_button.click()
    assert app.window is not None
    typer = DialogTyper([{"passphrase": SECRET, "passphraseRepeat": SECRET}])
    app.window.encrypt_action.trigger()
    assert typer.failures == [] and errors == []
    assert not path.read_bytes().startswith(SQLITE_HEADER)
    assert app.project is not None and app.project.encrypted
    assert app.window is not None and app.window.decrypt_action.isEnabled()

    prompts.answers = [True]  # "Remove encryption?" – yes
    typer = DialogTyper([{"passphrase": "wrong one"}, {"passphrase": SECRET}])
    app.window.decrypt_action.trigger()
    assert typer.failures == [] and errors == []
    assert typer.errors_shown[1] == "That passphrase is wrong. Try again."
    assert path.read_bytes().startswith(SQLITE_HEADER)
    assert app.project is not None and not app.project.encrypted
