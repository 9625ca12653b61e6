"""A report built from a shared PostgreSQL database says what the SQLite one says."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sitrep.demo import build_demo
from sitrep.model.enums import ReportKind
from sitrep.places.regions import resolve_region
from sitrep.reporting.build import generate, spec_for_cli
from sitrep.store import Project
from tests.reporting import docx_read
from tests.store.test_postgres import pg_url  # noqa: F401  (the fixture)

pytestmark = pytest.mark.postgres
PERIOD = (dt.date(2025, 6, 2), dt.date(2025, 6, 8))


def _report(project: Project, out: Path) -> tuple[dict[str, object], list[list[str]]]:
    with project.session() as s:
        spec = spec_for_cli(s, resolve_region(s, "Kachin"), *PERIOD, ReportKind.PERIODIC, None)
    result = generate(project, spec, out, today=dt.date(2025, 6, 10))
    figures = result.data.figures_json()
    figures.pop("data_hash")  # record ids differ between the two builds
    annex = docx_read.tables_by_first_header(docx_read.open_docx(out))["Reference"]
    return figures, annex


def test_report_on_postgres_matches_sqlite(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    pg = build_demo(pg_url, synthetic=120)
    lite = build_demo(tmp_path / "demo.sitrep", synthetic=120)
    try:
        assert pg.engine.dialect.name == "postgresql"
        assert _report(pg, tmp_path / "pg.docx") == _report(lite, tmp_path / "lite.docx")
    finally:
        pg.close()
        lite.close()
