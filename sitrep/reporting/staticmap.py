"""The report's map of incidents, rendered offline with matplotlib.

No web engine and no tiles: Natural Earth country outlines (public domain, shipped in
``resources/basemap``), the admin boundaries the project holds (``AdminArea.geometry``
from a boundary pack), the main towns as reference labels, and the incidents as dots
coloured by type and sized by deaths. Works headless, so the command line can build a
report on a server.
"""

from __future__ import annotations

import functools
import io
import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg", force=False)

from matplotlib import patheffects
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon as MplPolygon
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

from sitrep.paths import resource
from sitrep.places.tiles import Tileset
from sitrep.reporting.charts import DPI, FONT, INK, colour_for, type_order
from sitrep.reporting.map_basemap import draw_basemap
from sitrep.reporting.map_labels import HALO, draw_town_labels, place_subject

LAND = "#F4F3EE"
SEA = "#E3ECF3"
REGION_FILL = "#FFFFFF"
BORDER = "#8C8C8C"
ADMIN_LINE = "#B5B5B5"


@dataclass(frozen=True)
class MapPoint:
    lon: float
    lat: float
    event_type: str
    killed: int = 0
    synthetic: bool = False  # demo data: drawn hollow, and the map says so
    context: bool = False  # an earlier incident shown around a flash update's event


@dataclass(frozen=True)
class MapLabel:
    name: str
    lon: float
    lat: float
    weight: int = 0  # population, where known: the larger town is labelled first


@dataclass(frozen=True)
class MapArea:
    """An admin boundary to draw: its level decides the line weight."""

    level: int
    geometry: BaseGeometry
    in_region: bool = False


@functools.cache
def _countries() -> tuple[tuple[str, BaseGeometry], ...]:
    path = resource("basemap", "naturalearth_110m_countries.geojson")
    if not path.exists():
        return ()
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        (str(f["properties"].get("name", "")), shape(f["geometry"])) for f in data["features"]
    )


def parse_geometry(text: str | None) -> BaseGeometry | None:
    if not text:
        return None
    try:
        raw = json.loads(text)
        if raw.get("type") == "Feature":
            raw = raw["geometry"]
        geom = shape(raw)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return None if geom.is_empty else geom


def extent_for(
    points: Sequence[MapPoint],
    areas: Sequence[MapArea],
    labels: Sequence[MapLabel],
    aspect: float,
) -> tuple[float, float, float, float]:
    """West, south, east, north around the region (or the incidents), padded."""
    region = [a.geometry.bounds for a in areas if a.in_region]
    if region:
        west = min(b[0] for b in region)
        south = min(b[1] for b in region)
        east = max(b[2] for b in region)
        north = max(b[3] for b in region)
    else:
        xs = [p.lon for p in points] or [lb.lon for lb in labels]
        ys = [p.lat for p in points] or [lb.lat for lb in labels]
        if not xs:
            return (92.0, 9.5, 101.5, 28.6)  # Myanmar, a sensible default for an empty map
        west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    pad_x = max((east - west) * 0.08, 0.25)
    pad_y = max((north - south) * 0.08, 0.25)
    west, east, south, north = west - pad_x, east + pad_x, south - pad_y, north + pad_y
    # widen one side so the box has the figure's aspect ratio (in projected units)
    mid_lat = (south + north) / 2
    kx = math.cos(math.radians(mid_lat))
    width, height = (east - west) * kx, north - south
    if width / height < aspect:
        grow = (height * aspect / kx - (east - west)) / 2
        west, east = west - grow, east + grow
    else:
        grow = ((east - west) * kx / aspect - height) / 2
        south, north = south - grow, north + grow
    return west, south, east, north


def _patches(geom: BaseGeometry, **kw: Any) -> list[MplPolygon]:
    polys = list(getattr(geom, "geoms", [geom]))
    out: list[MplPolygon] = []
    for poly in polys:
        exterior = getattr(poly, "exterior", None)
        if exterior is None:
            continue
        out.append(MplPolygon(list(exterior.coords), closed=True, **kw))
    return out


def _lines(geom: BaseGeometry) -> Iterable[tuple[list[float], list[float]]]:
    for poly in getattr(geom, "geoms", [geom]):
        rings = [getattr(poly, "exterior", None), *getattr(poly, "interiors", [])]
        for ring in rings:
            if ring is not None:
                xs, ys = ring.xy
                yield list(xs), list(ys)


def _home_country(
    visible: list[tuple[str, BaseGeometry]], points: Sequence[MapPoint]
) -> str | None:
    from shapely.geometry import Point

    if not points:
        return None
    sample = points[:: max(1, len(points) // 200)]
    tally = Counter(
        name for p in sample for name, geom in visible if geom.contains(Point(p.lon, p.lat))
    )
    return tally.most_common(1)[0][0] if tally else None


def _locator(
    fig: Figure,
    home: str,
    extent: tuple[float, float, float, float],
) -> Any:
    """A small inset of the whole country with the mapped area marked (its axes)."""
    country = next((g for n, g in _countries() if n == home), None)
    if country is None:
        return None
    west, south, east, north = extent
    cw, cs, ce, cn = country.bounds
    if (east - west) > 0.6 * (ce - cw):
        return None  # the map already shows most of the country
    pad = 0.6
    frame = box(cw - pad, cs - pad, ce + pad, cn + pad)
    inset = fig.add_axes((0.008, 0.6, 0.16, 0.39))
    inset.set_facecolor(SEA)
    inset.set_xticks([])
    inset.set_yticks([])
    for spine in inset.spines.values():
        spine.set_color("#7F7F7F")
        spine.set_linewidth(0.5)
    patches = []
    for name, geom in _countries():
        if geom.intersects(frame):
            colour = "#D9D9D9" if name == home else LAND
            patches.extend(_patches(geom, facecolor=colour))
    inset.add_collection(
        PatchCollection(patches, match_original=True, edgecolor=BORDER, linewidth=0.3)
    )
    inset.add_patch(
        Rectangle(
            (west, south), east - west, north - south, fill=False, edgecolor="#B2182B", lw=0.9
        )
    )
    inset.set_xlim(cw - pad, ce + pad)
    inset.set_ylim(cs - pad, cn + pad)
    inset.set_aspect(1 / math.cos(math.radians((cs + cn) / 2)))
    inset.set_zorder(11)
    return inset


def _scale_bar_km(span_km: float) -> int:
    for km in (500, 200, 100, 50, 25, 10, 5, 2, 1):
        if km <= span_km / 4:
            return km
    return 1


Extent = tuple[float, float, float, float]  # west, south, east, north


def incident_map(
    points: Sequence[MapPoint],
    areas: Sequence[MapArea] = (),
    labels: Sequence[MapLabel] = (),
    *,
    width_cm: float = 16.5,
    height_cm: float = 11.0,
    title: str = "",
    subject: MapLabel | None = None,
    layout: dict[str, Any] | None = None,
    basemap: Tileset | None = None,
) -> bytes:
    """PNG of the incidents over the region, at print resolution.

    ``subject`` (the report's region or event place) is named in capitals; town labels
    are placed after everything else so none covers the subject, the legend, the
    locator, the scale bar or another label. ``layout``, if given, receives what was
    placed where (for tests). Drawn in layers, bottom first: land and areas, country
    names, incidents, legend, scale bar, locator and north arrow, subject, town labels.
    ``basemap`` (the project's first offline basemap) goes under everything, and the
    land is then not filled so that it shows (:mod:`sitrep.reporting.map_basemap`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    framing = [p for p in points if not p.context] or list(points)
    extent = extent_for(framing, areas, labels, width_cm / height_cm)
    current = [p for p in points if not p.context]
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": FONT}):
        _set_up_axes(ax, extent)
        drawn_base = None
        if basemap is not None:
            width_px = int(width_cm / 2.54 * DPI)
            drawn_base = draw_basemap(ax, basemap, extent, width_px)
        visible = _draw_land_and_areas(ax, areas, extent, under=drawn_base is not None)
        home = _home_country(visible, framing)
        if home is None and subject is not None:  # a nil report: the subject's country
            home = _home_country(visible, [MapPoint(subject.lon, subject.lat, "")])
        texts = _country_names(ax, visible, home, extent)
        _draw_incidents(ax, points)
        legend, demo_banner = _legend(ax, points, labels, extent)
        if demo_banner is not None:
            texts.append(demo_banner)
        scale_text, bar_ends = _scale_bar(ax, extent)
        texts.append(scale_text)
        inset = _locator(fig, home, extent) if home is not None else None
        arrow = _north_arrow(ax, extent)
        renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
        west, south, east, north = extent
        if subject is not None and west < subject.lon < east and south < subject.lat < north:
            label = _subject_label(ax, subject)
            place_subject(ax, label, subject, areas, current, renderer, legend)
            texts.append(label)
        obstacles = _obstacles(ax, renderer, legend, arrow, inset, texts, bar_ends)
        region_shapes = [a.geometry for a in areas if a.in_region]
        focus = None
        if region_shapes:
            from shapely.ops import unary_union

            focus = unary_union(region_shapes)
        drawn = draw_town_labels(ax, labels, current or points, extent, obstacles, renderer, focus)
        if layout is not None:  # what was placed where, for tests
            layout.update(
                labels=drawn,
                obstacles=obstacles,
                texts=[t.get_text() for t in texts],
                basemap=drawn_base,
            )
        if title:
            ax.set_title(title, fontsize=8)
        buf = io.BytesIO()
        fig.savefig(
            buf, format="png", dpi=DPI, facecolor="white", pil_kwargs={"compress_level": 3}
        )
    return buf.getvalue()


def _set_up_axes(ax: Any, extent: Extent) -> None:
    """Sea background, the frame, equal distances at the map's middle latitude."""
    west, south, east, north = extent
    ax.set_facecolor(SEA)
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#7F7F7F")
        spine.set_linewidth(0.6)


def _draw_land_and_areas(
    ax: Any, areas: Sequence[MapArea], extent: Extent, *, under: bool = False
) -> list[tuple[str, BaseGeometry]]:
    """Countries as land, the report's region filled, admin boundaries (coarsest on top);
    returns the countries in view. With a basemap ``under`` them, land and region are
    outlined and lightly tinted instead of filled, so the basemap shows."""
    frame = box(*extent)
    visible = [(name, geom) for name, geom in _countries() if geom.intersects(frame)]
    land: list[MplPolygon] = []
    for _name, geom in visible:
        land.extend(_patches(geom))
    ax.add_collection(
        PatchCollection(
            land, facecolor="none" if under else LAND, edgecolor=BORDER, linewidth=0.8, zorder=1
        )
    )
    region_fill = [p for a in areas if a.in_region for p in _patches(a.geometry)]
    if region_fill:
        ax.add_collection(
            PatchCollection(
                region_fill,
                facecolor=REGION_FILL,
                edgecolor="none",
                alpha=0.3 if under else 1.0,
                zorder=2,
            )
        )
    for area in sorted(areas, key=lambda a: -a.level):
        if not area.geometry.intersects(frame):
            continue
        weight = {0: 1.2, 1: 1.1, 2: 0.6}.get(area.level, 0.35)
        colour = "#6E6E6E" if area.level <= 1 else ADMIN_LINE
        for xs, ys in _lines(area.geometry):
            ax.plot(xs, ys, color=colour, linewidth=weight, zorder=3, solid_joinstyle="round")
    return visible


def _country_names(
    ax: Any, visible: Sequence[tuple[str, BaseGeometry]], home: str | None, extent: Extent
) -> list[Any]:
    """Neighbouring countries named in grey where enough of them shows."""
    frame = box(*extent)
    texts: list[Any] = []
    for name, geom in visible:
        if name == home:
            continue  # the country everything happens in needs no label
        clipped = geom.intersection(frame)
        if clipped.is_empty or clipped.area < frame.area * 0.04:
            continue
        anchor = clipped.representative_point()
        texts.append(
            ax.text(
                anchor.x,
                anchor.y,
                name.upper(),
                fontsize=7,
                color="#9A9A9A",
                ha="center",
                va="center",
                zorder=4,
                fontweight="bold",
            )
        )
    return texts


def _draw_incidents(ax: Any, points: Sequence[MapPoint]) -> None:
    """Earlier incidents as grey rings, the period's as dots by type (synthetic ones
    hollow); dot size grows with deaths."""
    context = [p for p in points if p.context]
    if context:
        ax.scatter(
            [p.lon for p in context],
            [p.lat for p in context],
            s=[10 + 14 * math.sqrt(p.killed) for p in context],
            facecolors="none",
            edgecolors="#7F7F7F",
            linewidths=0.7,
            zorder=5,
        )
    current = [p for p in points if not p.context]
    for event_type in type_order({p.event_type for p in current}):
        for synthetic in (False, True):
            pts = [p for p in current if p.event_type == event_type and p.synthetic is synthetic]
            if not pts:
                continue
            colour = colour_for(event_type)
            ax.scatter(
                [p.lon for p in pts],
                [p.lat for p in pts],
                s=[16 + 22 * math.sqrt(p.killed) for p in pts],
                c="none" if synthetic else colour,
                alpha=0.85,
                edgecolors=colour if synthetic else "white",
                linewidths=0.9 if synthetic else 0.4,
                zorder=5,
            )


def _legend_dot(label: str, face: str, edge: str) -> Line2D:
    return Line2D(
        [],
        [],
        marker="o",
        linestyle="",
        markersize=5,
        markerfacecolor=face,
        markeredgecolor=edge,
        label=label,
    )


def _legend(
    ax: Any, points: Sequence[MapPoint], labels: Sequence[MapLabel], extent: Extent
) -> tuple[Any, Any | None]:
    """The legend (types with counts, synthetic, earlier incidents, towns) and, when
    synthetic incidents are drawn, the DEMO DATA banner."""
    west, south, east, north = extent
    current = [p for p in points if not p.context]
    context = [p for p in points if p.context]
    counts = Counter(p.event_type for p in current)
    handles = [
        _legend_dot(f"{t} ({counts[t]:,})", colour_for(t), "white")
        for t in type_order(set(counts))
    ]
    banner = None
    synthetic_count = sum(1 for p in current if p.synthetic)
    if synthetic_count:
        handles.append(
            _legend_dot(f"Synthetic demo incident ({synthetic_count:,})", "none", "#404040")
        )
        banner = ax.text(
            0.5,
            0.97,
            "DEMO DATA – includes synthetic incidents, not real events",
            transform=ax.transAxes,
            ha="center",
            va="top",
            fontsize=7.5,
            fontweight="bold",
            color="#C00000",
            path_effects=HALO,
            zorder=9,
        )
    if not current:
        handles.append(Line2D([], [], linestyle="", marker="", label="No incidents in the period"))
    if context:
        handles.append(
            _legend_dot(f"Earlier incidents nearby ({len(context):,})", "none", "#7F7F7F")
        )
    if any(west < lb.lon < east and south < lb.lat < north for lb in labels):
        handles.append(
            Line2D([], [], marker="s", linestyle="", markersize=2.5, color="#404040", label="Town")
        )
    legend = ax.legend(
        handles=handles,
        loc="lower left",
        fontsize=6,
        title="Incidents by type (dot size: deaths)",
        title_fontsize=6.2,
        frameon=True,
        framealpha=0.92,
        edgecolor="#BFBFBF",
        borderpad=0.7,
    )
    legend.get_frame().set_linewidth(0.5)
    legend.set_zorder(10)
    return legend, banner


def _scale_bar(ax: Any, extent: Extent) -> tuple[Any, tuple[tuple[float, float], ...]]:
    """A round-number scale bar in the lower right; returns its label and its two ends."""
    west, south, east, north = extent
    km_per_deg = 111.32 * math.cos(math.radians((south + north) / 2))
    km = _scale_bar_km((east - west) * km_per_deg)
    bar = km / km_per_deg
    x0 = east - (east - west) * 0.04 - bar
    y0 = south + (north - south) * 0.04
    ax.plot([x0, x0 + bar], [y0, y0], color=INK, linewidth=1.6, zorder=8)
    text = ax.text(
        x0 + bar / 2,
        y0 + (north - south) * 0.018,
        f"{km} km",
        fontsize=6,
        ha="center",
        va="bottom",
        path_effects=HALO,
        zorder=8,
    )
    return text, ((x0, y0), (x0 + bar, y0))


def _north_arrow(ax: Any, extent: Extent) -> Any:
    west, south, east, north = extent
    nx, ny = east - (east - west) * 0.04, north - (north - south) * 0.1
    return ax.annotate(
        "N",
        xy=(nx, ny + (north - south) * 0.06),
        xytext=(nx, ny),
        ha="center",
        fontsize=7,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": INK, "lw": 0.8},
        zorder=8,
    )


def _subject_label(ax: Any, subject: MapLabel) -> Any:
    """The report's region or place, in capitals (moved clear by ``_place_subject``)."""
    return ax.text(
        subject.lon,
        subject.lat,
        subject.name.upper(),
        fontsize=8.5,
        fontweight="bold",
        color="#1F3B57",
        ha="center",
        va="center",
        path_effects=[patheffects.withStroke(linewidth=2.6, foreground="white")],
        zorder=9,
    )


def _obstacles(
    ax: Any,
    renderer: Any,
    legend: Any,
    arrow: Any,
    inset: Any | None,
    texts: Sequence[Any],
    bar_ends: Sequence[tuple[float, float]],
) -> list[Any]:
    """Display boxes town labels must not cover: legend, north arrow, locator, every text
    already placed and the scale bar itself."""
    obstacles: list[Any] = [legend.get_window_extent(renderer)]
    obstacles.append(arrow.get_window_extent(renderer).expanded(1.6, 1.3))
    if inset is not None:
        obstacles.append(inset.get_window_extent(renderer))
    obstacles.extend(t.get_window_extent(renderer).expanded(1.1, 1.2) for t in texts)
    bar_box = ax.transData.transform(list(bar_ends))
    obstacles.append(
        Bbox.from_extents(
            bar_box[0][0] - 6, bar_box[0][1] - 14, bar_box[1][0] + 6, bar_box[1][1] + 14
        )
    )
    return obstacles
