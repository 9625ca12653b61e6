"""What row-level security costs on a team database: the filter+aggregates query of
bench/storage.py at scale, as each kind of member, against the same query without RLS.

    bash scripts/with-postgres.sh .venv/bin/python bench/team_rls.py [--size 100000]

Needs a PostgreSQL server: ``--url`` (a superuser's URL on the server) or
``SITREP_TEST_PG_URL`` (which scripts/with-postgres.sh sets). Builds a team database
owned by a non-superuser role (as on a hosted server), loads ``--size`` incidents (40%
public, 20% partner, 30% internal, 10% restricted), runs ``sitrep team init`` and adds
an internal editor and a restricted reviewer. The baseline is the server's superuser,
which row-level security never applies to: what the table owner paid before FORCE.
Prints median milliseconds per case (the cases take turns, ``--rounds`` times) and the
ratio to the baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from bench._synth import Geography, incident_rows, make_geography
from bench.storage import time_queries
from sitrep.places.regions import AreaRef, Region
from sitrep.store import Project, create_project, open_project
from sitrep.store.incidents import bulk_insert_incidents
from sitrep.store.queries import IncidentFilter, key_figures
from sitrep.store.team import add_user, init_team

LEVELS = (("public", 40), ("partner", 20), ("internal", 30), ("restricted", 10))


def with_levels(rows: Iterator[dict[str, Any]], seed: int = 11) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    names, weights = zip(*LEVELS, strict=True)
    for row in rows:
        yield {**row, "sensitivity": rng.choices(names, weights)[0]}


def url_as(url: str, user: str, database: str | None = None) -> str:
    u = make_url(url).set(username=user)
    if database:
        u = u.set(database=database)
    return u.render_as_string(hide_password=False)


def build(server: str, n: int) -> tuple[str, str, Geography]:
    """A fresh team database with ``n`` incidents; (owner URL, database, geography)."""
    database = f"sitrep_rls_{uuid.uuid4().hex[:8]}"
    owner = f"{database}_owner"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{owner}" LOGIN CREATEROLE'))
        conn.execute(text(f'CREATE DATABASE "{database}" OWNER "{owner}"'))
    admin.dispose()
    owner_url = url_as(server, owner, database)
    project = create_project(owner_url, user="bench")
    geo = make_geography(project)
    t0 = time.perf_counter()
    with project.session() as s:
        bulk_insert_incidents(s, with_levels(incident_rows(geo, n)), what="bench")
    print(f"loaded {n:,} incidents in {time.perf_counter() - t0:.1f} s")
    with project.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    project.close()
    init_team(owner_url)
    return owner_url, database, geo


def server_ms(project: Project, geo: Geography, repeats: int = 15) -> float:
    """Median execution time inside the server (EXPLAIN ANALYZE) of the key-figures
    statement for the busiest state over a year: the policy's cost without the app's."""
    state = geo.admin1[-1]
    region = Region(state.name, (AreaRef(state.id, state.level, state.name),))
    flt = IncidentFilter(
        region=region, date_from=dt.date(2023, 1, 1), date_to=dt.date(2023, 12, 31)
    )
    seen: list[tuple[str, Any]] = []

    def capture(*args: Any) -> None:
        seen.append((args[2], args[3]))  # statement, parameters

    event.listen(project.engine, "before_cursor_execute", capture)
    try:
        with project.session() as s:
            key_figures(s, flt)
    finally:
        event.remove(project.engine, "before_cursor_execute", capture)
    statement, params = seen[-1]
    times = []
    with project.session() as s:
        cursor = s.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        for _ in range(repeats):
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, params)
            times.append(float(cursor.fetchone()[0][0]["Execution Time"]))
    return statistics.median(times)


def drop(server: str, database: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{database}" WITH (FORCE)'))
        for role in conn.scalars(
            text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p"), {"p": f"{database}%"}
        ):
            conn.execute(text(f'DROP ROLE "{role}"'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5, help="queries per case and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--url", default=os.environ.get("SITREP_TEST_PG_URL"))
    args = parser.parse_args()
    if not args.url:
        sys.exit("team_rls: give --url or run through scripts/with-postgres.sh")
    owner_url, database, geo = build(args.url, args.size)
    try:
        people = {
            "editor, internal": f"{database}_editor_i",
            "reviewer, restricted": f"{database}_reviewer_r",
        }
        add_user(owner_url, people["editor, internal"], "editor", "internal", "bench")
        add_user(owner_url, people["reviewer, restricted"], "reviewer", "restricted", "bench")
        cases = {
            "superuser (no RLS)": url_as(args.url, make_url(args.url).username or "", database),
            "owner (FORCE, sees all)": owner_url,
            **{k: url_as(args.url, login, database) for k, login in people.items()},
        }
        projects = {label: open_project(url, user="bench") for label, url in cases.items()}
        rounds: dict[str, list[dict[str, float]]] = {label: [] for label in cases}
        inside: dict[str, float] = {}
        try:
            for project in projects.values():
                time_queries(project, geo, repeats=3)  # warm the caches
            # the cases take turns, so a change in the machine's load hits them all
            for _ in range(args.rounds):
                for label, project in projects.items():
                    rounds[label].append(time_queries(project, geo, repeats=args.repeats))
            for label, project in projects.items():
                inside[label] = server_ms(project, geo)
        finally:
            for project in projects.values():
                project.close()
        medians = {
            label: {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            for label, runs in rounds.items()
        }
        base = medians["superuser (no RLS)"]
        print(f"filter+aggregates at {args.size:,} incidents, median ms (ratio to no RLS):")
        for label, figures in medians.items():
            cells = ", ".join(f"{k} {ms:.1f} ({ms / base[k]:.2f}x)" for k, ms in figures.items())
            print(f"  {label:<24} {cells}")
        print("key figures of the busiest state over a year, inside the server (EXPLAIN ANALYZE):")
        for label, ms in inside.items():
            ratio = ms / inside["superuser (no RLS)"]
            print(f"  {label:<24} {ms:.2f} ms ({ratio:.2f}x)")
    finally:
        drop(args.url, database)


if __name__ == "__main__":
    main()
