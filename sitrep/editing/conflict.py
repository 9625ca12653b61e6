"""When two people saved the same incident: the three-way view of a conflicting save.

A save whose ``base_version`` is no longer the incident's version is refused (see
:func:`sitrep.editing.save.save_draft`). Instead of making the user retype their
change, :func:`find_conflict` compares, field by field, the value they started from
(*base*), what they have now (*mine*) and what is stored (*theirs*, with who saved it
and when, from the audit log). A field only one side changed takes that side's
change; a field both changed differently is a conflict the user decides. The result
is a new draft based on the current version, so saving it again is checked again:
a third save in between is caught the same way, and nothing is ever lost silently.

Fields that only make sense together (the dates, the place and its coordinates, the
event and sub-event types) are one unit, so a merge never pairs one person's latitude
with the other's longitude. Actors, casualties, sources and attachments are compared
as whole lists per kind.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sitrep.editing.draft import IncidentDraft, draft_from_dict, draft_from_incident
from sitrep.errors import ConflictError
from sitrep.model import AuditEntry, Incident


@dataclass(frozen=True)
class Unit:
    """Draft attributes compared and merged together, under the name the form uses."""

    key: str
    label: str
    names: tuple[str, ...]


UNITS: tuple[Unit, ...] = (
    Unit("title", "Title", ("title",)),
    Unit("when", "Date and time", ("date_start", "date_end", "time_local", "date_precision")),
    Unit(
        "where",
        "Place and location",
        ("place_id", "place_name", "lat", "lon", "location_precision", "area_id", "country_iso"),
    ),
    Unit("types", "Event type", ("event_type", "sub_event_type", "local_type")),
    Unit("weapons", "Weapons", ("weapons",)),
    Unit("impacts", "Impacts", ("impacts",)),
    Unit("civilian_targeting", "Civilians targeted", ("civilian_targeting",)),
    Unit("verification", "Verification", ("verification",)),
    Unit("sensitivity", "Sensitivity", ("sensitivity", "sensitive_fields")),
    Unit("review_status", "Review status", ("review_status",)),
    Unit("author", "Author", ("author",)),
    Unit("narrative", "Narrative", ("narrative",)),
    Unit("victim_names", "Victims' names", ("victim_names",)),
    Unit("actors", "Actors", ("actors",)),
    Unit("casualties", "Casualties", ("casualties",)),
    Unit("sources", "Sources", ("sources",)),
    Unit("attachments", "Attachments", ("attachments",)),
)


class Change(enum.Enum):
    MINE = "only you changed it"
    THEIRS = "only they changed it"
    SAME = "you both made the same change"
    BOTH = "you both changed it"


class Side(enum.Enum):
    MINE = "mine"
    THEIRS = "theirs"


def _norm_coord(text: str) -> Any:
    try:
        return round(float(text.strip().replace(",", ".")), 6)
    except ValueError:
        return text.strip()


def _comparable(draft: IncidentDraft, unit: Unit) -> Any:
    """The unit's value with spelling differences that mean nothing taken out."""
    out: list[Any] = []
    for name in unit.names:
        value = getattr(draft, name)
        if name in {"lat", "lon"}:
            value = _norm_coord(value)
        elif name == "date_end":
            value = (value or "").strip() or draft.date_start.strip()
        elif name == "attachments":
            value = [(a.sha256 or a.path, a.filename, a.caption) for a in value]
        elif isinstance(value, list):
            value = [asdict(v) if hasattr(v, "__dataclass_fields__") else v for v in value]
        elif isinstance(value, str):
            value = value.strip()
        out.append(value)
    return out


def differs(old: IncidentDraft, new: IncidentDraft) -> bool:
    """Whether saving ``new`` over ``old`` changes anything the user can see."""
    return any(_comparable(old, unit) != _comparable(new, unit) for unit in UNITS)


def describe(draft: IncidentDraft, unit: Unit) -> str:
    """The unit's value as the user reads it in the conflict view."""
    d = draft
    if unit.key == "when":
        end = f" to {d.date_end}" if d.date_end and d.date_end != d.date_start else ""
        time = f" at {d.time_local}" if d.time_local else ""
        return f"{d.date_start}{end}{time}"
    if unit.key == "where":
        coords = f" ({d.lat}, {d.lon})" if d.lat or d.lon else ""
        return f"{d.place_name or '(no place)'}{coords}"
    if unit.key == "types":
        local = f" [{d.local_type}]" if d.local_type else ""
        return f"{d.event_type} › {d.sub_event_type}{local}"
    if unit.key == "sensitivity":
        marked = f"; sensitive: {', '.join(d.sensitive_fields)}" if d.sensitive_fields else ""
        return f"{d.sensitivity}{marked}"
    if unit.key == "civilian_targeting":
        return "yes" if d.civilian_targeting else "no"
    if unit.key == "actors":
        return "; ".join(
            f"{a.name} ({a.role}{', denies' if a.denies_involvement else ''})" for a in d.actors
        )
    if unit.key == "casualties":
        return "; ".join(
            f"{c.low}–{c.best}–{c.high} {c.affiliation} {c.outcome}"
            + (" (claim)" if c.is_party_claim else "")
            + (f" — {c.note}" if c.note else "")
            for c in d.casualties
        )
    if unit.key == "sources":
        return "; ".join(
            f"{s.name} ({s.reliability}{s.credibility})"
            + (f": {s.excerpt[:60]}" if s.excerpt else "")
            for s in d.sources
        )
    if unit.key == "attachments":
        return "; ".join(a.filename for a in d.attachments)
    value = getattr(d, unit.names[0])
    return ", ".join(value) if isinstance(value, list) else str(value)


@dataclass(frozen=True)
class FieldChange:
    """One unit that differs between the three versions."""

    unit: Unit
    change: Change
    base: str | None  # None: the starting value is not known (a recovered draft)
    mine: str
    theirs: str

    @property
    def conflicting(self) -> bool:
        return self.change is Change.BOTH

    @property
    def default(self) -> Side:
        """Keep both sides' changes; where both changed it, the user's own value."""
        return Side.THEIRS if self.change is Change.THEIRS else Side.MINE


@dataclass(frozen=True)
class EditConflict:
    """What the user and the other person(s) changed since the user opened the incident."""

    reference: str
    mine: IncidentDraft
    theirs: IncidentDraft
    changed_by: str
    changed_at: dt.datetime | None
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def conflicting(self) -> list[FieldChange]:
        return [f for f in self.fields if f.conflicting]

    def merged(self, choices: dict[str, Side] | None = None) -> IncidentDraft:
        """The draft to save: each unit from the side chosen (default :attr:`FieldChange.default`),
        based on the version now stored."""
        chosen = {f.unit.key: f.default for f in self.fields} | (choices or {})
        result = replace(
            draft_from_dict(asdict(self.theirs)), base_version=self.theirs.base_version
        )
        mine = draft_from_dict(asdict(self.mine))
        for unit in UNITS:
            if chosen.get(unit.key, Side.THEIRS) is Side.MINE:
                for name in unit.names:
                    setattr(result, name, getattr(mine, name))
        return result

    def overwrite(self) -> IncidentDraft:
        """The user's draft as it is, replacing every change of the others."""
        return replace(draft_from_dict(asdict(self.mine)), base_version=self.theirs.base_version)


def compare(
    base: IncidentDraft | None, mine: IncidentDraft, theirs: IncidentDraft
) -> list[FieldChange]:
    """The units that differ, each with who changed it."""
    out: list[FieldChange] = []
    for unit in UNITS:
        m, t = _comparable(mine, unit), _comparable(theirs, unit)
        b = _comparable(base, unit) if base is not None else None
        if base is None:
            if m == t:
                continue
            change = Change.BOTH
        elif m == b and t == b:
            continue
        elif t == b:
            change = Change.MINE
        elif m == b:
            change = Change.THEIRS
        else:
            change = Change.SAME if m == t else Change.BOTH
        out.append(
            FieldChange(
                unit,
                change,
                describe(base, unit) if base is not None else None,
                describe(mine, unit),
                describe(theirs, unit),
            )
        )
    return out


def last_change(session: Session, incident_id: uuid.UUID) -> tuple[str, dt.datetime | None]:
    """Who last changed the incident and when (its row's latest audit entry)."""
    entry = session.scalar(
        select(AuditEntry)
        .where(AuditEntry.record_id == str(incident_id), AuditEntry.table_name == "incident")
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if entry is None:
        inc = session.get(Incident, incident_id)
        return (inc.updated_by if inc else ""), None
    return entry.user, entry.at


def find_conflict(
    session: Session, base: IncidentDraft | None, mine: IncidentDraft
) -> EditConflict:
    """The three-way view of ``mine`` against the stored incident.

    ``base`` is the draft the user started from (None when it is not known, e.g. a
    draft recovered after a crash: then every difference is shown as a conflict).
    Raises :class:`~sitrep.errors.ConflictError` when the incident was deleted.
    """
    if mine.incident_id is None:
        raise ValueError("a new incident cannot conflict")
    incident_id = uuid.UUID(mine.incident_id)
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise ConflictError("This incident no longer exists; it may have been deleted.")
    theirs = draft_from_incident(incident)
    who, when = last_change(session, incident_id)
    return EditConflict(
        reference=theirs.reference,
        mine=mine,
        theirs=theirs,
        changed_by=who,
        changed_at=when,
        fields=compare(base, mine, theirs),
    )
