"""Fixtures for GUI tests: temp settings, scripted prompts, a main window on a project."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from sitrep.editing.draft_store import DraftStore
from sitrep.store import Project
from sitrep.ui.main_window import MainWindow
from sitrep.ui.prompts import Prompts
from sitrep.ui.settings import AppSettings

TODAY = dt.date(2025, 6, 15)


class ScriptedPrompts(Prompts):
    """Answers questions from a script and records what was asked."""

    def __init__(self) -> None:
        self.answers: list[bool] = []
        self.asked: list[tuple[str, str]] = []
        self.files: list[str] = []
        self.project_paths: list[str | None] = []
        self.texts: list[str] = []

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        self.asked.append((title, text))
        return self.answers.pop(0) if self.answers else False

    def attachments(self, parent: QWidget | None) -> list[str]:
        return list(self.files)

    def text(self, parent: QWidget | None, title: str, label: str, value: str = "") -> str | None:
        self.asked.append((title, label))
        return self.texts.pop(0) if self.texts else None

    def open_project(self, parent: QWidget | None) -> str | None:
        return self.project_paths.pop(0) if self.project_paths else None

    def new_project(self, parent: QWidget | None) -> str | None:
        return self.project_paths.pop(0) if self.project_paths else None

    # True: the real passphrase dialogs open and the test types into them
    # (tests/ui/incidents/test_encrypted_projects.py); False: no passphrase, not encrypted
    typed_passphrases = False

    def passphrase(self, parent: QWidget | None, name: str, error: str = "") -> str | None:
        if self.typed_passphrases:
            return super().passphrase(parent, name, error)
        self.asked.append(("passphrase", name))
        return None

    def new_passphrase(
        self, parent: QWidget | None, name: str, *, optional: bool = False
    ) -> tuple[bool, str | None]:
        if self.typed_passphrases:
            return super().new_passphrase(parent, name, optional=optional)
        return True, None


class ErrorLog(list[BaseException]):
    def __call__(self, parent: QWidget | None, exc: BaseException) -> None:
        self.append(exc)


@pytest.fixture
def settings(tmp_path: Path) -> AppSettings:
    return AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def prompts() -> ScriptedPrompts:
    return ScriptedPrompts()


@pytest.fixture
def errors() -> ErrorLog:
    return ErrorLog()


@pytest.fixture
def drafts(tmp_path: Path) -> DraftStore:
    return DraftStore(tmp_path / "drafts")


@pytest.fixture
def make_window(
    qtbot: Any,
    settings: AppSettings,
    prompts: ScriptedPrompts,
    errors: ErrorLog,
    drafts: DraftStore,
) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []

    def make(project: Project, **kw: Any) -> MainWindow:
        kw.setdefault("drafts", drafts)
        kw.setdefault("prompts", prompts)
        kw.setdefault("report_error", errors)
        kw.setdefault("today", lambda: TODAY)
        kw.setdefault("autosave_ms", 50)
        window = MainWindow(project, settings, **kw)
        qtbot.addWidget(window)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        windows.append(window)
        return window

    yield make
    for window in windows:
        for form in list(window.forms):
            form.dirty = False
            form.close()
