"""The map pane saves the index it read with the project, and a pane opened later uses
it; after an edit and refresh() it reads and saves it again."""

from __future__ import annotations

from sitrep.mapping import indexstore
from sitrep.store import Project
from tests.conftest import make_incident
from tests.ui.test_map_view import make_map  # noqa: F401  (fixture)


def saved_count(project: Project) -> int | None:
    with project.session() as s:
        index = indexstore.load_saved(s)
    return None if index is None else len(index)


def test_the_pane_saves_its_index_and_the_next_pane_uses_it(
    project: Project,
    make_map,  # noqa: F811
    qtbot,
):
    for i in range(3):
        make_incident(project, title=f"Clash {i}", lat=25.0 + i, lon=96.0)
    assert saved_count(project) is None
    view = make_map(project)
    with qtbot.waitSignal(view.dataShown, timeout=20000):
        view.show()
    qtbot.waitUntil(lambda: saved_count(project) == 3, timeout=20000)
    assert not view.index_from_store()  # read from the incidents, then saved
    make_incident(project, title="Clash 3", lat=26.5, lon=97.0)
    assert saved_count(project) is None  # stale at once, whoever saved the incident
    with qtbot.waitSignal(view.dataShown, timeout=20000):
        view.refresh()
    qtbot.waitUntil(lambda: saved_count(project) == 4, timeout=20000)
    later = make_map(project)
    with qtbot.waitSignal(later.dataShown, timeout=20000) as shown:
        later.show()
    assert shown.args == [4]
    qtbot.waitUntil(later.index_ready)
    assert later.index_from_store()
