"""The three-way rules of a merge, field by field, for one incident document.

Given our document, theirs and the *base* (what they held after the last exchange
with us, as per-field hashes with the paths they only ever saw withheld):

- a field only they changed takes their value; one only we changed keeps ours; a field
  both changed is a conflict (ours stays, theirs is stored for the user);
- a field withheld in what they received never takes their value: if they edited it
  anyway, that is a conflict for the user, never an overwrite; a ``[withheld]`` marker
  or a value their own export generalised is never taken at all;
- child rows (sources, casualties, actors, external ids, attachments) they added are
  added (a union); rows they removed are conflicts, never deletions; rows we removed
  stay removed unless they changed them meanwhile (a conflict);
- lowering an incident's sensitivity or unmarking a sensitive field is never taken
  silently: it is a conflict.
Without a base (a file from before per-exchange bases, or from someone we never
exchanged with) every differing field is a conflict and rows only they have are added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sitrep.model.enums import Sensitivity
from sitrep.sharing.documents import CHILDREN, content, value_hash
from sitrep.sharing.redaction import WITHHELD, row_key
from sitrep.store.audit import jsonable

MATCH_BY_CONTENT = ("source", "casualty", "attachment")


@dataclass
class Item:
    """One conflict: what differs, ours and theirs (JSON values)."""

    unit: str  # "incident" or a child table
    key: str  # the child row's key ("" for the incident)
    field: str | None  # None: the whole row
    kind: str  # "changed", "withheld", "removed" (by them), "changed a row we removed"
    ours: Any
    theirs: Any

    def as_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "key": self.key,
            "field": self.field,
            "kind": self.kind,
            "ours": self.ours,
            "theirs": self.theirs,
        }

    def describe(self) -> str:
        where = self.unit if not self.key else f"{self.unit} {self.key[:8]}"
        if self.kind == "removed":
            return f"they removed a {self.unit} row"
        if self.kind == "changed a row we removed":
            return f"they changed a {self.unit} row we removed"
        what = f"{where}.{self.field}" if self.field else where
        if self.kind == "withheld":
            return f"{what}: they edited a field their copy only had withheld"
        return f"{what}: both changed it"


@dataclass
class Plan:
    incident: dict[str, Any] = field(default_factory=dict)  # field -> their value
    rows: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    add: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    conflicts: list[Item] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return bool(self.incident or self.rows or self.add)


def _is_marker(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(WITHHELD)


def _lowers_protection(name: str, ours: Any, theirs: Any) -> bool:
    if name == "sensitivity":
        try:
            return Sensitivity(jsonable(theirs)).rank < Sensitivity(jsonable(ours)).rank
        except ValueError:
            return True
    if name == "sensitive_fields":
        return not set(theirs or []) >= set(ours or [])
    return False


class _Decider:
    def __init__(self, base: dict[str, Any] | None, their_withheld: set[str]) -> None:
        self.base = base
        self.base_withheld = set(base.get("withheld", [])) if base else set()
        self.from_us = set(base.get("withheld_from_us", [])) if base else set()
        self.their_withheld = their_withheld

    def field(self, path: str, name: str, ours: Any, theirs: Any, base: str | None) -> str:
        """ "keep", "take", "conflict" or "withheld" for one field."""
        h_ours, h_theirs = value_hash(ours), value_hash(theirs)
        if h_ours == h_theirs:
            return "keep"
        if path in self.their_withheld or (_is_marker(theirs) and not _is_marker(ours)):
            return "keep"  # their own redaction, not a change
        if base is not None and h_theirs == base:
            return "keep"  # they did not change it
        if path in self.base_withheld:
            return "withheld"
        if path in self.from_us and base is not None and h_ours == base:
            return "take"  # they now share what their earlier copy withheld from us
        if base is not None and h_ours == base:
            return "conflict" if _lowers_protection(name, ours, theirs) else "take"
        return "conflict"


def plan_merge(
    ours: dict[str, Any],
    theirs: dict[str, Any],
    base: dict[str, Any] | None,
    their_withheld: set[str] | None = None,
) -> Plan:
    plan = Plan()
    decide = _Decider(base, set(their_withheld or ()))
    o_inc, t_inc = content(ours["incident"]), content(theirs["incident"])
    b_inc = base["incident"] if base else {}
    for name in sorted(set(o_inc) | set(t_inc)):
        verdict = decide.field(
            f"incident.{name}", name, o_inc.get(name), t_inc.get(name), b_inc.get(name)
        )
        if verdict == "take":
            plan.incident[name] = theirs["incident"].get(name)
        elif verdict in {"conflict", "withheld"}:
            kind = "changed" if verdict == "conflict" else "withheld"
            plan.conflicts.append(
                Item("incident", "", name, kind, o_inc.get(name), t_inc.get(name))
            )
    for name in CHILDREN:
        _plan_rows(plan, decide, name, ours.get(name, []), theirs.get(name, []))
    return plan


def _plan_rows(
    plan: Plan,
    decide: _Decider,
    name: str,
    ours: list[dict[str, Any]],
    theirs: list[dict[str, Any]],
) -> None:
    o_rows = {row_key(name, r): r for r in ours}
    t_rows = {row_key(name, r): r for r in theirs}
    base = decide.base
    b_rows: dict[str, dict[str, str]] | None = base.get(name, {}) if base else None
    if name in MATCH_BY_CONTENT:  # the same row entered independently on both sides
        spare = [k for k in o_rows if k not in t_rows]
        for k in [k for k in t_rows if k not in o_rows and not (b_rows and k in b_rows)]:
            match = next((s for s in spare if content(o_rows[s]) == content(t_rows[k])), None)
            if match is not None:
                spare.remove(match)
                t_rows[match] = t_rows.pop(k)
    never_sent = f"{name}/*" in decide.base_withheld or f"{name}/*" in decide.their_withheld
    for key in sorted(set(o_rows) | set(t_rows)):
        in_o, in_t = key in o_rows, key in t_rows
        in_b = b_rows is not None and key in b_rows
        if f"{name}/{key}" in decide.their_withheld:
            continue  # a stand-in of their own redaction
        if in_t and not in_o:
            row = t_rows[key]
            if not in_b:
                plan.add.append((name, row))
            elif b_rows is not None and _row_hashes(row) != b_rows[key]:
                plan.conflicts.append(
                    Item(name, key, None, "changed a row we removed", None, _json(row))
                )
            continue
        if in_o and not in_t:
            if in_b and not never_sent and f"{name}/{key}" not in decide.base_withheld:
                plan.conflicts.append(Item(name, key, None, "removed", _json(o_rows[key]), None))
            continue
        o_c, t_c = content(o_rows[key]), content(t_rows[key])
        b_c = b_rows[key] if (b_rows is not None and in_b) else {}
        for column in sorted(set(o_c) | set(t_c)):
            verdict = decide.field(
                f"{name}/{key}.{column}",
                column,
                o_c.get(column),
                t_c.get(column),
                b_c.get(column) if b_rows is not None and in_b else None,
            )
            if verdict == "take":
                plan.rows.setdefault((name, key), {})[column] = t_rows[key].get(column)
            elif verdict in {"conflict", "withheld"}:
                kind = "changed" if verdict == "conflict" else "withheld"
                plan.conflicts.append(
                    Item(name, key, column, kind, o_c.get(column), t_c.get(column))
                )


def _row_hashes(row: dict[str, Any]) -> dict[str, str]:
    return {k: value_hash(v) for k, v in content(row).items()}


def _json(row: dict[str, Any]) -> dict[str, Any]:
    return {k: jsonable(v) for k, v in row.items()}


def differs_beyond_withheld(ours_fp: dict[str, Any], base: dict[str, Any]) -> bool:
    """Whether our document differs from a base in anything but what was withheld from it."""
    withheld = set(base.get("withheld", [])) | set(base.get("withheld_from_us", []))

    def covered(path: str) -> bool:
        row = path.split(".", 1)[0]
        return path in withheld or row in withheld or f"{row.split('/', 1)[0]}/*" in withheld

    a, b = ours_fp["incident"], base.get("incident", {})
    if any(a.get(k) != b.get(k) and not covered(f"incident.{k}") for k in set(a) | set(b)):
        return True
    for name in CHILDREN:
        rows_a, rows_b = ours_fp.get(name, {}), base.get(name, {})
        for key in set(rows_a) | set(rows_b):
            ra, rb = rows_a.get(key), rows_b.get(key)
            if ra is None or rb is None:
                if not covered(f"{name}/{key}"):
                    return True
                continue
            for k in set(ra) | set(rb):
                if ra.get(k) != rb.get(k) and not covered(f"{name}/{key}.{k}"):
                    return True
    return False
