"""Interchange benchmarks: ACLED import against a bare load, and gazetteer searches.

Run: python bench/interchange.py [ACLED.csv]
(default: ../shared/data/acled/bangladesh_2010_2024.csv)

1. Import of the ACLED file through the app (``import_file``: encoding detection,
   parsing, validation, admin-area matching, actors, casualties, sources, external
   ids, one transaction) into a new project, against two baselines measured in the
   same run on the same rows:
   a. bare ``csv`` + ``sqlite3``: the rows as they are, one table, one executemany;
   b. bare ``csv`` + ``sqlite3`` into the same normalised tables the app fills
      (incident, casualty, source, actor link, external id; same indexes), with the
      minimum of parsing and no validation.
   Target: app ≤ 3 × baseline.
2. Re-import of the same file (everything unchanged).
3. Export of the imported incidents as CSV and as XLSX (streamed with XlsxWriter).
   Target: XLSX ≤ 3 × CSV.
4. Gazetteer prefix searches (``search_world``) over 200 prefixes of 2–6 letters taken
   from real place names. Target: median ≤ 20 ms.
"""

from __future__ import annotations

import csv
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sitrep.interchange.exporters import export_incidents  # noqa: E402
from sitrep.interchange.importer import import_file  # noqa: E402
from sitrep.places.gazetteer import connection, search_world  # noqa: E402
from sitrep.store import create_project, open_project  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "data" / "acled" / "bangladesh_2010_2024.csv"


def bare_one_table(path: Path, db_path: Path) -> float:
    start = time.perf_counter()
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = list(reader)
    db = sqlite3.connect(db_path)
    cols = ", ".join(f'"{c}"' for c in header)
    db.execute(f"CREATE TABLE acled ({cols})")
    db.executemany(f"INSERT INTO acled VALUES ({', '.join('?' for _ in header)})", rows)
    db.commit()
    db.close()
    return time.perf_counter() - start


def bare_same_tables(path: Path, project_path: Path) -> float:
    """The same rows into the project's own tables, with plain sqlite3."""
    create_project(project_path).close()
    start = time.perf_counter()
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    db = sqlite3.connect(project_path)
    now = "2026-01-01 00:00:00.000000"
    incidents, casualties, sources, links, externals, actors = [], [], [], [], [], {}
    for i, r in enumerate(rows):
        inc = uuid.uuid4().hex
        incidents.append(
            (inc, f"BEN-{i}", r["location"], r["notes"], r["event_date"], r["event_date"], 1,
             r["location"], float(r["latitude"]), float(r["longitude"]),
             int(r["geo_precision"]), "BGD", r["event_type"], r["sub_event_type"],
             "[]", "[]", 0, "unverified", "internal", "[]", "draft", "", 0,
             int(r["fatalities"]), 0, 0, 0, 0, now, now, "", 1)
        )  # fmt: skip
        if int(r["fatalities"]):
            f = int(r["fatalities"])
            casualties.append(
                (uuid.uuid4().hex, inc, 0, "killed", "unknown", "unknown", "unknown", f, f, f,
                 0, "", now, now, "", 1)
            )  # fmt: skip
        for j, name in enumerate(s for s in r["source"].split(";") if s.strip()):
            sources.append(
                (uuid.uuid4().hex, inc, j, name.strip(), "other", "", "", "F", 6, now, now, "", 1)
            )
        for col, role in (("actor1", "side A"), ("actor2", "side B")):
            if r[col]:
                actor = actors.setdefault(r[col], uuid.uuid4().hex)
                links.append((inc, actor, role))
        externals.append((inc, "acled", r["event_id_cnty"]))
    db.executemany(
        "INSERT INTO actor (id, name, aliases, inter_code, country_iso, created_at, "
        "updated_at, updated_by, version) VALUES (?, ?, '[]', 0, '', ?, ?, '', 1)",
        [(v, k, now, now) for k, v in actors.items()],
    )
    db.executemany(
        "INSERT INTO incident (id, reference, title, narrative, date_start, date_end, "
        "date_precision, place_name, lat, lon, location_precision, country_iso, event_type, "
        "sub_event_type, weapons, impacts, civilian_targeting, verification, sensitivity, "
        "sensitive_fields, review_status, author, is_synthetic, killed, civilians_killed, "
        "injured, abducted_detained, killed_claimed, created_at, updated_at, updated_by, "
        "version) VALUES (" + ", ".join("?" * 32) + ")",
        incidents,
    )
    db.executemany(
        "INSERT INTO casualty (id, incident_id, position, outcome, affiliation, sex, "
        "age_group, low, best, high, is_party_claim, note, created_at, updated_at, "
        "updated_by, version) VALUES (" + ", ".join("?" * 16) + ")",
        casualties,
    )
    db.executemany(
        "INSERT INTO source (id, incident_id, position, name, source_type, url, excerpt, "
        "reliability, credibility, created_at, updated_at, updated_by, version) VALUES ("
        + ", ".join("?" * 13)
        + ")",
        sources,
    )
    db.executemany(
        "INSERT INTO incident_actor (incident_id, actor_id, role) VALUES (?, ?, ?)", links
    )
    db.executemany(
        "INSERT INTO external_id (incident_id, scheme, value) VALUES (?, ?, ?)", externals
    )
    db.commit()
    db.close()
    return time.perf_counter() - start


def app_import(path: Path, project_path: Path) -> tuple[float, float, int]:
    project = create_project(project_path)
    start = time.perf_counter()
    result = import_file(project, path)
    first = time.perf_counter() - start
    start = time.perf_counter()
    again = import_file(project, path)
    second = time.perf_counter() - start
    assert again.added == 0 and again.unchanged == result.added
    project.close()
    return first, second, result.added


def exports(project_path: Path) -> dict[str, float]:
    """Seconds to export every incident of the project in each format."""
    project = open_project(project_path)
    times = {}
    try:
        for fmt in ("csv", "xlsx"):
            start = time.perf_counter()
            export_incidents(project, project_path.with_suffix(f".{fmt}"), fmt)
            times[fmt] = time.perf_counter() - start
    finally:
        project.close()
    return times


def gazetteer_searches() -> list[float]:
    db = connection()
    names = [r[0] for r in db.execute("SELECT key FROM name ORDER BY key")]
    rng = random.Random(7)
    prefixes = []
    while len(prefixes) < 200:
        name = rng.choice(names)
        n = rng.randint(2, 6)
        if len(name) >= n:
            prefixes.append(name[:n])
    times = []
    for prefix in prefixes:
        start = time.perf_counter()
        search_world(prefix, 20)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not path.exists():
        sys.exit(f"no file {path}")
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        one = bare_one_table(path, t / "bare.db")
        same = bare_same_tables(path, t / "bare.sitrep")
        app, again, n = app_import(path, t / "app.sitrep")
        exported = exports(t / "app.sitrep")
    print(f"file: {path.name}, {n} incidents")
    print(f"baseline a (csv + sqlite3, one table):       {one:7.2f} s")
    print(f"baseline b (csv + sqlite3, the app's tables): {same:7.2f} s")
    print(
        f"app import:                                   {app:7.2f} s  "
        f"= {app / one:.1f} × a, {app / same:.1f} × b (target ≤ 3 ×)"
    )
    print(f"app re-import (all unchanged):                {again:7.2f} s")
    csv_s, xlsx_s = exported["csv"], exported["xlsx"]
    print(f"export of the {n} incidents as CSV:          {csv_s:7.2f} s")
    print(
        f"export as XLSX:                               {xlsx_s:7.2f} s  "
        f"= {xlsx_s / csv_s:.1f} × CSV (target ≤ 3 ×)"
    )
    times = gazetteer_searches()
    print(
        f"gazetteer prefix search, {len(times)} prefixes: "
        f"median {statistics.median(times):.2f} ms, "
        f"p95 {sorted(times)[int(len(times) * 0.95)]:.2f} ms, max {max(times):.2f} ms "
        "(target median ≤ 20 ms)"
    )


if __name__ == "__main__":
    main()
