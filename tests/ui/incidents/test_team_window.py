"""On a team database the window shows who is connected and what they may do.

A viewer gets the read-only banner and no editing actions; everyone sees their role and
clearance in the status bar; the table holds only what the server lets them see.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from sitrep.model.enums import Sensitivity
from sitrep.store import open_project
from sitrep.store.team import add_user, init_team
from tests.conftest import make_incident
from tests.postgres import as_login, fresh_database

pytestmark = pytest.mark.postgres


def test_viewer_on_team_database_reads_only_what_clearance_allows(
    qtbot: Any, make_window: Any, errors: Any
) -> None:
    with fresh_database("sitrep_ui_team") as url:
        init_team(url)
        owner = open_project(url, user="owner")
        try:
            for level in Sensitivity:
                make_incident(owner, title=f"Clash ({level.value})", sensitivity=level)
        finally:
            owner.close()
        login = f"viewer_{url.rsplit('_', 1)[-1].split('?')[0]}"
        add_user(url, login, "viewer", "partner", "pw")
        project = open_project(as_login(url, login))
        try:
            window = make_window(project)
            banner = window.findChild(QLabel, "readOnlyBanner")
            assert banner is not None and banner.isVisible()
            database = url.rsplit("/", 1)[-1].split("?")[0]
            assert banner.text().startswith(
                f"Read-only: you are a viewer on the team database {database};"
            )
            label = window.findChild(QLabel, "clearanceLabel")
            assert label is not None and label.text() == f"{login} · viewer · clearance partner"
            qtbot.waitUntil(lambda: window.model.rowCount() == 2)
            titles = {window.model.index(r, c).data() for r in range(2) for c in range(6)}
            assert "Clash (public)" in titles and "Clash (partner)" in titles
            assert "Clash (restricted)" not in titles and "Clash (internal)" not in titles
            assert not window.new_action.isEnabled() and not window.import_action.isEnabled()
            window.table.selectRow(0)
            assert not window.edit_action.isEnabled() and not window.delete_action.isEnabled()
            qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
            assert window.forms == [] and list(errors) == []
            shot = os.environ.get("SITREP_SHOT_DIR")
            if shot:
                window.grab().save(str(Path(shot) / "team-viewer.png"))
            window.close()
        finally:
            project.close()
