"""Logging to a rotating file in the user log folder, Qt's messages included."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

import platformdirs
from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

LOG_NAME = "sitrep.log"
_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def default_log_dir() -> Path:
    return Path(platformdirs.user_log_dir("sitrep", appauthor=False))


def setup_logging(log_dir: Path, *, level: int = logging.INFO) -> Path:
    """Send the app's log to ``log_dir/sitrep.log`` (1 MB × 5 files); return its path."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_NAME
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for existing in root.handlers:  # a terminal keeps showing what it showed before
        if existing.level == logging.NOTSET:
            existing.setLevel(root.level)
    handler.setLevel(level)
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    return path


def _qt_message(msg_type: QtMsgType, context: QMessageLogContext, message: str) -> None:
    logging.getLogger("qt").log(_QT_LEVELS.get(msg_type, logging.WARNING), message)


def route_qt_messages() -> None:
    """Qt's own warnings go to the log file instead of vanishing on Windows."""
    qInstallMessageHandler(_qt_message)
