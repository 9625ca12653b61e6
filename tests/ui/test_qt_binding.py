"""Guard against a Qt binding that corrupts reference counts in signal delivery.

PySide6 6.12.0 on CPython 3.11 drops one reference to a slot's return value per call
(here: None) — after a few thousand keystrokes the app dies with "Fatal Python error:
none_dealloc". 6.11.3 is fine. This test fails on any binding with that fault.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest
from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import QLineEdit

BROKEN = pyside_version == "6.12.0" and sys.version_info < (3, 12)


@pytest.mark.xfail(BROKEN, reason="PySide6 6.12.0 leaks None refs per slot call", strict=True)
def test_slot_calls_keep_reference_counts(qtbot: Any) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    seen: list[str] = []
    edit.textChanged.connect(seen.append)  # returns None, like nearly every slot
    before = sys.getrefcount(None)
    for i in range(200):
        edit.setText(str(i))
    assert len(seen) == 200
    assert sys.getrefcount(None) - before > -50  # tolerant of unrelated churn
