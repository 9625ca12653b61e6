"""The Kachin geography the editing tests need: Kachin > Mohnyin > Hpakant > Lone Khin."""

from __future__ import annotations

from dataclasses import dataclass

from sitrep.model import AdminArea
from sitrep.store import Project
from tests.conftest import make_area


@dataclass
class Kachin:
    state: AdminArea
    district: AdminArea
    township: AdminArea
    tract: AdminArea


def make_kachin(project: Project) -> Kachin:
    state = make_area(project, "Kachin", 1, "MMR001")
    district = make_area(project, "Mohnyin", 2, "MMR001D002", state)
    township = make_area(project, "Hpakant", 3, "MMR001009", district)
    tract = make_area(project, "Lone Khin", 4, "MMR001009VT01", township)
    return Kachin(state, district, township, tract)
