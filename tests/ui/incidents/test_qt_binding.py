"""Guard against a Qt binding that corrupts reference counts.

PySide6 6.12.0 on CPython 3.11 drops a reference to None on every call of a C++ method
that returns nothing (``setText``, ``setValue``…) and to True/False on every
``Signal.emit``. Python 3.11's None and bools are not immortal, so after some tens of
thousands of such calls — minutes of normal use — the app dies with "Fatal Python
error: none_dealloc". PySide6 6.11.3 is fine (and Python 3.12+ hides the fault).
This test fails on any binding with that fault; it is an expected failure on 6.12.0.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLineEdit

BROKEN = pyside_version == "6.12.0" and sys.version_info < (3, 12)


class _Emitter(QObject):
    fired = Signal(object)


@pytest.mark.xfail(BROKEN, reason="PySide6 6.12.0 drops None/bool references", strict=True)
def test_calls_and_signals_keep_reference_counts(qtbot: Any) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    seen: list[str] = []
    edit.textChanged.connect(seen.append)
    emitter = _Emitter()
    got: list[object] = []
    emitter.fired.connect(got.append)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(200):
        edit.setText(str(i))
        emitter.fired.emit(i)
    assert len(seen) == 200 and len(got) == 200
    assert sys.getrefcount(None) - none_before > -50  # tolerant of unrelated churn
    assert sys.getrefcount(True) - true_before > -50
