from __future__ import annotations

import pytest

from sitrep.errors import ValidationError
from sitrep.places.search import add_place, search_places
from sitrep.store import Project
from tests.editing.helpers import make_kachin


def test_added_place_is_found_by_prefix_and_variant(project: Project) -> None:
    k = make_kachin(project)
    with project.session() as s:
        add_place(s, "Lone Khin", 25.66, 96.28, area_id=k.tract.id, alt_names=["Lonkin"])
        add_place(s, "Hpakant", 25.61, 96.31, area_id=k.township.id, alt_names=["Phakant"])
        add_place(s, "Lonton", 25.2, 96.2, area_id=k.township.id)
    with project.session() as s:
        hits = search_places(s, "lon", 10)
        # the project's own places first; the shipped gazetteer fills the other slots
        assert [h.name for h in hits[:2]] == ["Lone Khin", "Lonton"]
        assert {h.origin for h in hits[2:]} <= {"gazetteer"}
        assert hits[0].admin_names == ("Lone Khin", "Hpakant", "Mohnyin", "Kachin")
        assert hits[0].deepest_area_id == k.tract.id
        assert hits[0].origin == "project" and hits[0].country_iso == "MMR"
        variant = search_places(s, "phak", 10)
        assert [h.name for h in variant if h.origin == "project"] == ["Hpakant"]
        assert variant[0].label.startswith("Hpakant (Phakant)")
        assert search_places(s, "", 10) == []
        assert len(search_places(s, "l", 1)) == 1


def test_add_place_refuses_bad_input(project: Project) -> None:
    with project.session() as s:
        with pytest.raises(ValidationError) as err:
            add_place(s, "  ", 25.0, 96.0)
        assert err.value.field == "place_name"
        with pytest.raises(ValidationError) as err:
            add_place(s, "X", 125.0, 96.0)
        assert err.value.field == "latitude"
