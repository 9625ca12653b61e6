"""Names on the report's map: town labels where they cover nothing else, and the
report's subject moved to where it hides the fewest incidents (for
:mod:`sitrep.reporting.staticmap`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg", force=False)

from matplotlib import patheffects
from matplotlib.transforms import Bbox
from shapely.geometry.base import BaseGeometry

from sitrep.reporting.charts import DPI

if TYPE_CHECKING:
    from sitrep.reporting.staticmap import MapArea, MapLabel, MapPoint

HALO = [patheffects.withStroke(linewidth=2, foreground="white")]  # text legible on any fill
MAX_TOWN_LABELS = 24


def _short(name: str) -> str:
    """``Hpakant Town`` -> ``Hpakant`` (MIMU's town list names every town so)."""
    return name[: -len(" Town")] if name.endswith(" Town") and len(name) > 5 else name


def draw_town_labels(
    ax: Any,
    labels: Sequence[MapLabel],
    points: Sequence[MapPoint],
    extent: tuple[float, float, float, float],
    obstacles: list[Any],
    renderer: Any,
    focus: BaseGeometry | None = None,
) -> list[tuple[str, Any]]:
    """Town labels, busiest towns first, each placed right or left of its town only
    where it overlaps no other label, the subject's name, the legend, the locator,
    the scale bar or the north arrow (measured in the rendered figure, not guessed)."""
    west, south, east, north = extent
    frame = ax.get_window_extent(renderer)

    def nearby(label: MapLabel) -> int:
        return sum(1 for p in points if abs(p.lon - label.lon) + abs(p.lat - label.lat) < 0.15)

    inside = [lb for lb in labels if west < lb.lon < east and south < lb.lat < north]
    if focus is not None:
        from shapely.geometry import Point

        in_focus = {id(lb) for lb in inside if focus.contains(Point(lb.lon, lb.lat))}
        # outside the region, only towns with incidents near them are worth a label
        inside = [lb for lb in inside if id(lb) in in_focus or nearby(lb)]
    else:
        in_focus = {id(lb) for lb in inside}
    ranked = sorted(inside, key=lambda lb: (-nearby(lb), id(lb) not in in_focus, lb.name))[
        : MAX_TOWN_LABELS * 6
    ]
    placed = list(obstacles)
    # incident dots: a label avoids them where it can, and covers one only if it must
    dots = []
    if len(points) <= 3000:
        xy = ax.transData.transform([(p.lon, p.lat) for p in points]) if points else []
        for (x, y), p in zip(xy, points, strict=False):
            r = math.sqrt(16 + 22 * math.sqrt(p.killed)) / 2 * DPI / 72
            dots.append(Bbox.from_extents(x - r, y - r, x + r, y + r))
    drawn: list[tuple[str, Any]] = []
    for label in ranked:
        if len(drawn) >= MAX_TOWN_LABELS:
            break
        mx, my = ax.transData.transform((label.lon, label.lat))
        marker = Bbox.from_extents(mx - 8, my - 8, mx + 8, my + 8)
        if any(marker.overlaps(other) for other in placed):
            continue  # the town itself sits under the legend, the scale bar or a label
        sides = ((3.5, "left", True), (-3.5, "right", True), (3.5, "left", False))
        for dx, ha, strict in sides:
            text = ax.annotate(
                _short(label.name),
                (label.lon, label.lat),
                xytext=(dx, 0),
                textcoords="offset points",
                fontsize=6.0,
                color="#262626",
                path_effects=HALO,
                ha=ha,
                va="center",
                zorder=7,
            )
            box_ = text.get_window_extent(renderer).expanded(1.06, 1.15)
            fits = (
                box_.x0 >= frame.x0
                and box_.x1 <= frame.x1
                and box_.y0 >= frame.y0
                and box_.y1 <= frame.y1
            )
            clear = not any(box_.overlaps(other) for other in placed)
            if clear and strict:
                clear = not any(box_.overlaps(dot) for dot in dots)
            if fits and clear:
                placed.append(box_)
                ax.plot(label.lon, label.lat, marker="s", ms=2.4, color="#404040", zorder=6)
                drawn.append((label.name, box_))
                break
            text.remove()
    return drawn


def place_subject(
    ax: Any,
    label: Any,
    subject: MapLabel,
    areas: Sequence[MapArea],
    points: Sequence[MapPoint],
    renderer: Any,
    legend: Any,
) -> None:
    """Move the subject's name to where it covers the fewest incidents, inside the
    region (a grid of candidate spots), nearest its centre on a tie."""
    from shapely.geometry import Point
    from shapely.ops import unary_union

    shapes = [a.geometry for a in areas if a.in_region]
    region = unary_union(shapes) if shapes else None
    candidates = [(subject.lon, subject.lat)]
    if region is not None:
        w, s_, e, n = region.bounds
        for i in range(1, 8):
            for j in range(1, 8):
                lon, lat = w + (e - w) * i / 8, s_ + (n - s_) * j / 8
                if region.contains(Point(lon, lat)):
                    candidates.append((lon, lat))
    dots = ax.transData.transform([(p.lon, p.lat) for p in points]) if points else []
    keep_clear = legend.get_window_extent(renderer)
    frame = ax.get_window_extent(renderer)
    best: tuple[float, float, float, float] | None = None
    for lon, lat in candidates:
        label.set_position((lon, lat))
        box_ = label.get_window_extent(renderer).expanded(1.1, 1.3)
        if box_.overlaps(keep_clear) or box_.x0 < frame.x0 or box_.x1 > frame.x1:
            continue
        covered = sum(1 for x, y in dots if box_.contains(x, y))
        distance = (lon - subject.lon) ** 2 + (lat - subject.lat) ** 2
        if best is None or (covered, distance) < (best[0], best[1]):
            best = (covered, distance, lon, lat)
    if best is not None:
        label.set_position((best[2], best[3]))
    else:
        label.set_position((subject.lon, subject.lat))
