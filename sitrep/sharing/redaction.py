"""Removing sensitive content from incidents before they leave the organisation.

An incident lists which of its fields are sensitive (``sensitive_fields``). When a
project is exported below the *internal* level those fields are withheld, and names
of staff who entered data are dropped. What was withheld is said in the record, so a
reader knows something is missing rather than thinking nothing was there.
"""

from __future__ import annotations

from typing import Any

from sitrep.model.enums import LocationPrecision, Sensitivity

WITHHELD = "[withheld]"


def needs_redaction(level: Sensitivity) -> bool:
    return level.rank < Sensitivity.INTERNAL.rank


def redact_document(doc: dict[str, Any]) -> bool:
    """Redact an incident document in place; True if anything was withheld."""
    inc = doc["incident"]
    fields = set(inc.get("sensitive_fields") or [])
    changed = False
    inc["author"] = ""
    if fields & {"narrative", "victim_names"} and inc.get("narrative"):
        inc["narrative"] = (
            f"{WITHHELD} The narrative of this incident contains sensitive details and was "
            "removed from this shared copy."
        )
        changed = True
    if inc.get("victim_names"):  # names of victims never travel below internal
        inc["victim_names"] = WITHHELD
        changed = True
    if "victim_names" in fields:
        for row in doc["casualty"]:
            if row.get("note"):
                row["note"] = WITHHELD
                changed = True
    if "source_names" in fields:
        for row in doc["source"]:
            kind = row.get("source_type")
            kind_text = getattr(kind, "value", kind) or "source"
            row["name"] = f"{WITHHELD} ({kind_text})"
            row["excerpt"] = ""
            row["url"] = ""
            changed = True
    if "source_contacts" in fields:
        for row in doc["source"]:
            if row.get("url"):
                row["url"] = ""
                changed = True
    if "exact_location" in fields and inc.get("lat") is not None:
        inc["lat"] = round(inc["lat"], 1)
        inc["lon"] = round(inc["lon"], 1)
        inc["admin4_id"] = None
        inc["place_id"] = None
        precision = int(inc.get("location_precision") or 1)
        inc["location_precision"] = LocationPrecision(max(precision, LocationPrecision.NEAR))
        changed = True
    # attachments are photos and documents: never in a redacted copy
    if doc["attachment"]:
        doc["attachment"] = []
        changed = True
    return changed
