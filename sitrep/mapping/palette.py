"""Colours of event types, shared by the map legend, the markers and the timeline.

ACLED's six types get fixed, distinguishable colours (colour-blind safe where six hues
allow); any other type a project adds gets a stable colour derived from its name.
"""

from __future__ import annotations

import zlib

TYPE_COLOURS: dict[str, str] = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#7b3294",
    "Protests": "#1f77b4",
    "Riots": "#e7298a",
    "Strategic developments": "#5f6b73",
}

_EXTRA = ("#1b9e77", "#a6761d", "#66a61e", "#e6ab02", "#17becf", "#8c564b", "#bcbd22")


def type_colour(event_type: str) -> str:
    """The colour of ``event_type`` (the same in every view and every run)."""
    known = TYPE_COLOURS.get(event_type)
    if known is not None:
        return known
    return _EXTRA[zlib.crc32(event_type.encode("utf-8")) % len(_EXTRA)]
