"""`pip install .` gives a working app: resources, migrations and the command."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def source_packages() -> set[str]:
    """Every package folder of sitrep/, plus resources/ installed as sitrep.resources."""
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "sitrep").rglob("__init__.py")
        if "migrations" not in init.parts  # package data of sitrep.store
    }
    return found | {"sitrep.resources"}


def test_pyproject_lists_every_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert set(config["tool"]["setuptools"]["packages"]) == source_packages()
    assert config["tool"]["setuptools"]["package-dir"] == {"sitrep.resources": "resources"}
    assert not (ROOT / "setup.py").exists()


def expected_wheel_files() -> set[str]:
    """Every module, migration and resource file, under its installed name."""
    files = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "sitrep").rglob("*")
        if path.is_file() and path.suffix in {".py", ".mako", ".typed"}
    }
    files |= {
        "sitrep/resources/" + path.relative_to(ROOT / "resources").as_posix()
        for path in (ROOT / "resources").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    return files


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
    with zipfile.ZipFile(wheel) as zf:
        missing = expected_wheel_files() - set(zf.namelist())
    assert "sitrep/store/migrations/versions/0001_initial_schema.py" in expected_wheel_files()
    assert missing == set(), sorted(missing)[:20]
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
        "import pathlib, sys, sitrep, sitrep.paths as p\n"
        "installed = pathlib.Path(sys.argv[2]).resolve()\n"
        "assert pathlib.Path(sitrep.__file__).resolve().is_relative_to(installed), sitrep.__file__\n"
        "for parts in [('templates','periodic.docx'),('templates','flash.docx'),"
        "('gazetteer','world.sqlite'),('basemap','naturalearth_110m_countries.geojson'),"
        "('map','sitrep_map.js')]:\n"
        "    assert p.resource(*parts).is_file(), parts\n"
        "from sitrep.cli import main\n"
        "import sys\n"
        "sys.exit(main(['demo', sys.argv[1], '--synthetic', '5']))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "demo.sitrep"), str(target)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Incidents: 21 (5 synthetic)" in run.stdout
