"""Report files: written together with their record, or not at all; nil reports."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from sitrep.cli import main
from sitrep.model import Report, ReportFile
from sitrep.reporting import outputs
from sitrep.store import Project
from tests.reporting import docx_read


def _args(
    project: Project, out: Path, *extra: str, dates: tuple[str, str] | tuple[()] = ()
) -> list[str]:
    start, end = dates or ("2025-06-02", "2025-06-08")
    return [
        "report",
        project.location,
        "--region",
        "Kachin",
        "--from",
        start,
        "--to",
        end,
        "--output",
        str(out),
        *extra,
    ]


def _stored(project: Project) -> tuple[int, int]:
    with project.session() as s:
        reports = s.scalar(select(func.count()).select_from(Report)) or 0
        files = s.scalar(select(func.count()).select_from(ReportFile)) or 0
    return int(reports), int(files)


def _assert_nothing_left(
    project: Project, folder: Path, err: str, message: str, *paths: Path
) -> None:
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    for path in paths:
        assert not path.exists() or path.is_dir()
    assert not list(folder.glob(".*.part")) and not list(folder.glob("*.part"))
    assert not list(folder.glob(".*.bak"))
    assert _stored(project) == (0, 0)


def test_failed_json_write_leaves_no_report_and_no_document(
    kachin: tuple[Project, dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project, _ = kachin
    out, figures = tmp_path / "r.docx", tmp_path / "f.json"
    real_write = outputs.StagedFiles.write

    def full_on_json(self: outputs.StagedFiles, target: Path, data: bytes) -> None:
        if target.suffix == ".json":
            raise outputs.os_problem(OSError(errno.ENOSPC, "No space left on device"), target)
        real_write(self, target, data)

    monkeypatch.setattr(outputs.StagedFiles, "write", full_on_json)
    assert main(_args(project, out, "--json", str(figures))) == 1
    err = capsys.readouterr().err
    _assert_nothing_left(project, tmp_path, err, "The disk is full", out, figures)


def test_full_disk_while_writing_the_document(
    kachin: tuple[Project, dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project, _ = kachin
    out = tmp_path / "r.docx"

    def no_space(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    assert main(_args(project, out)) == 1
    err = capsys.readouterr().err
    _assert_nothing_left(project, tmp_path, err, f"The disk is full: {out}", out)


def test_output_that_is_a_folder_and_a_folder_that_cannot_be_written(
    kachin: tuple[Project, dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project, _ = kachin
    folder = tmp_path / "looks-like-a-file.docx"
    folder.mkdir()
    assert main(_args(project, folder)) == 1
    err = capsys.readouterr().err
    _assert_nothing_left(project, tmp_path, err, "is a folder", folder)
    assert folder.is_dir() and not any(folder.iterdir())
    # tests run as root, for whom every folder is writable: ask the check as a user would
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        os,
        "access",
        lambda p, mode: False if Path(p) == locked else real_access(p, mode),
    )
    assert main(_args(project, locked / "r.docx")) == 1
    err = capsys.readouterr().err
    _assert_nothing_left(project, locked, err, "cannot be written to (permission denied)")


def test_second_move_failing_puts_the_first_file_back(
    kachin: tuple[Project, dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project, _ = kachin
    out, figures = tmp_path / "r.docx", tmp_path / "f.json"
    out.write_bytes(b"last week's report")
    real_replace = os.replace

    def refuse_json(src: Any, dst: Any) -> None:
        if str(dst).endswith("f.json"):
            raise PermissionError(errno.EACCES, "Permission denied")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", refuse_json)
    assert main(_args(project, out, "--json", str(figures))) == 1
    err = capsys.readouterr().err
    assert "cannot be written to (permission denied)" in err
    assert out.read_bytes() == b"last week's report"  # the earlier file is back
    assert not figures.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert _stored(project) == (0, 0)


def test_record_failing_leaves_no_files(
    kachin: tuple[Project, dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sitrep.errors import SitrepError
    from sitrep.reporting import build

    project, _ = kachin
    out, figures = tmp_path / "r.docx", tmp_path / "f.json"

    def deleted(*_a: Any, **_k: Any) -> Any:
        raise SitrepError("The report was deleted while it was being generated.")

    monkeypatch.setattr(build, "_record", deleted)
    assert main(_args(project, out, "--json", str(figures))) == 1
    err = capsys.readouterr().err
    _assert_nothing_left(project, tmp_path, err, "deleted while", out, figures)


def test_success_places_both_files_and_records_them(
    kachin: tuple[Project, dict[str, Any]], tmp_path: Path
) -> None:
    project, _ = kachin
    out, figures = tmp_path / "r.docx", tmp_path / "f.json"
    assert main(_args(project, out, "--json", str(figures))) == 0
    assert out.read_bytes()[:2] == b"PK" and json.loads(figures.read_text())["number"] == 1
    with project.session() as s:
        (record,) = s.scalars(select(ReportFile))
        assert record.path == str(out.resolve())
        assert record.json_path == str(figures.resolve())
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_nil_period_gives_a_proper_nil_report(
    kachin: tuple[Project, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project, _ = kachin
    out, figures = tmp_path / "nil.docx", tmp_path / "nil.json"
    week = ("2025-07-07", "2025-07-13")
    assert main(_args(project, out, "--json", str(figures), dates=week)) == 0
    assert "0 incidents" in capsys.readouterr().out
    doc = docx_read.open_docx(out)
    assert set(docx_read.key_figures(doc).values()) == {0}
    text = docx_read.body_text(doc)
    assert "No incidents were recorded in Kachin State between 7 and 13 July 2025" in text
    assert "No incidents were recorded in the period." in text  # the annex
    assert "A nil report records that nothing was reported" in text
    assert "Map 1." in text
    data = json.loads(figures.read_text())
    assert data["figures"]["incidents"] == 0 and data["references"]["incidents"] == []
    assert _stored(project) == (1, 1)
