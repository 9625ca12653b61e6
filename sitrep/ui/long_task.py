"""Long core work (import, export) in a worker thread behind a cancellable progress bar.

The core reports progress through a callback ``(done, total, phase) -> bool``; the UI
thread only shows it. Cancel sets a flag the callback returns, the core raises its own
"cancelled" error and rolls back, and this helper waits for the worker to finish, so
when it returns the project is known to be unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")
ProgressFn = Callable[[int, int, str], bool]


class _Worker(QObject):
    progressed = Signal(int, int, str)
    finished = Signal(object, object)  # result, error

    def __init__(self, fn: Callable[[ProgressFn], Any], cancelled: threading.Event) -> None:
        super().__init__()
        self.fn = fn
        self.cancelled = cancelled

    def report(self, done: int, total: int, phase: str = "") -> bool:
        self.progressed.emit(done, total, phase)
        return not self.cancelled.is_set()

    def run(self) -> None:
        try:
            result = self.fn(self.report)
        except BaseException as exc:  # noqa: BLE001 - handed to the UI thread
            self.finished.emit(None, exc)
        else:
            self.finished.emit(result, None)


class _Receiver(QObject):
    """Lives in the UI thread, so queued signals from the worker are handled there."""

    def __init__(
        self,
        on_progress: Callable[[int, int, str], None],
        on_finished: Callable[[Any, Any], None],
    ) -> None:
        super().__init__()
        self._on_progress = on_progress
        self._on_finished = on_finished

    @Slot(int, int, str)
    def progressed(self, done: int, total: int, phase: str) -> None:
        self._on_progress(done, total, phase)

    @Slot(object, object)
    def finished(self, result: Any, error: Any) -> None:
        self._on_finished(result, error)


def run_cancellable(
    parent: QWidget | None,
    label: str,
    fn: Callable[[ProgressFn], T],
    *,
    on_dialog: Callable[[QProgressDialog], None] | None = None,
) -> T:
    """Run ``fn(progress)`` in a thread; return its result or raise its exception."""
    dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(label)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    cancelled = threading.Event()
    worker = _Worker(fn, cancelled)
    thread = QThread()
    worker.moveToThread(thread)
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def progressed(done: int, total: int, phase: str) -> None:
        if dialog.wasCanceled() and not cancelled.is_set():
            cancel()
        if cancelled.is_set():
            return
        if total and dialog.maximum() != total:
            dialog.setMaximum(total)
        dialog.setValue(min(done, total) if total else 0)
        if phase and not cancelled.is_set():
            dialog.setLabelText(f"{label} ({phase})")

    def finished(result: Any, error: BaseException | None) -> None:
        outcome["result"], outcome["error"] = result, error
        loop.quit()

    def cancel() -> None:
        cancelled.set()
        dialog.setLabelText("Cancelling… nothing will be saved.")

    receiver = _Receiver(progressed, finished)
    worker.progressed.connect(receiver.progressed, Qt.ConnectionType.QueuedConnection)
    worker.finished.connect(receiver.finished, Qt.ConnectionType.QueuedConnection)
    dialog.canceled.connect(cancel)
    thread.started.connect(worker.run)
    if on_dialog is not None:
        on_dialog(dialog)
    thread.start()
    if not outcome:
        loop.exec()
    thread.quit()
    thread.wait()
    dialog.close()
    dialog.deleteLater()
    receiver.deleteLater()
    if outcome.get("error") is not None:
        raise outcome["error"]
    return outcome.get("result")  # type: ignore[return-value]
