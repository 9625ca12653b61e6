"""Convert a DOCX to PDF/PNG with LibreOffice and poppler, to look at the pages.

Used by tests, by ``scripts/real_report_pages.py`` and to make the README screenshot; a
development tool, outside the ``sitrep`` package: the app itself never needs LibreOffice.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from sitrep.errors import SitrepError


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: Path, outdir: Path, timeout: float = 180) -> Path:
    exe = soffice()
    if exe is None:
        raise SitrepError("LibreOffice (soffice) is not installed.")
    with tempfile.TemporaryDirectory(prefix="sitrep-lo-") as profile:
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                str(docx),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    pdf = outdir / (docx.stem + ".pdf")
    if not pdf.exists():
        raise SitrepError(f"LibreOffice did not convert {docx}.")
    return pdf


def pdf_text(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run(
        [*args, str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    for line in info.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise SitrepError(f"pdfinfo found no page count in {pdf}.")


def pdf_fonts(pdf: Path) -> str:
    return subprocess.run(
        ["pdffonts", str(pdf)], check=True, capture_output=True, text=True
    ).stdout


def to_png(pdf: Path, prefix: Path, dpi: int = 110) -> list[Path]:
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True, timeout=120
    )
    return sorted(prefix.parent.glob(prefix.name + "-*.png"))
