"""The map page: a folium map whose assets are local files, driven by ``sitrep_map.js``.

folium builds the HTML skeleton, the Leaflet map object and (when the user allows it)
the OpenStreetMap tile layer with its attribution. folium's CDN lists are replaced by
the XStatic files (:mod:`sitrep.mapping.assets`). Our data goes in as JSON escaped for
``<script>`` (:func:`~sitrep.mapping.safejson.script_json`) and the page script renders
every text with ``textContent``; folium's own popups (which do not escape) are not used.

Two kinds of page: the app's (data arrives per viewport over QWebChannel) and the
exported one (every point embedded, assets inlined: one file that opens anywhere).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, MacroElement
from jinja2 import Template
from sqlalchemy.orm import Session

from sitrep.mapping import assets, serving
from sitrep.mapping.basemap import boundary_layers, countries_json
from sitrep.mapping.basemap_layers import embedded_entry
from sitrep.mapping.data import (
    incident_points,
    initial_bounds,
    legend_types,
    located_summary,
    redacted_points,
)
from sitrep.mapping.labels import export_labels
from sitrep.mapping.safejson import script_json
from sitrep.model.enums import Sensitivity
from sitrep.places.basemaps import close_all, open_basemaps
from sitrep.sharing.redaction import leaving_filter, needs_redaction
from sitrep.store.queries import IncidentFilter

QWEBCHANNEL_JS = "qrc:///qtwebchannel/qwebchannel.js"
MAX_ZOOM = 18
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
DEFAULT_BOUNDS = (92.0, 9.5, 101.5, 28.6)  # Myanmar, when a project has no located data


@dataclass
class PageContent:
    """Everything a map page shows besides the incident data itself."""

    legend: list[dict[str, str]]
    boundaries: list[dict[str, Any]] = field(default_factory=list)
    bounds: tuple[float, float, float, float] | None = None
    points: list[dict[str, Any]] | None = None  # embedded data (exported page only)
    title: str = ""
    subtitle: str = ""
    without_coordinates: int = 0
    basemaps: list[dict[str, Any]] = field(default_factory=list)  # basemap_layers entries
    labels: list[dict[str, Any]] = field(default_factory=list)  # exported page only


class _SitrepMap(folium.Map):
    """A folium map with our asset lists instead of folium's CDN ones."""

    def __init__(self, scripts: list[tuple[str, str]], styles: list[tuple[str, str]], **kw: Any):
        super().__init__(**kw)
        self.default_js = scripts
        self.default_css = styles


class _Setup(MacroElement):
    """Hands the map and our configuration to ``SitrepMap.init`` once the map exists."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        SitrepMap.init({{ this._parent.get_name() }}, {{ this.config }});
        {% endmacro %}
        """
    )

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # folium is untyped
        self._name = "SitrepSetup"
        # the basemap is the same on every page: serialised once per process
        text = script_json({**config, "countries": None})
        self.config = text.replace('"countries":null', f'"countries":{countries_json()}', 1)


def build_page(
    content: PageContent,
    *,
    bridge: bool = False,
    inline: bool = False,
    online_tiles: bool = False,
    host: str | None = None,
) -> str:
    """The HTML of a map page.

    ``bridge``: the app's page, which asks for its data over QWebChannel.
    ``inline``: assets embedded (an exported file); otherwise linked: through the app's
    ``sitrep-map:`` scheme when ``host`` is given (:mod:`sitrep.mapping.serving`), else
    as ``file://``.
    ``online_tiles``: OpenStreetMap tiles (network) under the offline background.
    """
    scripts = assets.scripts()
    if any(b.get("vector") for b in content.basemaps):
        scripts.insert(-2, assets.vector_tiles_script())  # after Leaflet, before our code
    styles = assets.stylesheets()
    if inline:
        js_links: list[tuple[str, str]] = []
        css_links: list[tuple[str, str]] = []
    elif host is not None:
        js_links = [(a.name, serving.asset_url(host, a)) for a in scripts]
        css_links = [(a.name, serving.asset_url(host, a)) for a in styles]
    else:
        js_links = [(a.name, a.url) for a in scripts]
        css_links = [(a.name, a.url) for a in styles]
    if bridge:
        channel = (
            QWEBCHANNEL_JS if host is None else serving.base_url(host) + serving.QWEBCHANNEL_PATH
        )
        js_links.insert(0, ("qwebchannel", channel))
    bounds = content.bounds or DEFAULT_BOUNDS
    west, south, east, north = bounds
    fmap = _SitrepMap(
        js_links,
        css_links,
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=5,
        tiles=None,
        max_zoom=MAX_ZOOM,
        maxZoom=MAX_ZOOM,
        control_scale=True,
        prefer_canvas=False,
    )
    if online_tiles:
        folium.TileLayer(
            "OpenStreetMap", attr=OSM_ATTRIBUTION, max_zoom=MAX_ZOOM, name="OpenStreetMap"
        ).add_to(fmap)
    figure: Any = fmap.get_root()  # a branca Figure (typed as Element)
    title = content.title or "Sitrep map"
    figure.header.add_child(Element(f"<title>{html.escape(title)}</title>"), name="title")
    if inline:
        for i, css in enumerate(styles):
            figure.header.add_child(
                Element(f"<style>{assets.inline_css(css)}</style>"), name=f"inline_css_{i}"
            )
        for i, js in enumerate(scripts):
            figure.header.add_child(
                Element(f"<script>{assets.inline_js(js)}</script>"), name=f"inline_js_{i}"
            )
    config = {
        "mode": "bridge" if bridge else "static",
        "countries": None,  # filled in by _Setup
        "boundaries": content.boundaries,
        "legend": content.legend,
        "bounds": [west, south, east, north],
        "fit": content.bounds is not None,
        "points": content.points if content.points is not None else [],
        "onlineTiles": online_tiles,
        "title": content.title,
        "subtitle": content.subtitle,
        "withoutCoordinates": content.without_coordinates,
        "basemaps": content.basemaps,
        "labels": content.labels,
    }
    fmap.add_child(_Setup(config))
    return str(figure.render())


def app_page(
    session: Session,
    *,
    online_tiles: bool = False,
    host: str | None = None,
    basemaps: list[dict[str, Any]] | None = None,
) -> str:
    """The in-app page (data per viewport over QWebChannel; assets and basemap tiles
    served by the app's scheme under ``host``)."""
    content = PageContent(
        legend=legend_types(session),
        boundaries=boundary_layers(session),
        bounds=initial_bounds(session),
        basemaps=basemaps or [],
    )
    return build_page(content, bridge=True, online_tiles=online_tiles, host=host)


def describe_filter(flt: IncidentFilter) -> str:
    parts = []
    if flt.region is not None:
        parts.append(flt.region.name)
    if flt.date_from or flt.date_to:
        start = flt.date_from.isoformat() if flt.date_from else "start"
        end = flt.date_to.isoformat() if flt.date_to else "today"
        parts.append(f"{start} to {end}")
    if flt.event_types or flt.sub_event_types:
        parts.append(", ".join((*flt.event_types, *flt.sub_event_types)))
    if flt.text.strip():
        parts.append(f"“{flt.text.strip()}”")
    return " · ".join(parts) or "All incidents"


def export_page(
    session: Session,
    flt: IncidentFilter,
    *,
    title: str = "",
    online_tiles: bool = False,
    level: Sensitivity = Sensitivity.INTERNAL,
    project_dir: Path | None = None,
    notes: list[str] | None = None,
) -> str:
    """A self-contained HTML map of the filtered incidents up to ``level`` (every asset
    inlined); below *internal*, the redaction policy applies to every point and popup.

    The project's first basemap that opens is embedded for the map's extent (see
    :func:`~sitrep.mapping.basemap_layers.embedded_entry`); what went in, or why not,
    is appended to ``notes``."""
    flt = leaving_filter(flt, level)
    summary = located_summary(session, flt)
    made = dt.date.today().isoformat()
    if needs_redaction(level):
        points = redacted_points(session, flt, level)
        lons = [p["geometry"]["coordinates"][0] for p in points]
        lats = [p["geometry"]["coordinates"][1] for p in points]
        bounds = (min(lons), min(lats), max(lons), max(lats)) if points else None
    else:
        points, bounds = incident_points(session, flt), summary.bounds
    content = PageContent(
        legend=legend_types(session),
        boundaries=boundary_layers(session),
        bounds=bounds,
        points=points,
        title=title or "Incidents",
        subtitle=f"{describe_filter(flt)} — {summary.with_coordinates} mapped"
        + (
            f", {summary.without_coordinates} without coordinates"
            if summary.without_coordinates
            else ""
        )
        + f" — made {made}",
        without_coordinates=summary.without_coordinates,
        basemaps=_embedded_basemap(session, bounds or DEFAULT_BOUNDS, project_dir, notes),
        labels=export_labels(
            session, bounds or DEFAULT_BOUNDS, project_places=not needs_redaction(level)
        ),
    )
    return build_page(content, inline=True, online_tiles=online_tiles)


def _embedded_basemap(
    session: Session,
    bounds: tuple[float, float, float, float],
    project_dir: Path | None,
    notes: list[str] | None,
) -> list[dict[str, Any]]:
    opened, problems = open_basemaps(session, project_dir)
    said = notes if notes is not None else []
    said.extend(problems)
    try:
        for o in opened:  # the first that yields tiles: the one the app shows first
            entry, note = embedded_entry(o, bounds)
            said.append(note)
            if entry is not None:
                return [entry]
        return []
    finally:
        close_all(opened)
