"""The crash dialog: an unexpected exception is logged and shown, and the app goes on.

Saved data is never at risk here (every save is its own committed transaction) and an
open form's draft is already on disk; the dialog says so and names the log file, so
the user can send it to whoever supports them.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from sitrep.errors import SitrepError

log = logging.getLogger(__name__)

ShowCrash = Callable[[str, str], None]  # (message, details)


def crash_message(log_path: Path | None) -> str:
    where = f"The details were written to:\n{log_path}" if log_path else ""
    return (
        "Sitrep ran into an unexpected problem.\n\n"
        "Incidents you saved are safe in the project. An incident form you had open "
        "was autosaved as a draft and will be offered back if needed.\n\n"
        f"{where}\n\nPlease send that file to your support contact."
    )


def show_crash_dialog(message: str, details: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, "Sitrep: unexpected problem", message)
    box.setDetailedText(details)
    box.exec()


class CrashHandler:
    """Installed as ``sys.excepthook``; user errors that escape get a plain dialog."""

    def __init__(
        self,
        log_path: Path | None,
        show: ShowCrash = show_crash_dialog,
        show_user_error: Callable[[SitrepError], None] | None = None,
    ) -> None:
        self.log_path = log_path
        self.show = show
        self.show_user_error = show_user_error
        self._previous = sys.excepthook
        self._busy = False

    def install(self) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self.handle

    def uninstall(self) -> None:
        sys.excepthook = self._previous

    def handle(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if isinstance(exc, SitrepError) and self.show_user_error is not None:
            log.info("user error: %s", exc)
            self.show_user_error(exc)
            return
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous(exc_type, exc, tb)
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.critical("unexpected exception\n%s", details)
        for handler in logging.getLogger().handlers:
            handler.flush()
        if self._busy:  # an error while showing the dialog: do not loop
            return
        self._busy = True
        try:
            self.show(crash_message(self.log_path), details)
        finally:
            self._busy = False


# how windows and forms are told to show an error: ``show_error`` in the app, a recorder
# in tests (one definition for the app, the main window and the incident form)
ReportError = Callable[[QWidget | None, BaseException], None]


def show_error(parent: QWidget | None, error: BaseException) -> None:
    """A plain-language dialog for an error the user can fix."""
    QMessageBox.warning(parent, "Sitrep", str(error))
