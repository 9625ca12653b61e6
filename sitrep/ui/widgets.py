"""Small widget helpers shared by the filter bar and the incident form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QDateEdit, QLineEdit


def searchable_combo(placeholder: str = "", min_chars: int = 18) -> QComboBox:
    """An editable combo box whose popup offers every entry containing what is typed."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setMinimumContentsLength(min_chars)
    completer = combo.completer()
    if completer is not None:
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    if placeholder:
        combo_line_edit(combo).setPlaceholderText(placeholder)
    return combo


def combo_line_edit(combo: QComboBox) -> QLineEdit:
    edit = combo.lineEdit()
    if edit is None:
        raise ValueError("the combo box is not editable")
    return edit


def date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def as_slot(fn: Callable[..., Any]) -> Callable[..., None]:
    """Call ``fn`` from a signal, ignoring the signal's arguments and ``fn``'s result.

    Handlers such as ``new_incident`` return the form they opened; Qt has no use for it,
    and a wrapper keeps the objects handed back to the binding to None only.
    """

    def slot(*_args: Any) -> None:
        fn()

    return slot
