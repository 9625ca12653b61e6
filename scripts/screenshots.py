"""Render screenshots of the app offscreen, on the demo project, for the README.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [OUT_DIR]

Writes main-window.png (demo project, the 3 June Lone Khin blast selected),
incident-form.png (that incident open in the form) and welcome.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sitrep.demo import build_demo  # noqa: E402
from sitrep.model import Incident  # noqa: E402
from sitrep.ui.app import default_panes, make_application  # noqa: E402
from sitrep.ui.main_window import MainWindow  # noqa: E402
from sitrep.ui.settings import AppSettings  # noqa: E402
from sitrep.ui.welcome import WelcomePage  # noqa: E402


def settle(app: QApplication, ms: int = 300) -> None:
    """Let the window lay itself out and paint (and any pane load) for ``ms``."""
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = make_application()
    work = Path(tempfile.mkdtemp())
    project = build_demo(work / "demo.sitrep")
    settings = AppSettings(QSettings(str(work / "s.ini"), QSettings.Format.IniFormat))

    welcome = WelcomePage([str(work / "demo.sitrep"), str(work / "field-office.sitrep")])
    welcome.show()
    settle(app)
    welcome.grab().save(str(out / "welcome.png"))
    welcome.close()

    window = MainWindow(project, settings, panes=default_panes())
    window.resize(1500, 900)
    window.show()
    with project.session() as s:
        blast = s.scalar(
            select(Incident.id)
            .where(
                Incident.place_name == "Lone Khin",
                Incident.event_type == "Explosions/Remote violence",
            )
            .order_by(Incident.date_start)
        )
    if blast is not None:
        window.select_incident(blast)
    settle(app, 1500)
    window.grab().save(str(out / "main-window.png"))

    form = window.edit_selected() if blast is not None else window.new_incident()
    assert form is not None
    form.resize(1300, 1000)
    settle(app, 500)
    form.grab().save(str(out / "incident-form.png"))
    form.close()
    window.close()
    project.close()
    for name in ("welcome.png", "main-window.png", "incident-form.png"):
        print(out / name)


if __name__ == "__main__":
    main()
