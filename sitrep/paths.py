"""Where shipped resources are, installed (``sitrep.resources``) or in a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_dir() -> Path:
    try:
        found = resources.files("sitrep.resources")
        path = Path(str(found))
        if path.is_dir():
            return path
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)
