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
    """Call ``fn`` from a signal and hand Qt nothing back.

    Slots that return objects are risky with some bindings (PySide6 6.12.0 on Python
    3.11 drops a reference to whatever a slot returns), and Qt ignores the value anyway.
    """

    def slot(*_args: Any) -> None:
        fn()

    return slot
