"""`pip install .` gives a working app: resources, migrations and the command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_resources_and_migrations(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
        ],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = wheels.glob("sitrep-*.whl")
    target = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    code = (
        "import sitrep, sitrep.paths as p\n"
        "assert 'site' in sitrep.__file__, sitrep.__file__\n"
        "for parts in [('templates','periodic.docx'),('templates','flash.docx'),"
        "('gazetteer','world.sqlite'),('basemap','naturalearth_110m_countries.geojson'),"
        "('map','sitrep_map.js')]:\n"
        "    assert p.resource(*parts).is_file(), parts\n"
        "from sitrep.cli import main\n"
        "import sys\n"
        "sys.exit(main(['demo', sys.argv[1], '--synthetic', '5']))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "demo.sitrep")],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Incidents: 21 (5 synthetic)" in run.stdout
