"""Fixtures for report tests: the small Kachin scenario in a fresh project."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sitrep.store import Project
from tests.reporting import scenario


@pytest.fixture
def kachin(project: Project) -> Iterator[tuple[Project, dict[str, Any]]]:
    project.set_setting("organisation", "Kachin Relief Network")
    areas = scenario.build(project)
    yield project, areas
