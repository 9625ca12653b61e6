"""The one redaction policy: for every table and column, what travels at each level.

Every way data leaves the app (shared project files, CSV/XLSX/GeoJSON/HXL/ACLED
exports, ``sitrep map``) reads this declaration; nothing else decides what is withheld.
A column of the ORM metadata without a rule here fails ``tests/sharing/test_policy.py``,
so a new field cannot leave the organisation by default.

Levels are the incident sensitivities: an export *at* a level holds the incidents of
that level and below. For each column and level the policy says one of:

- ``keep``: travels as it is;
- ``withhold``: replaced by a marker (``[withheld] …``) so a reader knows something is missing;
- ``generalise``: replaced by a coarser value (coordinates to 0.1°, a village to its township);
- ``drop``: emptied (or the whole row left out, for rows that do not travel at all).

A rule with ``when`` applies only to incidents that mark one of those fields sensitive
(:data:`sitrep.model.enums.SENSITIVE_FIELDS`); child rows follow their incident.
To add a sensitive field (e.g. ``victim_names`` on the incident): add its name to
``SENSITIVE_FIELDS``, give the column a rule here with ``when={"<field>"}``, and the
export, the flat formats and the map withhold it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sitrep.model.enums import Sensitivity

PUBLIC, PARTNER, INTERNAL, RESTRICTED = (
    Sensitivity.PUBLIC,
    Sensitivity.PARTNER,
    Sensitivity.INTERNAL,
    Sensitivity.RESTRICTED,
)


class Act(StrEnum):
    KEEP = "keep"
    WITHHOLD = "withhold"
    GENERALISE = "generalise"
    DROP = "drop"


@dataclass(frozen=True)
class Column:
    """What happens to one column at each level (public, partner, internal, restricted)."""

    acts: tuple[Act, Act, Act, Act]
    when: frozenset[str] = frozenset()
    why: str = ""

    def at(self, level: Sensitivity, sensitive: frozenset[str] | set[str] = frozenset()) -> Act:
        """The act at ``level`` for an incident marking ``sensitive`` fields."""
        act = self.acts[level.rank]
        if act is not Act.KEEP and self.when and not (self.when & set(sensitive)):
            return Act.KEEP
        return act


class Rows(StrEnum):
    """Which rows of a table travel (before any column rule)."""

    ALL = "all"  # every row (the public taxonomy and geography)
    INCIDENTS = "incidents"  # incidents whose sensitivity is at most the level
    WITH_INCIDENT = "with incident"  # child rows of exported incidents
    REFERENCED = "referenced"  # only rows an exported row points to (restricted: all)
    CLASSIFIED = "classified"  # reports whose classification is at most the level
    WITH_REPORT = "with report"  # files of exported reports
    SHARED_SETTINGS = "shared settings"  # the settings listed in SHARED_SETTINGS
    NEVER = "never"  # our own bookkeeping: never in a shared copy


@dataclass(frozen=True)
class TableRule:
    rows: Rows
    columns: Mapping[str, Column]
    min_level: Sensitivity = PUBLIC  # below it no row travels at all
    why: str = ""

    def travels(self, level: Sensitivity) -> bool:
        return self.rows is not Rows.NEVER and level.rank >= self.min_level.rank


def keep(why: str = "") -> Column:
    return Column((Act.KEEP,) * 4, why=why)


def below(level: Sensitivity, act: Act, *, when: set[str] | None = None, why: str = "") -> Column:
    """``act`` at the levels below ``level``, kept from ``level`` up."""
    acts = tuple(act if lv.rank < level.rank else Act.KEEP for lv in Sensitivity)
    return Column(acts, frozenset(when or ()), why)  # type: ignore[arg-type]


def never(why: str = "") -> Column:
    return Column((Act.DROP,) * 4, why=why)


STAFF = "staff login names: who entered what stays inside the organisation"
SHARED_SETTINGS = ("name", "organisation", "country", "reference_prefix", "synthetic_note")
"""Project settings a shared copy carries; every other setting (file paths of templates
and logos, column mappings, counters) stays home."""
EXCHANGE_SETTINGS = ("project_id",)
"""Travel as the copy's ``exchange_project``: our project's random id, so that files the
colleague sends back are matched to the exchanges with us (it says nothing else)."""

# a victim identity: names of people harmed, and actors who are the victims
VICTIM = {"victim_names"}
LOCATION = {"exact_location"}


def record(**columns: Column) -> dict[str, Column]:
    """The columns every :class:`~sitrep.model.base.Record` carries, plus ``columns``."""
    base = {
        "id": keep("the identity that lets a copy merge back"),
        "created_at": keep(),
        "updated_at": keep(),
        "version": keep(),
        "updated_by": below(INTERNAL, Act.DROP, why=STAFF),
    }
    return base | columns


def _all(columns: list[str], column: Column) -> dict[str, Column]:
    return dict.fromkeys(columns, column)


_OURS = never("our own bookkeeping; a colleague's copy keeps its own")

POLICY: dict[str, TableRule] = {
    "project_setting": TableRule(
        Rows.SHARED_SETTINGS,
        {"key": keep(), "value": keep()},
        why="only the settings in SHARED_SETTINGS, plus what the export writes about itself",
    ),
    "event_type": TableRule(Rows.ALL, {"name": keep(), "position": keep()}),
    "sub_event_type": TableRule(
        Rows.ALL, {"name": keep(), "event_type": keep(), "position": keep()}
    ),
    "local_type": TableRule(Rows.ALL, {"name": keep(), "sub_event_type": keep(), "hint": keep()}),
    "admin_area": TableRule(
        Rows.ALL,
        record(
            **_all(
                [
                    "level",
                    "name",
                    "name_norm",
                    "aliases",
                    "pcode",
                    "country_iso",
                    "parent_id",
                    "geometry",
                    "min_lon",
                    "min_lat",
                    "max_lon",
                    "max_lat",
                    "spellings",
                    "name_source",
                ],
                keep("public boundaries and names"),
            )
        ),
    ),
    "custom_region": TableRule(
        Rows.ALL,
        record(name=keep(), area_ids=keep()),
        min_level=INTERNAL,
        why="our working areas can tell where we operate",
    ),
    "place": TableRule(
        Rows.REFERENCED,
        record(
            **_all(
                [
                    "name",
                    "name_norm",
                    "alt_names",
                    "lat",
                    "lon",
                    "country_iso",
                    "kind",
                    "origin",
                    "pcode",
                    "admin1_id",
                    "admin2_id",
                    "admin3_id",
                    "admin4_id",
                ],
                keep(),
            )
        ),
        why="only places an exported incident uses (internal: also places no incident uses); "
        "a place used only by incidents above the level, or whose incident withholds its "
        "exact location, stays home",
    ),
    "actor": TableRule(
        Rows.REFERENCED,
        record(
            name=keep(),
            aliases=keep(),
            inter_code=keep(),
            country_iso=keep(),
            parent_id=keep(),
        ),
        why="only actors exported incidents name (and their parents); victims never",
    ),
    "incident": TableRule(
        Rows.INCIDENTS,
        record(
            reference=keep(),
            title=below(INTERNAL, Act.WITHHOLD, when={"title"}),
            narrative=below(INTERNAL, Act.WITHHOLD, when={"narrative"} | VICTIM),
            victim_names=below(
                INTERNAL,
                Act.WITHHOLD,
                why="names of people harmed never travel below internal, marked or not",
            ),
            date_start=keep(),
            date_end=keep(),
            time_local=keep(),
            date_precision=keep(),
            place_id=below(INTERNAL, Act.DROP, when=LOCATION),
            place_name=below(INTERNAL, Act.GENERALISE, when=LOCATION, why="to the township"),
            lat=below(INTERNAL, Act.GENERALISE, when=LOCATION, why="to 0.1° (about 11 km)"),
            lon=below(INTERNAL, Act.GENERALISE, when=LOCATION, why="to 0.1° (about 11 km)"),
            location_precision=below(INTERNAL, Act.GENERALISE, when=LOCATION),
            country_iso=keep(),
            admin1_id=keep(),
            admin2_id=keep(),
            admin3_id=keep(),
            admin4_id=below(INTERNAL, Act.DROP, when=LOCATION),
            event_type=keep(),
            sub_event_type=keep(),
            local_type=keep(),
            weapons=keep(),
            impacts=keep(),
            civilian_targeting=keep(),
            verification=keep(),
            sensitivity=keep(),
            sensitive_fields=keep(),
            review_status=keep(),
            author=below(INTERNAL, Act.DROP, why=STAFF),
            is_synthetic=keep(),
            killed=keep(),
            civilians_killed=keep(),
            injured=keep(),
            abducted_detained=keep(),
            killed_claimed=keep(),
            harm_unrecorded=keep("which figures the data does not record: never read as 0"),
            dataset_key=keep("where the incident came from, credited in every report"),
        ),
    ),
    "dataset": TableRule(
        Rows.REFERENCED,
        {
            "key": keep(),
            "name": keep(),
            "citation": keep(),
            "licence": keep(),
            "url": keep(),
            "unrecorded": keep(),
            "created_at": keep(),
        },
        why="the datasets exported incidents came from, with their citation and licence "
        "(UCDP GED, ACLED ask to be cited); datasets no exported incident uses stay home",
    ),
    "external_id": TableRule(
        Rows.WITH_INCIDENT,
        {"id": keep(), "incident_id": keep(), "scheme": keep(), "value": keep()},
    ),
    "incident_actor": TableRule(
        Rows.WITH_INCIDENT,
        {
            "incident_id": keep(),
            "actor_id": below(
                INTERNAL,
                Act.WITHHOLD,
                when=VICTIM,
                why="an actor who is a victim (target, or civilians) becomes a "
                "'[withheld]' actor of the same kind",
            ),
            "role": keep(),
            "denies_involvement": keep("a denial travels with the allegation it answers"),
        },
    ),
    "source": TableRule(
        Rows.WITH_INCIDENT,
        record(
            incident_id=keep(),
            position=keep(),
            name=below(INTERNAL, Act.WITHHOLD, when={"source_names"}),
            source_type=keep(),
            published=keep(),
            url=below(INTERNAL, Act.DROP, when={"source_names", "source_contacts"}),
            excerpt=below(
                INTERNAL,
                Act.WITHHOLD,
                when={"source_names", "narrative"} | VICTIM,
                why="excerpts quote the report: names of sources and victims",
            ),
            reliability=keep(),
            credibility=keep(),
            graded=keep("a dataset's sources nobody here graded say so"),
        ),
    ),
    "casualty": TableRule(
        Rows.WITH_INCIDENT,
        record(
            incident_id=keep(),
            position=keep(),
            outcome=keep(),
            affiliation=keep(),
            sex=keep(),
            age_group=keep(),
            low=keep(),
            best=keep(),
            high=keep(),
            source_id=keep(),
            is_party_claim=keep(),
            at_least=keep("a lower bound stays a lower bound"),
            note=below(INTERNAL, Act.WITHHOLD, when=VICTIM),
        ),
    ),
    "attachment": TableRule(
        Rows.WITH_INCIDENT,
        record(
            incident_id=keep(),
            sha256=keep(),
            filename=keep(),
            media_type=keep(),
            caption=keep(),
        ),
        min_level=INTERNAL,
        why="photos and documents show faces, names, places: colleagues only",
    ),
    "blob": TableRule(
        Rows.REFERENCED,
        {"sha256": keep(), "size": keep(), "data": keep()},
        min_level=INTERNAL,
        why="the content of exported attachments",
    ),
    "incident_link": TableRule(
        Rows.WITH_INCIDENT,
        {
            "from_id": keep(),
            "to_id": keep(),
            "kind": keep(),
            "note": below(INTERNAL, Act.DROP, why="free text about two incidents"),
        },
        why="links whose two incidents are both exported",
    ),
    "report": TableRule(
        Rows.CLASSIFIED,
        record(
            **_all(
                [
                    "title",
                    "kind",
                    "number",
                    "region_key",
                    "region_name",
                    "region_area_ids",
                    "period_from",
                    "period_to",
                    "status",
                    "classification",
                    "sections",
                    "comparison",
                ],
                keep(),
            ),
            incident_ids=below(
                INTERNAL,
                Act.DROP,
                why="a flash update's chosen incidents: ids of incidents the copy may not hold",
            ),
        ),
        why="a report (and its sections) travels only up to its own classification",
    ),
    "report_file": TableRule(
        Rows.WITH_REPORT,
        _all(
            [
                "id",
                "report_id",
                "created_at",
                "path",
                "filter_json",
                "data_hash",
                "figures_json",
                "snapshot",
                "revision",
                "status",
                "json_path",
            ],
            keep(),
        ),
        min_level=RESTRICTED,
        why="paths on our disk and snapshots of every incident counted: the whole project only",
    ),
    "audit_log": TableRule(
        Rows.NEVER,
        _all(
            [
                *("id", "at", "user", "table_name", "record_id", "action", "changes"),
                *("seq", "prev_hash", "hash", "sensitivity"),
            ],
            _OURS,
        ),
        why="staff names and the before-values of every change, withheld ones included",
    ),
    "merge_conflict": TableRule(
        Rows.NEVER,
        _all(
            [
                "id",
                "unit",
                "record_id",
                "label",
                "theirs",
                "their_user",
                "their_source",
                "created_at",
                "resolved",
            ],
            _OURS,
        ),
    ),
    "share_exchange": TableRule(
        Rows.NEVER,
        _all(
            [
                "id",
                "exchange_id",
                "direction",
                "peer",
                "peer_project",
                "level",
                "at",
                "user",
                "audit_from",
                "audit_to",
                "undone",
            ],
            _OURS,
        ),
        why="who we exchanged with, and when",
    ),
    "exchange_base": TableRule(Rows.NEVER, _all(["exchange", "record_id", "fingerprint"], _OURS)),
    "merge_fingerprint": TableRule(Rows.NEVER, _all(["hash", "fields"], _OURS)),
    "map_change": TableRule(Rows.NEVER, _all(["id", "counter"], _OURS)),
    "map_index": TableRule(
        Rows.NEVER,
        _all(["id", "change", "schema", "format", "count", "types", "data"], _OURS),
        why="every incident's position, withheld ones included; a copy builds its own",
    ),
}


def rule(table: str) -> TableRule:
    try:
        return POLICY[table]
    except KeyError:
        raise KeyError(
            f"The redaction policy has no rule for table '{table}' (sitrep/sharing/policy.py)."
        ) from None


def act(
    table: str, column: str, level: Sensitivity, sensitive: frozenset[str] | set[str] = frozenset()
) -> Act:
    return rule(table).columns[column].at(level, sensitive)


def classification_level(text: str) -> Sensitivity:
    """A report's classification marking as a level; anything unknown counts as restricted."""
    folded = (text or "").strip().casefold()
    for level in Sensitivity:
        if folded == level.value or folded.startswith(level.value + " "):
            return level
    return RESTRICTED
