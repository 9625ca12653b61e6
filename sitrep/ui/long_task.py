"""Long core work (import, export, merge, report) in a worker thread behind a progress bar.

The one way the app runs a long job. The core reports progress through a callback and
checks it for a cancel: importer, exporters and the sharing export and merge take
``progress(done, total[, phase]) -> bool`` and raise their "cancelled" error when it
returns False; the report builder takes ``progress(percent, message)`` and
``is_cancelled()``. :class:`TaskProgress` is all of these at once. The UI thread only
shows the progress. Cancel sets a flag the callback returns; the core raises and rolls
back, and :func:`run_task` waits for the worker to finish, so when it returns (or
raises) the project is known to be unchanged or fully changed, never half.

Errors raised by the work are raised again in the UI thread: a
:class:`~sitrep.errors.SitrepError` for the caller to show, anything else to the crash
dialog (``sys.excepthook``, :mod:`sitrep.ui.crash`).

Quick read-only queries that must not block the window (the status bar's incident
count, the map's "N without coordinates") run through :class:`LatestQuery` instead:
no dialog, one background thread, and only the answer to the latest request is
announced. A failed query is logged and its label left as it was.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThread, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from sitrep.errors import Cancelled

T = TypeVar("T")
log = logging.getLogger(__name__)

# what the core raises when its progress callback asks it to stop (import, export and
# report cancels are all kinds of the core's one Cancelled)
CANCELLED: tuple[type[BaseException], ...] = (Cancelled,)

DIALOG_NAME = "longTaskProgress"


class TaskProgress(QObject):
    """Handed to the work: a progress callback for each of the core's conventions.

    Called in the worker thread; it only emits a signal and reads a flag.
    """

    progressed = Signal(int, int, str)  # done, total (0 = unknown), phase

    def __init__(self) -> None:
        super().__init__()
        self._cancelled = threading.Event()

    def __call__(self, done: int, total: int, phase: str = "") -> bool:
        """``progress(done, total[, phase])``; False asks the core to stop."""
        self.progressed.emit(done, total, phase)
        return not self._cancelled.is_set()

    def percent(self, percent: int, message: str) -> None:
        """The report builder's ``progress(percent, message)``."""
        self.progressed.emit(percent, 100, message)

    def is_cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()


class _Worker(QObject):
    finished = Signal(object, object)  # result, error

    def __init__(self, fn: Callable[[TaskProgress], Any], progress: TaskProgress) -> None:
        super().__init__()
        self.fn = fn
        self.progress = progress

    def run(self) -> None:
        try:
            result = self.fn(self.progress)
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


def _progress_dialog(parent: QWidget | None, label: str, cancellable: bool) -> QProgressDialog:
    dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
    dialog.setObjectName(DIALOG_NAME)
    dialog.setWindowTitle(label.rstrip("…."))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)  # quick jobs never flash a dialog
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:  # work the core cannot stop halfway: no button that lies
        dialog.setCancelButton(None)
    return dialog


def run_task(
    parent: QWidget | None,
    label: str,
    fn: Callable[[TaskProgress], T],
    *,
    cancellable: bool = True,
    on_dialog: Callable[[QProgressDialog], None] | None = None,
) -> T:
    """Run ``fn(progress)`` in a thread behind a modal progress dialog; return its result.

    Raises what ``fn`` raised (one of :data:`CANCELLED` after the user cancelled), once
    the thread has ended. ``cancellable=False`` for work that cannot honour a cancel.
    """
    dialog = _progress_dialog(parent, label, cancellable)
    progress = TaskProgress()
    worker = _Worker(fn, progress)
    thread = QThread()
    worker.moveToThread(thread)
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def progressed(done: int, total: int, phase: str) -> None:
        if progress.is_cancelled() or "error" in outcome:
            return
        if total and dialog.maximum() != total:
            dialog.setMaximum(total)
        if phase:
            dialog.setLabelText(f"{label} ({phase})")
        # a modal dialog's setValue() processes events: the work may finish inside it
        dialog.setValue(min(done, total) if total else 0)

    def finished(result: Any, error: BaseException | None) -> None:
        outcome["result"], outcome["error"] = result, error
        loop.quit()

    def cancel() -> None:
        if not progress.is_cancelled():
            progress.cancel()
            dialog.setLabelText("Cancelling… nothing will be saved.")

    receiver = _Receiver(progressed, finished)
    progress.progressed.connect(receiver.progressed, Qt.ConnectionType.QueuedConnection)
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


class _Query(QRunnable):
    def __init__(self, owner: LatestQuery, generation: int, fn: Callable[[], object]) -> None:
        super().__init__()
        self.owner, self.generation, self.fn = owner, generation, fn

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception:  # a closed project or a lost server: the label just stays
            log.exception("a background query failed")
            return
        with contextlib.suppress(RuntimeError):  # the owner was deleted meanwhile
            self.owner.finished.emit(self.generation, result)


class LatestQuery(QObject):
    """Read-only queries in one background thread; only the latest answer counts.

    A new request drops those not started yet; an answer to an older one is ignored.
    """

    answered = Signal(object)  # the result of the latest request
    finished = Signal(int, object)  # generation, result (emitted in the worker thread)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.generation = 0
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.finished.connect(self._finished)

    def request(self, fn: Callable[[], object]) -> None:
        self.generation += 1
        self.pool.clear()
        self.pool.start(_Query(self, self.generation, fn))

    def _finished(self, generation: int, result: object) -> None:
        if generation == self.generation:
            self.answered.emit(result)

    def wait(self, msecs: int = 5000) -> bool:
        """Wait for the running query (closing a window, tests)."""
        return self.pool.waitForDone(msecs)
