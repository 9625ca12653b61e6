"""Render pages of a report built from real data (UCDP GED, CC BY 4.0), for the README.

    .venv/bin/python scripts/real_report_pages.py [OUT_DIR]

Imports ../shared/data/ucdp/ged_myanmar_1989_2023.csv into a throw-away project, writes
the final monthly report for Kachin State, October 2023, renders it with LibreOffice
and saves pages 1 and 2 as report-real-ucdp-page{1,2}.png. UCDP's data may be shown
with credit (CC BY 4.0); ACLED's terms and MIMU's boundaries are not for publishing, so
neither is used here. Needs ../shared/data (or SITREP_SHARED_DATA) and LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts import docx_pages as render  # noqa: E402
from sitrep.interchange.importer import import_file  # noqa: E402
from sitrep.model.enums import ReportKind  # noqa: E402
from sitrep.places.regions import resolve_region  # noqa: E402
from sitrep.reporting.build import generate, spec_for_cli  # noqa: E402
from sitrep.store import create_project  # noqa: E402

DATA = Path(os.environ.get("SITREP_SHARED_DATA") or ROOT.parent / "shared" / "data")


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    ged = DATA / "ucdp" / "ged_myanmar_1989_2023.csv"
    if not ged.exists():
        print(f"no real data at {ged}", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp())
    try:
        project = create_project(work / "ucdp.sitrep", name="UCDP GED Myanmar")
        project.set_setting("organisation", "Example Information Unit")
        project.set_setting("reference_prefix", "GED")
        import_file(project, ged)
        with project.session() as s:
            region = resolve_region(s, "Kachin")
            spec = spec_for_cli(
                s, region, dt.date(2023, 10, 1), dt.date(2023, 10, 31), ReportKind.PERIODIC,
                None, final=True,
            )  # fmt: skip
        docx = work / "kachin-2023-10.docx"
        generate(project, spec, docx, today=dt.date(2023, 11, 6))
        project.close()
        pdf = render.to_pdf(docx, work)
        pages = render.to_png(pdf, work / "page", dpi=90)
        out.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(pages[:2], start=1):
            shutil.copy(page, out / f"report-real-ucdp-page{number}.png")
            print(out / f"report-real-ucdp-page{number}.png")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
