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
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

from sitrep.paths import resource
from sitrep.reporting.charts import DPI, FONT, INK, colour_for, type_order

LAND = "#F4F3EE"
SEA = "#E3ECF3"
REGION_FILL = "#FFFFFF"
BORDER = "#8C8C8C"
ADMIN_LINE = "#B5B5B5"
HALO = [patheffects.withStroke(linewidth=2, foreground="white")]


@dataclass(frozen=True)
class MapPoint:
    lon: float
    lat: float
    event_type: str
    killed: int = 0
    synthetic: bool = False  # demo data: drawn hollow, and the map says so


@dataclass(frozen=True)
class MapLabel:
    name: str
    lon: float
    lat: float


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
        xs = [p.lon for p in points] + [lb.lon for lb in labels]
        ys = [p.lat for p in points] + [lb.lat for lb in labels]
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


def _draw_labels(
    ax: Any,
    labels: Sequence[MapLabel],
    points: Sequence[MapPoint],
    extent: tuple[float, float, float, float],
    width_cm: float,
    height_cm: float,
) -> None:
    """Town labels, busiest towns first, skipping any that would overlap another."""
    west, south, east, north = extent
    per_pt_x = (east - west) / (width_cm / 2.54 * 72)
    per_pt_y = (north - south) / (height_cm / 2.54 * 72)
    size = 6.0

    def nearby(label: MapLabel) -> int:
        return sum(1 for p in points if abs(p.lon - label.lon) + abs(p.lat - label.lat) < 0.15)

    placed: list[tuple[float, float, float, float]] = []
    inside = [lb for lb in labels if west < lb.lon < east and south < lb.lat < north]
    for label in sorted(inside, key=lambda lb: (-nearby(lb), lb.name)):
        ax.plot(label.lon, label.lat, marker="s", ms=2.4, color="#404040", zorder=6)
        w = len(label.name) * size * 0.55 * per_pt_x
        h = size * 1.2 * per_pt_y
        gap = 3 * per_pt_x
        for x0, ha in ((label.lon + gap, "left"), (label.lon - gap - w, "right")):
            bounds = (x0, label.lat - h / 2, x0 + w, label.lat + h / 2)
            clash = any(
                not (bounds[2] < b[0] or bounds[0] > b[2] or bounds[3] < b[1] or bounds[1] > b[3])
                for b in placed
            )
            if not clash and west < bounds[0] and bounds[2] < east:
                placed.append(bounds)
                ax.text(
                    label.lon + (gap if ha == "left" else -gap),
                    label.lat,
                    label.name,
                    fontsize=size,
                    color="#262626",
                    path_effects=HALO,
                    ha=ha,
                    va="center",
                    zorder=7,
                )
                break


def _locator(
    fig: Figure,
    home: str,
    extent: tuple[float, float, float, float],
) -> None:
    """A small inset of the whole country with the mapped area marked."""
    country = next((g for n, g in _countries() if n == home), None)
    if country is None:
        return
    west, south, east, north = extent
    cw, cs, ce, cn = country.bounds
    if (east - west) > 0.6 * (ce - cw):
        return  # the map already shows most of the country
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


def _scale_bar_km(span_km: float) -> int:
    for km in (500, 200, 100, 50, 25, 10, 5, 2, 1):
        if km <= span_km / 4:
            return km
    return 1


def incident_map(
    points: Sequence[MapPoint],
    areas: Sequence[MapArea] = (),
    labels: Sequence[MapLabel] = (),
    *,
    width_cm: float = 16.5,
    height_cm: float = 11.0,
    title: str = "",
) -> bytes:
    """PNG of the incidents over the region, at print resolution."""
    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    west, south, east, north = extent_for(points, areas, labels, width_cm / height_cm)
    frame = box(west, south, east, north)
    mid_lat = (south + north) / 2
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": FONT}):
        ax.set_facecolor(SEA)
        ax.set_xlim(west, east)
        ax.set_ylim(south, north)
        ax.set_aspect(1 / math.cos(math.radians(mid_lat)))
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_color("#7F7F7F")
            spine.set_linewidth(0.6)
        visible = [(name, geom) for name, geom in _countries() if geom.intersects(frame)]
        land: list[MplPolygon] = []
        for _name, geom in visible:
            land.extend(_patches(geom))
        ax.add_collection(
            PatchCollection(land, facecolor=LAND, edgecolor=BORDER, linewidth=0.8, zorder=1)
        )
        region_fill = [p for a in areas if a.in_region for p in _patches(a.geometry)]
        if region_fill:
            ax.add_collection(
                PatchCollection(region_fill, facecolor=REGION_FILL, edgecolor="none", zorder=2)
            )
        for area in sorted(areas, key=lambda a: -a.level):
            if not area.geometry.intersects(frame):
                continue
            weight = {0: 1.2, 1: 1.1, 2: 0.6}.get(area.level, 0.35)
            colour = "#6E6E6E" if area.level <= 1 else ADMIN_LINE
            for xs, ys in _lines(area.geometry):
                ax.plot(xs, ys, color=colour, linewidth=weight, zorder=3, solid_joinstyle="round")
        home = _home_country(visible, points)
        for name, geom in visible:
            if name == home:
                continue  # the country everything happens in needs no label
            clipped = geom.intersection(frame)
            if clipped.is_empty or clipped.area < frame.area * 0.04:
                continue
            anchor = clipped.representative_point()
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
        _draw_labels(ax, labels, points, (west, south, east, north), width_cm, height_cm)
        counts = Counter(p.event_type for p in points)
        for event_type in type_order(set(counts)):
            for synthetic in (False, True):
                pts = [
                    p for p in points if p.event_type == event_type and p.synthetic is synthetic
                ]
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
        handles = [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markersize=5,
                markerfacecolor=colour_for(t),
                markeredgecolor="white",
                label=f"{t} ({counts[t]:,})",
            )
            for t in type_order(set(counts))
        ]
        handles.append(
            Line2D([], [], marker="s", linestyle="", markersize=2.5, color="#404040", label="Town")
        )
        synthetic_count = sum(1 for p in points if p.synthetic)
        if synthetic_count:
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="",
                    markersize=5,
                    markerfacecolor="none",
                    markeredgecolor="#404040",
                    label=f"Synthetic demo incident ({synthetic_count:,})",
                )
            )
            ax.text(
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
        # scale bar and north arrow
        km_per_deg = 111.32 * math.cos(math.radians(mid_lat))
        span_km = (east - west) * km_per_deg
        km = _scale_bar_km(span_km)
        bar = km / km_per_deg
        x0 = east - (east - west) * 0.04 - bar
        y0 = south + (north - south) * 0.04
        ax.plot([x0, x0 + bar], [y0, y0], color=INK, linewidth=1.6, zorder=8)
        ax.text(
            x0 + bar / 2,
            y0 + (north - south) * 0.018,
            f"{km} km",
            fontsize=6,
            ha="center",
            va="bottom",
            path_effects=HALO,
            zorder=8,
        )
        if home is not None:
            _locator(fig, home, (west, south, east, north))
        nx, ny = east - (east - west) * 0.04, north - (north - south) * 0.1
        ax.annotate(
            "N",
            xy=(nx, ny + (north - south) * 0.06),
            xytext=(nx, ny),
            ha="center",
            fontsize=7,
            fontweight="bold",
            arrowprops={"arrowstyle": "-|>", "color": INK, "lw": 0.8},
            zorder=8,
        )
        if title:
            ax.set_title(title, fontsize=8)
        buf = io.BytesIO()
        fig.savefig(
            buf, format="png", dpi=DPI, facecolor="white", pil_kwargs={"compress_level": 3}
        )
    return buf.getvalue()
