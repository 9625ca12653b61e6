"""The incident table model: pages of rows from the query layer, fetched as the user scrolls.

A project of a million incidents opens on its first page (200 rows, one indexed query);
Qt asks for more through ``canFetchMore``/``fetchMore`` when the view nears the end.
Sorting restarts paging in the new order. The total is counted separately and only
when asked, so a slow count never delays the first rows.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QTableView

from sitrep.store import Project
from sitrep.store.queries import (
    IncidentFilter,
    IncidentRow,
    PageKey,
    count_incidents,
    incident_page,
)

log = logging.getLogger(__name__)

IncidentIdRole = Qt.ItemDataRole.UserRole + 1
SortValueRole = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    title: str
    sort_key: str | None
    numeric: bool = False
    width: int = 100
    not_sortable_tip: str = ""


# The title third, where it can be read (last, it was cut off at the window's edge);
# the short columns that matter most next, the long sub-type last.
COLUMNS: tuple[Column, ...] = (
    Column("Reference", "reference", width=105),
    Column("Date", "date", width=80),
    Column("Title", "title", width=240),
    Column("Place", "place", width=95),
    Column("Area", None, width=85, not_sortable_tip="filter by area with the region picker"),
    Column("Type", "event_type", width=120),
    Column("Killed", "killed", numeric=True, width=50),
    Column(
        "Sensitivity",
        None,
        width=75,
        not_sortable_tip="show only some levels with the sensitivity picker",
    ),
    Column("Verification", "verification", width=105),
    Column("Sub-type", "sub_event_type", width=160),
)
(
    COL_REFERENCE,
    COL_DATE,
    COL_TITLE,
    COL_PLACE,
    COL_AREA,
    COL_TYPE,
    COL_KILLED,
    COL_SENSITIVITY,
    COL_VERIFICATION,
    COL_SUB_TYPE,
) = range(len(COLUMNS))


def _cell(row: IncidentRow, column: int) -> Any:
    return (
        row.reference,
        row.date_start.isoformat(),
        row.title,
        row.place_name,
        row.area_name,
        row.event_type,
        row.killed,
        row.sensitivity,
        row.verification,
        row.sub_event_type,
    )[column]


class IncidentTableModel(QAbstractTableModel):
    def __init__(self, project: Project, *, page_size: int = 200, parent: Any = None) -> None:
        super().__init__(parent)
        self.project = project
        self.page_size = page_size
        self._filter = IncidentFilter()
        self._rows: list[IncidentRow] = []
        self._next: PageKey | None = None
        self._sort_key = "date"
        self._descending = True
        self._total: int | None = None
        self._row_of: dict[uuid.UUID, int] = {}

    # ------------------------------------------------------------ loading
    def set_filter(self, flt: IncidentFilter) -> None:
        self._filter = flt
        self.reload()

    def current_filter(self) -> IncidentFilter:
        return self._filter

    def reload(self, *, keep_rows: int = 0) -> None:
        """Read the first page again (and more, up to ``keep_rows``, after an edit)."""
        self.beginResetModel()
        self._rows, self._next, self._total, self._row_of = [], None, None, {}
        self._load_page(first=True)
        while self._next is not None and len(self._rows) < keep_rows:
            self._load_page()
        self.endResetModel()

    def _query_page(self, after: PageKey | None) -> tuple[list[IncidentRow], PageKey | None]:
        with self.project.session() as s:
            return incident_page(
                s,
                self._filter,
                sort=self._sort_key,
                descending=self._descending,
                after=after,
                limit=self.page_size,
            )

    def _append(self, rows: list[IncidentRow], nxt: PageKey | None) -> None:
        start = len(self._rows)
        self._rows.extend(rows)
        for i, row in enumerate(rows, start):
            self._row_of[row.id] = i
        self._next = nxt

    def _load_page(self, *, first: bool = False) -> None:
        self._append(*self._query_page(None if first else self._next))

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._next is not None

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._next is None:
            return
        rows, nxt = self._query_page(self._next)
        if not rows:
            self._next = None
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._append(rows, nxt)
        self.endInsertRows()

    def total(self) -> int:
        """All incidents matching the filter (counted once per filter, on demand)."""
        if self._total is None:
            if self._next is None:
                self._total = len(self._rows)
            else:
                with self.project.session() as s:
                    self._total = count_incidents(s, self._filter)
        return self._total

    # ------------------------------------------------------------ lookup
    def incident_id(self, row: int) -> uuid.UUID | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, incident_id: uuid.UUID, *, fetch_pages: int = 0) -> int | None:
        """The row showing an incident, fetching up to ``fetch_pages`` more pages to find it."""
        for _ in range(fetch_pages + 1):
            row = self._row_of.get(incident_id)
            if row is not None or not self.canFetchMore():
                return row
            if fetch_pages:
                self.fetchMore()
        return self._row_of.get(incident_id)

    def loaded_rows(self) -> int:
        return len(self._rows)

    # ------------------------------------------------------------ Qt model
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            value = _cell(row, column)
            return str(value) if column == COL_KILLED else value
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.title or row.place_name
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[column].numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == IncidentIdRole:
            return row.id
        if role == SortValueRole:
            return _cell(row, column)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS)
        if role == Qt.ItemDataRole.ToolTipRole and horizontal:
            if COLUMNS[section].sort_key is None:
                return f"Not sortable: {COLUMNS[section].not_sortable_tip} instead"
            return f"Sort by {COLUMNS[section].title.lower()}"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if horizontal:
            return COLUMNS[section].title
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column].sort_key
        if key is None:
            return
        self._sort_key = key
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def sort_state(self) -> tuple[str, bool]:
        return self._sort_key, self._descending


class IncidentTableView(QTableView):
    """The incident table with the keys a person expects of a list of rows.

    Qt's view puts its cursor on the first row without selecting it when it gets the
    focus, so the first Down selected the second row; Home and End moved along the
    row's cells. Here, with nothing selected, Down/Up/PageDown/PageUp select the first
    row; Home and End select the first and last row loaded.
    """

    def select_row(self, row: int) -> None:
        model = self.model()
        if model is None or not 0 <= row < model.rowCount():
            return
        index = model.index(row, 0)
        self.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.scrollTo(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        model, key = self.model(), event.key()
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if model is not None and model.rowCount() > 0 and plain:
            if key == Qt.Key.Key_Home:
                self.select_row(0)
                return
            if key == Qt.Key.Key_End:
                self.select_row(model.rowCount() - 1)
                return
            moves = (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp)
            if key in moves and not self.selectionModel().hasSelection():
                self.select_row(0)
                return
        super().keyPressEvent(event)
