"""The picture ``sitrep gui --screenshot`` (and so ``scripts/demo.sh``) writes shows the
map as drawn: it waits for the markers, not a fixed time, and as root it renders as an
unprivileged user instead of showing WebEngine's refusal."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from sitrep.mapping.palette import type_colour
from sitrep.store import Project, create_project
from sitrep.ui import map_view as map_view_module
from sitrep.ui.app import wait_until_drawn
from sitrep.ui.map_view import MapView
from tests.conftest import make_incident
from tests.ui.test_map_view import make_map  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]


def marker_pixels(image: QImage, colour: str, box: tuple[int, int, int, int] | None = None) -> int:
    """Pixels within a small distance of ``colour`` (markers are drawn at 90% opacity)."""
    want = QColor(colour)
    x0, y0, x1, y1 = box or (0, 0, image.width(), image.height())
    n = 0
    for y in range(y0, y1, 2):
        for x in range(x0, x1, 2):
            c = image.pixelColor(x, y)
            if (
                abs(c.red() - want.red())
                + abs(c.green() - want.green())
                + abs(c.blue() - want.blue())
                < 60
            ):
                n += 1
    return n


def three_incidents(project: Project) -> None:
    for i, (lat, lon) in enumerate([(25.61, 96.31), (25.38, 97.40), (24.27, 97.23)]):
        make_incident(project, title=f"Clash {i}", lat=lat, lon=lon)


def test_waits_until_the_map_has_drawn_its_markers(
    project: Project,
    make_map,  # noqa: F811
    qtbot,
    qapp,
):
    three_incidents(project)
    view = make_map(project)
    view.resize(600, 450)
    view.show()
    assert not view.is_drawn()  # the page is still loading: a grab now shows no markers
    assert wait_until_drawn(qapp, [view], timeout_s=60)
    assert marker_pixels(view.grab().toImage(), type_colour("Battles")) >= 10


def test_a_map_that_shows_its_message_does_not_hold_the_picture_back(
    monkeypatch, project: Project, qtbot, qapp
):
    monkeypatch.setattr(map_view_module, "webengine_problem", lambda: "No map here, sorry.")
    view = MapView(project.session)
    qtbot.addWidget(view)
    assert view.is_drawn()
    assert wait_until_drawn(qapp, [view], timeout_s=60)


@pytest.mark.slow
@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("runuser"),
    reason="renders as an unprivileged user only when the tests run as root",
)
def test_as_root_the_demo_renders_the_map_as_an_unprivileged_user(tmp_path: Path) -> None:
    """What demo.sh does as root, without the tests' sandbox switch (about 10 s)."""
    project = create_project(tmp_path / "p.sitrep", name="P", user="tester")
    three_incidents(project)
    project.close()
    out = tmp_path / "window.png"
    env = {k: v for k, v in os.environ.items() if k != "QTWEBENGINE_DISABLE_SANDBOX"}
    done = subprocess.run(
        [
            "bash",
            str(ROOT / "scripts" / "render-as-user.sh"),
            str(tmp_path / "p.sitrep"),
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=110,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "The map is not in the picture" not in done.stderr
    image = QImage(str(out))
    assert not image.isNull()
    # the map is the upper right of the window (the timeline, also in type colours, is
    # below it): its markers are there
    w, h = image.width(), image.height()
    assert marker_pixels(image, type_colour("Battles"), (w // 2, 0, w, h // 2)) >= 10
