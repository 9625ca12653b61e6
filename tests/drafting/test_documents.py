"""Reading reports from files and pasted text: the text, its own date and where it came
from, and one clear sentence for what cannot be read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sitrep.drafting.documents import find_dateline, html_to_text, read_document, text_document
from sitrep.errors import SitrepError
from tests.drafting.report_files import PARAGRAPH, write_docx, write_eml, write_pdf

UNDATED = "Two civilians were killed in Namti on Tuesday, residents said."


def test_pasted_text_takes_its_dateline_with_the_words() -> None:
    doc = text_document(PARAGRAPH)
    assert doc.report_date == dt.date(2025, 3, 6)
    span = doc.report_date_evidence
    assert span is not None and doc.text[span.start : span.end] == "6 March 2025"
    assert "6 March 2025" in doc.report_date_source


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("YANGON, 6 March 2025 (Reuters) -", dt.date(2025, 3, 6)),
        ("Bhamo, March 6, 2025: fighting", dt.date(2025, 3, 6)),
        ("Report of 2025-03-06\nText", dt.date(2025, 3, 6)),
        ("LAIZA, 21st Sept 2024 — ", dt.date(2024, 9, 21)),
        ("Date: 30 February 2025", None),  # no such day
        ("On 06/03/2025 shelling", None),  # day-first or month-first: not guessed
        ("On 4 March 2025 soldiers shelled Namti.", None),  # an event's date
        ("Weekly update\nShelling continued since 1 March 2025.", None),
        ("Weekly update\n\nKachin State | 6 March 2025\nText", dt.date(2025, 3, 6)),
        (
            "Field report\nThe office was told by phone that, in the week before "
            "the rains, 4 March 2025 saw heavy fighting around the town.",
            None,
        ),  # long line
    ],
)
def test_datelines(head: str, expected: dt.date | None) -> None:
    found = find_dateline(head)
    assert (found[0] if found else None) == expected


def test_a_date_far_down_is_an_events_not_the_reports() -> None:
    text = "Shelling report.\n" + "x " * 300 + "On 4 March 2025 two people died."
    assert text_document(text).report_date is None


def test_text_file_line_ends_normalised_and_legacy_encoding_noted(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes("Caf\xe9 owner killed in Myitkyina.\r\nSecond line.".encode("cp1252"))
    doc = read_document(path)
    assert doc.text == "Café owner killed in Myitkyina.\nSecond line."
    assert doc.kind == "text" and doc.name == "report.txt"
    assert doc.report_date is None
    assert any("cp1252" in n for n in doc.notes)


def test_utf8_text_with_burmese_read_as_is(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("ဗန်းမော်, 6 March 2025 — shelling.", encoding="utf-8")
    doc = read_document(path)
    assert doc.text.startswith("ဗန်းမော်") and doc.notes == []
    assert doc.report_date == dt.date(2025, 3, 6)


def test_docx_paragraphs_tables_and_properties(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "report.docx",
        [UNDATED, "Security situation remains tense."],
        [["Date", "Place", "Killed"], ["4 March", "Namti", "2"]],
        title="Weekly field report",
        author="Daw Hla",
        modified=dt.datetime(2025, 3, 7, 9, 0, tzinfo=dt.UTC),
    )
    doc = read_document(path)
    assert doc.kind == "docx"
    assert doc.text.splitlines()[:4] == [
        UNDATED,
        "Security situation remains tense.",
        "Date\tPlace\tKilled",
        "4 March\tNamti\t2",
    ]
    assert "Prepared by the field office." in doc.text  # text after the table kept in order
    assert (doc.title, doc.author) == ("Weekly field report", "Daw Hla")
    assert doc.report_date == dt.date(2025, 3, 7)
    assert doc.report_date_evidence is None and "properties" in doc.report_date_source


def test_docx_dateline_wins_over_properties(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "r.docx", [PARAGRAPH], modified=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )
    doc = read_document(path)
    assert doc.report_date == dt.date(2025, 3, 6) and doc.report_date_evidence is not None


def test_pdf_text_layer_and_creation_date(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "report.pdf",
        [UNDATED, "The military council denied it."],
        created=dt.datetime(2025, 3, 8, 10, 0, tzinfo=dt.UTC),
    )
    doc = read_document(path)
    assert doc.kind == "pdf"
    assert "killed in Namti on Tuesday" in " ".join(doc.text.split())
    assert "military council denied" in doc.text
    assert doc.report_date == dt.date(2025, 3, 8)
    assert (doc.title, doc.author) == ("Field report", "Field office")


def test_scanned_pdf_says_so(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "scan.pdf", ["a", "b"], text_layer=False)
    with pytest.raises(SitrepError, match=r"scan.pdf has no text layer: .*scanned image"):
        read_document(path)


def test_eml_plain_date_subject_sender_and_attachment_note(tmp_path: Path) -> None:
    path = write_eml(tmp_path / "m.eml", UNDATED, attachment=("photos.pdf", b"%PDF-1.4"))
    doc = read_document(path)
    assert doc.kind == "eml" and doc.text.strip() == UNDATED
    assert doc.title == "Daily report: shelling in Namti"
    assert doc.author == "Field Office Bhamo"
    # the sender's own day (18:40 at +06:30 is 12:10 UTC, same day here)
    assert doc.report_date == dt.date(2025, 3, 6)
    assert "Date header" in doc.report_date_source
    assert len(doc.notes) == 1 and "photos.pdf" in doc.notes[0]


def test_eml_date_is_the_senders_day_not_utc(tmp_path: Path) -> None:
    path = write_eml(tmp_path / "m.eml", UNDATED, date="Fri, 07 Mar 2025 01:30:00 +0630")
    assert read_document(path).report_date == dt.date(2025, 3, 7)  # 6 March in UTC


def test_eml_html_only_body_is_made_safe_text(tmp_path: Path) -> None:
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = "Flash"
    message["Date"] = "Thu, 06 Mar 2025 18:40:00 +0630"
    message.set_content(
        "<html><head><title>x</title><style>p{color:red}</style></head><body>"
        "<p>Two civilians &amp; a child were <b>killed</b> in Namti.</p>"
        "<script>alert('x')</script><table><tr><td>Killed</td><td>3</td></tr></table>"
        "</body></html>",
        subtype="html",
    )
    path = tmp_path / "h.eml"
    path.write_bytes(bytes(message))
    doc = read_document(path)
    assert doc.text == "Two civilians & a child were killed in Namti.\n\nKilled\t3"


def test_html_to_text_drops_hidden_parts() -> None:
    assert html_to_text("<div>a<br>b</div><noscript>no</noscript>") == "a\nb"


def test_eml_without_date_leaves_it_to_the_officer(tmp_path: Path) -> None:
    path = write_eml(tmp_path / "m.eml", UNDATED, date="")
    assert read_document(path).report_date is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("old.doc", b"\xd0\xcf\x11\xe0", r"old.doc is not a kind of file Sitrep reads"),
        ("bad.docx", b"not a zip at all", r"bad.docx is not a Word document"),
        ("bad.pdf", b"%PDF-1.4\n garbage", r"bad.pdf is not a PDF Sitrep can read"),
        ("empty.txt", b"  \n ", r"empty.txt holds no text"),
        ("bad.eml", b"", r"bad.eml is not an e-mail message"),
    ],
)
def test_unreadable_files_one_sentence(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SitrepError, match=message) as info:
        read_document(path)
    assert str(info.value).count(". ") == 0  # one sentence


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SitrepError, match="cannot be read"):
        read_document(tmp_path / "gone.txt")
