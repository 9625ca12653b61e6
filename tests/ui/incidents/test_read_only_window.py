"""A project on a read-only medium: a clear banner, reading works, editing is off."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from sitrep.store import create_project, open_project
from sitrep.store import project as project_module
from tests.conftest import make_incident


def test_read_only_project_shows_banner_and_disables_editing(
    qtbot: Any, make_window: Any, errors: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cdrom.sitrep"
    writable = create_project(path, name="Kachin on CD", user="tester")
    make_incident(writable, title="Shelling of Laiza")
    writable.close()
    before = path.read_bytes()
    monkeypatch.setattr(project_module, "is_read_only", lambda _path: True)
    project = open_project(path, user="tester")
    try:
        window = make_window(project)
        window.show()
        banner = window.findChild(QLabel, "readOnlyBanner")
        assert banner is not None and banner.isVisible()
        assert banner.text().startswith(f"Read-only: {path} is on a read-only disk")
        assert "changes cannot be saved" in banner.text()
        assert window.model.rowCount() == 1  # reading works
        assert not window.new_action.isEnabled() and not window.import_action.isEnabled()
        window.table.selectRow(0)
        assert not window.edit_action.isEnabled() and not window.delete_action.isEnabled()
        assert window.export_action.isEnabled()  # exporting a copy is still allowed
        qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        assert window.forms == [] and list(errors) == []
        shot = os.environ.get("SITREP_SHOT_DIR")
        if shot:
            window.grab().save(str(Path(shot) / "read-only-banner.png"))
        window.close()
    finally:
        project.close()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".ini") == ["cdrom.sitrep"]


def test_writable_project_has_no_banner(qtbot: Any, make_window: Any, project: Any) -> None:
    window = make_window(project)
    assert window.findChild(QLabel, "readOnlyBanner") is None
    assert window.new_action.isEnabled()
