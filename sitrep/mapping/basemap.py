"""The offline background: shipped country outlines and imported admin boundaries."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sitrep.model import AdminArea
from sitrep.paths import resource

COUNTRIES_FILE = ("basemap", "naturalearth_110m_countries.geojson")


@cache
def _countries_text() -> str:
    return resource(*COUNTRIES_FILE).read_text(encoding="utf-8")


def countries() -> dict[str, Any]:
    """Natural Earth 1:110m countries (public domain), properties ``name`` and ``iso``."""
    data: dict[str, Any] = json.loads(_countries_text())
    return data


@cache
def countries_json() -> str:
    """:func:`countries` as JSON safe inside ``<script>`` (computed once)."""
    from sitrep.mapping.safejson import script_json

    return script_json(countries())


def boundary_layers(session: Session) -> list[dict[str, Any]]:
    """Imported admin boundaries, one GeoJSON FeatureCollection per level (coarse first)."""
    rows = session.execute(
        select(AdminArea.level, AdminArea.name, AdminArea.pcode, AdminArea.geometry)
        .where(AdminArea.geometry.is_not(None))
        .order_by(AdminArea.level, AdminArea.name)
    )
    by_level: dict[int, list[dict[str, Any]]] = {}
    for level, name, pcode, geometry in rows:
        try:
            geom = json.loads(geometry or "")
        except ValueError:
            continue  # a broken geometry is skipped rather than breaking the whole map
        if not isinstance(geom, dict) or "type" not in geom:
            continue
        by_level.setdefault(level, []).append(
            {
                "type": "Feature",
                "geometry": geom,
                "properties": {"name": name, "pcode": pcode or "", "level": level},
            }
        )
    return [
        {"level": level, "data": {"type": "FeatureCollection", "features": feats}}
        for level, feats in sorted(by_level.items())
    ]
