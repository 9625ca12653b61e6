from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sitrep.demo import build_demo
from sitrep.drafting import knowledge
from sitrep.store import Project


@pytest.fixture(scope="module")
def kachin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """The demo's Kachin places and actors with its 16 hand-entered incidents only (too
    few to learn from: the keyword rules decide the types)."""
    path: Path = tmp_path_factory.mktemp("drafting") / "kachin.sitrep"
    project = build_demo(path, synthetic=0)
    yield project
    knowledge._CACHE.clear()
    project.close()
