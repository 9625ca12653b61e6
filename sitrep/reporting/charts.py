"""Charts for the report, drawn with matplotlib's Agg backend (no display needed)."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

import matplotlib

matplotlib.use("Agg", force=False)

from matplotlib.figure import Figure

from sitrep.store.queries import PeriodCount

TYPE_COLOURS: dict[str, str] = {
    "Battles": "#B2182B",
    "Explosions/Remote violence": "#E08214",
    "Violence against civilians": "#6A3D9A",
    "Protests": "#2166AC",
    "Riots": "#1B7837",
    "Strategic developments": "#7F7F7F",
}
OTHER_COLOUR = "#A6A6A6"
INK = "#333333"
GRID = "#D9D9D9"
PERIOD_SHADE = "#EAF1F8"
FONT = ["Arial", "Liberation Sans", "Noto Sans", "DejaVu Sans"]
DPI = 200


def colour_for(event_type: str) -> str:
    return TYPE_COLOURS.get(event_type, OTHER_COLOUR)


def type_order(types: set[str] | list[str]) -> list[str]:
    known = [t for t in TYPE_COLOURS if t in types]
    return known + sorted(t for t in types if t not in TYPE_COLOURS)


def style_axes(ax: object) -> None:
    ax.spines[["top", "right", "left"]].set_visible(False)  # type: ignore[attr-defined]
    ax.spines["bottom"].set_color("#999999")  # type: ignore[attr-defined]
    ax.tick_params(colors=INK, labelsize=7, length=0)  # type: ignore[attr-defined]
    ax.yaxis.grid(True, color=GRID, linewidth=0.6)  # type: ignore[attr-defined]
    ax.set_axisbelow(True)  # type: ignore[attr-defined]


def weekly_chart(
    weekly: list[PeriodCount],
    chart_from: dt.date,
    date_from: dt.date,
    date_to: dt.date,
    *,
    width_cm: float = 16.5,
    height_cm: float = 6.2,
) -> bytes:
    """Stacked bars of incidents per week by type; the report period is shaded.

    A last week cut short by the end of the period is drawn hatched and lighter, so a
    three-day week does not read as a drop; tick labels carry the year where it changes.
    """
    weeks: list[dt.date] = []
    week = chart_from
    while week <= date_to:
        weeks.append(week)
        week += dt.timedelta(weeks=1)
    counts: dict[str, dict[dt.date, int]] = defaultdict(dict)
    for row in weekly:
        counts[row.event_type][row.start] = row.incidents
    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
    # fixed margins (a layout engine costs more time than the whole chart)
    fig.subplots_adjust(left=0.075, right=0.99, top=0.93, bottom=0.3)
    ax = fig.add_subplot()
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": FONT}):
        xs = list(range(len(weeks)))
        period_idx = [
            i
            for i, w in enumerate(weeks)
            if w + dt.timedelta(days=6) >= date_from and w <= date_to
        ]
        if period_idx:
            ax.axvspan(
                period_idx[0] - 0.5, period_idx[-1] + 0.5, color=PERIOD_SHADE, zorder=0, lw=0
            )
            ax.text(
                (period_idx[0] + period_idx[-1]) / 2,
                1.0,
                "reporting period",
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=6.5,
                color="#4F6D8F",
            )
        bottom = [0] * len(weeks)
        partial = bool(weeks) and date_to < weeks[-1] + dt.timedelta(days=6)
        for event_type in type_order(set(counts)):
            values = [counts[event_type].get(w, 0) for w in weeks]
            bars = ax.bar(
                xs,
                values,
                bottom=bottom,
                width=0.72,
                color=colour_for(event_type),
                label=event_type,
                zorder=2,
                linewidth=0,
            )
            if partial:
                last = bars[-1]
                last.set_alpha(0.45)
                last.set_hatch("////")
                last.set_edgecolor("white")
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        if partial:
            days = (date_to - weeks[-1]).days + 1
            ax.text(
                xs[-1],
                bottom[-1],
                f"{days} of 7 days",
                ha="center",
                va="bottom",
                fontsize=5.5,
                color=INK,
                zorder=4,
            )
        style_axes(ax)
        step = max(1, len(weeks) // 12)
        ax.set_xticks(xs[::step])
        ticks = weeks[::step]
        ax.set_xticklabels(
            [
                f"{w.day} {w:%b}"
                + (f"\n{w.year}" if i == 0 or w.year != ticks[i - 1].year else "")
                for i, w in enumerate(ticks)
            ],
            fontsize=6.5,
        )
        ax.set_xlim(-0.6, len(weeks) - 0.4)
        ax.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]
        ax.set_ylabel("Incidents per week", fontsize=7, color=INK)
        if counts:
            ax.legend(
                loc="upper center",
                bbox_to_anchor=(0.5, -0.16),
                ncol=min(4, len(counts)),
                fontsize=6.5,
                frameon=False,
                handlelength=1,
                handleheight=1,
            )
        buf = io.BytesIO()
        fig.savefig(
            buf, format="png", dpi=DPI, facecolor="white", pil_kwargs={"compress_level": 3}
        )
    return buf.getvalue()
