"""Starting the app: welcome page, recent and last projects, demo, switching, the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from sitrep.editing.draft_store import DraftStore
from sitrep.errors import NotAProjectError
from sitrep.store import Project
from sitrep.ui.app import SitrepApp
from sitrep.ui.settings import AppSettings
from tests.ui.incidents.conftest import ErrorLog, ScriptedPrompts


@pytest.fixture
def app_factory(
    qtbot: Any,
    settings: AppSettings,
    prompts: ScriptedPrompts,
    errors: ErrorLog,
    drafts: DraftStore,
    tmp_path: Path,
    demo_file: Path,
) -> Any:
    made: list[SitrepApp] = []

    def make() -> SitrepApp:
        app = SitrepApp(
            settings,
            drafts,
            prompts,
            demo_path=tmp_path / "user-data" / "demo.sitrep",
            report_error=errors,
            build_demo=lambda path: shutil.copy(demo_file, path),  # type: ignore[arg-type,return-value]
        )
        made.append(app)
        return app

    yield make
    for app in made:
        if app.window is not None:
            app.window.close()
        if app.welcome is not None:
            app.welcome.close()
        if app.project is not None:
            app.project.close()


def test_first_start_shows_welcome_and_opens_the_demo(
    qtbot: Any, app_factory: Any, settings: AppSettings
) -> None:
    app = app_factory()
    app.start(None)
    assert app.welcome is not None and app.window is None
    assert app.welcome.recent.count() == 0
    qtbot.mouseClick(app.welcome.demo_button, qtbot_left())
    assert app.window is not None and app.welcome is None
    assert "Kachin State (demo)" in app.window.windowTitle()
    assert app.window.model.total() > 300
    assert settings.last_project() == str(app.demo_path.resolve())


def qtbot_left() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_reopens_the_last_project_and_lists_recent_ones(
    qtbot: Any, app_factory: Any, project: Project, settings: AppSettings
) -> None:
    location = project.location
    project.close()
    settings.add_recent(location)
    app = app_factory()
    app.start(None)
    assert app.window is not None and app.project is not None
    assert app.project.location == location

    app.window.closeProjectRequested.emit()  # File > Close project
    assert app.window is None and app.welcome is not None
    assert settings.last_project() is None
    assert app.welcome.recent.item(0).toolTip() == str(Path(location).resolve())
    app.welcome.recentChosen.emit(app.welcome.recent.item(0).toolTip())
    assert app.window is not None


def test_missing_last_project_falls_back_to_welcome(
    qtbot: Any, app_factory: Any, settings: AppSettings, tmp_path: Path, errors: ErrorLog
) -> None:
    settings.add_recent(str(tmp_path / "moved-away.sitrep"))
    app = app_factory()
    app.start(None)
    assert app.welcome is not None and app.window is None
    assert settings.last_project() is None
    assert errors == []  # quietly: the file was simply moved


def test_opening_a_non_project_shows_a_plain_error(
    qtbot: Any, app_factory: Any, prompts: ScriptedPrompts, tmp_path: Path, errors: ErrorLog
) -> None:
    junk = tmp_path / "notes.sitrep"
    junk.write_text("not a database")
    app = app_factory()
    app.start(None)
    prompts.project_paths = [str(junk)]
    app.welcome.open_button.click()
    assert isinstance(errors[0], NotAProjectError)
    assert "is not a Sitrep project" in str(errors[0])
    assert app.window is None and app.welcome is not None


def test_new_project_from_the_welcome_page(
    qtbot: Any, app_factory: Any, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    app = app_factory()
    app.start(None)
    prompts.project_paths = [str(tmp_path / "field-office.sitrep")]
    app.welcome.new_button.click()
    assert app.window is not None
    assert (tmp_path / "field-office.sitrep").exists()
    assert app.window.model.rowCount() == 0


def test_cli_routes_to_the_gui(monkeypatch: pytest.MonkeyPatch) -> None:
    import sitrep.ui.app as app_module
    from sitrep.cli import main

    calls: list[str | None] = []
    monkeypatch.setattr(app_module, "run_gui", lambda location=None: calls.append(location) or 0)  # type: ignore[func-returns-value]
    assert main(["some.sitrep"]) == 0
    assert main([]) == 0
    assert main(["gui", "other.sitrep"]) == 0
    assert calls == ["some.sitrep", None, "other.sitrep"]


def test_gui_screenshot_renders_the_main_window(
    qapp: Any, project: Project, tmp_path: Path
) -> None:
    from PySide6.QtGui import QImage

    from sitrep.cli import main
    from tests.conftest import make_incident

    make_incident(project, title="Shown in the screenshot")
    location = project.location
    project.close()
    out = tmp_path / "main.png"
    assert main(["gui", location, "--screenshot", str(out)]) == 0
    image = QImage(str(out))
    assert image.width() >= 1000 and image.height() >= 600
