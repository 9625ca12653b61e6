"""The generated report as LibreOffice lays it out: pages, page numbers, fonts."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from scripts import docx_pages as render
from sitrep.model.enums import ReportKind
from sitrep.places.regions import resolve_region
from sitrep.reporting.build import generate, spec_for_cli
from sitrep.store import Project
from tests.reporting import scenario

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        render.soffice() is None or shutil.which("pdftotext") is None,
        reason="LibreOffice (soffice) or poppler-utils not installed: "
        "apt-get install libreoffice-writer-nogui poppler-utils (scripts/setup.sh does)",
    ),
]


def test_pdf_pages_footer_and_burmese(
    kachin: tuple[Project, dict[str, Any]], tmp_path: Path
) -> None:
    project, _ = kachin
    with project.session() as s:
        spec = spec_for_cli(
            s, resolve_region(s, "Kachin"), *scenario.PERIOD, ReportKind.PERIODIC, None
        )
    out = tmp_path / "kachin.docx"
    generate(project, spec, out, today=dt.date(2025, 6, 10))
    pdf = render.to_pdf(out, tmp_path)
    pages = render.pdf_pages(pdf)
    assert 4 <= pages <= 8
    for page in range(1, pages + 1):
        text = render.pdf_text(pdf, page)
        assert re.search(rf"Page {page} of {pages}\b", text), f"no page number on page {page}"
        assert "INTERNAL" in text
        assert "Myanmar: Kachin State – Situation Report No. 1" in text
    first = render.pdf_text(pdf, 1)
    assert "Highlights" in first and "Key figures" in first
    everything = " ".join(render.pdf_text(pdf).split())
    assert "Annex 1. Incident log" in everything
    assert "this could not be independently verified" in everything
    assert "NotoSansMyanmar" in render.pdf_fonts(pdf).replace(" ", "")
    pngs = render.to_png(pdf, tmp_path / "page", dpi=40)
    assert len(pngs) == pages
