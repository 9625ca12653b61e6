"""Drafting benchmark: incidents drafted from ACLED notes against the coders' own coding.

Run: python bench/extract.py [--max-test N]
(reads ../shared/data/acled; ACLED's terms allow internal testing only: nothing of it
is committed or shipped.)

For each dataset (Myanmar 2021 remote violence; Bangladesh 2010–2024) the earlier
part is imported into a new temporary project through the app's ACLED import, so the
drafting learns from it as it would from an organisation's own coding (classifier,
places where incidents were coded, actors); then the later notes are drafted one by
one, each with a report date three days after the coded event date (ACLED notes carry
no publication date). A note scores on each field when the FIRST proposal matches:
  date      date_start equals the coded event_date
  deaths    killed + killed_claimed over all proposals equals the coded fatalities
  location  within 10 km of the coded point, or in the same admin-2 area
  type      event type equals; sub-type: sub-event type equals
Baselines measured in the same run on the same notes: the report date as the date,
the first number in the note as fatalities, the project's most used place as the
location, the most frequent (sub-)type of the training part as the type.
Speed: notes per second through :func:`propose` plus the duplicate check, by the wall
clock and by the CPU time of this process (the machine's load average is printed with
them: on a shared machine the wall-clock figure says more about the neighbours).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from sitrep.drafting.cli_io import plain_document  # noqa: E402
from sitrep.drafting.duplicates import likely_duplicates  # noqa: E402
from sitrep.drafting.extract import propose  # noqa: E402
from sitrep.drafting.knowledge import knowledge_for  # noqa: E402
from sitrep.interchange.importer import import_file  # noqa: E402
from sitrep.model import AdminArea, Incident  # noqa: E402
from sitrep.places.names import area_key  # noqa: E402
from sitrep.store import create_project  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "acled"
SETS = (
    ("Myanmar 2021 (remote violence)", "myanmar_2021_remote_violence.csv", "2021-10-01"),
    ("Bangladesh 2010–2024", "bangladesh_2010_2024.csv", "2024-01-01"),
)
FIELDS = ("date", "deaths", "location", "type", "sub-type")


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def _split(path: Path, cut: str, tmp: Path) -> tuple[Path, list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        fields = reader.fieldnames or []
    train = [r for r in rows if r["event_date"][:10] < cut]
    test = [r for r in rows if r["event_date"][:10] >= cut and r.get("notes", "").strip()]
    out = tmp / f"train-{path.name}"
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(train)
    return out, test


def run(label: str, name: str, cut: str, max_test: int) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix="sitrep-bench-extract-"))
    train_csv, test = _split(DATA / name, cut, tmp)
    test = test[:max_test] if max_test else test
    project = create_project(tmp / "bench.sitrep", name="bench", user="bench")
    t0 = time.perf_counter()
    import_file(project, train_csv)
    import_seconds = time.perf_counter() - t0
    with project.session() as s:
        t0, c0 = time.perf_counter(), time.process_time()
        know = knowledge_for(s)
        learn_seconds = time.perf_counter() - t0
        learn_cpu = time.process_time() - c0
        areas = {a.id: (a.level, a.name, a.parent_id) for a in s.scalars(select(AdminArea))}
        common_type = Counter(s.scalars(select(Incident.event_type))).most_common(1)[0][0]
        common_sub = Counter(s.scalars(select(Incident.sub_event_type))).most_common(1)[0][0]
        top = s.execute(
            select(Incident.lat, Incident.lon, Incident.admin2_id, func.count())
            .group_by(Incident.lat, Incident.lon, Incident.admin2_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        hits = Counter[str]()
        base = Counter[str]()
        misses: dict[str, list[str]] = {f: [] for f in FIELDS}
        sizes = Counter[int]()  # proposals per note (each note is one coded event)
        t0 = time.perf_counter()
        c0 = time.process_time()
        for row in test:
            coded = dt.date.fromisoformat(row["event_date"][:10])
            report = coded + dt.timedelta(days=3)
            doc = plain_document(row["notes"])
            proposals = propose(doc, report, know)
            for p in proposals:
                p.duplicates = likely_duplicates(s, p.draft)
            sizes[len(proposals)] += 1
            ok = _score(row, proposals, areas)
            for f, good in ok.items():
                hits[f] += good
                if not good and len(misses[f]) < 3:
                    misses[f].append(row["notes"][:160])
            b = _baseline(row, report, common_type, common_sub, top, areas)
            for f, good in b.items():
                base[f] += good
        seconds = time.perf_counter() - t0
        cpu_seconds = time.process_time() - c0
    project.close()
    n = len(test)
    return {
        "label": label, "n": n, "trained_on": know.classifier.trained_on if know.classifier else 0,
        "import_s": import_seconds, "learn_s": learn_seconds, "learn_cpu_s": learn_cpu,
        "rate": n / seconds, "cpu_rate": n / cpu_seconds, "sizes": sizes,
        "hits": {f: hits[f] / n for f in FIELDS}, "base": {f: base[f] / n for f in FIELDS},
        "misses": misses,
    }  # fmt: skip


def _admin2(area_id: str | None, areas: dict) -> str:  # type: ignore[type-arg]
    import uuid

    current = uuid.UUID(area_id) if area_id else None
    while current is not None and current in areas:
        level, name, parent = areas[current]
        if level == 2:
            return area_key(name)
        current = parent
    return ""


def _score(row: dict[str, str], proposals: list, areas: dict) -> dict[str, bool]:  # type: ignore[type-arg]
    if not proposals:
        return dict.fromkeys(FIELDS, False) | {"deaths": int(row["fatalities"] or 0) == 0}
    d = proposals[0].draft
    killed = sum(c.best for p in proposals for c in p.draft.casualties if c.outcome == "killed")
    near = False
    if d.lat and d.lon:
        near = (
            _km((float(d.lat), float(d.lon)), (float(row["latitude"]), float(row["longitude"])))
            <= 10
        )
    same2 = bool(row.get("admin2")) and _admin2(d.area_id, areas) == area_key(row["admin2"])
    return {
        "date": d.date_start == row["event_date"][:10],
        "deaths": killed == int(row["fatalities"] or 0),
        "location": near or same2,
        "type": d.event_type == row["event_type"],
        "sub-type": d.sub_event_type == row["sub_event_type"],
    }


def _baseline(
    row: dict[str, str],
    report: dt.date,
    common_type: str,
    common_sub: str,
    top: tuple,
    areas: dict,
) -> dict[str, bool]:  # type: ignore[type-arg]
    first = re.search(r"\d+", re.sub(r"\b\d{1,2} \w+ \d{4}\b", "", row["notes"]))
    number = int(first.group(0)) if first else 0
    lat, lon, admin2, _ = top
    near = _km((lat, lon), (float(row["latitude"]), float(row["longitude"]))) <= 10
    same2 = _admin2(str(admin2) if admin2 else None, areas) == area_key(row.get("admin2", ""))
    return {
        "date": report.isoformat() == row["event_date"][:10],
        "deaths": number == int(row["fatalities"] or 0),
        "location": near or same2,
        "type": common_type == row["event_type"],
        "sub-type": common_sub == row["sub_event_type"],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-test", type=int, default=0, help="at most this many test notes")
    args = ap.parse_args()
    if not DATA.is_dir():
        print(f"{DATA} is absent: nothing to measure.")
        return 0
    results = [run(label, name, cut, args.max_test) for label, name, cut in SETS]
    print()
    print("| dataset | notes | field | drafting | baseline | target |")
    print("| --- | --- | --- | --- | --- | --- |")
    targets = {"date": 95, "deaths": 85, "location": 80, "type": 80, "sub-type": 65}
    for r in results:
        for f in FIELDS:
            print(
                f"| {r['label']} | {r['n']} | {f} | {r['hits'][f]:.1%} | "  # type: ignore[index]
                f"{r['base'][f]:.1%} | ≥ {targets[f]}% |"  # type: ignore[index]
            )
        print(f"| {r['label']} | {r['n']} | notes/s (wall) | {r['rate']:.0f} | | ≥ 100 |")
        print(f"| {r['label']} | {r['n']} | notes/s (CPU) | {r['cpu_rate']:.0f} | | ≥ 100 |")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nload average at the end: {load} on {os.cpu_count()} CPUs")
    for r in results:
        print(
            f"\n{r['label']}: classifier trained on {r['trained_on']} coded incidents; "
            f"import {r['import_s']:.1f} s, learning {r['learn_s']:.1f} s "
            f"({r['learn_cpu_s']:.1f} s CPU)"
        )
        sizes: Counter[int] = r["sizes"]  # type: ignore[assignment]
        print(
            f"  proposals per note (each note is one coded event): "
            f"{sum(k * v for k, v in sizes.items()) / r['n']:.2f} on average; "  # type: ignore[operator]
            + ", ".join(f"{k}: {v} notes" for k, v in sorted(sizes.items()))
        )
        for f, notes in r["misses"].items():  # type: ignore[attr-defined]
            for note in notes:
                print(f"  miss {f}: {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
