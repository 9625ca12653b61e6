from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from sitrep.store import Project
from sitrep.store.queries import IncidentFilter
from sitrep.ui.incident_table import (
    COL_DATE,
    COL_KILLED,
    COL_REFERENCE,
    COL_TITLE,
    IncidentIdRole,
    IncidentTableModel,
)
from tests.conftest import make_incident


def fill(project: Project, n: int) -> None:
    for i in range(n):
        make_incident(
            project,
            date_start=dt.date(2025, 5, 1) + dt.timedelta(days=i % 20),
            title=f"Incident {i:02d}",
            casualties=[{"best": i % 4}],
        )


def test_model_passes_qtmodeltester(qtmodeltester: Any, project: Project) -> None:
    fill(project, 12)
    model = IncidentTableModel(project, page_size=5)
    model.set_filter(IncidentFilter())
    assert model.rowCount() == 5 and model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)  # fetches the remaining pages as a view would
    assert model.rowCount() == 12 and not model.canFetchMore(QModelIndex())
    model.set_filter(IncidentFilter(text="nothing matches this"))
    qtmodeltester.check(model)


def test_rows_are_fetched_lazily_in_pages(project: Project) -> None:
    fill(project, 12)
    model = IncidentTableModel(project, page_size=5)
    model.set_filter(IncidentFilter())
    assert model.rowCount() == 5
    assert model.total() == 12
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 12
    ids = {model.data(model.index(r, 0), IncidentIdRole) for r in range(12)}
    assert len(ids) == 12
    dates = [model.data(model.index(r, COL_DATE)) for r in range(12)]
    assert dates == sorted(dates, reverse=True)


def test_data_roles_and_headers(project: Project) -> None:
    inc = make_incident(project, title="Blast", casualties=[{"best": 7}])
    model = IncidentTableModel(project)
    model.set_filter(IncidentFilter())
    assert model.data(model.index(0, COL_REFERENCE)) == inc.reference
    assert model.data(model.index(0, COL_KILLED)) == "7"
    assert model.data(model.index(0, COL_KILLED), Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    assert model.data(model.index(0, COL_TITLE), Qt.ItemDataRole.ToolTipRole) == "Blast"
    assert model.data(model.index(0, 0), IncidentIdRole) == inc.id
    assert model.headerData(COL_KILLED, Qt.Orientation.Horizontal) == "Killed"
    assert model.row_of(inc.id) == 0


def test_sorting_restarts_paging_in_the_new_order(project: Project) -> None:
    fill(project, 9)
    model = IncidentTableModel(project, page_size=4)
    model.set_filter(IncidentFilter())
    model.sort(COL_KILLED, Qt.SortOrder.DescendingOrder)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    killed = [int(model.data(model.index(r, COL_KILLED))) for r in range(model.rowCount())]
    assert killed == sorted(killed, reverse=True) and len(killed) == 9
    model.sort(COL_TITLE, Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(0, COL_TITLE)) == "Incident 00"


def test_select_far_row_fetches_pages(project: Project) -> None:
    fill(project, 12)
    model = IncidentTableModel(project, page_size=3)
    model.set_filter(IncidentFilter())
    model.sort(COL_TITLE, Qt.SortOrder.AscendingOrder)
    with project.session() as s:
        from sqlalchemy import select

        from sitrep.model import Incident

        last = s.scalar(select(Incident.id).where(Incident.title == "Incident 11"))
    assert last is not None
    assert model.row_of(last) is None
    assert model.row_of(last, fetch_pages=5) == 11
