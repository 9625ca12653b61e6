"""Leaflet and Leaflet.markercluster from the XStatic pip packages.

Nothing is fetched from a CDN: ``pip install`` alone gives a working offline map, and
packagers bundle the package data. The page links the files (``file://``) inside the
app, and inlines them for an exported HTML map that must open anywhere.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_markercluster

from sitrep.paths import resource


@dataclass(frozen=True)
class Asset:
    name: str
    path: Path

    @property
    def url(self) -> str:
        return self.path.resolve().as_uri()


def _file(base: str, name: str) -> Path:
    path = Path(base) / name
    if not path.is_file():
        raise FileNotFoundError(f"map asset missing from its package: {path}")
    return path


def scripts() -> list[Asset]:
    """JavaScript in load order (Leaflet before its plugins, our code last)."""
    return [
        Asset("leaflet", _file(xs_leaflet.BASE_DIR, "leaflet.js")),
        Asset("markercluster", _file(xs_markercluster.BASE_DIR, "leaflet.markercluster.js")),
        Asset("sitrep_basemaps", resource("map", "sitrep_basemaps.js")),
        Asset("sitrep_map", resource("map", "sitrep_map.js")),
    ]


def vector_tiles_script() -> Asset:
    """protomaps-leaflet (BSD-3-Clause, vendored from npm with its licence): draws vector
    tiles on canvas inside Leaflet. Loaded only by pages that show a vector basemap."""
    return Asset(
        "protomaps_leaflet", resource("map", "vendor", "protomaps-leaflet", "protomaps-leaflet.js")
    )


def optional_scripts() -> list[Asset]:
    return [vector_tiles_script()]


def stylesheets() -> list[Asset]:
    return [
        Asset("leaflet_css", _file(xs_leaflet.BASE_DIR, "leaflet.css")),
        Asset("markercluster_css", _file(xs_markercluster.BASE_DIR, "MarkerCluster.css")),
        Asset(
            "markercluster_default_css",
            _file(xs_markercluster.BASE_DIR, "MarkerCluster.Default.css"),
        ),
        Asset("sitrep_map_css", resource("map", "sitrep_map.css")),
    ]


_CSS_URL = re.compile(r"url\((['\"]?)(?!data:)([^'\")]+)\1\)")


def inline_css(asset: Asset) -> str:
    """The stylesheet with the images it refers to embedded as data: URLs."""
    text = asset.path.read_text(encoding="utf-8")

    def embed(match: re.Match[str]) -> str:
        target = asset.path.parent / match.group(2)
        if not target.is_file():
            return match.group(0)
        data = base64.b64encode(target.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return _CSS_URL.sub(embed, text).replace("</", "<\\/")


def inline_js(asset: Asset) -> str:
    """Script text safe to place inside ``<script>`` (no closing tag can appear)."""
    text = asset.path.read_text(encoding="utf-8")
    return text.replace("</script", "<\\/script").replace("<!--", "<\\!--")
