"""Long work off the UI thread, behind a progress dialog the user can cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")
_running: list[QThread] = []  # threads whose result was abandoned, kept until they end


class _Job(QObject):
    done = Signal(object, object)  # result, exception

    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn

    def run(self) -> None:
        try:
            self.done.emit(self.fn(), None)
        except BaseException as exc:  # noqa: BLE001 - handed to the UI thread
            self.done.emit(None, exc)


class Cancelled(Exception):
    """The user cancelled the work; its result (if it ever comes) is ignored."""


def run_with_progress(parent: QWidget | None, label: str, fn: Callable[[], T]) -> T:
    """Run ``fn`` in a worker thread while a busy dialog shows; return or raise its outcome."""
    dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    thread = QThread()
    job = _Job(fn)
    job.moveToThread(thread)
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def finished(result: Any, error: BaseException | None) -> None:
        outcome["result"], outcome["error"] = result, error
        loop.quit()

    job.done.connect(finished, Qt.ConnectionType.QueuedConnection)
    dialog.canceled.connect(loop.quit)
    thread.started.connect(job.run)
    thread.start()
    loop.exec()
    dialog.close()
    if not outcome:
        job.done.disconnect()
        job.done.connect(thread.quit)
        _running.append(thread)
        thread.finished.connect(lambda: _running.remove(thread) if thread in _running else None)
        thread.job = job  # type: ignore[attr-defined]  # keep alive with the thread
        raise Cancelled(label)
    thread.quit()
    thread.wait()
    if outcome["error"] is not None:
        raise outcome["error"]
    return outcome["result"]  # type: ignore[no-any-return]
