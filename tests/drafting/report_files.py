"""Small report files made by the tools that make them in real life (python-docx, fpdf2,
the e-mail package), so the readers are tested on genuine files, not hand-made bytes."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from pathlib import Path

PARAGRAPH = (
    "MYITKYINA, 6 March 2025 — Two civilians were killed and five injured when artillery "
    "shells hit Namti village on Tuesday, residents said. The military council denied it."
)


def write_docx(
    path: Path,
    paragraphs: list[str],
    table: list[list[str]] | None = None,
    *,
    title: str = "",
    author: str = "",
    modified: dt.datetime | None = None,
) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.add_paragraph("Prepared by the field office.")
    props = document.core_properties
    props.title, props.author = title, author
    if modified is not None:
        props.created = props.modified = modified
    document.save(str(path))
    return path


def write_pdf(
    path: Path, lines: list[str], *, created: dt.datetime | None = None, text_layer: bool = True
) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if created is not None:
        pdf.set_creation_date(created)
    pdf.set_title("Field report")
    pdf.set_author("Field office")
    if text_layer:
        pdf.set_font("helvetica", size=11)
        for line in lines:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    else:  # what a scanner writes: marks on the page, no characters
        pdf.set_fill_color(40, 40, 40)
        for i, _ in enumerate(lines):
            pdf.rect(20, 20 + 8 * i, 150, 4, style="F")
    pdf.output(str(path))
    return path


def write_eml(
    path: Path,
    body: str,
    *,
    html: str | None = None,
    date: str = "Thu, 06 Mar 2025 18:40:00 +0630",
    attachment: tuple[str, bytes] | None = None,
) -> Path:
    message = EmailMessage()
    message["From"] = "Field Office Bhamo <bhamo@example.org>"
    message["To"] = "info@example.org"
    message["Subject"] = "Daily report: shelling in Namti"
    if date:
        message["Date"] = date
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    if attachment is not None:
        message.add_attachment(
            attachment[1], maintype="application", subtype="pdf", filename=attachment[0]
        )
    path.write_bytes(bytes(message))
    return path
