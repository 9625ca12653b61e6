"""Unexpected errors: logged to the rotating file, shown in a dialog naming it; nothing lost."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from sitrep.editing.draft_store import DraftStore
from sitrep.errors import ValidationError
from sitrep.model import Incident
from sitrep.store import Project
from sitrep.ui.crash import CrashHandler
from sitrep.ui.logs import setup_logging
from tests.conftest import make_incident


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    before = {handler: handler.level for handler in root.handlers}
    root_level = root.level
    path = setup_logging(tmp_path / "logs")
    yield path
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
        else:
            handler.setLevel(before[handler])
    root.setLevel(root_level)


@pytest.mark.qt_no_exception_capture
@pytest.mark.allow_logged_errors  # the crash handler logs the crash, as it must
def test_unexpected_exception_shows_crash_dialog_and_loses_nothing(
    qtbot: Any, project: Project, make_window: Any, drafts: DraftStore, log_file: Path
) -> None:
    saved = make_incident(project, title="Saved before the crash")
    shown: list[tuple[str, str]] = []
    user_errors: list[Exception] = []
    handler = CrashHandler(log_file, show=lambda m, d: shown.append((m, d)))
    handler.show_user_error = user_errors.append
    handler.install()
    try:
        window = make_window(project)
        form = window.new_incident()
        qtbot.keyClicks(form.title, "Being typed when it broke")
        qtbot.waitUntil(lambda: len(drafts.drafts_for(project.location)) == 1)

        def broken_slot() -> None:
            raise RuntimeError("something nobody expected")

        QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(lambda: len(shown) == 1)

        def user_mistake() -> None:
            raise ValidationError("Latitude 95 is out of range.", field="latitude")

        QTimer.singleShot(0, user_mistake)
        qtbot.waitUntil(lambda: len(user_errors) == 1)
    finally:
        handler.uninstall()

    message, details = shown[0]
    assert str(log_file) in message
    assert "Incidents you saved are safe" in message
    assert "something nobody expected" in details
    assert "RuntimeError: something nobody expected" in log_file.read_text()
    assert str(user_errors[0]) == "Latitude 95 is out of range."
    assert len(shown) == 1  # a user error is not a crash
    assert form.isVisible() and form.title.text() == "Being typed when it broke"
    assert drafts.drafts_for(project.location)[0].draft.title == "Being typed when it broke"
    with project.session() as s:
        assert s.get(Incident, saved.id) is not None


def test_log_file_rotates(log_file: Path) -> None:
    handler = next(
        h
        for h in logging.getLogger().handlers
        if getattr(h, "baseFilename", None) == str(log_file)
    )
    # 1 MB × 5 files, as setup_logging's docstring promises
    assert (handler.maxBytes, handler.backupCount) == (1_000_000, 5)  # type: ignore[attr-defined]
    logging.getLogger("sitrep.test").warning("hello log")
    handler.flush()
    assert "hello log" in log_file.read_text()
