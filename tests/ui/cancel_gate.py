"""Pressing Cancel on a long task at a known moment, without sleeping.

:meth:`CancelGate.gated` wraps the progress callback a core function is given: its first
call blocks the worker thread until the test, in the UI thread, has clicked Cancel on
the task's progress dialog. Only then does the core see the callback's answer, which
is "stop". The order is fixed by two events, never by a delay.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from sitrep.ui.long_task import DIALOG_NAME

SAFETY_NET_S = 60  # only if the UI never clicks: the test then fails on `clicked`


class CancelGate:
    def __init__(self, *, when: Callable[..., bool] = lambda *_a: True) -> None:
        self.when = when  # which progress call to stop at (default: the first)
        self.reached = threading.Event()
        self.released = threading.Event()
        self.clicked = False
        self.label = ""
        self.shot: Any = None  # the dialog grabbed as it was clicked
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._poll)

    def gated(self, progress: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            if not self.released.is_set() and self.when(*args):
                self.reached.set()
                self.released.wait(SAFETY_NET_S)
            return progress(*args)

        return call

    def arm(self) -> CancelGate:
        """Start watching, in the UI thread, for the worker to reach the gate."""
        self._timer.start()
        return self

    def _dialog(self) -> QProgressDialog | None:
        for widget in QApplication.topLevelWidgets():
            if (
                isinstance(widget, QProgressDialog)
                and widget.objectName() == DIALOG_NAME
                and widget.isVisible()
            ):
                return widget
        return None

    def _poll(self) -> None:
        if not self.reached.is_set():
            return
        dialog = self._dialog()
        if dialog is None:  # it shows after its minimum duration
            return
        self._timer.stop()
        self.label = dialog.labelText()
        self.shot = dialog.grab()
        button = dialog.findChild(QPushButton)
        assert button is not None and button.text() == "Cancel"
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        self.clicked = True
        self.released.set()
