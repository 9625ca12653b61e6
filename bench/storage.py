"""Storage benchmark: bulk insert against bare sqlite3, and filtered aggregates at scale.

    python bench/storage.py [--sizes 100000 1000000] [--encrypted-only]

Prints figures; targets (issue 2): insert ≤ 2× the bare executemany baseline; a
region+period filter with its aggregates ≤ 100 ms median at 1M incidents. Issue 12: the
same insert and filter on a project encrypted with SQLCipher 4 (default KDF and page
size) ≤ 1.5× the plain project.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._synth import Geography, incident_rows, make_geography
from sitrep.places.regions import AreaRef, Region
from sitrep.store import Project, create_project
from sitrep.store.incidents import bulk_insert_incidents
from sitrep.store.queries import (
    IncidentFilter,
    counts_by_area,
    counts_by_period,
    counts_by_type,
    key_figures,
)


def bare_row(row: dict[str, object], columns: list[str]) -> tuple[object, ...]:
    """The same row as SQLite stores it (what SQLAlchemy's types would write)."""
    defaults: dict[str, object] = {
        "time_local": None,
        "place_id": None,
        "admin4_id": None,
        "local_type": None,
        "weapons": "[]",
        "impacts": "[]",
        "civilian_targeting": 0,
        "sensitive_fields": "[]",
        "author": "",
        "killed_claimed": 0,
        "harm_unrecorded": 0,
        "dataset_key": None,
        "verification": "unverified",
        "sensitivity": "internal",
        "review_status": "draft",
        "date_precision": 1,
        "location_precision": 1,
        "created_at": "2026-01-01 00:00:00.000000",
        "updated_at": "2026-01-01 00:00:00.000000",
        "updated_by": "",
        "version": 1,
    }
    out = []
    for c in columns:
        v = row.get(c, defaults.get(c))
        if isinstance(v, uuid.UUID):
            v = v.hex
        elif isinstance(v, dt.date):
            v = v.isoformat()
        elif isinstance(v, list):
            v = json.dumps(v)
        elif isinstance(v, bool):
            v = int(v)
        out.append(v)
    return tuple(out)


def time_insert(n: int, workdir: Path) -> tuple[float, float]:
    ours = create_project(workdir / f"ours-{n}.sitrep", user="bench")
    geo = make_geography(ours)
    rows_ours = list(incident_rows(geo, n))  # generated outside the timing, for both
    t0 = time.perf_counter()
    with ours.session() as s:
        bulk_insert_incidents(s, rows_ours, what="bench")
    t_ours = time.perf_counter() - t0
    ours.close()

    bare_proj = create_project(workdir / f"bare-{n}.sitrep", user="bench")
    geo_b = make_geography(bare_proj)
    bare_proj.close()
    db = sqlite3.connect(workdir / f"bare-{n}.sitrep")
    # the same connection settings the app uses, so only the code path differs
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA cache_size = -65536")
    db.execute("PRAGMA temp_store = MEMORY")
    columns = [r[1] for r in db.execute("PRAGMA table_info(incident)")]
    sql = f"INSERT INTO incident ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    rows = [bare_row(r, columns) for r in incident_rows(geo_b, n)]
    t0 = time.perf_counter()
    with db:
        db.executemany(sql, rows)
    t_bare = time.perf_counter() - t0
    db.close()
    return t_ours, t_bare


def build(n: int, workdir: Path, passphrase: str | None = None) -> tuple[Project, Geography]:
    name = f"{'enc' if passphrase else 'q'}-{n}.sitrep"
    project = create_project(workdir / name, user="bench", passphrase=passphrase)
    geo = make_geography(project)
    with project.session() as s:
        bulk_insert_incidents(s, incident_rows(geo, n), what="bench")
    with project.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return project, geo


def time_queries(project: Project, geo: Geography, repeats: int = 15) -> dict[str, float]:
    """Median ms of a region+period filter with the aggregates a report/table refresh runs."""
    results: dict[str, list[float]] = {"month": [], "year": [], "township-year": []}
    for i in range(repeats):
        state = geo.admin1[-1 - (i % 5)]  # the busiest states
        district = geo.admin2[state.id][i % 5]
        township = geo.admin3[district.id][i % 4]
        cases = {
            "month": (state, dt.date(2024, 1 + i % 12, 1), 30),
            "year": (state, dt.date(2023, 1, 1), 365),
            "township-year": (township, dt.date(2022, 1, 1), 365),
        }
        for label, (area, start, days) in cases.items():
            region = Region(area.name, (AreaRef(area.id, area.level, area.name),))
            flt = IncidentFilter(
                region=region, date_from=start, date_to=start + dt.timedelta(days=days - 1)
            )
            t0 = time.perf_counter()
            with project.session() as s:
                key_figures(s, flt)
                key_figures(s, flt.previous_period())
                counts_by_type(s, flt)
                counts_by_area(s, flt, min(area.level + 1, 3))
                counts_by_period(s, flt, "week")
            results[label].append((time.perf_counter() - t0) * 1000)
    return {k: statistics.median(v) for k, v in results.items()}


def time_encrypted(n: int, workdir: Path) -> None:
    """Insert and filter+aggregates on a plain and an encrypted project, and the ratios."""
    figures: dict[str, tuple[float, dict[str, float]]] = {}
    for label, passphrase in (("plain", None), ("encrypted", "bench passphrase")):
        project = create_project(
            workdir / f"{label}-{n}.sitrep", user="bench", passphrase=passphrase
        )
        geo = make_geography(project)
        rows = list(incident_rows(geo, n))
        t0 = time.perf_counter()
        with project.session() as s:
            bulk_insert_incidents(s, rows, what="bench")
        insert = time.perf_counter() - t0
        with project.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        project.close()  # reopened as a user would: the filter reads through the cipher
        from sitrep.store import open_project

        project = open_project(project.location, user="bench", passphrase=passphrase)
        cold = time_queries(project, geo)  # first pass: pages read (and decrypted) from disk
        warm = time_queries(project, geo)  # second pass: SQLite's page cache holds them
        figures[label] = (insert, {**cold, **{f"{k}, again": v for k, v in warm.items()}})
        project.close()
    (p_ins, p_q), (e_ins, e_q) = figures["plain"], figures["encrypted"]
    print(
        f"encrypted vs plain, insert {n:,} incidents: {e_ins:.2f} s vs {p_ins:.2f} s, "
        f"ratio {e_ins / p_ins:.2f}x (target <= 1.5x)"
    )
    for key in p_q:
        print(
            f"  filter+aggregates ({key}) at {n:,}: {e_q[key]:.1f} ms vs {p_q[key]:.1f} ms, "
            f"ratio {e_q[key] / p_q[key]:.2f}x (target <= 1.5x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--insert", type=int, default=100_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--encrypted-only", action="store_true", help="only the encrypted vs plain comparison"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        time_encrypted(args.insert, work)
        if args.encrypted_only:
            return
        t_ours, t_bare = time_insert(args.insert, work)
        print(
            f"insert {args.insert:,} incidents: sitrep {t_ours:.2f} s, bare sqlite3 "
            f"executemany {t_bare:.2f} s, ratio {t_ours / t_bare:.2f}x (target <= 2x)"
        )
        for n in args.sizes:
            t0 = time.perf_counter()
            project, geo = build(n, work)
            print(f"built {n:,} incidents in {time.perf_counter() - t0:.1f} s")
            medians = time_queries(project, geo)
            for label, ms in medians.items():
                print(
                    f"  {n:>9,} incidents, region+period ({label}) with aggregates: "
                    f"median {ms:.1f} ms (target <= 100 ms)"
                )
            project.close()


if __name__ == "__main__":
    main()
