"""The one redaction policy: complete for every column, and honoured byte for byte.

The property test fills every text column of every table with unique marker strings,
exports at each level (plain and encrypted), and searches the raw bytes of the file for
every marker the policy withholds: there must be none. It also checks that what the
policy keeps is there, so the search cannot pass by exporting nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pyrage import passphrase as age
from sqlalchemy import JSON, Connection, Enum, String, Text, select, text

from sitrep.model import (
    Actor,
    AdminArea,
    Attachment,
    Base,
    Blob,
    Casualty,
    CustomRegion,
    ExternalId,
    Incident,
    IncidentActor,
    IncidentLink,
    MergeConflict,
    Place,
    ProjectSetting,
    Report,
    ReportFile,
    Source,
)
from sitrep.model.enums import (
    SENSITIVE_FIELDS,
    ActorRole,
    Affiliation,
    LinkKind,
    Outcome,
    Sensitivity,
    SourceType,
)
from sitrep.sharing.export import export_project
from sitrep.sharing.policy import EXCHANGE_SETTINGS, POLICY, SHARED_SETTINGS, Act, Rows
from sitrep.store import Project, create_project, open_project
from sitrep.store.incidents import save_incident

# --------------------------------------------------------------------------- completeness


def test_every_column_of_every_table_has_a_rule() -> None:
    missing = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if table.name not in POLICY or column.name not in POLICY[table.name].columns
    ]
    assert missing == [], f"add rules to sitrep/sharing/policy.py for: {missing}"
    stale = [
        f"{name}.{column}"
        for name, rule in POLICY.items()
        for column in rule.columns
        if name not in Base.metadata.tables or column not in Base.metadata.tables[name].c
    ]
    assert stale == [], f"rules for columns that do not exist: {stale}"


def test_every_sensitive_field_withholds_something() -> None:
    used = {f for rule in POLICY.values() for c in rule.columns.values() for f in c.when}
    assert set(SENSITIVE_FIELDS) <= used
    assert used <= set(SENSITIVE_FIELDS)


def test_bookkeeping_tables_never_travel() -> None:
    for name in ("audit_log", "merge_conflict", "share_exchange", "exchange_base"):
        assert POLICY[name].rows is Rows.NEVER
        assert not any(POLICY[name].travels(level) for level in Sensitivity)


# --------------------------------------------------------------------------- the scenario

LEVELS = list(Sensitivity)


def _build(path: Path, marks: dict[Sensitivity, list[str]]) -> Project:
    """One incident per level, each with its own place, actors, rows and report."""
    project = create_project(path, name="Policy test", user="staff.login")
    project.set_setting("reference_prefix", "PT")
    project.set_setting("organisation", "Org")
    project.set_setting("report_template.periodic", "/home/staff.login/template.docx")
    with project.session() as s:
        state = AdminArea(level=1, name="State", name_norm="state", country_iso="MMR")
        s.add(state)
        s.flush()
        township = AdminArea(
            level=3, name="Town", name_norm="town", country_iso="MMR", parent_id=state.id
        )
        s.add(township)
        s.add(CustomRegion(name="Our working area", area_ids=[str(state.id)]))
        s.add(Place(name="Unused place", name_norm="unused", lat=1.0, lon=2.0))
        s.add(Actor(name="Unused actor", inter_code=2))
        s.add(Blob(sha256="0" * 64, size=3, data=b"abc"))
        s.flush()
        incidents = []
        for level in LEVELS:
            place = Place(
                name=f"Place {level}",
                name_norm=f"place {level}",
                lat=25.61234,
                lon=96.31234,
                admin1_id=state.id,
                admin3_id=township.id,
            )
            perpetrator = Actor(name=f"Perpetrator {level}", inter_code=1)
            victim = Actor(name=f"Victim {level}", inter_code=7)
            s.add_all([place, perpetrator, victim])
            s.flush()
            inc = Incident(
                title=f"Title {level}",
                narrative=f"Narrative {level}",
                date_start=dt.date(2025, 6, 3),
                date_end=dt.date(2025, 6, 3),
                event_type="Battles",
                sub_event_type="Armed clash",
                place_id=place.id,
                place_name=place.name,
                lat=25.61234,
                lon=96.31234,
                country_iso="MMR",
                admin1_id=state.id,
                admin3_id=township.id,
                sensitivity=level,
                sensitive_fields=marks[level],
                author="Author",
            )
            inc.sources.append(
                Source(
                    name="Source",
                    url="http://x",
                    excerpt="Excerpt",
                    source_type=SourceType.PARTNER,
                )
            )
            inc.casualties.append(
                Casualty(
                    outcome=Outcome.KILLED,
                    affiliation=Affiliation.CIVILIAN,
                    low=1,
                    best=1,
                    high=1,
                    note="N",
                )
            )
            inc.actors.append(IncidentActor(actor_id=perpetrator.id, role=ActorRole.PERPETRATOR))
            inc.actors.append(IncidentActor(actor_id=victim.id, role=ActorRole.TARGET))
            inc.external_ids.append(ExternalId(scheme="acled", value=f"X{level.rank}"))
            inc.attachments.append(Attachment(sha256="0" * 64, filename="photo.jpg", caption="C"))
            save_incident(s, inc)
            s.flush()
            incidents.append(inc)
            report = Report(
                title="Report",
                number=1,
                region_key=f"r{level.rank}",
                region_name="State",
                period_from=dt.date(2025, 6, 1),
                period_to=dt.date(2025, 6, 7),
                classification=level.value.upper(),
                sections=[{"title": "Overview", "body": "Body"}],
            )
            s.add(report)
            s.flush()
            s.add(
                ReportFile(
                    report_id=report.id,
                    path="/home/staff.login/r.docx",
                    data_hash="h",
                    filter_json={"a": "b"},
                    figures_json={"a": "b"},
                    snapshot={"a": "b"},
                )
            )
        for a, b in itertools.pairwise(incidents):
            s.add(IncidentLink(from_id=a.id, to_id=b.id, kind=LinkKind.RELATED, note="Note"))
        s.add(
            MergeConflict(
                unit="incident", record_id=str(incidents[0].id), label="L", theirs={"a": "b"}
            )
        )
    # an exchange, so its tables hold rows too
    export_project(project, path.with_name("first.sitrep"), level=Sensitivity.PARTNER)
    return project


def _text_columns(table: Any) -> Iterator[Any]:
    for column in table.columns:
        if column.primary_key or column.foreign_keys:
            continue
        if (table.name, column.name) in {
            ("report", "classification"),
            ("incident", "sensitive_fields"),
        }:
            continue  # what the policy reads: kept meaningful
        if isinstance(column.type, JSON) or (
            isinstance(column.type, String | Text) and not isinstance(column.type, Enum)
        ):
            yield column


def _fill_markers(conn: Connection) -> dict[tuple[str, str, str], str]:
    """Every text and JSON cell gets a unique marker; (table, column, rowid) -> marker."""
    counter = itertools.count(1)
    where: dict[tuple[str, str, str], str] = {}
    # the audit log refuses changes (migration 0011): this test marks its cells too
    conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
    for table in Base.metadata.sorted_tables:
        rowids = [r[0] for r in conn.execute(text(f'SELECT rowid FROM "{table.name}"'))]
        for column in _text_columns(table):
            for rowid in rowids:
                marker = f"Mk{next(counter):05d}q"
                value: Any = marker
                if isinstance(column.type, JSON):
                    value = json.dumps(
                        [{"title": marker, "body": marker}]
                        if column.name == "sections"
                        else {"m": marker}
                        if column.name in {"changes", "theirs", "fields"}
                        or column.name.endswith("_json")
                        or column.name == "snapshot"
                        else [marker]
                    )
                conn.execute(
                    text(f'UPDATE "{table.name}" SET "{column.name}" = :v WHERE rowid = :r'),
                    {"v": value, "r": rowid},
                )
                where[(table.name, column.name, str(rowid))] = marker
    return where


def _rows(conn: Connection, table: str) -> list[Any]:
    return list(conn.execute(text(f'SELECT rowid AS _rowid, * FROM "{table}"')).mappings())


def _expectations(
    conn: Connection, markers: dict[tuple[str, str, str], str], level: Sensitivity
) -> tuple[set[str], set[str]]:
    """(markers the policy withholds at ``level``, incident markers it keeps)."""
    absent: set[str] = set()
    present: set[str] = set()
    incidents = {r["id"]: r for r in _rows(conn, "incident")}

    def sens(inc: Any) -> set[str]:
        return set(json.loads(inc["sensitive_fields"]))

    def out(inc: Any) -> bool:
        return Sensitivity(inc["sensitivity"]).rank > level.rank

    def row_absent(table: str, row: Any) -> None:
        for (t, _c, rid), m in markers.items():
            if t == table and rid == str(row["_rowid"]):
                absent.add(m)

    def columns(table: str, row: Any, sensitive: set[str]) -> None:
        for (t, c, rid), m in markers.items():
            if t != table or rid != str(row["_rowid"]):
                continue
            if POLICY[table].columns[c].at(level, sensitive) is not Act.KEEP:
                absent.add(m)
            elif table == "incident":
                present.add(m)

    for table in Base.metadata.sorted_tables:
        name = table.name
        rule = POLICY[name]
        for row in _rows(conn, name):
            if not rule.travels(level):
                row_absent(name, row)
                continue
            inc = incidents.get(row["incident_id"]) if "incident_id" in row else None
            if name == "incident":
                inc = row
            if inc is not None and out(inc):
                row_absent(name, row)
                continue
            if name == "project_setting" and row["key"] not in SHARED_SETTINGS + EXCHANGE_SETTINGS:
                row_absent(name, row)
                continue
            if name == "report" and level.rank < Sensitivity(row["classification"].lower()).rank:
                row_absent(name, row)
                continue
            if name == "incident_link" and (
                out(incidents[row["from_id"]]) or out(incidents[row["to_id"]])
            ):
                row_absent(name, row)
                continue
            if name == "place":
                users = [i for i in incidents.values() if i["place_id"] == row["id"]]
                if not users and level.rank < Sensitivity.INTERNAL.rank:
                    row_absent(name, row)
                    continue
                if users and all(
                    out(i)
                    or (level.rank < Sensitivity.INTERNAL.rank and "exact_location" in sens(i))
                    for i in users
                ):
                    row_absent(name, row)
                    continue
            if name == "actor":
                links = [r for r in _rows(conn, "incident_actor") if r["actor_id"] == row["id"]]
                if not links and level.rank < Sensitivity.INTERNAL.rank:
                    row_absent(name, row)
                    continue
                if links and all(
                    out(incidents[r["incident_id"]])
                    or (
                        level.rank < Sensitivity.INTERNAL.rank
                        and "victim_names" in sens(incidents[r["incident_id"]])
                        and (r["role"] == ActorRole.TARGET.value or row["inter_code"] == 7)
                    )
                    for r in links
                ):
                    row_absent(name, row)
                    continue
            columns(name, row, sens(inc) if inc is not None else set())
    return absent, present


def _found(data: bytes, markers: set[str]) -> set[str]:
    return {m for m in markers if m.encode() in data}


@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure prints its example
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.lists(
        st.lists(st.sampled_from(SENSITIVE_FIELDS), unique=True),
        min_size=len(LEVELS),
        max_size=len(LEVELS),
    ),
    st.sampled_from(LEVELS),  # encrypted too (age's scrypt makes each one slow)
)
def test_nothing_the_policy_withholds_is_in_the_exported_bytes(
    marks: list[list[str]], sealed_level: Sensitivity
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        project = _build(root / "p.sitrep", dict(zip(LEVELS, marks, strict=True)))
        try:
            with project.engine.begin() as conn:
                markers = _fill_markers(conn)
            with project.engine.connect() as conn:
                expected = {level: _expectations(conn, markers, level) for level in LEVELS}
            for level in LEVELS:
                absent, present = expected[level]
                out = root / f"{level.value}.sitrep"
                export_project(project, out, level=level)
                data = out.read_bytes()
                assert _found(data, absent) == set(), f"withheld markers found at {level}"
                assert _found(data, present) == present, f"kept markers missing at {level}"
                if level is not sealed_level:
                    continue
                enc = root / f"{level.value}-enc.sitrep"
                export_project(project, enc, level=level, passphrase="marker-test")
                sealed = enc.read_bytes()
                assert _found(sealed, absent | present) == set()
                plain = age.decrypt(sealed, "marker-test")
                assert _found(plain, absent) == set(), f"withheld markers found at {level}"
                assert _found(plain, present) == present
        finally:
            project.close()


# --------------------------------------------------------------------------- named leaks


def _scenario(tmp_path: Path, fields: list[str]) -> Project:
    marks = dict.fromkeys(LEVELS, fields)
    return _build(tmp_path / "p.sitrep", marks)


def test_user_places_of_excluded_incidents_stay_home(tmp_path: Path) -> None:
    project = _scenario(tmp_path, [])
    out = tmp_path / "partner.sitrep"
    export_project(project, out, level=Sensitivity.PARTNER)
    shared = open_project(out)
    with shared.session() as s:
        names = set(s.scalars(select(Place.name)))
        assert names == {"Place public", "Place partner"}  # not internal/restricted, not unused
    shared.close()
    project.close()


def test_exact_location_withholds_the_place_and_its_coordinates(tmp_path: Path) -> None:
    project = _scenario(tmp_path, ["exact_location"])
    out = tmp_path / "public.sitrep"
    export_project(project, out, level=Sensitivity.PUBLIC)
    assert b"25.61234" not in out.read_bytes()
    shared = open_project(out)
    with shared.session() as s:
        inc = s.scalar(select(Incident))
        assert inc is not None and inc.place_id is None and (inc.lat, inc.lon) == (25.6, 96.3)
        assert inc.place_name == "Town (exact place withheld)"
        assert s.scalar(select(Place.id)) is None
    shared.close()
    project.close()


def test_no_login_names_below_internal_and_kept_at_internal(tmp_path: Path) -> None:
    project = _scenario(tmp_path, [])
    for level, expected in ((Sensitivity.PARTNER, False), (Sensitivity.INTERNAL, True)):
        out = tmp_path / f"{level.value}.sitrep"
        export_project(project, out, level=level)
        assert (b"staff.login" in out.read_bytes()) is expected
    project.close()


def test_reports_travel_only_up_to_their_classification(tmp_path: Path) -> None:
    project = _scenario(tmp_path, [])
    out = tmp_path / "internal.sitrep"
    export_project(project, out, level=Sensitivity.INTERNAL)
    shared = open_project(out)
    with shared.session() as s:
        assert sorted(s.scalars(select(Report.classification))) == [
            "INTERNAL",
            "PARTNER",
            "PUBLIC",
        ]
        assert s.scalar(select(ReportFile.id)) is None  # files only with the whole project
    shared.close()
    project.close()


def test_victims_entered_as_actors_are_not_exported_by_name(tmp_path: Path) -> None:
    project = _scenario(tmp_path, ["victim_names"])
    out = tmp_path / "partner.sitrep"
    export_project(project, out, level=Sensitivity.PARTNER)
    assert b"Victim public" not in out.read_bytes()
    shared = open_project(out)
    with shared.session() as s:
        names = sorted(s.scalars(select(Actor.name)))
        assert "Perpetrator public" in names
        stand_ins = [n for n in names if n.startswith("[withheld]")]
        assert stand_ins == ["[withheld] (civilians) 1", "[withheld] (civilians) 2"]
        roles = {(a.role, a.actor_id) for a in s.scalars(select(IncidentActor))}
        assert len(roles) == 4
    shared.close()
    project.close()


def test_a_sensitive_title_is_withheld(tmp_path: Path) -> None:
    project = _scenario(tmp_path, ["title"])
    out = tmp_path / "public.sitrep"
    export_project(project, out, level=Sensitivity.PUBLIC)
    shared = open_project(out)
    with shared.session() as s:
        assert list(s.scalars(select(Incident.title))) == ["[withheld] Armed clash"]
    shared.close()
    full = tmp_path / "internal.sitrep"
    export_project(project, full, level=Sensitivity.INTERNAL)
    assert b"Title public" in full.read_bytes()
    project.close()


def test_settings_that_name_our_files_stay_home(tmp_path: Path) -> None:
    project = _scenario(tmp_path, [])
    out = tmp_path / "restricted.sitrep"
    export_project(project, out, level=Sensitivity.RESTRICTED)
    shared = open_project(out)
    with shared.session() as s:
        keys = set(s.scalars(select(ProjectSetting.key)))
    assert "report_template.periodic" not in keys and "organisation" in keys
    shared.close()
    project.close()
    assert uuid.UUID(int=0)
