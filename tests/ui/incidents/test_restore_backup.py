"""Rolling backups made when the app opens a project, and File > Restore from backup…"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu
from sqlalchemy import select

from sitrep.editing.draft_store import DraftStore
from sitrep.model import Incident
from sitrep.store import Project, open_project
from sitrep.store.backups import rolling_backup, rolling_backups
from sitrep.ui.app import SitrepApp
from sitrep.ui.backup_dialog import RestoreBackupDialog
from sitrep.ui.settings import AppSettings
from tests.conftest import make_incident
from tests.ui.incidents.conftest import ErrorLog, ScriptedPrompts


def test_opening_a_changed_project_in_the_app_backs_it_up(
    qtbot: Any,
    project: Project,
    settings: AppSettings,
    prompts: ScriptedPrompts,
    errors: ErrorLog,
    drafts: DraftStore,
    tmp_path: Path,
) -> None:
    make_incident(project, title="Before the backup")
    location = project.location
    project.close()
    app = SitrepApp(settings, drafts, prompts, demo_path=tmp_path / "demo.sitrep")
    try:
        assert app.open_location(location)
        assert app.window is not None
        assert app.window.restore_backup_action.isEnabled()
        file_menu = app.window.menuBar().actions()[0].menu()
        assert isinstance(file_menu, QMenu)
        assert "Restore from &backup…" in [a.text() for a in file_menu.actions()]
    finally:
        if app.window is not None:
            app.window.close()
        if app.project is not None:
            app.project.close()
    kept = rolling_backups(Path(location))
    assert len(kept) == 1 and errors == []


def test_restore_from_backup_makes_a_new_file(
    qtbot: Any, project: Project, prompts: ScriptedPrompts, errors: ErrorLog, tmp_path: Path
) -> None:
    make_incident(project, title="First report")
    rolling_backup(project, now=dt.datetime(2026, 12, 1, 9, 30))
    make_incident(project, title="Second report")
    rolling_backup(project, now=dt.datetime(2026, 12, 2, 9, 30))
    dialog = RestoreBackupDialog(project, prompts, errors)
    qtbot.addWidget(dialog)
    dialog.show()
    assert [dialog.table.item(r, 0).text() for r in range(2)] == [
        "2026-12-02 09:30:00",
        "2026-12-01 09:30:00",
    ]
    assert [dialog.table.item(r, 1).text() for r in range(2)] == ["2", "1"]
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)  # the older one, from before the mistake
    # the open project is refused, then a new name is accepted
    prompts.project_paths = [project.location, str(tmp_path / "before.sitrep")]
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert len(errors) == 1 and "open project" in str(errors[0])
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.restored == tmp_path / "before.sitrep"
    assert "before.sitrep" in dialog.status.text()
    dialog.grab().save(str(tmp_path / "restore.png"))  # looked at while writing this
    restored = open_project(tmp_path / "before.sitrep")
    try:
        with restored.session() as s:
            assert list(s.scalars(select(Incident.title))) == ["First report"]
    finally:
        restored.close()
    with project.session() as s:  # the open project is untouched
        assert len(list(s.scalars(select(Incident.title)))) == 2


def test_backups_to_keep_is_set_from_the_file_menu(
    make_window: Any, project: Project, prompts: ScriptedPrompts, errors: ErrorLog
) -> None:
    window = make_window(project)
    prompts.texts = ["twelve", "12"]
    window.backups_keep_action.trigger()
    assert len(errors) == 1 and "backups_keep" in str(errors[0])
    window.backups_keep_action.trigger()
    assert project.setting("backups_keep") == "12"
    assert prompts.asked[-1][0] == "Automatic backups"
