"""Applying the redaction policy (:mod:`sitrep.sharing.policy`) to incident documents.

An incident document is the incident row with its child rows (sources, casualties,
actors, external ids, attachments) as plain dicts. :func:`redact_document` changes it
in place for one level and returns the *paths* of what it withheld, generalised or
dropped; an export records them with what it sent, so a merge can tell a withheld
marker in a colleague's copy from a change they made. What was withheld is said in the
record (``[withheld] …``), so a reader knows something is missing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, select

from sitrep.model import Actor, AdminArea
from sitrep.model.base import utcnow
from sitrep.model.enums import ActorRole, LocationPrecision, Sensitivity
from sitrep.sharing.policy import INTERNAL, Act, rule
from sitrep.store.queries import IncidentFilter

WITHHELD = "[withheld]"

INTER_LABELS = {
    0: "actor",
    1: "state forces",
    2: "rebel group",
    3: "political militia",
    4: "identity militia",
    5: "rioters",
    6: "protesters",
    7: "civilians",
    8: "external forces",
}
VICTIM_ROLES = {ActorRole.TARGET.value}
CIVILIANS = 7
CHILD_TABLES = ("source", "casualty", "incident_actor", "external_id", "attachment")


def needs_redaction(level: Sensitivity) -> bool:
    return level.rank < INTERNAL.rank


def leaving_filter(flt: IncidentFilter, level: Sensitivity) -> IncidentFilter:
    """The filter narrowed to what may leave at ``level`` (never above a stricter ceiling)."""
    ceiling = flt.max_sensitivity
    if ceiling is not None and ceiling.rank < level.rank:
        return flt
    return replace(flt, max_sensitivity=level)


def row_key(name: str, row: Mapping[str, Any]) -> str:
    """A child row's identity within its incident (its id, or what makes it unique)."""
    if name == "incident_actor":
        role = row["role"]
        return f"{row['actor_id']}|{getattr(role, 'value', role)}"
    if name == "external_id":
        return f"{row['scheme']}|{row['value']}"
    return str(row["id"])


@dataclass(frozen=True)
class ActorInfo:
    name: str
    inter_code: int
    country_iso: str


@dataclass
class RedactionContext:
    """What redaction needs beyond the document: area names, actors, and the level."""

    level: Sensitivity
    area_names: Mapping[Any, str] = field(default_factory=dict)
    actors: Mapping[Any, ActorInfo] = field(default_factory=dict)
    # stand-in actors made for victims, by the victim actor's id (one per export)
    placeholders: dict[Any, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: Connection, level: Sensitivity) -> RedactionContext:
        areas = AdminArea.__table__
        actors = Actor.__table__
        return cls(
            level,
            {r.id: r.name for r in conn.execute(select(areas.c.id, areas.c.name))},
            {
                r.id: ActorInfo(r.name, int(r.inter_code or 0), r.country_iso or "")
                for r in conn.execute(
                    select(actors.c.id, actors.c.name, actors.c.inter_code, actors.c.country_iso)
                )
            },
        )

    def placeholder(self, actor_id: Any) -> dict[str, Any]:
        """A '[withheld]' actor of the same kind; a fresh id, so nothing links it back."""
        if actor_id not in self.placeholders:
            info = self.actors.get(actor_id, ActorInfo("", 0, ""))
            now = utcnow()
            self.placeholders[actor_id] = {
                "id": uuid.uuid4(),
                "name": f"{WITHHELD} ({INTER_LABELS.get(info.inter_code, 'actor')}) "
                f"{len(self.placeholders) + 1}",
                "aliases": [],
                "inter_code": info.inter_code,
                "country_iso": "",  # nothing of the victim but the kind of actor
                "parent_id": None,
                "created_at": now,
                "updated_at": now,
                "updated_by": "",
                "version": 1,
            }
        return self.placeholders[actor_id]

    def actor_name(self, actor_id: Any) -> str:
        for stand_in in self.placeholders.values():
            if stand_in["id"] == actor_id:
                return str(stand_in["name"])
        info = self.actors.get(actor_id)
        return info.name if info else ""


def _empty(value: Any) -> Any:
    if isinstance(value, str):
        return ""
    if isinstance(value, list):
        return []
    return None


def _incident_value(column: str, act: Act, inc: dict[str, Any], ctx: RedactionContext) -> Any:
    value = inc.get(column)
    if act is Act.DROP:
        return _empty(value)
    if column == "title":
        return f"{WITHHELD} {inc.get('sub_event_type') or 'incident'}"
    if column == "victim_names":
        return WITHHELD if value else ""  # no names recorded: nothing to withhold
    if column == "narrative":
        return (
            f"{WITHHELD} The narrative of this incident contains sensitive details and was "
            "removed from this shared copy."
        )
    if column in {"lat", "lon"}:
        return None if value is None else round(float(value), 1)
    if column == "location_precision":
        return LocationPrecision(max(int(value or 1), LocationPrecision.NEAR))
    if column == "place_name":
        for key in ("admin3_id", "admin2_id", "admin1_id"):
            name = ctx.area_names.get(inc.get(key))
            if name:
                return f"{name} (exact place withheld)"
        return WITHHELD
    return WITHHELD if isinstance(value, str) else None


def _child_value(
    name: str, column: str, act: Act, row: dict[str, Any], ctx: RedactionContext
) -> Any:
    value = row.get(column)
    if act is Act.DROP:
        return _empty(value)
    if name == "source" and column == "name":
        kind = row.get("source_type")
        return f"{WITHHELD} ({getattr(kind, 'value', kind) or 'source'})"
    if name == "incident_actor" and column == "actor_id":
        role = row.get("role")
        role = getattr(role, "value", role)
        info = ctx.actors.get(value)
        victim = role in VICTIM_ROLES or (info is not None and info.inter_code == CIVILIANS)
        return ctx.placeholder(value)["id"] if victim else value
    if isinstance(value, str):
        return WITHHELD if value else ""
    return None


def redact_document(doc: dict[str, Any], ctx: RedactionContext) -> set[str]:
    """Redact one incident document in place for ``ctx.level``; the paths withheld.

    Paths: ``incident.<column>``, ``<child>/<row key>.<column>``, ``<child>/*`` for a
    child table that does not travel at this level.
    """
    level = ctx.level
    inc = doc["incident"]
    sensitive = frozenset(inc.get("sensitive_fields") or [])
    withheld: set[str] = set()
    for column, col_rule in rule("incident").columns.items():
        act = col_rule.at(level, sensitive)
        if act is Act.KEEP or column not in inc:
            continue
        inc[column] = _incident_value(column, act, inc, ctx)
        withheld.add(f"incident.{column}")
    for name in CHILD_TABLES:
        rows = doc.get(name)
        if rows is None:
            continue
        table_rule = rule(name)
        if not table_rule.travels(level):
            if rows:
                withheld.add(f"{name}/*")
            doc[name] = []
            continue
        for row in rows:
            for column, col_rule in table_rule.columns.items():
                act = col_rule.at(level, sensitive)
                if act is Act.KEEP or column not in row:
                    continue
                before = row[column]
                original_key = row_key(name, row)
                row[column] = _child_value(name, column, act, row, ctx)
                if name == "incident_actor":
                    if row[column] != before:  # the stand-in, and the row it stands for
                        withheld.add(f"{name}/{row_key(name, row)}")
                        withheld.add(f"{name}/{original_key}")
                elif before not in ("", None, []) or row[column] != before:
                    withheld.add(f"{name}/{row_key(name, row)}.{column}")
    return withheld


def redact_row(table: str, row: dict[str, Any], level: Sensitivity) -> dict[str, Any]:
    """A copy of a row with the rules that do not depend on an incident applied
    (staff names, free-text notes); raises for a column the policy does not know."""
    table_rule = rule(table)
    out = dict(row)
    for column in row:
        col_rule = table_rule.columns.get(column)
        if col_rule is None:
            raise KeyError(f"The redaction policy has no rule for {table}.{column}.")
        if col_rule.when:
            continue  # applied per incident by redact_document
        act = col_rule.at(level)
        if act is Act.KEEP:
            continue
        value = row[column]
        out[column] = (
            _empty(value) if act is Act.DROP else (WITHHELD if isinstance(value, str) else None)
        )
    return out
