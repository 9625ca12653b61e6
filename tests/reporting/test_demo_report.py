"""The demo project's Kachin report, figures recomputed here with plain SQL."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import pytest

from sitrep.cli import main
from sitrep.store import Project
from tests.reporting import docx_read


def _independent_figures(
    path: str, start: str, end: str, levels: str = "'public','partner','internal','restricted'"
) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        (kachin_id,) = con.execute("SELECT id FROM admin_area WHERE pcode = 'MMR001'").fetchone()
        row = con.execute(
            "SELECT count(*), sum(killed), sum(civilians_killed), sum(injured), "
            "sum(abducted_detained), count(DISTINCT coalesce(admin3_id, admin2_id, admin1_id)) "
            "FROM incident WHERE admin1_id = ? AND date_start BETWEEN ? AND ? "
            f"AND verification != 'retracted' AND sensitivity IN ({levels})",
            (kachin_id, start, end),
        ).fetchone()
    finally:
        con.close()
    keys = docx_read.FIGURE_ORDER
    return {k: int(v or 0) for k, v in zip(keys, row, strict=True)}


def _custom_region_count(path: str, name: str, start: str, end: str) -> int:
    """Incidents in any area of a saved custom region, counted with plain SQL."""
    con = sqlite3.connect(path)
    try:
        (area_ids,) = con.execute(
            "SELECT area_ids FROM custom_region WHERE name = ?", (name,)
        ).fetchone()
        ids = [uuid.UUID(a).hex for a in json.loads(area_ids)]
        marks = ",".join("?" * len(ids))
        (count,) = con.execute(
            "SELECT count(*) FROM incident WHERE date_start BETWEEN ? AND ? "
            "AND verification != 'retracted' AND ("
            + " OR ".join(f"admin{n}_id IN ({marks})" for n in (1, 2, 3, 4))
            + ")",
            (start, end, *ids, *ids, *ids, *ids),
        ).fetchone()
    finally:
        con.close()
    assert count > 1  # the demo puts several incidents there: the check means something
    return int(count)


def test_demo_kachin_report(
    demo_project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, figures = tmp_path / "kachin.docx", tmp_path / "kachin.json"
    args = ["report", demo_project.location, "--region", "Kachin State"]
    args += ["--from", "2025-06-02", "--to", "2025-06-08", "--output", str(out)]
    args += ["--classification", "partner"]
    assert main([*args, "--json", str(figures)]) == 0
    data = json.loads(figures.read_text(encoding="utf-8"))
    # a PARTNER report counts the internal and restricted incidents in its figures (the
    # default) without describing them
    expected = _independent_figures(demo_project.location, "2025-06-02", "2025-06-08")
    described = _independent_figures(
        demo_project.location, "2025-06-02", "2025-06-08", "'public','partner'"
    )
    assert data["figures"] == expected
    assert data["withheld"]["incidents"] == expected["incidents"] - described["incidents"] > 0
    assert data["withheld"]["counted_in_figures"] is True
    assert data["previous"] == _independent_figures(
        demo_project.location, "2025-05-26", "2025-06-01"
    )
    doc = docx_read.open_docx(out)
    assert docx_read.key_figures(doc) == expected
    text = " ".join(docx_read.body_text(doc).split())
    # the KIA's claimed ambush of 7 June is worded as a claim and kept out of the totals
    assert "said at least 10" in text
    assert "were killed; this could not be independently verified" in text
    assert data["killed_claimed"] >= 10
    # the Lone Khin blasts of 3 and 6 June are in the annex
    annex = docx_read.tables_by_first_header(doc)["Reference"]
    places = [row[2] for row in annex]
    assert sum("Lone Khin" in p for p in places) >= 2
    assert len(annex) == 1 + described["incidents"]
    assert "not described" in text and "counted in the key figures" in text


def test_demo_custom_region(demo_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "sr1.docx"
    args = ["report", demo_project.location, "--region", "Special Region 1"]
    args += ["--from", "2025-05-01", "--to", "2025-05-31", "--output", str(out)]
    assert main(args) == 0
    doc = docx_read.open_docx(out)
    title = next(p.text for p in doc.paragraphs if p.style.name == "Title")
    assert title == "Myanmar: Special Region 1 – Situation Report No. 1"
    assert docx_read.key_figures(doc)["incidents"] == _custom_region_count(
        demo_project.location, "Special Region 1", "2025-05-01", "2025-05-31"
    )
