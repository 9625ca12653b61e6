"""Run as a separate process by test_drafts: type into a form, then wait to be killed."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from sitrep.editing.draft_store import DraftStore
from sitrep.store import open_project
from sitrep.ui.main_window import MainWindow
from sitrep.ui.settings import AppSettings


def main(project_path: str, drafts_dir: str, settings_path: str) -> None:
    app = QApplication([])
    project = open_project(project_path)
    drafts = DraftStore(Path(drafts_dir))
    settings = AppSettings(QSettings(settings_path, QSettings.Format.IniFormat))
    window = MainWindow(project, settings, drafts=drafts, autosave_ms=50)
    window.show()
    form = window.new_incident()
    QTest.keyClicks(form.title, "Blast at Lone Khin (not saved yet)")
    QTest.keyClicks(form.local_type, "Mine-site")
    QTest.keyClicks(form.lat, "25.66")
    form.casualties.add_button.click()
    form.casualties.rows[0].best.setValue(12)
    QTest.keyClicks(form.narrative, "Typed before the power cut.")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        app.processEvents()
        found = drafts.drafts_for(project_path)
        if found and found[0].draft.narrative.endswith("power cut."):
            break
        time.sleep(0.02)
    print("READY", flush=True)
    while True:  # the test kills us here, mid-edit
        app.processEvents()
        QTest.qWait(50)
    _ = Qt


if __name__ == "__main__":
    main(*sys.argv[1:4])
