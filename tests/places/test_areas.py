"""Admin-name normalisation and matching of imported names to admin areas."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sitrep.model import AdminArea
from sitrep.places.areas import AreaResolver, compact_key
from sitrep.store import Project
from tests.conftest import make_area


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kachin state", "Kachin State"),
        ("Kachin", "Kachin State"),
        ("Bago division", "Bago region"),
        ("Magway  region", "Magway Region"),
        ("Magwe division", "Magway"),
        ("Karen state", "Kayin State"),
        ("Shan-North", "Shan (North)"),
        ("Naypyidaw Union territory", "Nay Pyi Taw"),
        ("Hpa-an district", "Hpa-An"),
    ],
)
def test_compact_keys_meet(a: str, b: str) -> None:
    assert compact_key(a) == compact_key(b)


def test_distinct_areas_stay_distinct() -> None:
    assert compact_key("Shan (North)") != compact_key("Shan (South)")
    assert compact_key("Bago (East)") != compact_key("Bago")


def test_resolver_matches_existing_then_creates_with_level_and_parent(project: Project) -> None:
    kachin = make_area(project, "Kachin", 1, "MMR001")
    with project.session() as s:
        resolver = AreaResolver(s)
        ids = resolver.resolve(("Kachin State", "Bhamo district", "Momauk"), ("", "", ""), "MMR")
        again = resolver.resolve(("kachin", "Bhamo", "Momauk township"))
        assert ids == again and ids[0] == kachin.id
        assert len(resolver.created) == 2
        resolver.flush()
    with project.session() as s:
        bhamo = s.get(AdminArea, ids[1])
        momauk = s.get(AdminArea, ids[2])
        assert (bhamo.level, bhamo.parent_id, bhamo.name) == (2, kachin.id, "Bhamo District")
        assert (momauk.level, momauk.parent_id) == (3, bhamo.id)
        assert momauk.name_norm == "momauk"


def test_same_township_name_in_two_states_is_two_areas(project: Project) -> None:
    with project.session() as s:
        resolver = AreaResolver(s)
        a = resolver.resolve(("Kachin", "", ""))
        b = resolver.resolve(("Shan", "", ""))
        ta = resolver.resolve(("Kachin", "Myitkyina", "Waingmaw"))
        tb = resolver.resolve(("Shan", "Kyaukme", "Waingmaw"))
        assert a[0] != b[0] and ta[2] != tb[2]
        resolver.flush()
        assert s.scalar(select(AdminArea.parent_id).where(AdminArea.id == ta[2])) == ta[1]


def test_pcode_wins_over_name(project: Project) -> None:
    area = make_area(project, "Hpakant", 3, "MMR001009")
    with project.session() as s:
        ids = AreaResolver(s).resolve(("Kachin", "Mohnyin", "Phakant"), ("", "", "MMR001009"))
    assert ids[2] == area.id


def test_new_spelling_becomes_an_alias(project: Project) -> None:
    make_area(project, "Karen state", 1)
    with project.session() as s:
        resolver = AreaResolver(s)
        resolver.resolve(("Kayin State",))
        resolver.flush()
    with project.session() as s:
        area = s.scalar(select(AdminArea))
        assert area.aliases == ["Kayin State"]
