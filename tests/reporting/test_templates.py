"""The shipped reference templates are reproducible and carry the styles we use."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from scripts.report_templates import KINDS, build_template
from sitrep.reporting.build import template_path

STYLES = (
    "Title",
    "Heading 1",
    "Heading 2",
    "Highlight",
    "Key Figure Number",
    "Key Figure Label",
    "Key Figure Change",
    "Table Text",
    "Annex Text",
    "Caption",
    "Source Note",
    "Sitrep Table",
    "Key Figures Table",
    "Hyperlink",
    "Incident Reference",
)


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_template_is_up_to_date(kind: str) -> None:
    built = build_template(kind)
    assert build_template(kind) == built, "template build is not reproducible"
    assert template_path(kind).read_bytes() == built, (
        "resources/templates is stale: run python scripts/report_templates.py"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_template_styles_page_and_fonts(kind: str) -> None:
    doc = Document(io.BytesIO(build_template(kind)))
    names = {s.name for s in doc.styles}
    assert set(STYLES) <= names
    section = doc.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert abs(section.page_width - Cm(21)) < Cm(0.01)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.01)
    fonts = doc.styles["Normal"].element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts.get(qn("w:cs")) == "Noto Sans Myanmar"
    footer = section.footer._element
    assert [t.text.strip() for t in footer.iter(qn("w:instrText"))] == ["PAGE", "NUMPAGES"]
    assert "{classification}" in footer.xml and "{classification}" in section.header._element.xml
    header_style = doc.styles["Sitrep Table"].element
    first_row = header_style.find(qn("w:tblStylePr"))
    assert first_row.get(qn("w:type")) == "firstRow"
    assert first_row.find(f"{qn('w:tcPr')}/{qn('w:shd')}") is not None
