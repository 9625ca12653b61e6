"""Qt fixtures. Qt WebEngine must be imported before the QApplication exists.

The map tests share one off-the-record WebEngine profile whose request interceptor
blocks and records every request that is not local, so a test fails if the page tries
to reach the network while online tiles are off.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401  (import before QApplication)

from sitrep.ui.map_scheme import register_scheme

register_scheme()  # as the app does: before pytest-qt makes the QApplication

LOCAL_SCHEMES = {"file", "qrc", "data", "blob", "about", "sitrep-map"}


class ForeignRequestRecorder(QWebEngineUrlRequestInterceptor):
    """Blocks and records every request that would leave the machine."""

    def __init__(self) -> None:
        super().__init__()
        self.foreign: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        if url.scheme() not in LOCAL_SCHEMES:
            self.foreign.append(url.toString())
            info.block(True)


@pytest.fixture(scope="session")
def request_recorder(qapp: Any) -> ForeignRequestRecorder:
    return ForeignRequestRecorder()


@pytest.fixture(scope="session")
def web_profile(qapp: Any, request_recorder: ForeignRequestRecorder) -> Iterator[Any]:
    profile = QWebEngineProfile(qapp)  # off the record
    profile.setUrlRequestInterceptor(request_recorder)
    yield profile


def run_js(view: Any, code: str, timeout_ms: int = 5000) -> Any:
    """Evaluate JavaScript in a MapView's page and return its (JSON-able) result."""
    loop = QEventLoop()
    result: list[Any] = []

    def done(value: Any) -> None:
        result.append(value)
        loop.quit()

    view.page.runJavaScript(f"JSON.stringify(({code}))", 0, done)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    if not result:
        raise TimeoutError(f"no answer from the page for {code!r}")
    return None if result[0] is None else json.loads(result[0])


def raise_error(_parent: Any, exc: BaseException) -> None:
    """A window's ``report_error`` in tests: an error fails the test instead of opening
    a modal dialog that would wait for a click no test gives."""
    raise exc
