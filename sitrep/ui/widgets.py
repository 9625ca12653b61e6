"""Small widget helpers shared by the filter bar and the incident form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QCompleter,
    QLineEdit,
    QPushButton,
    QWidget,
)


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
    EnterTakesFirstMatch(combo)
    return combo


class EnterTakesFirstMatch(QObject):
    """Enter in a searchable combo takes the first entry offered for what was typed.

    Without it, Enter after typing "Mil" left the text "Mil" — and an actor of that name
    would have been created on save. A text that is itself an entry stays as it is.
    """

    def __init__(self, combo: QComboBox) -> None:
        super().__init__(combo)
        self.combo = combo
        combo.installEventFilter(self)
        combo_line_edit(combo).installEventFilter(self)
        completer = combo.completer()
        if completer is not None:  # keys go to the list while it is open
            completer_popup(completer).installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            completer = self.combo.completer()
            popup = completer_popup(completer) if completer is not None else None
            if popup is not None and popup.isVisible() and popup.currentIndex().isValid():
                return False  # the user chose an entry in the list: the completer takes it
            taken = self.take_first_match()
            return taken and completer is not None and watched is completer_popup(completer)
        return False

    def take_first_match(self) -> bool:
        return take_first_match(self.combo)


class FocusLeft(QObject):
    """Calls back when the keyboard focus leaves a widget and its children.

    Followed through the application's focus changes: an editable combo's completer eats
    the combo's own focus-out events while its list is open.
    """

    def __init__(self, callback: Callable[[], None], widget: QWidget) -> None:
        super().__init__(widget)
        self._callback = callback
        self._widget = widget
        app = QApplication.instance()
        if isinstance(app, QApplication):  # a slot of this child: gone with the widget
            app.focusChanged.connect(self._focus_changed)

    def _inside(self, other: QWidget | None) -> bool:
        return other is not None and (other is self._widget or self._widget.isAncestorOf(other))

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if not shiboken6.isValid(self._widget):
            return
        if self._inside(old) and not self._inside(new):
            self._callback()


def take_first_match(combo: QComboBox) -> bool:
    """Put the entry matching the typed text in the combo (the one highlighted in the open
    list, else the first offered); False when none was taken (no text, a new name)."""
    completer = combo.completer()
    text = combo.currentText().strip()
    if not text or completer is None:
        return False
    popup = completer_popup(completer)
    highlighted = popup.currentIndex() if popup.isVisible() else None
    index = combo.findText(text, Qt.MatchFlag.MatchFixedString)
    if index < 0 and highlighted is not None and highlighted.isValid():
        index = combo.findText(str(highlighted.data()), Qt.MatchFlag.MatchFixedString)
    if index < 0:
        completer.setCompletionPrefix(text)
        if completer.completionCount() == 0:
            return False  # a new name
        completer.setCurrentRow(0)
        index = combo.findText(completer.currentCompletion(), Qt.MatchFlag.MatchFixedString)
    popup.hide()
    if index < 0:
        return False
    combo.setCurrentIndex(index)
    combo.setEditText(combo.itemText(index))
    return True


def completer_popup(completer: QCompleter) -> QAbstractItemView:
    popup = completer.popup()
    if popup is None:
        raise ValueError("the completer has no list")
    return popup


def combo_line_edit(combo: QComboBox) -> QLineEdit:
    edit = combo.lineEdit()
    if edit is None:
        raise ValueError("the combo box is not editable")
    return edit


def shows_its_entry(combo: QComboBox) -> bool:
    """Whether an editable combo shows the entry it holds (not text typed beside it)."""
    return combo.currentText().strip() == combo.itemText(combo.currentIndex()).strip()


class PickCombo(QComboBox):
    """A list that answers the first letters of its entries, spaces included.

    Qt's own search opens the list on Space, so "side b" could not be typed, and it
    does not cycle on a repeated letter. Here letters typed in quick succession pick
    the first entry starting with them ("side b", "al" for alleged perpetrator); the
    same letter again moves to the next entry starting with it ("s", "s": side A, then
    side B); Space on its own still opens the list. Disabled entries are skipped.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._typed = ""
        self._last = QElapsedTimer()

    def keyPressEvent(self, e: QKeyEvent) -> None:
        text = e.text()
        plain = not e.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        )
        if self.isEditable() or not plain or not text or not text.isprintable():
            super().keyPressEvent(e)
            return
        if not self._last.isValid() or self._last.elapsed() > QApplication.keyboardInputInterval():
            self._typed = ""
        if text == " " and not self._typed:
            super().keyPressEvent(e)  # Space alone opens the list
            return
        self._typed += text
        self._last.start()
        index = self._find(self._typed)
        if index is None and len(set(self._typed.casefold())) == 1:
            index = self._find(text, after=self.currentIndex())  # cycle on one letter
        if index is not None and index != self.currentIndex():
            self.setCurrentIndex(index)
            self.activated.emit(index)
        e.accept()

    def _find(self, prefix: str, after: int = -1) -> int | None:
        wanted = prefix.casefold()
        model = self.model()
        n = self.count()
        for step in range(1, n + 1):
            i = (after + step) % n if after >= 0 else step - 1
            if not model.flags(model.index(i, 0)) & Qt.ItemFlag.ItemIsEnabled:
                continue
            if self.itemText(i).casefold().startswith(wanted):
                return i
        return None


class ImmediateButton(QPushButton):
    """A push button whose Alt mnemonic clicks at once.

    Qt "animates" a mnemonic's click and clicks 100 ms later, so what is typed right
    after Alt+C (Add casualty row) went to the button instead of the new row.
    """

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.Shortcut and self.isEnabled():
            self.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.click()
            return True
        return super().event(e)


def as_slot(fn: Callable[..., Any]) -> Callable[..., None]:
    """Call ``fn`` from a signal, ignoring the signal's arguments and ``fn``'s result.

    Handlers such as ``new_incident`` return the form they opened; Qt has no use for it,
    and a wrapper keeps the objects handed back to the binding to None only.
    """

    def slot(*_args: Any) -> None:
        fn()

    return slot
