"""Team benchmark: concurrent writers saving the same incidents on one PostgreSQL database.

    bash scripts/with-postgres.sh .venv/bin/python bench/team.py [--seconds 60] [--writers 10]
    .venv/bin/python bench/team.py --url postgresql+psycopg://user@127.0.0.1/db

Each writer is a separate Project (its own connection pool and user name), as each
colleague's app is. In a loop it opens a random incident of a small shared pool (so
saves collide), makes a change a person would (adds a line to the narrative, or a
source row) and saves through the form's path (``save_draft``). A refused save is a
conflict the form would show: the writer computes the three-way view
(``find_conflict``), checks it names the other person's change, and then makes its
change again on the current version. Every save a writer believes succeeded is
recorded; at the end each of them must be found in the database (a missing one is a
lost update), and each incident's version must be exactly 1 + its successful saves.
Figures are printed; lost updates must be 0.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sitrep.editing.conflict import find_conflict
from sitrep.editing.draft import IncidentDraft, SourceDraft
from sitrep.editing.save import load_draft, save_draft
from sitrep.errors import ConflictError
from sitrep.model import Incident
from sitrep.store import Project, create_project, open_project


@dataclass
class Tally:
    saves: int = 0
    conflicts: int = 0
    conflicts_shown: int = 0  # the three-way view named the other change
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    saved_tokens: list[tuple[uuid.UUID, str]] = field(default_factory=list)


def seed(project: Project, count: int) -> list[uuid.UUID]:
    ids = []
    for i in range(count):
        draft = IncidentDraft(
            title=f"Shared incident {i}",
            date_start="2025-06-03",
            place_name="Lone Khin",
            lat="25.66",
            lon="96.28",
            event_type="Battles",
            sub_event_type="Armed clash",
            narrative="",
        )
        with project.session() as s:
            ids.append(save_draft(s, draft).id)
    return ids


def change(draft: IncidentDraft, token: str, as_source: bool) -> None:
    if as_source:
        draft.sources.append(SourceDraft(name=token, reliability="C", credibility=3))
    else:
        draft.narrative = f"{draft.narrative}\n{token}".strip()


def writer(
    url: str, n: int, ids: list[uuid.UUID], until: float, tally: Tally, lock: threading.Lock
) -> None:
    project = open_project(url, user=f"writer{n}")
    rng = random.Random(n)
    k = 0
    try:
        while time.monotonic() < until:
            incident_id = rng.choice(ids)
            k += 1
            token = f"w{n}-{k}"
            as_source = rng.random() < 0.3
            try:
                with project.session() as s:
                    base = load_draft(s, incident_id)
                mine = load_draft_copy(base)
                change(mine, token, as_source)
                time.sleep(rng.uniform(0, 0.01))  # a person does not save the instant they open
                for _attempt in range(20):
                    started = time.perf_counter()
                    try:
                        with project.session() as s:
                            save_draft(s, mine)
                    except ConflictError:
                        with lock:
                            tally.conflicts += 1
                        with project.session() as s:
                            conflict = find_conflict(s, base, mine)
                        if conflict.fields and conflict.changed_by:
                            with lock:
                                tally.conflicts_shown += 1
                        base = conflict.theirs  # make the change again on their version
                        mine = load_draft_copy(base)
                        change(mine, token, as_source)
                        continue
                    with lock:
                        tally.saves += 1
                        tally.latencies.append(time.perf_counter() - started)
                        tally.saved_tokens.append((incident_id, token))
                    break
            except Exception as exc:  # noqa: BLE001  (counted and shown: must be 0)
                with lock:
                    tally.errors.append(f"writer{n}: {type(exc).__name__}: {exc}")
    finally:
        project.close()


def load_draft_copy(draft: IncidentDraft) -> IncidentDraft:
    from dataclasses import asdict

    from sitrep.editing.draft import draft_from_dict

    return draft_from_dict(asdict(draft))


def verify(project: Project, tally: Tally) -> tuple[int, int]:
    """(lost updates, incidents whose version does not count their saves)."""
    lost = 0
    bad_versions = 0
    per_incident: dict[uuid.UUID, int] = {}
    with project.session() as s:
        for incident_id, token in tally.saved_tokens:
            per_incident[incident_id] = per_incident.get(incident_id, 0) + 1
            inc = s.get(Incident, incident_id)
            assert inc is not None
            names = {src.name for src in inc.sources}
            if token not in inc.narrative.split("\n") and token not in names:
                lost += 1
        for incident_id, saves in per_incident.items():
            inc = s.get(Incident, incident_id)
            assert inc is not None
            if inc.version != 1 + saves:
                bad_versions += 1
    return lost, bad_versions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=os.environ.get("SITREP_TEST_PG_URL"))
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--incidents", type=int, default=20)
    args = parser.parse_args()
    if not args.url:
        print("no PostgreSQL: run through scripts/with-postgres.sh or pass --url", file=sys.stderr)
        return 1
    name = f"sitrep_team_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.url).set(database=name).render_as_string(hide_password=False)
    try:
        project = create_project(url, name="Team bench", user="setup")
        ids = seed(project, args.incidents)
        tally, lock = Tally(), threading.Lock()
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=writer, args=(url, n, ids, until, tally, lock))
            for n in range(args.writers)
        ]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        lost, bad_versions = verify(project, tally)
        project.close()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
    lat = sorted(tally.latencies) or [0.0]
    print(f"writers: {args.writers}, incidents shared: {args.incidents}, {elapsed:.1f} s")
    print(f"saves: {tally.saves} ({tally.saves / elapsed:.1f} per second)")
    print(
        f"save time: median {statistics.median(lat) * 1000:.1f} ms, "
        f"p95 {lat[int(0.95 * (len(lat) - 1))] * 1000:.1f} ms"
    )
    print(
        f"conflicts detected: {tally.conflicts} "
        f"(three-way view named the other change: {tally.conflicts_shown})"
    )
    print(f"lost updates: {lost}; incidents whose version does not match: {bad_versions}")
    print(f"errors: {len(tally.errors)}")
    for line in tally.errors[:5]:
        print(f"  {line}")
    return 0 if lost == 0 and bad_versions == 0 and not tally.errors else 1


if __name__ == "__main__":
    sys.exit(main())
