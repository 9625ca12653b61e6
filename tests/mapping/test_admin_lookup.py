"""Point-in-polygon for "pick on map": which imported areas contain a point."""

from __future__ import annotations

from sitrep.places.admin_lookup import locate_admin_areas
from sitrep.store import Project
from tests.mapping.conftest import add_boundary, square


def test_areas_containing_the_point_by_level(project: Project):
    add_boundary(project, "Kachin", 1, square(95, 23, 99, 29))
    add_boundary(project, "Shan", 1, square(96, 19, 101, 23))
    add_boundary(project, "Hpakant", 3, square(96.0, 25.4, 96.6, 25.9))
    add_boundary(project, "Mohnyin", 3, square(96.0, 24.5, 96.6, 25.4))
    with project.session() as s:
        found = locate_admin_areas(s, 25.61, 96.31)
        assert {lvl: a.name for lvl, a in found.items()} == {1: "Kachin", 3: "Hpakant"}
        assert {lvl: a.name for lvl, a in locate_admin_areas(s, 21.0, 98.0).items()} == {1: "Shan"}
        assert locate_admin_areas(s, 10.0, 80.0) == {}


def test_on_a_shared_border_and_in_overlaps_the_smaller_area_wins(project: Project):
    add_boundary(project, "Big", 2, square(95, 24, 98, 27))
    add_boundary(project, "Small", 2, square(96, 25, 97, 26))
    with project.session() as s:
        assert locate_admin_areas(s, 25.5, 96.5)[2].name == "Small"
        assert locate_admin_areas(s, 25.0, 96.5)[2].name == "Small"  # on its edge
        assert locate_admin_areas(s, 24.5, 96.5)[2].name == "Big"
