"""The generated document, reopened with python-docx and checked as data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx.oxml.ns import qn

from sitrep.errors import SitrepError
from sitrep.model import Report
from sitrep.model.enums import ReportKind
from sitrep.places.regions import resolve_region
from sitrep.reporting.build import Generated, generate, spec_for_cli
from sitrep.reporting.docx_xml import bookmark_name
from sitrep.store import Project, create_project
from tests.reporting import docx_read, scenario


def _generate(project: Project, out: Path, kind: ReportKind = ReportKind.PERIODIC) -> Generated:
    with project.session() as s:
        spec = spec_for_cli(s, resolve_region(s, "Kachin"), *scenario.PERIOD, kind, None)
    return generate(project, spec, out, today=dt.date(2025, 6, 10))


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, Path, Generated]]:
    """One project and report for the read-only checks (generation takes a second)."""
    folder = tmp_path_factory.mktemp("report")
    project = create_project(folder / "k.sitrep", name="K", user="tester")
    project.set_setting("organisation", "Kachin Relief Network")
    scenario.build(project)
    out = folder / "kachin.docx"
    yield project, out, _generate(project, out)
    project.close()


@pytest.fixture
def report_file(shared: tuple[Project, Path, Generated]) -> tuple[Path, Generated]:
    return shared[1], shared[2]


def test_sections_in_order(report_file: tuple[Path, Generated]) -> None:
    doc = docx_read.open_docx(report_file[0])
    assert docx_read.headings(doc) == [
        "Highlights",
        "Key figures",
        "Situation overview",
        "Incidents by type and area",
        "What changed since the previous report",
        "Annex 1. Incident log",
        "Annex 2. Methodology, definitions and caveats",
    ]
    title = next(p.text for p in doc.paragraphs if p.style.name == "Title")
    assert title == "Myanmar: Kachin State – Situation Report No. 1"
    assert "Reporting period: 2–8 June 2025" in docx_read.body_text(doc)


def test_every_key_figure(report_file: tuple[Path, Generated]) -> None:
    doc = docx_read.open_docx(report_file[0])
    assert docx_read.key_figures(doc) == scenario.expected(scenario.PERIOD)
    text = docx_read.body_text(doc)
    now, before = scenario.expected(scenario.PERIOD), scenario.expected(scenario.PREVIOUS)
    diff = now["incidents"] - before["incidents"]
    assert before["incidents"] < 20  # a small count: the change is a number, not a percent
    assert f"▲ +{diff} vs previous period" in text
    assert "%" not in text.split("Key figures", 1)[1].split("Situation overview", 1)[0]
    assert "Change compared with the previous week (26 May – 1 June 2025)" in text


def test_tables_have_one_row_per_item(report_file: tuple[Path, Generated]) -> None:
    doc = docx_read.open_docx(report_file[0])
    tables = docx_read.tables_by_first_header(doc)
    rows = [s for s in scenario.INCIDENTS if scenario.in_period(s)]
    prev = [s for s in scenario.INCIDENTS if scenario.in_period(s, scenario.PREVIOUS)]
    types = {s.event_type for s in rows} | {s.event_type for s in prev}
    assert len(tables["Type"]) == 1 + len(types) + 1  # header, types, total
    assert tables["Type"][-1][:2] == ["Total", str(len(rows))]
    townships = {s.township for s in rows}
    assert len(tables["Township"]) == 1 + len(townships) + 1
    hpakant = next(r for r in tables["Township"] if r[0] == "Hpakant")
    assert hpakant[2] == str(sum(1 for s in rows if s.township == "Hpakant"))
    annex = tables["Reference"]
    assert len(annex) == 1 + len(rows)
    assert [r[1] for r in annex[1:]] == [
        f"{s.day.day} {s.day:%b %Y}" for s in sorted(rows, key=lambda s: s.day)
    ]
    header_rows = [t.rows[0]._tr for t in doc.tables if t.style.name == "Sitrep Table"]
    assert all(tr.trPr.find(qn("w:tblHeader")) is not None for tr in header_rows)


def test_pictures_map_and_chart(report_file: tuple[Path, Generated]) -> None:
    doc = docx_read.open_docx(report_file[0])
    shapes = doc.inline_shapes
    assert len(shapes) == 2
    section = doc.sections[0]
    assert None not in (section.page_width, section.left_margin, section.right_margin)
    usable = (
        int(section.page_width or 0)
        - int(section.left_margin or 0)
        - int(section.right_margin or 0)
    )
    for shape in shapes:
        assert abs(shape.width - usable) < 10_000
    blobs = [
        doc.part.related_parts[s._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        for s in shapes
    ]
    assert all(b.startswith(b"\x89PNG") and len(b) > 20_000 for b in blobs)
    text = docx_read.body_text(doc)
    assert "Map 1. Incidents in Kachin State, 2–8 June 2025, by type" in text
    assert "Figure 1. Incidents per week by type, 17 March 2025 – 8 June 2025" in text
    descriptions = [s._inline.docPr.get("descr") for s in shapes]
    assert descriptions[0].startswith("Map of Kachin State showing 6 of 6 incidents")
    assert descriptions[1].startswith("Bar chart of incidents per week by type in Kachin State")


def test_header_footer_classification_and_page_fields(
    report_file: tuple[Path, Generated],
) -> None:
    doc = docx_read.open_docx(report_file[0])
    section = doc.sections[0]
    header_xml = section.header._element.xml
    footer = section.footer._element
    assert "Kachin Relief Network" in header_xml and "INTERNAL" in header_xml
    instr = [t.text.strip() for t in footer.iter(qn("w:instrText"))]
    assert instr == ["PAGE", "NUMPAGES"]
    footer_text = "".join(t.text for t in footer.iter(qn("w:t")))
    assert footer_text.startswith("INTERNAL")
    assert "Myanmar: Kachin State – Situation Report No. 1" in footer_text
    assert "{" not in header_xml + footer_text  # every placeholder filled


def test_claim_wording_and_no_claims_in_totals(report_file: tuple[Path, Generated]) -> None:
    doc = docx_read.open_docx(report_file[0])
    text = docx_read.body_text(doc)
    assert (
        "KIA said 10 members of Military of Myanmar were killed; "
        "this could not be independently verified."
    ) in text
    assert "Claim (KIA): 10 killed; not verified" in text
    assert docx_read.key_figures(doc)["killed"] == scenario.expected()["killed"]


def test_bookmarks_and_links(report_file: tuple[Path, Generated]) -> None:
    out, generated = report_file
    doc = docx_read.open_docx(out)
    body = doc.element.body
    marks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert marks == {bookmark_name(r.reference) for r in generated.data.incidents}
    anchors = {h.get(qn("w:anchor")) for h in body.iter(qn("w:hyperlink"))}
    assert anchors and anchors <= marks


def test_burmese_text_and_complex_script_fonts(report_file: tuple[Path, Generated]) -> None:
    doc = docx_read.open_docx(report_file[0])
    assert "မြစ်ကြီးနား" in docx_read.body_text(doc)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts.get(qn("w:cs")) == "Noto Sans Myanmar"
    assert fonts.get(qn("w:eastAsia")) == "Noto Sans Myanmar"


def test_report_record_and_hash(shared: tuple[Project, Path, Generated], tmp_path: Path) -> None:
    project, out, first = shared
    with project.session() as s:
        report = s.get_one(Report, first.report_id)
        assert report.number == 1
        (record,) = report.files
        assert record.path == str(out.resolve())
        assert record.data_hash == first.data.data_hash
        assert record.figures_json["figures"] == scenario.expected()
        assert record.filter_json["from"] == "2025-06-02"
        assert len(record.snapshot) == scenario.expected()["incidents"]
    again = _generate(project, tmp_path / "again.docx")
    # the same region, kind and period: a new revision of the same report
    assert (again.number, again.revision) == (first.number, 2)
    assert again.report_id == first.report_id
    assert again.data.data_hash == first.data.data_hash  # same data, same hash
    with project.session() as s:
        revisions = [(f.revision, f.status) for f in s.get_one(Report, first.report_id).files]
        assert revisions == [(1, "draft"), (2, "draft")]
    doc = docx_read.open_docx(tmp_path / "again.docx")
    text = docx_read.body_text(doc)
    assert "Issued 10 June 2025  ·  Revision 2  ·  DRAFT" in text
    assert "This revision replaces revision 1 of" in text


def test_organisation_logo_in_the_header_band(
    kachin: tuple[Project, dict[str, Any]], tmp_path: Path
) -> None:
    import io

    from matplotlib.figure import Figure

    fig = Figure(figsize=(1, 1), dpi=50)
    fig.text(0.5, 0.5, "NGO")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    logo = tmp_path / "logo.png"
    logo.write_bytes(buf.getvalue())
    project, _ = kachin
    project.set_setting("logo", str(logo))
    out = tmp_path / "with-logo.docx"
    _generate(project, out)
    header = docx_read.open_docx(out).sections[0].header
    images = [r for r in header.part.rels.values() if r.reltype.endswith("/image")]
    assert len(images) == 1
    assert images[0].target_part.blob == logo.read_bytes()
    cell_xml = header.tables[0].cell(0, 0)._tc.xml
    assert cell_xml.index("<pic:pic") < cell_xml.index("Kachin Relief Network")
    logo.unlink()
    with pytest.raises(SitrepError, match=r"logo .* is missing"):
        _generate(project, tmp_path / "no-logo.docx")
    assert not (tmp_path / "no-logo.docx").exists()
