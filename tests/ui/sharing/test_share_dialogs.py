"""Export, merge and conflict dialogs driven like a user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QWidget
from sqlalchemy import select

from sitrep.model import Incident
from sitrep.model.enums import Sensitivity
from sitrep.sharing.conflicts import list_conflicts
from sitrep.sharing.export import export_project
from sitrep.store import Project, open_project
from sitrep.store.queries import IncidentFilter
from sitrep.ui.share_dialogs import (
    ConflictsDialog,
    SharedProjectExportDialog,
    SharePrompts,
    export_shared,
    merge_shared,
)
from tests.ui.conftest import raise_error


class Scripted(SharePrompts):
    def __init__(
        self,
        save: str | None = None,
        open_: str | None = None,
        secret: str | None = None,
        confirm: bool = True,
    ) -> None:
        self.save, self.open_, self.secret, self.answer = save, open_, secret, confirm
        self.informed: list[str] = []
        self.asked: list[str] = []

    def save_path(self, parent: QWidget | None) -> str | None:
        return self.save

    def open_path(self, parent: QWidget | None) -> str | None:
        return self.open_

    def passphrase(self, parent: QWidget | None, name: str) -> str | None:
        return self.secret

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        self.asked.append(text)
        return self.answer

    def inform(self, parent: QWidget | None, title: str, text: str) -> None:
        self.informed.append(text)


def test_export_dialog_checks_passphrase_and_exports_encrypted(
    qtbot: Any, demo_project: Project, tmp_path: Path
) -> None:
    dialog = SharedProjectExportDialog(IncidentFilter())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.level.setCurrentIndex(list(Sensitivity).index(Sensitivity.PUBLIC))
    assert "Only public" in dialog.level_help.text()
    qtbot.mouseClick(dialog.encrypt, Qt.MouseButton.LeftButton)
    assert dialog.encrypt.isChecked() and dialog.secret.isEnabled()
    qtbot.keyClicks(dialog.secret, "short")
    dialog.ok_button.click()
    assert "at least 8" in dialog.error.text() and dialog.result() != QDialog.DialogCode.Accepted
    dialog.secret.clear()
    qtbot.keyClicks(dialog.secret, "kachin-2025")
    qtbot.keyClicks(dialog.repeat, "kachin-2024")
    dialog.ok_button.click()
    assert "differ" in dialog.error.text()
    dialog.repeat.clear()
    qtbot.keyClicks(dialog.repeat, "kachin-2025")

    out = tmp_path / "public.sitrep"
    prompts = Scripted(save=str(out))
    QTimer.singleShot(0, dialog.ok_button.click)
    result = export_shared(None, demo_project, IncidentFilter(), prompts, dialog=dialog)
    assert result is not None and result.encrypted and result.level == Sensitivity.PUBLIC
    assert out.read_bytes().startswith(b"age-encryption.org/v1")
    assert "encrypted" in prompts.informed[0]


def test_merge_shows_preview_then_merges_and_conflicts_are_decided(
    qtbot: Any, demo_project: Project, tmp_path: Path
) -> None:
    theirs_path = tmp_path / "colleague.sitrep"
    export_project(demo_project, theirs_path)
    with demo_project.session() as s:
        target = s.scalar(select(Incident.id).where(Incident.is_synthetic.is_(False)))
    theirs = open_project(theirs_path, user="colleague")
    with theirs.session() as s:
        inc = s.get(Incident, target)
        assert inc is not None
        inc.title = "Their title"
    theirs.close()
    with demo_project.session() as s:
        inc = s.get(Incident, target)
        assert inc is not None
        inc.title = "Our title"

    declined = Scripted(open_=str(theirs_path), confirm=False)
    assert merge_shared(None, demo_project, declined) is None
    assert "1 conflicts" in declined.asked[0]
    assert list_conflicts(demo_project) == []  # the preview changed nothing

    prompts = Scripted(open_=str(theirs_path))
    result = merge_shared(None, demo_project, prompts)
    assert result is not None and len(result.conflicts) == 1

    dialog = ConflictsDialog(demo_project)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert "incident.title" in dialog.table.item(0, 1).text()
    assert dialog.table.item(0, 2).text() == "Their title"
    qtbot.mouseClick(dialog.take_theirs, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 0 and not dialog.take_theirs.isEnabled()
    with demo_project.session() as s:
        assert s.get(Incident, target).title == "Their title"  # type: ignore[union-attr]


@pytest.mark.parametrize("secret", [None, "wrong passphrase"])
def test_merge_of_encrypted_file_needs_right_passphrase(
    qtbot: Any, demo_project: Project, tmp_path: Path, secret: str | None
) -> None:
    out = tmp_path / "enc.sitrep"
    export_project(demo_project, out, passphrase="kachin-2025")
    prompts = Scripted(open_=str(out), secret=secret)
    if secret is None:
        assert merge_shared(None, demo_project, prompts) is None  # the user cancelled
    else:
        from sitrep.sharing.crypto import PassphraseError

        with pytest.raises(PassphraseError):
            merge_shared(None, demo_project, prompts)


def test_main_window_merge_reloads_the_table(
    qtbot: Any, project: Project, demo_file: Path, tmp_path: Path
) -> None:
    from PySide6.QtCore import QSettings

    from sitrep.ui.main_window import MainWindow
    from sitrep.ui.settings import AppSettings

    settings = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    prompts = Scripted(open_=str(demo_file))
    window = MainWindow(project, settings, share_prompts=prompts, report_error=raise_error)
    qtbot.addWidget(window)
    menu_texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]  # type: ignore[attr-defined]
    assert "&Merge colleague's project…" in menu_texts
    assert window.model.rowCount() == 0
    window.share_merge_action.trigger()
    assert "316 incidents added" in prompts.informed[0]
    while window.model.canFetchMore():
        window.model.fetchMore()
    assert window.model.rowCount() == 316


def test_file_menu_undoes_the_last_merge(
    qtbot: Any, project: Project, demo_file: Path, tmp_path: Path
) -> None:
    from PySide6.QtCore import QSettings

    from sitrep.ui.main_window import MainWindow
    from sitrep.ui.settings import AppSettings

    settings = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    prompts = Scripted(open_=str(demo_file))
    window = MainWindow(project, settings, share_prompts=prompts, report_error=raise_error)
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    undo = next(a for a in file_menu.actions() if a.text() == "&Undo last merge…")  # type: ignore[attr-defined]  # PySide6 types QAction.menu() as QObject
    undo.trigger()
    assert prompts.informed == ["There is no merge to undo in this project."]
    window.share_merge_action.trigger()
    while window.model.canFetchMore():
        window.model.fetchMore()
    assert window.model.rowCount() == 316
    prompts.answer = False
    undo.trigger()
    assert "demo.sitrep" in prompts.asked[-1]
    assert window.model.rowCount() == 316  # declined: nothing undone
    prompts.answer = True
    undo.trigger()
    assert "316" not in prompts.informed[-1] and "was undone" in prompts.informed[-1]
    assert window.model.rowCount() == 0
    with project.session() as s:
        assert s.scalar(select(Incident.id)) is None
