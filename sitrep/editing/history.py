"""An incident's history as people read it: who changed what, when, old value → new.

Read from the audit log (:mod:`sitrep.store.audit`), which records every insert,
update and delete of the incident row and of its actors, casualties, sources and
attachments. Entries written by one save (same person, within a moment, consecutive
in the log) form one :class:`HistoryEvent`.

What a reader below a field's level may not see is shown as ``[withheld]``: the one
redaction policy (:mod:`sitrep.sharing.policy`) decides, at the reader's clearance and
for every field the incident marks sensitive now *or ever did* (so unmarking a field
later does not reveal what was typed while it was marked). An incident above the
reader's clearance has no history for them at all.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session

from sitrep.errors import SitrepError
from sitrep.model import Actor, Attachment, AuditEntry, Casualty, Incident, Source
from sitrep.model.enums import DatePrecision, LocationPrecision, Sensitivity
from sitrep.sharing.policy import Act, rule
from sitrep.sharing.redaction import WITHHELD

# Actor links (incident_actor) are not records with their own id and are not in the
# audit log, so the history cannot show actors added or removed.
CHILD_TABLES = {
    "casualty": "Casualty",
    "source": "Source",
    "attachment": "Attachment",
}
LABELS = {
    "title": "Title",
    "narrative": "Narrative",
    "victim_names": "Victims' names",
    "date_start": "Start date",
    "date_end": "End date",
    "time_local": "Local time",
    "date_precision": "Date precision",
    "place_id": "Place (gazetteer)",
    "place_name": "Place",
    "lat": "Latitude",
    "lon": "Longitude",
    "location_precision": "Location precision",
    "country_iso": "Country",
    "admin1_id": "Admin area 1",
    "admin2_id": "Admin area 2",
    "admin3_id": "Admin area 3",
    "admin4_id": "Admin area 4",
    "event_type": "Event type",
    "sub_event_type": "Sub-event type",
    "local_type": "Local type",
    "weapons": "Weapons",
    "impacts": "Impacts",
    "civilian_targeting": "Civilians targeted",
    "verification": "Verification",
    "sensitivity": "Sensitivity",
    "sensitive_fields": "Sensitive fields",
    "review_status": "Review status",
    "author": "Author",
    "reference": "Reference",
    "killed": "Killed (total)",
    "civilians_killed": "Civilians killed (total)",
    "injured": "Injured (total)",
    "abducted_detained": "Abducted or detained (total)",
    "killed_claimed": "Killed (claimed)",
    "harm_unrecorded": "Figures not recorded",
    "actor_id": "Actor",
    "role": "Role",
    "denies_involvement": "Denies involvement",
    "outcome": "Outcome",
    "affiliation": "Affiliation",
    "sex": "Sex",
    "age_group": "Age group",
    "low": "Low estimate",
    "best": "Best estimate",
    "high": "High estimate",
    "is_party_claim": "Claim by a party",
    "at_least": "At least",
    "note": "Note",
    "name": "Name",
    "source_type": "Source type",
    "published": "Published",
    "url": "Web address",
    "excerpt": "Excerpt",
    "reliability": "Reliability",
    "credibility": "Credibility",
    "graded": "Graded",
    "filename": "File name",
    "caption": "Caption",
    "media_type": "File type",
}
SAME_SAVE_SECONDS = 2.0
PRECISIONS: dict[str, Any] = {
    "date_precision": DatePrecision,
    "location_precision": LocationPrecision,
}
# bookkeeping columns nobody needs to read in a history
HIDDEN = {"id", "incident_id", "position", "updated_by", "source_id", "sha256", "is_synthetic"}


def label(column: str) -> str:
    return LABELS.get(column, column.replace("_", " ").capitalize())


@dataclass(frozen=True)
class FieldChange:
    field: str  # in words
    old: str
    new: str


@dataclass
class HistoryEvent:
    """One save: who, when, and each change (of the incident or one of its rows)."""

    user: str
    at: dt.datetime
    what: str  # "created", "changed", "deleted"
    lines: list[str] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)


def show(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


class _Reader:
    """Decides what the reader may see and how ids read."""

    def __init__(self, session: Session, clearance: Sensitivity, sensitive: set[str]) -> None:
        self.session = session
        self.clearance = clearance
        self.sensitive = frozenset(sensitive)
        self._actors: dict[str, str] = {}

    def visible(self, table: str, column: str) -> bool:
        columns = rule(table).columns
        if rule(table).min_level.rank > self.clearance.rank:
            return False
        if column not in columns:
            return True  # record bookkeeping (updated_by...): hidden anyway
        return columns[column].at(self.clearance, self.sensitive) is Act.KEEP

    def value(self, table: str, column: str, value: Any) -> str:
        if value not in (None, "", []) and not self.visible(table, column):
            return WITHHELD
        if column == "actor_id" and value:
            return self.actor(str(value))
        precision = PRECISIONS.get(column)
        if precision is not None and isinstance(value, int):
            try:
                return str(precision(value).label)
            except ValueError:
                return show(value)
        return show(value)

    def actor(self, actor_id: str) -> str:
        if actor_id not in self._actors:
            actor = self.session.get(Actor, uuid.UUID(actor_id))
            self._actors[actor_id] = actor.name if actor else actor_id
        return self._actors[actor_id]


def _entries(session: Session, incident_id: uuid.UUID) -> list[AuditEntry]:
    key = str(incident_id)
    # child rows name their incident in their insert and delete entries
    child_rows = select(AuditEntry.record_id).where(
        AuditEntry.table_name.in_(CHILD_TABLES),
        cast(AuditEntry.changes, String).like(f"%{key}%"),
    )
    child_ids = set(session.scalars(child_rows))
    # the insert entry of a row added through its incident was written before the
    # flush set its incident_id: the rows that exist now are found by their table
    for model in (Casualty, Source, Attachment):
        rows = select(model.id).where(model.incident_id == incident_id)
        child_ids |= {str(i) for i in session.scalars(rows)}
    query = (
        select(AuditEntry)
        .where(
            or_(
                (AuditEntry.table_name == "incident") & (AuditEntry.record_id == key),
                AuditEntry.table_name.in_(CHILD_TABLES) & AuditEntry.record_id.in_(child_ids),
            )
        )
        .order_by(AuditEntry.id)
    )
    return list(session.scalars(query))


def _ever_sensitive(entries: Iterable[AuditEntry], current: list[str]) -> set[str]:
    marked = set(current)
    for entry in entries:
        if entry.table_name != "incident":
            continue
        value = (entry.changes or {}).get("sensitive_fields")
        if entry.action == "update" and isinstance(value, list) and len(value) == 2:
            for side in value:
                marked |= set(side or [])
        elif isinstance(value, list):
            marked |= {str(v) for v in value}
    return marked


def _row_summary(reader: _Reader, table: str, values: dict[str, Any]) -> str:
    if table == "casualty":
        return (
            f"{values.get('low')}–{values.get('best')}–{values.get('high')} "
            f"{values.get('affiliation')} {values.get('outcome')}"
        )
    if table == "source":
        return reader.value(table, "name", values.get("name"))
    if table == "attachment":
        return reader.value(table, "filename", values.get("filename"))
    return ""


def incident_history(
    session: Session, incident_id: uuid.UUID, *, clearance: Sensitivity = Sensitivity.RESTRICTED
) -> list[HistoryEvent]:
    """The incident's history, oldest first, as a reader of ``clearance`` may see it."""
    incident = session.get(Incident, incident_id)
    entries = _entries(session, incident_id)
    if incident is not None:
        level, current = Sensitivity(incident.sensitivity), list(incident.sensitive_fields or [])
    else:  # deleted: its last entries say what it was
        last = next((e for e in reversed(entries) if e.table_name == "incident"), None)
        values = (last.changes or {}) if last else {}
        level = Sensitivity(values.get("sensitivity") or Sensitivity.RESTRICTED.value)
        current = list(values.get("sensitive_fields") or [])
    if level.rank > clearance.rank:
        raise SitrepError(
            f"This incident is {level.value}; your clearance ({clearance.value}) does not "
            "show it or its history."
        )
    reader = _Reader(session, clearance, _ever_sensitive(entries, current))
    events: list[HistoryEvent] = []
    for entry in entries:
        at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=dt.UTC)
        # one save writes its entries over a few flushes, well within a second
        if (
            not events
            or events[-1].user != entry.user
            or (at - events[-1].at).total_seconds() > SAME_SAVE_SECONDS
        ):
            events.append(HistoryEvent(user=entry.user, at=at, what="changed"))
        _describe(reader, entry, events[-1])
    return events


def _describe(reader: _Reader, entry: AuditEntry, event: HistoryEvent) -> None:
    table, values = entry.table_name, entry.changes or {}
    if table == "incident":
        if entry.action == "insert":
            event.what = "created"
            event.lines.append("Created the incident")
            for column, value in values.items():
                if column not in HIDDEN and value not in (None, "", [], 0, False):
                    event.changes.append(
                        FieldChange(label(column), "", reader.value(table, column, value))
                    )
        elif entry.action == "delete":
            event.what = "deleted"
            event.lines.append("Deleted the incident")
        else:
            for column, pair in values.items():
                if column in HIDDEN or not isinstance(pair, list) or len(pair) != 2:
                    continue
                event.changes.append(
                    FieldChange(
                        label(column),
                        reader.value(table, column, pair[0]),
                        reader.value(table, column, pair[1]),
                    )
                )
        return
    kind = CHILD_TABLES[table]
    if entry.action in {"insert", "delete"}:
        verb = "added" if entry.action == "insert" else "removed"
        event.lines.append(f"{kind} {verb}: {_row_summary(reader, table, values)}")
        return
    for column, pair in values.items():
        if column in HIDDEN or not isinstance(pair, list) or len(pair) != 2:
            continue
        event.changes.append(
            FieldChange(
                f"{kind}: {label(column)}",
                reader.value(table, column, pair[0]),
                reader.value(table, column, pair[1]),
            )
        )
