"""What the map's URL scheme serves: the page, its assets and the basemaps' tiles.

The app's map page is not written to a file: a Qt URL scheme handler (``sitrep-map:``,
in :mod:`sitrep.ui.map_scheme`) answers every request of the page from memory or from
the package's own files, so nothing is left in the temp folder, no local web server
listens, and nothing can come from the network. This module is the Qt-free half: the
URL layout and the answer to each path, so it is tested without a web engine.

URLs look like ``sitrep-map://<host>/<path>``; each map view has its own host, so two
views (or a test's pages) never see each other's page or basemaps.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sitrep.mapping import assets
from sitrep.places.tiles import BasemapError, Tileset

log = logging.getLogger(__name__)

SCHEME = "sitrep-map"
PAGE_PATH = "page/map.html"
QWEBCHANNEL_PATH = "qt/qwebchannel.js"  # answered by the Qt side from its resources
_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".html": "text/html",
}


def base_url(host: str) -> str:
    return f"{SCHEME}://{host}/"


def asset_url(host: str, asset: assets.Asset) -> str:
    """Assets are served from their own folder, so a stylesheet's relative images work."""
    return f"{base_url(host)}assets/{asset.name}/{asset.path.name}"


def tile_url(host: str, index: int) -> str:
    """Leaflet's URL template for the ``index``-th basemap of the page."""
    return f"{base_url(host)}tiles/{index}/{{z}}/{{x}}/{{y}}"


@dataclass(frozen=True)
class Reply:
    mime: str
    body: bytes


@dataclass
class MapContent:
    """Everything one map view serves. Counters say what the page asked for (tests)."""

    host: str
    page_html: str = ""
    tilesets: list[Tileset] = field(default_factory=list)
    requests: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def set_tilesets(self, tilesets: list[Tileset]) -> None:
        with self._lock:
            old, self.tilesets = self.tilesets, tilesets
        for t in old:
            if t not in tilesets:
                t.close()

    def close(self) -> None:
        self.set_tilesets([])

    def answer(self, path: str) -> Reply | None:
        """The reply for ``path`` (no leading slash), None for "not found"."""
        path = path.lstrip("/")
        if path == PAGE_PATH:
            self.requests["page"] += 1
            return Reply("text/html", self.page_html.encode("utf-8"))
        if path.startswith("assets/"):
            self.requests["asset"] += 1
            return _asset(path.removeprefix("assets/"))
        if path.startswith("tiles/"):
            return self._tile(path.removeprefix("tiles/"))
        return None

    def _tile(self, rest: str) -> Reply | None:
        try:
            index, z, x, y = (int(p) for p in rest.split("/"))
        except ValueError:
            return None
        with self._lock:
            tileset = self.tilesets[index] if 0 <= index < len(self.tilesets) else None
        if tileset is None:
            return None
        self.requests["tile"] += 1
        try:
            data = tileset.tile(z, x, y)
        except BasemapError as exc:
            log.warning("%s", exc)
            return None
        if data is None:
            self.requests["tile-missing"] += 1
            return None
        return Reply(tileset.info.mime, data)


def _asset_folders() -> dict[str, Path]:
    every = [*assets.scripts(), *assets.stylesheets(), *assets.optional_scripts()]
    return {a.name: a.path.parent for a in every}


def _asset(rest: str) -> Reply | None:
    name, _, relative = rest.partition("/")
    folder = _asset_folders().get(name)
    if folder is None or not relative:
        return None
    target = (folder / relative).resolve()
    if not target.is_relative_to(folder.resolve()) or not target.is_file():
        return None  # no way out of the asset's own folder
    mime = _TYPES.get(target.suffix.lower(), "application/octet-stream")
    return Reply(mime, target.read_bytes())
