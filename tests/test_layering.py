"""The core never imports Qt (DESIGN.md): checked in a fresh interpreter."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import sitrep

ROOT = Path(__file__).resolve().parents[1]


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(sitrep.__path__, "sitrep."):
        if info.name.startswith(("sitrep.ui", "sitrep.store.migrations")):
            continue
        if info.name in {"sitrep.__main__", "sitrep.commands.gui"}:
            continue
        names.append(info.name)
    return names


def test_core_packages_do_not_load_qt() -> None:
    modules = core_modules()
    assert "sitrep.store.queries" in modules and "sitrep.cli" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'PyQt', 'shiboken')))\n"
        "print(','.join(qt))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"Qt loaded by the core: {result.stdout}"


def test_cli_help_does_not_load_qt() -> None:
    code = (
        "import sys\nfrom sitrep.cli import build_parser\nbuild_parser()\n"
        "print(any(m.startswith('PySide6') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
