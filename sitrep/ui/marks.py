"""Marking a field as invalid: a red border and the plain message as its tooltip."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

INVALID_STYLE = """
*[invalid="true"] { border: 2px solid #c0392b; border-radius: 3px; }
*[warned="true"] { border: 2px solid #d68910; border-radius: 3px; }
QLabel[role="error"] { color: #c0392b; }
QLabel[role="warning"] { color: #9a6700; }
QLabel[role="hint"] { color: #555; font-size: small; }
"""


def _show_tip(widget: QWidget, message: str | None) -> None:
    """The message as the tooltip, or the widget's own tooltip back when none."""
    if message:
        if widget.property("plainTip") is None:
            widget.setProperty("plainTip", widget.toolTip())
        widget.setToolTip(message)
    else:
        tip = widget.property("plainTip")
        widget.setToolTip(str(tip) if tip else "")


def _set_mark(widget: QWidget, name: str, on: bool) -> None:
    """Set the style property ``name`` and repaint with the style sheet's look for it."""
    widget.setProperty(name, on)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def mark_invalid(widget: QWidget, message: str | None) -> None:
    invalid = bool(message)
    if bool(widget.property("invalid")) == invalid and (
        not invalid or widget.toolTip() == message
    ):
        return
    _show_tip(widget, message)
    _set_mark(widget, "invalid", invalid)


def is_marked(widget: QWidget) -> bool:
    return bool(widget.property("invalid"))


def mark_warning(widget: QWidget, message: str | None) -> None:
    """An amber border for a value that is possible but worth a second look."""
    warned = bool(message)
    if bool(widget.property("warned")) == warned and (
        not warned or widget.toolTip() == message or widget.property("invalid")
    ):
        return
    if not widget.property("invalid"):
        _show_tip(widget, message)
    _set_mark(widget, "warned", warned)


def is_warned(widget: QWidget) -> bool:
    return bool(widget.property("warned"))
