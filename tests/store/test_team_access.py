"""A team database enforces who sees and changes what, whatever the client.

Each kind of person connects with plain SQL (SQLAlchemy ``text()``, as psql would, not
the app's query layer) and tries what an attacker would: read restricted and internal
rows and their children, read a restricted narrative through every table, view and
function, change the audit log, write as a viewer, raise an incident above their
clearance. The app side (read-only for viewers, the export of a low-clearance person)
is checked at the end. Runs against scripts/with-postgres.sh's throw-away server.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import BindParameter, Connection, bindparam, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from sitrep.cli import main
from sitrep.demo import build_demo
from sitrep.errors import ProjectError
from sitrep.model import (
    Attachment,
    AuditEntry,
    Blob,
    Incident,
    MergeConflict,
    Report,
    Source,
)
from sitrep.model.enums import Sensitivity
from sitrep.store import audit_chain, open_project
from sitrep.store.queries import IncidentFilter, key_figures
from sitrep.store.team import (
    CONTENT_POLICIES,
    MEMBERS_TABLE,
    add_user,
    current_member,
    init_team,
)
from tests.postgres import as_login, fresh_database

pytestmark = pytest.mark.postgres
Connect = Callable[[str], Connection]

MARKER = "Zaw-Min-Htet-7f3q"  # a name that must never reach anyone below restricted
RANK = {s.value: s.rank for s in Sensitivity}
# tables that reveal no incident: readable by every member, changed by writers
REFERENCE_TABLES = {
    "alembic_version",
    "map_change",  # one counter: how many map-relevant changes, nothing of what they were
    "project_setting",
    "event_type",
    "sub_event_type",
    "local_type",
    "admin_area",
    "custom_region",
    "place",
    "dataset",
    "actor",
}
# every function of the schema and why it reveals nothing above the caller's clearance
REVIEWED_FUNCTIONS = {
    "sitrep_rank": "maps a level name to a number; reads no table",
    "sitrep_clearance": "the caller's own clearance rank",
    "sitrep_record_visible": "runs with the caller's rights: row-level security applies",
    "sitrep_audit_tip": "the audit chain's last seq and hash: no content of any entry",
    "sitrep_audit_append_only": "trigger: refuses to change or remove entries; returns none",
}


@dataclass(frozen=True)
class Team:
    url: str  # as the database owner (not a superuser: FORCE must bind it)
    logins: dict[str, str]  # kind -> login name
    restricted_id: uuid.UUID
    internal_id: uuid.UUID
    public_id: uuid.UUID

    def url_of(self, kind: str) -> str:
        return as_login(self.url, self.logins[kind])


PEOPLE = {  # kind -> (role, clearance)
    "viewer_partner": ("viewer", "partner"),
    "editor_internal": ("editor", "internal"),
    "reviewer_restricted": ("reviewer", "restricted"),
}


def _make_owner(server_url: str, suffix: str) -> str:
    """A non-superuser role owning the database, as on a hosted server."""
    owner = f"owner_{suffix}"
    database = make_url(server_url).database
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{owner}" LOGIN CREATEROLE'))
        conn.execute(text(f'ALTER DATABASE "{database}" OWNER TO "{owner}"'))
    admin.dispose()
    return as_login(server_url, owner)


def _plant_restricted_content(url: str) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """Through the app as the owner: a restricted incident whose narrative, victims,
    source excerpt, attachment, report and merge conflict all carry MARKER."""
    project = open_project(url)
    try:
        with project.session() as s:
            by_level = {
                level: s.scalars(
                    select(Incident.id).where(Incident.sensitivity == level).limit(1)
                ).one()
                for level in (Sensitivity.RESTRICTED, Sensitivity.INTERNAL, Sensitivity.PUBLIC)
            }
            inc = s.get(Incident, by_level[Sensitivity.RESTRICTED])
            assert inc is not None
            inc.narrative = f"Witness {MARKER} saw the arrest."
            inc.victim_names = MARKER
            inc.sources.append(Source(name="Local contact", excerpt=f"{MARKER} was taken"))
            blob = Blob(sha256="f" * 64, size=6, data=b"secret")
            s.add(blob)
            inc.attachments.append(Attachment(sha256=blob.sha256, filename=f"{MARKER}.jpg"))
            s.add(
                Report(
                    title=f"Restricted note on {MARKER}",
                    number=99,
                    region_key="all",
                    region_name="Kachin",
                    period_from=dt.date(2025, 6, 1),
                    period_to=dt.date(2025, 6, 30),
                    classification="RESTRICTED",
                    sections=[{"title": "Names", "body": MARKER}],
                )
            )
            s.add(
                MergeConflict(
                    unit="incident",
                    record_id=str(inc.id),
                    label="KCN",
                    theirs={"narrative": MARKER},
                )
            )
    finally:
        project.close()
    return (
        by_level[Sensitivity.RESTRICTED],
        by_level[Sensitivity.INTERNAL],
        by_level[Sensitivity.PUBLIC],
    )


@pytest.fixture(scope="module")
def team() -> Iterator[Team]:
    with fresh_database("sitrep_team") as server_url:
        suffix = make_url(server_url).database.rsplit("_", 1)[-1]  # type: ignore[union-attr]
        owner_url = _make_owner(server_url, suffix)
        build_demo(owner_url, synthetic=40).close()  # a project first, made a team after
        ids = _plant_restricted_content(owner_url)
        init_team(owner_url)
        init_team(owner_url)  # idempotent: the second run changes nothing that matters
        logins = {}
        for kind, (role, clearance) in PEOPLE.items():
            logins[kind] = f"{kind}_{suffix}"
            add_user(owner_url, logins[kind], role, clearance, f"pw-{kind}")
        yield Team(owner_url, logins, *ids)


@pytest.fixture
def as_person(team: Team) -> Iterator[Connect]:
    """``as_person(kind)``: a connection (in a transaction rolled back at the end)."""
    engines = []

    def connect(kind: str) -> Connection:
        engine = create_engine(team.url if kind == "owner" else team.url_of(kind))
        engines.append(engine)
        return engine.connect()

    yield connect
    for engine in engines:
        engine.dispose()


def _expected_visible(team: Team, clearance: str) -> dict[str, int]:
    """Per level, how many incidents the owner sees (the whole project)."""
    engine = create_engine(team.url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT sensitivity, count(*) FROM incident GROUP BY sensitivity")
        ).all()
    engine.dispose()
    return {str(level): int(n) for level, n in rows if RANK[str(level)] <= RANK[clearance]}


# --------------------------------------------------------------------------- reading


@pytest.mark.parametrize("kind", sorted(PEOPLE))
def test_each_person_reads_only_incidents_at_or_below_their_clearance(
    team: Team, as_person: Connect, kind: str
) -> None:
    clearance = PEOPLE[kind][1]
    with as_person(kind) as conn:
        rows = conn.execute(
            text("SELECT sensitivity, count(*) FROM incident GROUP BY sensitivity")
        ).all()
    seen = {str(level): int(n) for level, n in rows}
    assert seen == _expected_visible(team, clearance)
    assert all(RANK[level] <= RANK[clearance] for level in seen)


def test_the_demo_has_restricted_and_internal_incidents_to_hide(team: Team) -> None:
    everything = _expected_visible(team, "restricted")
    assert everything["restricted"] >= 1 and everything["internal"] >= 1


@pytest.mark.parametrize("kind", ["viewer_partner", "editor_internal"])
def test_no_table_view_or_function_shows_a_restricted_name_below_clearance(
    team: Team, as_person: Connect, kind: str
) -> None:
    with as_person(kind) as conn:
        tables = conn.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).all()
        views = conn.scalars(
            text("SELECT viewname FROM pg_views WHERE schemaname = current_schema()")
        ).all()
        for name in [*tables, *views]:
            found = conn.scalar(
                text(f'SELECT count(*) FROM "{name}" t WHERE t::text LIKE :m'),
                {"m": f"%{MARKER}%"},
            )
            assert found == 0, f"{MARKER} readable in {name} by {kind}"
        assert conn.scalar(text("SELECT count(*) FROM blob")) == 0  # only the planted one
        for fn in _functions(conn):
            assert fn in REVIEWED_FUNCTIONS, f"new function {fn}: review it, then list it"
        assert conn.scalar(text("SELECT sitrep_clearance()")) == RANK[PEOPLE[kind][1]]
        restricted = str(team.restricted_id)
        assert conn.scalar(text("SELECT sitrep_record_visible(:r)"), {"r": restricted}) is False


def test_a_restricted_reviewer_sees_what_the_others_cannot(team: Team, as_person: Connect) -> None:
    """The control: the same queries find the planted content for someone cleared."""
    with as_person("reviewer_restricted") as conn:
        for table in ("incident", "source", "attachment", "report", "audit_log", "merge_conflict"):
            found = conn.scalar(
                text(f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE :m'),
                {"m": f"%{MARKER}%"},
            )
            assert found and found > 0, table
        assert conn.scalar(text("SELECT count(*) FROM blob")) == 1
        rid = str(team.restricted_id)
        assert conn.scalar(text("SELECT sitrep_record_visible(:r)"), {"r": rid}) is True


def test_child_rows_and_audit_entries_follow_their_incident(
    team: Team, as_person: Connect
) -> None:
    levels = ("public", "partner", "internal")
    with as_person("owner") as conn:
        want = {
            "source": _count_via_incident(conn, "source", levels),
            "casualty": _count_via_incident(conn, "casualty", levels),
            "incident_actor": _count_via_incident(conn, "incident_actor", levels),
            "audit_log": conn.scalar(
                text("SELECT count(*) FROM audit_log WHERE sensitivity IN :l").bindparams(
                    _in("l")
                ),
                {"l": levels},
            ),
        }
        restricted_entries = conn.scalar(
            text("SELECT count(*) FROM audit_log WHERE record_id = :r"),
            {"r": str(team.restricted_id)},
        )
    assert restricted_entries, "the owner's edit of the restricted incident was logged"
    with as_person("editor_internal") as conn:
        got = {t: conn.scalar(text(f"SELECT count(*) FROM {t}")) for t in want}
        hidden = conn.scalar(
            text("SELECT count(*) FROM audit_log WHERE record_id = :r"),
            {"r": str(team.restricted_id)},
        )
    assert got == want
    assert hidden == 0


def _in(name: str) -> BindParameter[Any]:
    return bindparam(name, expanding=True)


def _count_via_incident(conn: Connection, table: str, levels: tuple[str, ...]) -> int:
    return int(
        conn.scalar(
            text(
                f"SELECT count(*) FROM {table} c JOIN incident i ON i.id = c.incident_id "
                "WHERE i.sensitivity IN :l"
            ).bindparams(_in("l")),
            {"l": levels},
        )
        or 0
    )


def _functions(conn: Connection) -> list[str]:
    return list(
        conn.scalars(
            text(
                "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = current_schema()"
            )
        )
    )


# --------------------------------------------------------------------------- writing


def _refused(conn: Connection, sql: str, params: Mapping[str, Any] | None = None) -> str:
    """Run ``sql`` in a savepoint; return the server's refusal (fails if it was allowed)."""
    with pytest.raises(DBAPIError) as caught, conn.begin_nested():
        conn.execute(text(sql), params or {})
    return str(caught.value.orig)


@pytest.mark.parametrize("kind", ["viewer_partner", "editor_internal", "owner"])
def test_nobody_changes_or_empties_the_audit_log(as_person: Connect, kind: str) -> None:
    with as_person(kind) as conn:
        for sql in (
            "UPDATE audit_log SET changes = '{}'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ):
            assert "permission denied" in _refused(conn, sql)


def test_writers_append_to_the_audit_log(as_person: Connect) -> None:
    with as_person("editor_internal") as conn:
        conn.execute(
            text(
                'INSERT INTO audit_log (at, "user", table_name, record_id, action, changes,'
                " sensitivity) VALUES (now(), 'e', 'incident', 'x', 'note', '{}', 'internal')"
            )
        )
        conn.rollback()


def test_a_viewer_cannot_write_anything(team: Team, as_person: Connect) -> None:
    with as_person("viewer_partner") as conn:
        pid = {"i": team.public_id}
        for sql in (
            "UPDATE incident SET title = 'x' WHERE id = :i",
            "DELETE FROM incident WHERE id = :i",
            "DELETE FROM source",
            "INSERT INTO incident_link (from_id, to_id, kind, note) VALUES (:i, :i, 'x', '')",
            'INSERT INTO audit_log ("user", table_name, record_id, action, changes) '
            "VALUES ('v', 'incident', 'x', 'x', '{}')",
            "UPDATE project_setting SET value = 'x'",
            f"INSERT INTO {MEMBERS_TABLE} VALUES ('v', 'administrator', 'restricted')",
        ):
            assert "permission denied" in _refused(conn, sql, pid), sql


def test_an_editor_cannot_lift_an_incident_out_of_reach_or_touch_one_above(
    team: Team, as_person: Connect
) -> None:
    with as_person("editor_internal") as conn:
        # the control: a change within their clearance goes through
        changed = conn.execute(
            text("UPDATE incident SET title = title || '' WHERE id = :i"),
            {"i": team.internal_id},
        ).rowcount
        assert changed == 1
        refusal = _refused(
            conn,
            "UPDATE incident SET sensitivity = 'restricted' WHERE id = :i",
            {"i": team.internal_id},
        )
        assert "row-level security" in refusal
        # a new incident above their clearance (a copy of a visible one, all columns)
        conn.execute(
            text("CREATE TEMP TABLE tmp_inc AS SELECT * FROM incident WHERE id = :i"),
            {"i": team.internal_id},
        )
        conn.execute(
            text(
                "UPDATE tmp_inc SET id = gen_random_uuid(), reference = 'X-1', "
                "sensitivity = 'restricted'"
            )
        )
        assert "row-level security" in _refused(conn, "INSERT INTO incident SELECT * FROM tmp_inc")
        for sql in (
            "UPDATE incident SET narrative = 'x' WHERE id = :r",
            "DELETE FROM incident WHERE id = :r",
            "DELETE FROM source WHERE incident_id = :r",
        ):
            assert conn.execute(text(sql), {"r": team.restricted_id}).rowcount == 0, sql
        assert "row-level security" in _refused(
            conn,
            "INSERT INTO source (id, incident_id, position, name, source_type, url, excerpt,"
            " reliability, credibility, graded, created_at, updated_at, updated_by, version)"
            " VALUES (gen_random_uuid(), :r, 9, 'n', 'other', '', 'e', 'F', 6, true, now(),"
            " now(), '', 1)",
            {"r": team.restricted_id},
        )
        conn.rollback()


# --------------------------------------------------------------------------- every table


def test_every_table_revealing_incidents_is_guarded(as_person: Connect) -> None:
    """A new table with an incident_id (or in the content list) and no policy fails
    here; so does any table that is neither guarded nor declared reference data."""
    with as_person("owner") as conn:
        rows = conn.execute(
            text(
                "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
                " (SELECT count(*) FROM pg_policies p WHERE p.schemaname = n.nspname"
                "   AND p.tablename = c.relname) AS policies,"
                " EXISTS (SELECT 1 FROM information_schema.columns k"
                "   WHERE k.table_schema = n.nspname AND k.table_name = c.relname"
                "   AND k.column_name IN ('incident_id', 'from_id', 'record_id')) AS linked"
                " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
            )
        ).all()
    assert {r.relname for r in rows} >= set(CONTENT_POLICIES)
    for r in rows:
        guarded = r.relrowsecurity and r.relforcerowsecurity and r.policies >= 2
        if r.linked or r.relname in CONTENT_POLICIES:
            assert guarded, f"{r.relname} reveals incidents but has no row-level security"
        elif r.relname == MEMBERS_TABLE:
            assert r.relrowsecurity and r.policies >= 1
        else:
            assert r.relname in REFERENCE_TABLES, (
                f"{r.relname} is neither guarded nor declared reference data: give it a "
                "policy in sitrep.store.team.CONTENT_POLICIES or list it here"
            )


def test_security_definer_functions_fix_their_search_path(as_person: Connect) -> None:
    with as_person("owner") as conn:
        rows = conn.execute(
            text(
                "SELECT p.proname, p.proconfig FROM pg_proc p JOIN pg_namespace n"
                " ON n.oid = p.pronamespace WHERE n.nspname = current_schema()"
                " AND p.prosecdef"
            )
        ).all()
    assert sorted(r.proname for r in rows) == ["sitrep_audit_tip", "sitrep_clearance"]
    for row in rows:
        assert any(c.startswith("search_path=") for c in row.proconfig), row.proname


def test_passwords_reach_the_server_hashed(team: Team) -> None:
    from tests.postgres import require_server

    admin = create_engine(require_server())
    with admin.connect() as conn:
        stored = conn.scalar(
            text("SELECT rolpassword FROM pg_authid WHERE rolname = :n"),
            {"n": team.logins["viewer_partner"]},
        )
    admin.dispose()
    assert stored.startswith("SCRAM-SHA-256$") and "pw-viewer_partner" not in stored


def test_another_teams_database_is_closed_to_this_team(team: Team) -> None:
    with fresh_database("sitrep_other") as other:
        suffix = make_url(other).database.rsplit("_", 1)[-1]  # type: ignore[union-attr]
        owner = _make_owner(other, suffix)
        setup = init_team(owner)
        assert all(g.startswith(make_url(other).database or "") for g in setup.groups.values())
        outsider = create_engine(as_login(other, team.logins["reviewer_restricted"]))
        with pytest.raises(DBAPIError, match="permission denied"):
            outsider.connect().close()
        outsider.dispose()


# --------------------------------------------------------------------------- the app


def test_the_app_opens_read_only_for_a_viewer_and_knows_the_clearance(team: Team) -> None:
    project = open_project(team.url_of("viewer_partner"))
    try:
        assert project.read_only
        assert project.member is not None
        assert project.member.role == "viewer"
        assert project.member.clearance is Sensitivity.PARTNER
        assert project.user == team.logins["viewer_partner"]
        with pytest.raises(ProjectError, match="refused the change"):
            project.require_writable()
        with project.session() as s:
            assert current_member(s) == project.member
    finally:
        project.close()


def test_an_editors_save_above_clearance_is_one_plain_refusal(team: Team) -> None:
    project = open_project(team.url_of("editor_internal"))
    try:
        assert not project.read_only
        with pytest.raises(ProjectError, match="refused the change"), project.session() as s:
            inc = s.get(Incident, team.internal_id)
            assert inc is not None
            inc.sensitivity = Sensitivity.RESTRICTED
        with project.session() as s:  # within clearance: saved, and logged at its level
            inc = s.get(Incident, team.internal_id)
            assert inc is not None
            inc.title = inc.title + " (checked)"
        with project.session() as s:
            entry = s.scalars(
                select(AuditEntry)
                .where(AuditEntry.record_id == str(team.internal_id))
                .order_by(AuditEntry.id.desc())
            ).first()
            assert entry is not None and entry.sensitivity == "internal"
            assert entry.user == team.logins["editor_internal"]
    finally:
        project.close()


def test_an_editor_below_restricted_appends_after_an_entry_they_cannot_see(team: Team) -> None:
    owner = open_project(team.url)
    try:
        with owner.session() as s:  # the chain's last entry is now a restricted one
            inc = s.get(Incident, team.restricted_id)
            assert inc is not None
            inc.title = inc.title + " (owner)"
    finally:
        owner.close()
    editor = open_project(team.url_of("editor_internal"))
    try:
        with editor.session() as s:
            hidden = s.scalar(select(func.max(AuditEntry.seq)))
            inc = s.get(Incident, team.internal_id)
            assert inc is not None
            inc.title = inc.title + " (editor)"
        with editor.session() as s:
            mine = s.scalar(select(func.max(AuditEntry.seq)))
        assert hidden is not None and mine is not None and mine > hidden
    finally:
        editor.close()
    owner = open_project(team.url)
    try:
        with owner.engine.connect() as conn:
            result = audit_chain.verify(conn)
        assert result.ok, [str(b) for b in result.breaks]
    finally:
        owner.close()


def test_export_by_a_partner_viewer_holds_what_they_may_see_and_agrees_with_figures(
    team: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv

    out = tmp_path / "partner.csv"
    url = team.url_of("viewer_partner")
    assert main(["export", url, str(out), "--format", "csv"]) == 0
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    project = open_project(url)
    try:
        with project.session() as s:
            figures = key_figures(s, IncidentFilter())
    finally:
        project.close()
    expected = sum(_expected_visible(team, "partner").values())
    assert len(rows) == figures.incidents == expected
    assert f"Exported {expected} incidents" in capsys.readouterr().out
    assert MARKER not in out.read_text(encoding="utf-8-sig")


def test_team_commands_report_mistakes_in_one_line(
    team: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["team", "init", str(tmp_path / "a.sitrep")]) == 1
    assert "not a database URL" in capsys.readouterr().err
    monkeypatch.delenv("SITREP_NEW_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())  # not a terminal
    assert (
        main(["team", "add-user", "carol", "--role", "editor", "--clearance", "partner", team.url])
        == 1
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "SITREP_NEW_PASSWORD" in err
    # a member (not the owner) cannot add people
    monkeypatch.setenv("SITREP_NEW_PASSWORD", "x")
    code = main(
        [
            "team",
            "add-user",
            "mallory",
            "--role",
            "administrator",
            "--clearance",
            "restricted",
            team.url_of("editor_internal"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "refused" in err
    assert main(["team", "list", team.url]) == 0
    listing = capsys.readouterr().out
    for kind, (role, clearance) in PEOPLE.items():
        line = next(x for x in listing.splitlines() if x.startswith(team.logins[kind]))
        assert line.split()[1:] == [role, clearance]
    assert "mallory" not in listing


def test_an_editor_merges_duplicates_within_clearance_and_the_log_keeps_their_level(
    team: Team, as_person: Connect
) -> None:
    from sitrep.sharing.duplicates import merge_incidents

    with as_person("owner") as conn:
        keep, absorb = conn.execute(
            text(
                "SELECT reference FROM incident WHERE sensitivity = 'internal' AND id <> :i "
                "ORDER BY reference LIMIT 2"
            ),
            {"i": team.internal_id},
        ).scalars()
    project = open_project(team.url_of("editor_internal"))
    try:
        merged = merge_incidents(project, keep, absorb)
    finally:
        project.close()
    assert (merged.kept, merged.absorbed) == (keep, absorb)
    with as_person("owner") as conn:
        levels = conn.execute(
            text(
                "SELECT DISTINCT sensitivity FROM audit_log WHERE action LIKE 'dedup %' "
                'AND "user" = :u'
            ),
            {"u": team.logins["editor_internal"]},
        ).scalars()
        assert set(levels) == {"internal"}
    with as_person("editor_internal") as conn:
        assert (
            conn.scalar(
                text("SELECT count(*) FROM share_exchange WHERE peer = :p"),
                {"p": f"{absorb} into {keep}"},
            )
            == 1
        )


def test_an_older_team_database_is_upgraded_only_by_team_init() -> None:
    """The app refuses to upgrade a team database (new tables need their policies);
    ``team init`` upgrades it through migrations that change policed columns."""
    from alembic import command

    from sitrep.store import schema
    from sitrep.store.team import unlock_for_upgrade

    with fresh_database("sitrep_upgrade") as url:
        init_team(url)
        engine = create_engine(url)
        with engine.begin() as conn:  # back to the schema before audit levels
            unlock_for_upgrade(conn)
            command.downgrade(schema.alembic_config(conn), "0009")
        with pytest.raises(ProjectError, match="must run 'sitrep team init'"):
            open_project(url)
        setup = init_team(url)
        assert setup.revision == schema.head_revision() and not setup.created
        with engine.connect() as conn:
            assert schema.current_revision(conn) == schema.head_revision()
            policies = conn.scalar(
                text("SELECT count(*) FROM pg_policies WHERE tablename = 'audit_log'")
            )
            assert policies == 2  # read and add: nothing changes or removes an entry
        engine.dispose()
        open_project(url).close()
