"""Benchmark: a situation report whose annex holds 10,000 incidents.

Measures, in the same run:
  1. the whole report (figures, map, chart, DOCX with the annex as table XML, save);
  2. the annex alone written our way (``w:tr`` XML in one piece);
  3. the same annex written with python-docx's ``table.add_row()`` cell by cell
     (the baseline).
Targets: whole report <= 5 s; annex >= 10x faster than the baseline.

    python bench/report.py [--incidents 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docx import Document

from sitrep.model import AdminArea, Place
from sitrep.model.enums import ReportKind
from sitrep.places.names import area_key
from sitrep.places.regions import resolve_region
from sitrep.reporting.build import generate, spec_for_cli, template_path
from sitrep.reporting.docx_xml import (
    ANNEX_COLUMNS,
    annex_cells,
    annex_table_xml,
    splice_paragraph,
)
from sitrep.reporting.figures import collect
from sitrep.store import Project, create_project
from sitrep.store.incidents import bulk_insert_incidents

TYPES = [
    ("Battles", "Armed clash"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Violence against civilians", "Attack"),
    ("Strategic developments", "Arrests"),
]


def build_project(folder: Path, count: int, start: dt.date, end: dt.date) -> Project:
    project = create_project(folder / "bench.sitrep", name="Bench", user="bench")
    project.set_setting("reference_prefix", "BEN")
    rng = random.Random(7)
    with project.session() as s:
        state = AdminArea(name="Kachin", name_norm="kachin", level=1, pcode="MMR001")
        s.add(state)
        s.flush()
        towns = []
        for i in range(18):
            lat, lon = 24.0 + rng.random() * 3, 96.0 + rng.random() * 2
            town = AdminArea(
                name=f"Township {i + 1}",
                name_norm=area_key(f"Township {i + 1}"),
                level=3,
                pcode=f"MMR001{i + 1:03d}",
                parent_id=state.id,
            )
            s.add(town)
            s.flush()
            s.add(
                Place(
                    name=f"Town {i + 1}", name_norm=f"town {i + 1}", lat=lat, lon=lon, kind="town"
                )
            )
            towns.append((town.id, lat, lon))
        days = (end - start).days + 1
        rows = []
        for i in range(count):
            town_id, lat, lon = rng.choice(towns)
            etype, sub = rng.choice(TYPES)
            killed = rng.choice([0, 0, 0, 1, 2, 3, 5])
            rows.append(
                {
                    "title": f"Incident {i}",
                    "date_start": start + dt.timedelta(days=rng.randrange(days)),
                    "event_type": etype,
                    "sub_event_type": sub,
                    "place_name": f"Village {rng.randrange(400)}",
                    "lat": lat + rng.uniform(-0.1, 0.1),
                    "lon": lon + rng.uniform(-0.1, 0.1),
                    "country_iso": "MMR",
                    "admin1_id": state.id,
                    "admin3_id": town_id,
                    "killed": killed,
                    "civilians_killed": killed // 2,
                    "injured": rng.choice([0, 0, 1, 4]),
                    "verification": "single source",
                }
            )
        bulk_insert_incidents(s, rows, what="bench")
    return project


def baseline_annex(rows: list, template: Path) -> float:  # type: ignore[type-arg]
    """python-docx's way: add_row() and cell text, then save."""
    doc = Document(str(template))
    t0 = time.perf_counter()
    table = doc.add_table(rows=1, cols=len(ANNEX_COLUMNS))
    table.style = doc.styles["Sitrep Table"]
    for cell, (name, _) in zip(table.rows[0].cells, ANNEX_COLUMNS, strict=True):
        cell.text = name
    for row in rows:
        cells = table.add_row().cells
        for cell, lines in zip(cells, annex_cells(row), strict=True):
            cell.text = "\n".join(lines)
    doc.save(io.BytesIO())
    return time.perf_counter() - t0


def fast_annex(rows: list, template: Path) -> float:  # type: ignore[type-arg]
    """Ours (as DocxWriter does it): the table as XML text spliced into the saved file."""
    doc = Document(str(template))
    styles = {
        "table": doc.styles["Sitrep Table"].style_id,
        "text": doc.styles["Annex Text"].style_id,
        "link": doc.styles["Incident Reference"].style_id,
    }
    token = "@@ANNEX@@"
    doc.add_paragraph(token)
    t0 = time.perf_counter()
    xml = annex_table_xml(rows, styles, declare_ns=False)
    raw = io.BytesIO()
    doc.save(raw)
    data = splice_paragraph(raw.getvalue(), token, xml)
    elapsed = time.perf_counter() - t0
    assert len(Document(io.BytesIO(data)).tables[-1].rows) == len(rows) + 1
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=10_000)
    args = parser.parse_args()
    start, end = dt.date(2025, 5, 1), dt.date(2025, 5, 31)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        project = build_project(folder, args.incidents, start, end)
        print(f"setup: {args.incidents:,} incidents inserted in {time.perf_counter() - t0:.2f} s")
        with project.session() as s:
            region = resolve_region(s, "Kachin")
            spec = spec_for_cli(s, region, start, end, ReportKind.PERIODIC, None)
        spec.annex_limit = 0  # every incident in the annex: the case this bench measures
        stages: dict[str, float] = {}
        current: list[tuple[str, float]] = [("Starting", time.perf_counter())]

        def progress(_percent: int, message: str) -> None:
            now = time.perf_counter()
            name, began = current[0]
            stages[name] = now - began
            current[0] = (message, now)

        t0, c0 = time.perf_counter(), time.process_time()
        result = generate(project, spec, folder / "bench.docx", progress=progress)
        whole, cpu = time.perf_counter() - t0, time.process_time() - c0
        size = (folder / "bench.docx").stat().st_size
        print(
            f"whole report: {whole:.2f} s for {result.data.figures.incidents:,} incidents "
            f"({size / 1e6:.1f} MB) — target <= 5 s: {'OK' if whole <= 5 else 'MISSED'}"
        )
        print(f"  CPU time of this process: {cpu:.2f} s (wall time grows on a busy machine)")
        for message, seconds in stages.items():
            print(f"  {message:<28} {seconds:.2f} s")
        with project.session() as s:
            rows = collect(s, region, start, end).incidents
        template = template_path("periodic")
        fast = fast_annex(rows, template)
        slow = baseline_annex(rows, template)
        print(f"annex of {len(rows):,} rows as w:tr XML, saved:          {fast:.2f} s")
        print(f"annex of {len(rows):,} rows with table.add_row(), saved: {slow:.2f} s (baseline)")
        ratio = slow / fast if fast else float("inf")
        print(f"speed-up: {ratio:.1f}x — target >= 10x: {'OK' if ratio >= 10 else 'MISSED'}")
        project.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
