"""Long and large reports stay readable: annex cap, areas of one level, charts, map labels."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from docx.oxml.ns import qn

from sitrep.cli import main
from sitrep.reporting import charts, staticmap
from sitrep.store import Project
from sitrep.store.queries import PeriodCount
from tests.conftest import make_area, make_incident
from tests.reporting import docx_read, scenario


def _report(project: Project, out: Path, *extra: str, region: str = "Kachin") -> list[str]:
    period = ["--from", "2025-06-02", "--to", "2025-06-08"]
    return ["report", project.location, "--region", region, *period, "-o", str(out), *extra]


def test_annex_cap_lists_the_most_harmful_and_summarises_the_rest(
    kachin: tuple[Project, dict[str, Any]], tmp_path: Path
) -> None:
    project, _ = kachin
    out, figures = tmp_path / "capped.docx", tmp_path / "f.json"
    assert main(_report(project, out, "--annex-limit", "3", "--json", str(figures))) == 0
    doc = docx_read.open_docx(out)
    tables = docx_read.tables_by_first_header(doc)
    rows = [s for s in scenario.INCIDENTS if scenario.in_period(s)]
    listed = tables["Reference"][1:]
    assert len(listed) == 3
    # the three with the most harm: the two blasts and the drone strike, in date order
    assert [r[1] for r in listed] == ["3 Jun 2025", "6 Jun 2025", "8 Jun 2025"]
    summary = next(
        rows_
        for rows_ in (
            [[c.text for c in row.cells] for row in t.rows]
            for t in doc.tables
            if t.style.name == "Sitrep Table"
        )
        if rows_[0][:2] == ["Township", "Incidents"]
    )
    total = summary[-1]
    assert total[0] == "Total" and int(total[1]) == len(rows) - 3
    assert int(total[2]) == sum(s.killed for s in rows) - (7 + 5 + 2)
    text = docx_read.body_text(doc)
    assert f"The 3 incidents with the most harm, of {len(rows)} described in this report" in text
    assert "the incidents each figure counts are in the figures file (JSON)" in text
    assert len(json.loads(figures.read_text())["references"]["incidents"]) == len(rows)


def test_areas_affected_counts_one_level_and_unplaced_incidents_apart(
    kachin: tuple[Project, dict[str, Any]], tmp_path: Path
) -> None:
    project, areas = kachin
    # placed in the state only: not a township, and not an "Unknown area" township
    make_incident(
        project,
        title="Clash somewhere in Kachin",
        date_start=dt.date(2025, 6, 4),
        admin1_id=areas["state"].id,
        casualties=[{"best": 9}],
    )
    figures = tmp_path / "f.json"
    out = tmp_path / "r.docx"
    assert main(_report(project, out, "--json", str(figures))) == 0
    data = json.loads(figures.read_text())
    townships = {s.township for s in scenario.INCIDENTS if scenario.in_period(s)}
    assert data["figures"]["areas_affected"] == len(townships)
    assert data["areas"] == {"level": 3, "counted_as": "townships", "incidents_without_area": 1}
    doc = docx_read.open_docx(out)
    table = docx_read.tables_by_first_header(doc)["Township"]
    names = [r[0] for r in table[1:-1]]
    assert names[-1] == "No known township"  # apart, after the named townships
    assert names[0] == "Hpakant"  # the deadliest first (12 killed)
    killed = [int(r[3]) for r in table[1:-2]]
    assert killed == sorted(killed, reverse=True)
    text = docx_read.body_text(doc)
    assert "1 incident with no known township is counted in the other figures only" in text


def test_the_deadliest_areas_are_never_folded_into_others(
    project: Project, tmp_path: Path
) -> None:
    state = make_area(project, "Kachin", 1, "MMR001")
    for i in range(16):
        township = make_area(project, f"Township {i:02d}", 3, f"MMR0010{i:02d}", parent=state)
        for _ in range(3 if i >= 14 else 1):  # two busy townships without deaths
            make_incident(
                project,
                date_start=dt.date(2025, 6, 3),
                admin1_id=state.id,
                admin3_id=township.id,
                casualties=[{"best": 1 + i}] if i < 14 else [],
            )
    out = tmp_path / "r.docx"
    assert main(_report(project, out)) == 0
    table = docx_read.tables_by_first_header(docx_read.open_docx(out))["Township"]
    names = [r[0] for r in table[1:-1]]
    assert names[:14] == [f"Township {i:02d}" for i in range(13, -1, -1)]
    # the two busier townships without deaths are the ones folded, not the deadly ones
    assert names[14:] == ["2 other townships"]


def test_bangladesh_counts_upazilas(project: Project, tmp_path: Path) -> None:
    from sitrep.model import AdminArea

    division = make_area(project, "Chittagong", 1)
    upazila = make_area(project, "Teknaf", 3, parent=division)
    with project.session() as s:
        for area in s.query(AdminArea):
            area.country_iso = "BGD"
    make_incident(
        project,
        country_iso="BGD",
        admin1_id=division.id,
        admin3_id=upazila.id,
        lat=20.86,
        lon=92.3,
    )
    out, figures = tmp_path / "bgd.docx", tmp_path / "f.json"
    args = _report(project, out, "--json", str(figures), region="Chittagong")
    args[args.index("--from") + 1] = "2025-06-01"
    assert main(args) == 0
    doc = docx_read.open_docx(out)
    cells = next(t for t in doc.tables if t.style.name == "Key Figures Table").rows[0].cells
    assert "Upazilas affected" in cells[-1].text
    assert "Upazila" in docx_read.tables_by_first_header(doc)
    title = next(p.text for p in doc.paragraphs if p.style.name == "Title")
    assert title.startswith("Bangladesh: Chittagong Division – Situation Report No. 1")
    assert json.loads(figures.read_text())["areas"]["counted_as"] == "upazilas"


def test_last_partial_week_and_full_dates_in_the_caption(
    kachin: tuple[Project, dict[str, Any]], tmp_path: Path
) -> None:
    project, _ = kachin
    out = tmp_path / "r.docx"
    args = _report(project, out)
    args[args.index("--to") + 1] = "2025-06-04"  # a Wednesday
    assert main(args) == 0
    text = docx_read.body_text(docx_read.open_docx(out))
    assert "Figure 1. Incidents per week by type, 17 March 2025 – 4 June 2025" in text
    assert "The last week (2 June – 4 June 2025) is partial and drawn hatched" in text
    assert "Figure 2" not in text and "Map 1." in text


def test_partial_week_is_drawn_apart() -> None:
    weekly = [PeriodCount(dt.date(2025, 6, 2), "Battles", 3, 0)]
    full = charts.weekly_chart(
        weekly, dt.date(2025, 5, 26), dt.date(2025, 6, 2), dt.date(2025, 6, 8)
    )
    cut = charts.weekly_chart(
        weekly, dt.date(2025, 5, 26), dt.date(2025, 6, 2), dt.date(2025, 6, 4)
    )
    assert full != cut  # the same counts, drawn differently when the week is cut short


def test_burmese_paragraphs_keep_the_line_height(
    kachin: tuple[Project, dict[str, Any]], tmp_path: Path
) -> None:
    project, _ = kachin
    out = tmp_path / "r.docx"
    assert main(_report(project, out)) == 0
    doc = docx_read.open_docx(out)
    burmese = [
        p
        for p in doc.element.body.iter(qn("w:p"))
        if "မြစ်ကြီးနား" in "".join(t.text or "" for t in p.iter(qn("w:t")))
    ]
    assert burmese
    for p in burmese:
        spacing = p.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
        assert spacing is not None and spacing.get(qn("w:lineRule")) == "exact"
        assert 150 <= int(spacing.get(qn("w:line"))) <= 300  # about one Latin line
    plain = next(p for p in doc.paragraphs if p.text.startswith("Between"))
    assert plain._p.find(f"{qn('w:pPr')}/{qn('w:spacing')}") is None


def test_map_labels_do_not_collide() -> None:
    # a crowd of towns around a few incidents, the legend corner included
    labels = [
        staticmap.MapLabel(f"Town {i}", 96.0 + (i % 6) * 0.05, 25.0 + (i // 6) * 0.03)
        for i in range(36)
    ]
    points = [
        staticmap.MapPoint(96.1, 25.05, "Battles", 3),
        staticmap.MapPoint(96.2, 25.1, "Riots"),
    ]
    layout: dict[str, Any] = {}
    png = staticmap.incident_map(
        points, (), labels, subject=staticmap.MapLabel("Kachin", 96.12, 25.08), layout=layout
    )
    assert png.startswith(b"\x89PNG")
    placed = [box for _name, box in layout["labels"]]
    assert 3 <= len(placed) < len(labels)  # some, not all: the rest would overlap
    for i, a in enumerate(placed):
        assert not any(a.overlaps(b) for b in placed[i + 1 :])
        assert not any(a.overlaps(o) for o in layout["obstacles"])
    assert "KACHIN" in layout["texts"]  # the subject is named on the map


@pytest.mark.parametrize("limit", ["-1"])
def test_bad_annex_limit(
    kachin: tuple[Project, dict[str, Any]], tmp_path: Path, limit: str
) -> None:
    project, _ = kachin
    assert main(_report(project, tmp_path / "r.docx", "--annex-limit", limit)) == 1


def test_data_without_townships_counts_districts(project: Project, tmp_path: Path) -> None:
    from sitrep.interchange.importer import import_file
    from tests.interchange.fixtures import ucdp_row, write_ucdp

    rows = [
        ucdp_row(str(i), adm_2=district, date_start="2025-06-03", date_end="2025-06-03")
        for i, district in enumerate(["Mohnyin district", "Mohnyin district", "Bhamo district"])
    ]
    import_file(project, write_ucdp(tmp_path / "ged.csv", rows))
    out, figures = tmp_path / "r.docx", tmp_path / "f.json"
    assert main(_report(project, out, "--json", str(figures))) == 0
    data = json.loads(figures.read_text())
    assert data["areas"]["counted_as"] == "districts"
    assert data["figures"]["areas_affected"] == 2
    doc = docx_read.open_docx(out)
    cells = next(t for t in doc.tables if t.style.name == "Key Figures Table").rows[0].cells
    assert "Districts affected" in cells[-1].text
    table = docx_read.tables_by_first_header(doc)["District"]
    assert [r[0] for r in table[1:-1]] == ["Mohnyin District", "Bhamo District"]
