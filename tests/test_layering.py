"""The core never imports Qt (DESIGN.md): checked in a fresh interpreter."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

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


# The core's packages in layers, lowest first: a module may import from its own package
# and from packages of lower layers, never from a higher layer or from another package of
# the same layer. So a new import loop between packages fails here.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"sitrep", "sitrep.errors", "sitrep.paths"}),
    frozenset({"sitrep.model"}),
    frozenset({"sitrep.store"}),
    frozenset({"sitrep.places", "sitrep.sharing"}),
    # Alembic loads migrations from their files when a project is opened or upgraded; the
    # store never imports them, and they may use the places' frozen naming rules.
    frozenset({"sitrep.store.migrations"}),
    frozenset({"sitrep.interchange"}),
    frozenset({"sitrep.editing", "sitrep.mapping", "sitrep.reporting", "sitrep.demo"}),
    # drafting proposes incidents and saves accepted ones through editing
    frozenset({"sitrep.drafting"}),
    frozenset({"sitrep.commands"}),
    frozenset({"sitrep.cli"}),
    frozenset({"sitrep.ui"}),
    frozenset({"sitrep.__main__"}),  # ``python -m sitrep``
)
# ``sitrep gui`` starts the app: the one place a command reaches up into the UI.
LAUNCHERS = {"sitrep.commands.gui"}


def package_of(module: str) -> str:
    """The layered package a module belongs to (the longest listed prefix)."""
    listed = sorted((p for layer in LAYERS for p in layer), key=len, reverse=True)
    for package in listed:
        if module == package or (package != "sitrep" and module.startswith(package + ".")):
            return package
    raise AssertionError(f"{module} is in no layer of tests/test_layering.py")


def layer_of(module: str) -> int:
    package = package_of(module)
    return next(i for i, layer in enumerate(LAYERS) if package in layer)


def imports_of(path: Path) -> list[tuple[int, str, list[str]]]:
    """Every ``sitrep`` import in a file, at any depth (deferred imports count too)."""
    found: list[tuple[int, str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, a.name, []) for a in node.names)
    return [(line, m, names) for line, m, names in found if m.split(".")[0] == "sitrep"]


def module_files() -> dict[str, Path]:
    files = {}
    for path in sorted((ROOT / "sitrep").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        files[name] = path
    return files


def test_packages_import_only_downwards() -> None:
    files = module_files()
    assert "sitrep.store.queries" in files and "sitrep.places.regions" in files
    wrong = []
    for name, path in files.items():
        if name in LAUNCHERS:
            continue
        own_package, own_layer = package_of(name), layer_of(name)
        for line, target, _ in imports_of(path):
            package, layer = package_of(target), layer_of(target)
            if package == own_package:
                continue
            if layer >= own_layer:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert wrong == [], "imports against the layers:\n" + "\n".join(wrong)


def test_layering_check_catches_a_loop() -> None:
    """The check above sees an upward import (so it cannot pass by missing them)."""
    assert layer_of("sitrep.store.queries") < layer_of("sitrep.places.regions")
    assert layer_of("sitrep.places.packs") < layer_of("sitrep.interchange.readers")
    assert package_of("sitrep.store.migrations.versions.x") == "sitrep.store.migrations"
    with pytest.raises(AssertionError, match="no layer"):
        package_of("sitrep.newpackage.module")


def test_no_private_names_imported_across_packages() -> None:
    wrong = []
    for name, path in module_files().items():
        for line, target, names in imports_of(path):
            if package_of(target) == package_of(name):
                continue
            private = [n for n in names if n.startswith("_") and not n.endswith("__")]
            if private or any(p.startswith("_") for p in target.split(".")[1:] if p != "__main__"):
                wrong.append(f"{path.relative_to(ROOT)}:{line} {target} {private}")
    assert wrong == [], "private names imported across packages:\n" + "\n".join(wrong)
