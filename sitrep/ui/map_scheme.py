"""The ``sitrep-map:`` URL scheme: the map page, its assets and basemap tiles from memory.

A scheme handler instead of a page file in the temp folder (which stayed behind with
the project's boundaries in it) and instead of a local web server (a port other
programs could reach). The scheme must be registered before the QApplication exists
(:func:`register_scheme`, called by ``make_application`` and the test set-up); each map
view then registers its :class:`~sitrep.mapping.serving.MapContent` under its own host.
"""

from __future__ import annotations

import itertools
import logging
import weakref
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QFile, QIODevice, QObject
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from sitrep.mapping.serving import QWEBCHANNEL_PATH, SCHEME, MapContent, Reply

log = logging.getLogger(__name__)

_hosts = itertools.count(1)


def register_scheme() -> None:
    """Declare ``sitrep-map:`` to Qt WebEngine (once, before the QApplication is made)."""
    if QWebEngineUrlScheme.schemeByName(SCHEME.encode()).name() == SCHEME.encode():
        return
    scheme = QWebEngineUrlScheme(SCHEME.encode())
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    flags = QWebEngineUrlScheme.Flag
    scheme.setFlags(
        flags.SecureScheme | flags.LocalScheme | flags.CorsEnabled | flags.FetchApiAllowed
    )
    QWebEngineUrlScheme.registerScheme(scheme)


def new_host() -> str:
    return f"view{next(_hosts)}"


class MapSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``sitrep-map://<host>/…`` from the content registered for that host."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._contents: weakref.WeakValueDictionary[str, MapContent] = (
            weakref.WeakValueDictionary()
        )
        self.unknown: list[str] = []  # requests no view answers (tests read it)
        self._qwebchannel: bytes | None = None

    def serve(self, content: MapContent) -> None:
        self._contents[content.host] = content

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        content = self._contents.get(url.host())
        path = url.path().lstrip("/")
        reply: Reply | None = None
        if content is not None:
            if path == QWEBCHANNEL_PATH:
                reply = Reply("text/javascript", self._channel_script())
            else:
                reply = content.answer(path)
        if reply is None:
            self.unknown.append(url.toString())
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        buffer = QBuffer(job)
        buffer.setData(QByteArray(reply.body))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(reply.mime.encode(), buffer)

    def _channel_script(self) -> bytes:
        if self._qwebchannel is None:
            f = QFile(":/qtwebchannel/qwebchannel.js")
            f.open(QIODevice.OpenModeFlag.ReadOnly)
            self._qwebchannel = bytes(f.readAll().data())
            f.close()
        return self._qwebchannel


def handler_for(profile: Any) -> MapSchemeHandler:
    """The profile's handler for our scheme, installed on first use."""
    found = profile.urlSchemeHandler(SCHEME.encode())
    if isinstance(found, MapSchemeHandler):
        return found
    handler = MapSchemeHandler(profile)
    profile.installUrlSchemeHandler(SCHEME.encode(), handler)
    return handler
