"""Build the reference templates ``resources/templates/{periodic,flash}.docx``.

The DOCX writer takes every style from these files, so an organisation restyles its
sitreps by opening a template in Word, changing the styles (fonts, colours, header
band, logo) and saving it under the same name: no code changes. This module creates
the shipped versions reproducibly (fixed timestamps, byte-identical on every run):

    python scripts/report_templates.py

Header and footer text carries placeholders the writer fills in: ``{organisation}``,
``{classification}`` and ``{title}``; the footer has PAGE and NUMPAGES fields.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Length, Pt, RGBColor
from docx.styles.style import BaseStyle

from sitrep.paths import resource

LATIN_FONT = "Arial"
MYANMAR_FONT = "Noto Sans Myanmar"
MYANMAR_FALLBACK = "Padauk"
INK = "262626"
MUTED = "595959"
FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)
KINDS = ("periodic", "flash")


@dataclass(frozen=True)
class Palette:
    accent: str  # headings, table header rows, header band
    light: str  # key-figure boxes, banded rows
    band_label: str  # the word in the header band


PALETTES = {
    "periodic": Palette(accent="1F4E79", light="EAF1F8", band_label="SITUATION REPORT"),
    "flash": Palette(accent="8E1B2C", light="F6EBEC", band_label="FLASH UPDATE"),
}


# --------------------------------------------------------------------------- styles


def _fonts(style: BaseStyle, size: float | None = None) -> None:
    """Latin font plus the complex-script / East Asian set (Burmese)."""
    font = style.font  # type: ignore[attr-defined]
    font.name = LATIN_FONT
    if size is not None:
        font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), LATIN_FONT)
    rfonts.set(qn("w:hAnsi"), LATIN_FONT)
    rfonts.set(qn("w:cs"), MYANMAR_FONT)
    rfonts.set(qn("w:eastAsia"), MYANMAR_FONT)
    if size is not None:
        szcs = rpr.find(qn("w:szCs"))
        if szcs is None:
            szcs = parse_xml(f"<w:szCs {nsdecls('w')}/>")
            rpr.append(szcs)
        szcs.set(qn("w:val"), str(round(size * 2)))


def _para_style(
    doc: DocumentObject,
    name: str,
    *,
    base: str = "Normal",
    size: float = 10,
    bold: bool = False,
    italic: bool = False,
    colour: str = INK,
    before: float = 0,
    after: float = 6,
    align: WD_ALIGN_PARAGRAPH | None = None,
    keep_next: bool = False,
    line: float | None = None,
) -> BaseStyle:
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.quick_style = True  # type: ignore[attr-defined]
    if name != "Normal":
        style.base_style = styles[base]  # type: ignore[attr-defined]
    _fonts(style, size)
    font = style.font  # type: ignore[attr-defined]
    font.bold = bold
    font.italic = italic
    font.color.rgb = RGBColor.from_string(colour)
    font.color.theme_color = None
    pf = style.paragraph_format  # type: ignore[attr-defined]
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    pf.keep_with_next = keep_next
    if line is not None:
        pf.line_spacing = line
    if align is not None:
        pf.alignment = align
    return style


def _bottom_border(style: BaseStyle, colour: str, size: int = 6) -> None:
    ppr = style.element.get_or_add_pPr()
    for old in ppr.findall(qn("w:pBdr")):
        ppr.remove(old)
    ppr.append(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="{size}" w:space="2" '
            f'w:color="{colour}"/></w:pBdr>'
        )
    )


def _doc_defaults(doc: DocumentObject) -> None:
    styles_el = doc.styles.element
    defaults = styles_el.find(qn("w:docDefaults"))
    if defaults is not None:
        styles_el.remove(defaults)
    styles_el.insert(
        0,
        parse_xml(
            f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>"
            f'<w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" '
            f'w:eastAsia="{MYANMAR_FONT}" w:cs="{MYANMAR_FONT}"/>'
            '<w:sz w:val="20"/><w:szCs w:val="20"/>'
            '<w:lang w:val="en-GB" w:eastAsia="en-GB" w:bidi="my-MM"/>'
            "</w:rPr></w:rPrDefault>"
            '<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/>'
            "</w:pPr></w:pPrDefault></w:docDefaults>"
        ),
    )


def _table_style(doc: DocumentObject, palette: Palette) -> None:
    """ "Sitrep Table": shaded header row (repeated by the writer), light banding."""
    styles_el = doc.styles.element
    styles_el.append(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="SitrepTable">'
            '<w:name w:val="Sitrep Table"/><w:basedOn w:val="TableNormal"/>'
            '<w:uiPriority w:val="40"/><w:qFormat/>'
            '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            '<w:rPr><w:sz w:val="17"/><w:szCs w:val="17"/></w:rPr>'
            "<w:tblPr>"
            '<w:tblBorders><w:top w:val="single" w:sz="8" w:space="0" w:color="'
            f'{palette.accent}"/>'
            '<w:bottom w:val="single" w:sz="8" w:space="0" w:color="'
            f'{palette.accent}"/>'
            '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="D0D7DE"/></w:tblBorders>'
            '<w:tblCellMar><w:top w:w="45" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
            '<w:bottom w:w="45" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
            "</w:tblPr>"
            '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/><w:color w:val="FFFFFF"/>'
            "</w:rPr><w:tblPr/><w:trPr><w:tblHeader/></w:trPr>"
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{palette.accent}"/>'
            '<w:vAlign w:val="bottom"/></w:tcPr></w:tblStylePr>'
            '<w:tblStylePr w:type="lastRow"><w:rPr><w:b/><w:bCs/></w:rPr><w:tblPr/>'
            '<w:tcPr><w:tcBorders><w:top w:val="single" w:sz="8" w:space="0" w:color="'
            f'{palette.accent}"/></w:tcBorders></w:tcPr></w:tblStylePr>'
            '<w:tblStylePr w:type="band1Horz"><w:tblPr/>'
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{palette.light}"/></w:tcPr>'
            "</w:tblStylePr></w:style>"
        )
    )
    styles_el.append(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" '
            'w:styleId="KeyFiguresTable"><w:name w:val="Key Figures Table"/>'
            '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="41"/><w:qFormat/>'
            '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            "<w:tblPr>"
            '<w:tblBorders><w:insideV w:val="single" w:sz="36" w:space="0" w:color="FFFFFF"/>'
            "</w:tblBorders>"
            '<w:tblCellMar><w:top w:w="100" w:type="dxa"/><w:left w:w="60" w:type="dxa"/>'
            '<w:bottom w:w="100" w:type="dxa"/><w:right w:w="60" w:type="dxa"/></w:tblCellMar>'
            "</w:tblPr>"
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{palette.light}"/></w:tcPr>'
            "</w:style>"
        )
    )
    styles_el.append(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" '
            'w:styleId="HeaderBand"><w:name w:val="Header Band"/>'
            '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="42"/>'
            '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            '<w:rPr><w:b/><w:color w:val="FFFFFF"/><w:sz w:val="16"/></w:rPr>'
            '<w:tblPr><w:tblCellMar><w:top w:w="90" w:type="dxa"/><w:left w:w="140" '
            'w:type="dxa"/><w:bottom w:w="90" w:type="dxa"/><w:right w:w="140" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr>"
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{palette.accent}"/>'
            '<w:vAlign w:val="center"/></w:tcPr></w:style>'
        )
    )


def _char_style(doc: DocumentObject, name: str, colour: str, underline: bool = False) -> None:
    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    style.font.color.rgb = RGBColor.from_string(colour)  # type: ignore[attr-defined]
    style.font.underline = underline  # type: ignore[attr-defined]


def build_styles(doc: DocumentObject, palette: Palette) -> None:
    _doc_defaults(doc)
    accent = palette.accent
    _para_style(doc, "Normal", size=10, after=6, line=1.1)
    h1 = _para_style(
        doc, "Heading 1", size=13, bold=True, colour=accent, before=14, after=6, keep_next=True
    )
    _bottom_border(h1, accent, 6)
    _para_style(
        doc, "Heading 2", size=11, bold=True, colour=accent, before=10, after=4, keep_next=True
    )
    _para_style(
        doc, "Heading 3", size=10, bold=True, colour=INK, before=8, after=3, keep_next=True
    )
    title = _para_style(doc, "Title", size=22, bold=True, colour=accent, before=4, after=2)
    ppr = title.element.get_or_add_pPr()
    for old in ppr.findall(qn("w:pBdr")):
        ppr.remove(old)
    _para_style(doc, "Subtitle", size=11.5, colour=MUTED, after=2)
    _para_style(doc, "Sitrep Organisation", size=9, bold=True, colour=MUTED, after=2)
    _para_style(doc, "Sitrep Meta", size=8.5, colour=MUTED, after=2)
    marking = _para_style(doc, "Classification Marking", size=8.5, bold=True, colour=accent)
    _bottom_border(marking, "BFBFBF", 4)
    _para_style(doc, "List Bullet", size=10, after=4, line=1.1)
    _para_style(doc, "Highlight", base="List Bullet", size=10, after=4, line=1.1)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para_style(doc, "Key Figure Number", size=20, bold=True, colour=accent, after=0, align=center)
    _para_style(doc, "Key Figure Label", size=8, bold=True, colour=INK, after=2, align=center)
    _para_style(doc, "Key Figure Change", size=7.5, colour=MUTED, after=0, align=center)
    _para_style(doc, "Table Text", size=8.5, after=0, line=1.0)
    _para_style(doc, "Table Number", size=8.5, after=0, line=1.0, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para_style(doc, "Annex Text", size=7.5, after=0, line=1.0)
    _para_style(doc, "Caption", size=8, bold=True, colour=INK, before=4, after=2)
    _para_style(doc, "Source Note", size=7.5, italic=True, colour=MUTED, after=8)
    _para_style(doc, "Claim Note", size=9, italic=True, colour=MUTED, after=4)
    _para_style(doc, "Header", size=8, colour=MUTED, after=0)
    _para_style(doc, "Footer", size=7.5, colour=MUTED, after=0)
    _char_style(doc, "Hyperlink", accent)
    _char_style(doc, "Incident Reference", accent)
    _table_style(doc, palette)


# --------------------------------------------------------------------------- page set-up


def _field(paragraph_el: object, instr: str, placeholder: str) -> None:
    """Append a complex field (PAGE, NUMPAGES) the way Word writes it."""
    for xml in (
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>',
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {nsdecls('w')}><w:t>{placeholder}</w:t></w:r>",
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        paragraph_el.append(parse_xml(xml))  # type: ignore[attr-defined]


def _page_setup(doc: DocumentObject, palette: Palette) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.6), Cm(2.0)
    section.left_margin = section.right_margin = Cm(1.9)
    section.header_distance, section.footer_distance = Cm(0.8), Cm(0.9)
    usable = Length(
        int(section.page_width or 0)
        - int(section.left_margin or 0)
        - int(section.right_margin or 0)
    )

    header = section.header
    header.is_linked_to_previous = False
    band = header.add_table(1, 2, usable)
    band.style = doc.styles["Header Band"]
    band.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = band.rows[0].cells
    left.width, right.width = Cm(12.5), Length(usable - Cm(12.5))
    for col, width in zip(
        band._tbl.tblGrid.findall(qn("w:gridCol")), (left.width, right.width), strict=True
    ):
        col.set(qn("w:w"), str(int(width / 635)))  # twips: Word and LibreOffice read the grid
    for cell in (left, right):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for cell in (left, right):
        cell.paragraphs[0].paragraph_format.space_after = Pt(0)
        cell.paragraphs[0].paragraph_format.line_spacing = 1.0
    p = left.paragraphs[0]
    p.add_run("{organisation}").bold = True
    p.add_run(f"  |  {palette.band_label}")
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.add_run("{classification}")
    # the empty paragraph Word requires after a table in a header, kept tiny
    tail = header.paragraphs[0]
    tail.paragraph_format.space_after = Pt(0)
    tail.paragraph_format.line_spacing = Pt(2)
    header._element.remove(tail._element)
    header._element.append(tail._element)

    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.style = doc.styles["Footer"]
    pf = p.paragraph_format
    for style_name in ("Header", "Footer"):  # the stock styles carry Letter-size tab stops
        ppr_style = doc.styles[style_name].element.get_or_add_pPr()
        for tabs in ppr_style.findall(qn("w:tabs")):
            ppr_style.remove(tabs)
    pf.tab_stops.add_tab_stop(usable // 2, WD_TAB_ALIGNMENT.CENTER)
    pf.tab_stops.add_tab_stop(usable, WD_TAB_ALIGNMENT.RIGHT)
    ppr = p._element.get_or_add_pPr()
    ppr.append(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:top w:val="single" w:sz="4" w:space="4" '
            'w:color="BFBFBF"/></w:pBdr>'
        )
    )
    bold = p.add_run("{classification}")
    bold.bold = True
    p.add_run("\t")
    p.add_run("{title}")
    p.add_run("\tPage ")
    _field(p._element, "PAGE", "1")
    p.add_run(" of ")
    _field(p._element, "NUMPAGES", "1")


def _sample_body(doc: DocumentObject) -> None:
    """Show every style once, so whoever restyles the template sees what they change."""
    doc.add_paragraph("Organisation name", style="Sitrep Organisation")
    doc.add_paragraph("Region: Situation Report No. 1", style="Title")
    doc.add_paragraph("Reporting period · issue date", style="Subtitle")
    doc.add_paragraph("CLASSIFICATION · coverage line", style="Classification Marking")
    doc.add_paragraph("Highlights", style="Heading 1")
    doc.add_paragraph("A highlight bullet (style Highlight).", style="Highlight")
    doc.add_paragraph("Heading 2", style="Heading 2")
    doc.add_paragraph(
        "Body text in the Normal style. Burmese text uses the complex-script font: "
        "ကချင်ပြည်နယ် (Kachin State)."
    )
    doc.add_paragraph("A claim worded as a claim (style Claim Note).", style="Claim Note")
    kf = doc.add_table(rows=1, cols=3)
    kf.style = doc.styles["Key Figures Table"]
    for cell, (number, label) in zip(
        kf.rows[0].cells,
        (("12", "Incidents"), ("34", "People killed"), ("5", "Injured")),
        strict=True,
    ):
        cell.paragraphs[0].text = number
        cell.paragraphs[0].style = doc.styles["Key Figure Number"]
        cell.add_paragraph(label, style="Key Figure Label")
        cell.add_paragraph("▲ 2 vs previous period", style="Key Figure Change")
    doc.add_paragraph("Figure 1. Caption", style="Caption")
    table = doc.add_table(rows=3, cols=3)
    table.style = doc.styles["Sitrep Table"]
    for r, values in enumerate(
        (("Area", "Incidents", "Killed"), ("A", "3", "1"), ("B", "2", "0"))
    ):
        for c, value in enumerate(values):
            table.cell(r, c).paragraphs[0].text = value
            table.cell(r, c).paragraphs[0].style = doc.styles["Table Text"]
    doc.add_paragraph("Source note (style Source Note).", style="Source Note")
    doc.add_paragraph("Annex row text (style Annex Text).", style="Annex Text")


def _font_table(doc: DocumentObject) -> None:
    """Declare the Burmese font with Padauk as its alternative name."""
    for part in doc.part.package.iter_parts():
        if str(part.partname) == "/word/fontTable.xml":
            blob = part.blob.decode("utf-8")
            entry = (
                f'<w:font w:name="{MYANMAR_FONT}"><w:altName w:val="{MYANMAR_FALLBACK}"/>'
                '<w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/>'
                "</w:font>"
            )
            if MYANMAR_FONT not in blob:
                blob = blob.replace("</w:fonts>", entry + "</w:fonts>")
            part._blob = blob.encode("utf-8")  # generic part: its bytes are the content


def build_template(kind: str) -> bytes:
    if kind not in PALETTES:
        raise ValueError(f"unknown template kind {kind!r}")
    palette = PALETTES[kind]
    doc = Document()
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    build_styles(doc, palette)
    _page_setup(doc, palette)
    _sample_body(doc)
    _font_table(doc)
    props = doc.core_properties
    props.author = "Sitrep"
    props.last_modified_by = "Sitrep"
    props.title = f"Sitrep {kind} template"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    raw = io.BytesIO()
    doc.save(raw)
    return _normalise_zip(raw.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Same bytes on every run: fixed entry times and order."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_templates(folder: Path | None = None) -> list[Path]:
    target = folder or resource("templates")
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = target / f"{kind}.docx"
        path.write_bytes(build_template(kind))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else None
    for path in write_templates(folder):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
