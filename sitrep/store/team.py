"""A team database: PostgreSQL itself decides who sees and changes what.

The app hides restricted incidents from people not cleared for them, but a colleague
with the database password and ``psql`` is not bound by the app. So on a team database
the server enforces it, whatever the client:

- four group roles per database (``<db>_viewer`` … ``<db>_administrator``: a prefix of
  the database's name, so two teams on one server never share a role). Viewers may only
  read; editors and reviewers write; administrators also see the team list. Each person
  logs in as their own role, member of one group;
- ``team_member(login, role, clearance)`` says how far each person is cleared; each
  member reads only their own row (administrators read all);
- row-level security on every table that holds or reveals incident content: a row is
  visible, and writable, only at or below the member's clearance. Child rows (sources,
  casualties, attachments …) follow their incident; attachment bytes are reachable only
  through a visible attachment; audit entries carry the level of what they reveal;
- the audit log is append-only: INSERT and SELECT are granted, UPDATE, DELETE and
  TRUNCATE to nobody, and no policy allows them.

Row-level security is ENABLEd and FORCEd: the table owner (the administrator who ran
``sitrep team init``) goes through the same policies, so the owner's app or scripts
cannot rewrite the audit log by accident either (its clearance is restricted, it sees
everything). A superuser, or the owner turning FORCE off with ALTER TABLE, can still do
anything: the database cannot protect itself from its owner; the audit hash chain is
what shows such a change afterwards.

Schema upgrades run only through :func:`init_team` (run again after installing a newer
Sitrep): it lifts FORCE for the migrations, then puts every grant and policy back, so a
table a new migration adds gets its policies in the same transaction.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from sitrep.errors import SitrepError
from sitrep.model.enums import Sensitivity

ROLES = ("viewer", "editor", "reviewer", "administrator")
WRITERS = ("editor", "reviewer", "administrator")
LEVELS = tuple(s.value for s in Sensitivity)
MEMBERS_TABLE = "team_member"

# What decides whether a row is visible: the row's own level, its incident, its report.
_CLEARANCE = "(SELECT sitrep_clearance())"
_OWN_LEVEL = f"sitrep_rank(sensitivity) <= {_CLEARANCE}"


def _via_incident(table: str, column: str = "incident_id") -> str:
    # the subquery on incident is itself filtered by incident's policy
    return f"EXISTS (SELECT 1 FROM incident i WHERE i.id = {table}.{column})"


# table -> the condition for seeing (and, for writers, writing) a row
CONTENT_POLICIES: dict[str, str] = {
    "incident": _OWN_LEVEL,
    "source": _via_incident("source"),
    "casualty": _via_incident("casualty"),
    "attachment": _via_incident("attachment"),
    "external_id": _via_incident("external_id"),
    "incident_actor": _via_incident("incident_actor"),
    "incident_link": (
        f"{_via_incident('incident_link', 'from_id')} AND "
        f"{_via_incident('incident_link', 'to_id')}"
    ),
    "blob": "EXISTS (SELECT 1 FROM attachment a WHERE a.sha256 = blob.sha256)",
    "report": f"sitrep_rank(lower(classification)) <= {_CLEARANCE}",
    "report_file": "EXISTS (SELECT 1 FROM report r WHERE r.id = report_file.report_id)",
    # the chain's tip function (SECURITY DEFINER, run as the owner) must see every entry
    # to append after the last one, whatever the writer's clearance; it returns only the
    # last seq and hash
    "audit_log": f"{_OWN_LEVEL} OR current_user = (SELECT r.rolname FROM pg_catalog.pg_class c"
    " JOIN pg_catalog.pg_roles r ON r.oid = c.relowner WHERE c.oid = 'audit_log'::regclass)",
    # the map's saved point index holds every incident's place and date: on a team
    # database nothing saves it (see sitrep.mapping.indexstore), and only those cleared
    # for everything could read it if something did
    "map_index": f"{_CLEARANCE} >= 3",
    "share_exchange": f"sitrep_rank(level) <= {_CLEARANCE}",
    "exchange_base": f"sitrep_record_visible(record_id) OR {_CLEARANCE} >= 3",
    "merge_conflict": f"sitrep_record_visible(record_id) OR {_CLEARANCE} >= 3",
    "merge_fingerprint": (
        f"{_CLEARANCE} >= 3 OR EXISTS "
        "(SELECT 1 FROM exchange_base b WHERE b.fingerprint = merge_fingerprint.hash)"
    ),
}
# rows a writer may add without the row being visible yet: attachment bytes are written
# before the attachment that makes them visible; a fingerprint before its base
INSERT_ANY = {"blob", "merge_fingerprint", "audit_log"}
APPEND_ONLY = {"audit_log"}
# tables no group may change (the owner keeps them: team list, schema version)
READ_ONLY_TABLES = {MEMBERS_TABLE, "alembic_version"}

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class TeamError(SitrepError):
    """A team database cannot be set up or changed as asked."""


@dataclass(frozen=True)
class Member:
    """The person connected to a team database: their group and clearance."""

    login: str
    role: str  # one of ROLES; "owner" for the database owner or a superuser; "" unknown
    clearance: Sensitivity | None  # None: not a member, sees no incident

    @property
    def can_write(self) -> bool:
        return self.role in (*WRITERS, "owner")

    def describe(self) -> str:
        level = self.clearance.value if self.clearance else "none"
        return f"{self.login}: {self.role or 'not a team member'}, clearance {level}"


def role_prefix(database: str) -> str:
    """The prefix of a database's group roles: its name, made a plain identifier."""
    base = re.sub(r"[^a-z0-9_]", "_", database.lower()) or "sitrep"
    return base[:40]


def group_role(database: str, role: str) -> str:
    return f"{role_prefix(database)}_{role}"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# --------------------------------------------------------------------------- reading


def refused(exc: DBAPIError) -> bool:
    """Whether the server refused a statement for want of a grant or by a policy
    (SQLSTATE 42501: no privilege, or a row-level security check)."""
    return getattr(exc.orig, "sqlstate", None) == "42501"


def is_team(conn: Connection) -> bool:
    """Whether a PostgreSQL database has been set up by ``sitrep team init``."""
    if conn.dialect.name != "postgresql":
        return False
    return conn.scalar(text("SELECT to_regclass('team_member') IS NOT NULL")) is True


def current_member(session: Session | Connection) -> Member | None:
    """Who is connected to a team database, in which group and how far cleared.

    None for a project file or a PostgreSQL database that is not a team database
    (the app then enforces what it shows, as for a single user).
    """
    conn = session.connection() if isinstance(session, Session) else session
    if not is_team(conn):
        return None
    login = str(conn.scalar(text("SELECT session_user")))
    row = conn.execute(
        text("SELECT role, clearance FROM team_member WHERE login = session_user")
    ).first()
    if row is not None:
        return Member(login, str(row.role), _clearance(row.clearance))
    rank = conn.scalar(text("SELECT sitrep_clearance()"))
    if rank is not None and int(rank) >= len(LEVELS) - 1:
        return Member(login, "owner", Sensitivity.RESTRICTED)
    return Member(login, "", None)


def _clearance(value: object) -> Sensitivity | None:
    try:
        return Sensitivity(str(value))
    except ValueError:
        return None


def list_members(conn: Connection) -> list[Member]:
    rows = conn.execute(
        text("SELECT login, role, clearance FROM team_member ORDER BY login")
    ).all()
    return [Member(str(r.login), str(r.role), _clearance(r.clearance)) for r in rows]


# --------------------------------------------------------------------------- setting up


def _require_postgres(conn: Connection) -> str:
    if conn.dialect.name != "postgresql":
        raise TeamError("A team database needs a PostgreSQL server URL, not a project file.")
    return str(conn.scalar(text("SELECT current_database()")))


def _tables(conn: Connection) -> list[str]:
    return list(
        conn.scalars(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1"
            )
        )
    )


def unlock_for_upgrade(conn: Connection) -> None:
    """Let the owner's migrations run as on a plain database (FORCE off, no policies:
    PostgreSQL refuses to change or drop a column a policy uses; audit rights back).
    :func:`apply_access` puts everything back in the same transaction."""
    owner = _ident(str(conn.scalar(text("SELECT current_user"))))
    for table in _tables(conn):
        conn.exec_driver_sql(f"ALTER TABLE {_ident(table)} NO FORCE ROW LEVEL SECURITY")
        _drop_policies(conn, table)
    if "audit_log" in _tables(conn):
        conn.exec_driver_sql(f"GRANT UPDATE, DELETE, TRUNCATE ON audit_log TO {owner}")


def _ensure_roles(conn: Connection, database: str) -> dict[str, str]:
    groups = {role: group_role(database, role) for role in ROLES}
    existing = set(conn.scalars(text("SELECT rolname FROM pg_roles")))
    for name in groups.values():
        if name not in existing:
            conn.exec_driver_sql(f"CREATE ROLE {_ident(name)} NOLOGIN")
    chain = list(groups.values())
    for lower, higher in itertools.pairwise(chain):
        conn.exec_driver_sql(f"GRANT {_ident(lower)} TO {_ident(higher)}")
    return groups


_FUNCTIONS = """
CREATE OR REPLACE FUNCTION sitrep_rank(level text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE level WHEN 'public' THEN 0 WHEN 'partner' THEN 1
                    WHEN 'internal' THEN 2 ELSE 3 END
$$;
COMMENT ON FUNCTION sitrep_rank(text) IS
  'The rank of a sensitivity (public 0 .. restricted 3); anything unknown ranks as '
  'restricted. Names no object (no search_path needed), so policies can inline it.';

CREATE OR REPLACE FUNCTION sitrep_clearance() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, {schema} AS $$
  SELECT COALESCE(
    (SELECT sitrep_rank(m.clearance) FROM {schema}.team_member m
      WHERE m.login = session_user),
    CASE WHEN pg_has_role(session_user,
                          (SELECT datdba FROM pg_database WHERE datname = current_database()),
                          'MEMBER')
         THEN 3 ELSE -1 END)
$$;
COMMENT ON FUNCTION sitrep_clearance() IS
  'The clearance rank of the person connected (session_user: inside a SECURITY DEFINER '
  'function current_user is the owner; SET ROLE cannot raise it). -1: not a member.';

CREATE OR REPLACE FUNCTION sitrep_audit_tip(OUT seq integer, OUT hash text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, {schema} AS $$
  SELECT a.seq, a.hash FROM {schema}.audit_log a
   WHERE a.seq IS NOT NULL ORDER BY a.seq DESC LIMIT 1
$$;
COMMENT ON FUNCTION sitrep_audit_tip() IS
  'The last seq and hash of the audit hash chain, for writers who cannot see every entry '
  '(nothing of any entry''s content).';

CREATE OR REPLACE FUNCTION sitrep_record_visible(record text) RETURNS boolean
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, {schema} AS $$
  SELECT CASE WHEN record ~* '^[0-9a-f]{{8}}-?([0-9a-f]{{4}}-?){{3}}[0-9a-f]{{12}}$' THEN
    EXISTS (SELECT 1 FROM {schema}.incident WHERE id = record::uuid)
    OR EXISTS (SELECT 1 FROM {schema}.source WHERE id = record::uuid)
    OR EXISTS (SELECT 1 FROM {schema}.casualty WHERE id = record::uuid)
    OR EXISTS (SELECT 1 FROM {schema}.attachment WHERE id = record::uuid)
    OR EXISTS (SELECT 1 FROM {schema}.report WHERE id = record::uuid)
  ELSE false END
$$;
COMMENT ON FUNCTION sitrep_record_visible(text) IS
  'Whether a record id names a row the caller can see (runs with the caller''s rights, '
  'so row-level security applies).';
"""


def _install_functions(conn: Connection, groups: dict[str, str]) -> None:
    schema = _ident(str(conn.scalar(text("SELECT current_schema()"))))
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {MEMBERS_TABLE} ("
        " login name PRIMARY KEY,"
        f" role text NOT NULL CHECK (role IN ({', '.join(map(_literal, ROLES))})),"
        f" clearance text NOT NULL CHECK (clearance IN ({', '.join(map(_literal, LEVELS))})))"
    )
    conn.exec_driver_sql(_FUNCTIONS.format(schema=schema))
    for signature in (
        "sitrep_rank(text)",
        "sitrep_clearance()",
        "sitrep_record_visible(text)",
        "sitrep_audit_tip()",
    ):
        conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        conn.exec_driver_sql(
            f"GRANT EXECUTE ON FUNCTION {signature} TO {_ident(groups['viewer'])}"
        )


def _drop_policies(conn: Connection, table: str) -> None:
    names = conn.scalars(
        text(
            "SELECT policyname FROM pg_policies WHERE schemaname = current_schema() "
            "AND tablename = :t"
        ),
        {"t": table},
    )
    for name in list(names):
        conn.exec_driver_sql(f"DROP POLICY {_ident(name)} ON {_ident(table)}")


def _policies(conn: Connection, table: str, condition: str) -> None:
    t = _ident(table)
    check = "true" if table in INSERT_ANY else condition
    conn.exec_driver_sql(f"CREATE POLICY sitrep_read ON {t} FOR SELECT USING ({condition})")
    conn.exec_driver_sql(f"CREATE POLICY sitrep_add ON {t} FOR INSERT WITH CHECK ({check})")
    if table in APPEND_ONLY:
        return
    conn.exec_driver_sql(
        f"CREATE POLICY sitrep_change ON {t} FOR UPDATE USING ({condition}) "
        f"WITH CHECK ({condition})"
    )
    conn.exec_driver_sql(f"CREATE POLICY sitrep_remove ON {t} FOR DELETE USING ({condition})")


def apply_access(conn: Connection) -> dict[str, str]:
    """Roles, grants and policies of a team database; safe to run again.

    Every table of the schema loses all grants first and gets them back by its kind, so
    a table added by a later version gets exactly what it should. Returns the groups.
    """
    database = _require_postgres(conn)
    groups = _ensure_roles(conn, database)
    viewer, editor = _ident(groups["viewer"]), _ident(groups["editor"])
    admin = groups["administrator"]
    owner = _ident(str(conn.scalar(text("SELECT current_user"))))
    schema = _ident(str(conn.scalar(text("SELECT current_schema()"))))
    db = _ident(database)
    # other people on the same server (another team's members) cannot even connect
    conn.exec_driver_sql(f"REVOKE ALL ON DATABASE {db} FROM PUBLIC")
    conn.exec_driver_sql(f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {viewer}")
    # nobody but the owner creates functions or views that could run as someone else
    conn.exec_driver_sql(f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC")
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {schema} TO {viewer}")
    _install_functions(conn, groups)
    everyone = ", ".join(["PUBLIC", *(_ident(g) for g in groups.values())])
    for table in _tables(conn):
        t = _ident(table)
        conn.exec_driver_sql(f"REVOKE ALL ON {t} FROM {everyone}")
        conn.exec_driver_sql(f"GRANT SELECT ON {t} TO {viewer}")
        if table in APPEND_ONLY:
            conn.exec_driver_sql(f"GRANT INSERT ON {t} TO {editor}")
            conn.exec_driver_sql(f"REVOKE UPDATE, DELETE, TRUNCATE ON {t} FROM {owner}")
        elif table not in READ_ONLY_TABLES:
            conn.exec_driver_sql(f"GRANT INSERT, UPDATE, DELETE ON {t} TO {editor}")
        _drop_policies(conn, table)
        if table == MEMBERS_TABLE:
            conn.exec_driver_sql(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
            conn.exec_driver_sql(
                f"CREATE POLICY sitrep_read ON {t} FOR SELECT USING (login = session_user "
                f"OR pg_has_role(session_user, {_literal(admin)}, 'MEMBER'))"
            )
        elif table in CONTENT_POLICIES:
            conn.exec_driver_sql(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
            conn.exec_driver_sql(f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY")
            _policies(conn, table, CONTENT_POLICIES[table])
        else:  # reference data every member reads (places, actors, taxonomy, settings)
            conn.exec_driver_sql(f"ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY")
            conn.exec_driver_sql(f"ALTER TABLE {t} DISABLE ROW LEVEL SECURITY")
    for seq in conn.scalars(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'S'"
        )
    ):
        conn.exec_driver_sql(f"REVOKE ALL ON SEQUENCE {_ident(seq)} FROM {everyone}")
        conn.exec_driver_sql(f"GRANT USAGE, SELECT ON SEQUENCE {_ident(seq)} TO {editor}")
    # a view runs with its owner's rights unless told otherwise
    for view in list(
        conn.scalars(text("SELECT viewname FROM pg_views WHERE schemaname = current_schema()"))
    ):
        conn.exec_driver_sql(f"ALTER VIEW {_ident(view)} SET (security_invoker = true)")
    return groups


# --------------------------------------------------------------------------- members


def check_login_name(name: str) -> str:
    if not _NAME.match(name):
        raise TeamError(
            f"'{name}' cannot be a login name: use lower-case letters, digits and _ "
            "(starting with a letter), at most 63 characters."
        )
    return name


def add_member(conn: Connection, name: str, role: str, clearance: str, password: str) -> Member:
    """Create (or change) a person's login role, group and clearance.

    The password is hashed here (SCRAM, by libpq) so the server never receives it in
    clear: statement logs on the server cannot show it.
    """
    database = _require_postgres(conn)
    if not is_team(conn):
        raise TeamError(
            f"{database} is not a team database yet; run 'sitrep team init' on it first."
        )
    check_login_name(name)
    if role not in ROLES:
        raise TeamError(f"'{role}' is not a team role; choose one of {', '.join(ROLES)}.")
    if clearance not in LEVELS:
        raise TeamError(f"'{clearance}' is not a clearance; choose one of {', '.join(LEVELS)}.")
    if not password:
        raise TeamError(f"The password for {name} is empty; give one.")
    groups = {r: group_role(database, r) for r in ROLES}
    if name in groups.values() or name == conn.scalar(text("SELECT current_user")):
        raise TeamError(f"'{name}' is a role of the team itself; choose another login name.")
    raw = conn.connection.dbapi_connection
    secret = raw.pgconn.encrypt_password(  # type: ignore[union-attr]
        password.encode(), name.encode(), b"scram-sha-256"
    ).decode()
    exists = conn.scalar(text("SELECT count(*) FROM pg_roles WHERE rolname = :n"), {"n": name})
    verb = "ALTER" if exists else "CREATE"
    conn.exec_driver_sql(f"{verb} ROLE {_ident(name)} LOGIN PASSWORD {_literal(secret)}")
    for group in groups.values():
        conn.exec_driver_sql(f"REVOKE {_ident(group)} FROM {_ident(name)}")
    conn.exec_driver_sql(f"GRANT {_ident(groups[role])} TO {_ident(name)}")
    conn.execute(
        text(
            "INSERT INTO team_member (login, role, clearance) VALUES (:n, :r, :c) "
            "ON CONFLICT (login) DO UPDATE SET role = :r, clearance = :c"
        ),
        {"n": name, "r": role, "c": clearance},
    )
    return Member(name, role, Sensitivity(clearance))


def database_name(url: str) -> str:
    return make_url(url).database or ""


# --------------------------------------------------------------------------- the commands


@dataclass(frozen=True)
class TeamSetup:
    database: str
    groups: dict[str, str]
    created: bool  # the project schema was created now (else upgraded or already current)
    revision: str


def init_team(url: str) -> TeamSetup:
    """Create or upgrade a team database and (re)apply its roles, grants and policies.

    Run with an administrator's URL (the database owner, allowed to create roles).
    Running it again is safe: it upgrades the schema to this version's and puts every
    grant and policy back as this version defines them.
    """
    from sitrep.store import schema
    from sitrep.store.project import create_project, open_project

    with _admin_connection(url) as conn:
        _require_postgres(conn)
        fresh = schema.current_revision(conn) is None
    if fresh:
        create_project(url, user=_url_user(url)).close()
    with _admin_connection(url) as conn:
        database = _require_postgres(conn)
        revision = schema.current_revision(conn)
        if revision not in schema.known_revisions():
            raise TeamError(
                f"{database} was set up by a newer version of Sitrep (schema {revision}); "
                "update Sitrep to manage it (nothing was changed)."
            )
        unlock_for_upgrade(conn)
        if revision != schema.head_revision():
            schema.upgrade(conn)
        groups = apply_access(conn)
    open_project(url, user=_url_user(url)).close()  # this version's new taxonomy entries
    return TeamSetup(database, groups, fresh, schema.head_revision())


def add_user(url: str, name: str, role: str, clearance: str, password: str) -> Member:
    with _admin_connection(url) as conn:
        return add_member(conn, name, role, clearance, password)


def members(url: str) -> list[Member]:
    with _admin_connection(url) as conn:
        database = _require_postgres(conn)
        if not is_team(conn):
            raise TeamError(
                f"{database} is not a team database yet; run 'sitrep team init' on it first."
            )
        return list_members(conn)


def _url_user(url: str) -> str:
    return make_url(url).username or ""


@contextlib.contextmanager
def _admin_connection(url: str) -> Iterator[Connection]:
    """One transaction on the server as the URL's role; server refusals as TeamError."""
    from sitrep.store.engine import is_database_url, make_engine, project_url

    if not is_database_url(url):
        raise TeamError(
            f"{url} is not a database URL; a team database is on a PostgreSQL server "
            "(postgresql+psycopg://admin@host/database)."
        )
    engine = make_engine(project_url(url))
    try:
        with engine.begin() as conn:
            yield conn
    except DBAPIError as exc:
        why = _first_line(exc)
        if refused(exc):
            why += " (run this with the database owner's URL, a role allowed to create roles)"
        raise TeamError(f"{_safe(url)}: the server refused it: {why}.") from exc
    finally:
        engine.dispose()


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0].rstrip(".") if exc.orig else str(exc)


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
