"""GeoJSON (RFC 7946): point features in, a FeatureCollection out.

Import reads each feature's properties through a column mapping (guessed from the
property names, so Sitrep's own GeoJSON export maps itself) and takes the position
from the Point geometry; any other geometry is reported for that feature.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sitrep.interchange.readers import ReadError, Table, read_text

GEOMETRY_ERROR = "__geometry__"
LAT, LON = "latitude", "longitude"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return "; ".join(value)
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def read_geojson(path: Path) -> Table:
    decoded = read_text(path)
    text, encoding = decoded.text, decoded.encoding
    if decoded.bad:
        raise ReadError(f"{path} cannot be read: {decoded.bad_place(0)}.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(f"{path} is not valid GeoJSON: {exc.msg} at line {exc.lineno}.") from exc
    if not isinstance(data, dict):
        raise ReadError(f"{path} is not a GeoJSON object.")
    if data.get("type") == "Feature":
        features = [data]
    elif data.get("type") == "FeatureCollection" and isinstance(data.get("features"), list):
        features = data["features"]
    else:
        raise ReadError(f"{path} is not a GeoJSON Feature or FeatureCollection.")
    columns: list[str] = []
    seen: set[str] = set()
    rows: list[tuple[int, list[str]]] = []
    dicts: list[dict[str, str]] = []
    for feature in features:
        props = feature.get("properties") or {} if isinstance(feature, dict) else {}
        row = {k: _text(v) for k, v in props.items()}
        geom = feature.get("geometry") if isinstance(feature, dict) else None
        if isinstance(geom, dict) and geom.get("type") == "Point":
            coords = geom.get("coordinates") or []
            if len(coords) >= 2 and all(isinstance(c, int | float) for c in coords[:2]):
                row[LON], row[LAT] = _text(coords[0]), _text(coords[1])
            else:
                row[GEOMETRY_ERROR] = "the Point has no valid coordinates"
        elif geom is None:
            row.setdefault(LAT, "")
            row.setdefault(LON, "")
        else:
            kind = geom.get("type") if isinstance(geom, dict) else type(geom).__name__
            row[GEOMETRY_ERROR] = f"the geometry is a {kind}, not a Point"
        for key in row:
            if key not in seen:
                seen.add(key)
                columns.append(key)
        dicts.append(row)
    for i, row in enumerate(dicts, start=1):
        rows.append((i, [row.get(c, "") for c in columns]))
    return Table(columns, rows, encoding, "", None, str(path))
